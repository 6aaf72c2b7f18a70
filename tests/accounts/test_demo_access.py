"""The demo sign-in exists only on the demo organisation's database, and is audited."""

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

import manage
from accounts import demo
from demo.load import generate_and_load
from i18n import RelaisError
from roster.apply import import_roster
from storage.db import get_engine, make_engine, read_session, write_session
from storage.migrate import upgrade
from storage.models import AuditLog, DatabaseOrigin, Person, Region, Site
from tests.demo_db import use_database
from tests.roster.conftest import fixture_bytes
from tests.ui.apptest import ROOT, texts

DEMO_KEYS = {"demo_director", "demo_manager", "demo_lead", "demo_admin", "demo_trainer"}


@pytest.fixture
def tiny_demo(engine):
    generate_and_load(engine, size="tiny", seed=3)
    return engine


def make_production(engine):
    """A real organisation: its region and first site typed in, then a roster import."""
    with write_session(engine) as s:
        region = Region(code="ARA", name="Auvergne-Rhône-Alpes")
        s.add(region)
        s.flush()
        s.add(Site(code="LYON-CONF", name="Lyon Confluence", region_id=region.id))
    import_roster(engine, fixture_bytes("roster_clean_fr.csv"), "roster.csv", None,
                  create_sites=True)
    return engine


@pytest.fixture
def production(engine):
    return make_production(engine)


def test_demo_generator_marks_its_database_and_demo_sign_in_is_audited(tiny_demo, monkeypatch):
    monkeypatch.setenv("RELAIS_DEMO", "1")
    assert demo.is_demo_database(tiny_demo) and demo.demo_sign_in_allowed(tiny_demo)
    person = demo.demo_sign_in(tiny_demo, "admin", where="app 10.0.0.7")
    assert person is not None and person.role == "admin"
    with read_session(tiny_demo) as s:
        entry = s.exec(select(AuditLog).where(AuditLog.action == "sign_in")).one()
    assert entry.actor_id == person.id and entry.detail["method"] == "demo"
    assert entry.detail["where"] == "app 10.0.0.7"


def test_no_demo_on_a_real_roster_even_with_relais_demo_on(production, monkeypatch):
    monkeypatch.setenv("RELAIS_DEMO", "1")
    assert not demo.demo_sign_in_allowed(production)
    assert demo.demo_sign_in(production, "director") is None
    with read_session(production) as s:
        assert not s.exec(select(AuditLog).where(AuditLog.action == "sign_in")).all()


def test_a_person_added_to_the_demo_database_ends_the_demo(tiny_demo, monkeypatch):
    monkeypatch.setenv("RELAIS_DEMO", "1")
    with write_session(tiny_demo) as s:
        s.add(Person(first_name="Real", last_name="Person", email="real@org.fr", role="admin"))
    assert not demo.is_demo_database(tiny_demo)
    assert demo.demo_sign_in(tiny_demo, "admin") is None


def test_relais_demo_off_turns_the_demo_off(tiny_demo, monkeypatch):
    monkeypatch.setenv("RELAIS_DEMO", "0")
    assert not demo.demo_sign_in_allowed(tiny_demo)
    assert demo.demo_sign_in(tiny_demo, "admin") is None


def test_roster_import_into_the_demo_is_refused_and_writes_nothing(tiny_demo):
    with read_session(tiny_demo) as s:
        before = len(s.exec(select(Person.id)).all())
    with pytest.raises(RelaisError) as err:
        import_roster(tiny_demo, fixture_bytes("roster_clean_fr.csv"), "roster.csv", None,
                      create_sites=True)
    assert "base vide" in err.value.render("fr") and "empty database" in err.value.render("en")
    with read_session(tiny_demo) as s:
        assert len(s.exec(select(Person.id)).all()) == before


def test_manage_demo_on_an_empty_database_marks_it(tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    get_engine.cache_clear()
    try:
        assert manage.main(["demo", "--size", "tiny", "--if-empty"]) == 0
        engine = make_engine(url)
        with read_session(engine) as s:
            assert s.exec(select(DatabaseOrigin)).one().kind == "demo"
        assert demo.is_demo_database(engine)
        engine.dispose()
    finally:
        get_engine.cache_clear()


def _home(url, monkeypatch):
    import streamlit as st

    monkeypatch.setenv("RELAIS_DEMO", "1")
    use_database(url)
    get_engine.cache_clear()
    st.cache_resource.clear()
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run()


def test_home_of_a_production_database_offers_no_demo(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'prod.db'}"
    engine = make_engine(url)
    upgrade(engine)
    make_production(engine)
    engine.dispose()
    at = _home(url, monkeypatch)
    assert not at.exception
    assert not DEMO_KEYS & {b.key for b in at.button}
    assert "Mode démonstration" not in texts(at)
    assert "Veuillez vous connecter" in texts(at)


def test_home_of_the_demo_database_still_offers_the_demo(demo_url, monkeypatch):
    at = _home(demo_url, monkeypatch)
    assert DEMO_KEYS <= {b.key for b in at.button}
    at.button(key="demo_admin").click().run()
    assert at.session_state["viewer"].via == "demo"


def test_roster_page_on_the_demo_database_says_to_start_from_an_empty_one(demo_url):
    from tests.ui.apptest import demo_viewer, run_page

    use_database(demo_url)
    at = run_page("pages/admin_roster.py", demo_viewer(demo_url, "admin"))
    at.file_uploader[0].set_value(("roster.csv", fixture_bytes("roster_clean_fr.csv"),
                                   "text/csv")).run()
    assert not at.exception
    assert "Partez d’une base vide" in texts(at)
    assert not [b for b in at.button if b.key == "roster_import"]
