"""Sign-in, roster import, people and audit pages, run in AppTest on a small database of our own."""

import pytest
import streamlit as st
from sqlalchemy import func
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from accounts import signin
from i18n import RelaisError
from storage import db
from storage.db import make_engine, read_session, write_session
from storage.migrate import upgrade
from storage.models import AuditLog, Person, Region, Site
from tests.demo_db import use_database
from tests.roster.conftest import fixture_bytes
from tests.ui.apptest import run_page, script_path, texts
from ui.context import Viewer

PASSWORD = "relais-test-password"
FAILURE = "Adresse ou mot de passe incorrect"


def _clear_engine_caches():
    db.get_engine.cache_clear()
    st.cache_resource.clear()


@pytest.fixture
def small(tmp_path, monkeypatch):
    """A database with one site and one person per role; staff have PASSWORD."""
    url = f"sqlite:///{tmp_path / 'small.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with write_session(engine) as s:
        region = Region(code="ARA", name="Auvergne-Rhône-Alpes")
        s.add(region)
        s.flush()
        site = Site(code="LYON-CONF", name="Lyon Confluence", region_id=region.id)
        s.add(site)
        s.flush()
        people = {role: Person(first_name=role.title(), last_name="Test", email=f"{role}@ex.fr",
                               role=role, site_id=site.id if role in {"trainer", "manager"}
                               else None) for role in ("trainer", "manager", "director",
                                                       "lead", "admin")}
        s.add_all(people.values())
        s.flush()
        ids = {role: p.id for role, p in people.items()}
    for role in ("manager", "director", "lead", "admin"):
        signin.set_password(engine, ids[role], PASSWORD)
    previous = __import__("os").environ.get("DATABASE_URL")
    use_database(url)
    _clear_engine_caches()
    yield engine, ids
    _clear_engine_caches()
    if previous is not None:
        use_database(previous)
    engine.dispose()


def admin_viewer(ids):
    return Viewer(person_id=ids["admin"], role="admin", name="Admin Test", via="password")




def submit(email, password):
    at = AppTest.from_file(script_path("pages/sign_in.py"), default_timeout=30).run()
    at.text_input(key="sign_in_email").input(email)
    at.text_input(key="sign_in_password").input(password)
    at.get("form_submit_button")[0].click().run() if at.get("form_submit_button") else None
    return at


@pytest.mark.parametrize("email,password", [("manager@ex.fr", "not the password"),
                                            ("nobody@ex.fr", PASSWORD),
                                            ("trainer@ex.fr", PASSWORD)])
def test_every_failed_sign_in_shows_the_same_message(small, email, password):
    at = submit(email, password)
    assert not at.exception
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and errors[0].startswith(FAILURE)
    assert "viewer" not in at.session_state


def test_manager_signs_in_with_password(small):
    engine, ids = small
    at = submit("Manager@ex.fr", PASSWORD)
    assert not at.exception
    viewer = at.session_state["viewer"]
    assert (viewer.person_id, viewer.role, viewer.via) == (ids["manager"], "manager", "password")


def test_roster_page_lists_problems_by_line_and_writes_nothing(small):
    engine, ids = small
    at = run_page("pages/admin_roster.py", admin_viewer(ids))
    at.file_uploader[0].set_value(("roster.csv", fixture_bytes("roster_messy_fr.csv"),
                                   "text/csv")).run()
    assert not at.exception
    assert "6 problèmes" in at.error[0].value
    problems = at.dataframe[0].value
    assert list(problems["Ligne"]) == [4, 5, 6, 7, 8, 11]
    assert not [b for b in at.button if b.key == "roster_import"]
    with read_session(engine) as s:
        assert s.exec(select(func.count()).select_from(Person)).one() == 5


def test_roster_page_imports_a_clean_file(small):
    engine, ids = small
    at = run_page("pages/admin_roster.py", admin_viewer(ids))
    at.checkbox(key="roster_create_sites").check()
    at.file_uploader[0].set_value(("clean.csv", fixture_bytes("roster_clean_fr.csv"),
                                   "text/csv")).run()
    assert "5 personnes prêtes" in texts(at)
    at.button(key="roster_import").click().run()
    assert not at.exception
    assert "5 créées" in texts(at)
    with read_session(engine) as s:
        assert s.exec(select(func.count()).select_from(Person)).one() == 10
        assert s.exec(select(AuditLog).where(AuditLog.action == "roster_import")).one()


def test_roster_page_refuses_a_file_over_the_limit(small):
    engine, ids = small
    at = run_page("pages/admin_roster.py", admin_viewer(ids))
    at.file_uploader[0].set_value(("big.csv", b"x" * (10 * 1024 * 1024 + 1), "text/csv")).run()
    assert not at.exception
    assert "Le fichier dépasse 10 Mo." in texts(at)


def test_people_page_exports_then_erases(small):
    engine, ids = small
    at = run_page("pages/admin_people.py", admin_viewer(ids))
    at.text_input(key="people_query").input("trainer@").run()
    at.button(key="people_export").click().run()
    assert not at.exception
    assert at.get("download_button")
    at.checkbox(key="people_erase_sure").check().run()
    at.button(key="people_erase").click().run()
    assert "La personne a été effacée." in texts(at)
    with read_session(engine) as s:
        assert s.get(Person, ids["trainer"]).erased
        actions = {a.action for a in s.exec(select(AuditLog)).all()}
    assert {"person_exported", "person_erased"} <= actions


def test_audit_page_shows_sign_ins_read_only(small):
    engine, ids = small
    signin.authenticate(engine, "lead@ex.fr", "wrong password")
    at = run_page("pages/admin_audit.py", admin_viewer(ids))
    assert not at.exception
    table = at.dataframe[0].value
    assert "Échec de connexion" in set(table["action"])
    assert not at.get("data_editor")


def _consent_page():
    import streamlit as st  # noqa: F401

    from ui.consent import consent_panel

    consent_panel(st.session_state["pid"])


def test_trainer_withdraws_consent_from_the_panel(small):
    from privacy.consent import has_consented, set_consent

    engine, ids = small
    set_consent(engine, ids["trainer"], True)
    at = AppTest.from_function(_consent_page, default_timeout=30)
    at.session_state["pid"] = ids["trainer"]
    at.session_state["lang"] = "fr"
    at.run()
    at.button(key="consent_withdraw").click().run()
    assert not at.exception
    assert "Votre accord est retiré" in texts(at)
    assert not has_consented(engine, ids["trainer"])


def test_deactivated_manager_loses_an_open_session_at_once(small):
    engine, ids = small
    at = AppTest.from_file(script_path("app.py"), default_timeout=30)
    at.session_state["viewer"] = Viewer(person_id=ids["manager"], role="manager",
                                        name="Manager Test", via="password")
    at.run()
    assert "Bienvenue" in texts(at)
    with write_session(engine) as s:
        s.get(Person, ids["manager"]).active = False
    at.run()
    assert "viewer" not in at.session_state
    assert "Bienvenue" not in texts(at)


def test_one_time_password_works_once_and_forces_a_new_password_first(small):
    engine, ids = small
    temporary = signin.reset_password(engine, None, "lead@ex.fr")
    assert signin.authenticate(engine, "lead@ex.fr", temporary) is not None
    assert signin.authenticate(engine, "lead@ex.fr", temporary) is None  # used up
    # through the shell: the only page is "My account", asking for the new password only
    at = AppTest.from_file(script_path("app.py"), default_timeout=30)
    at.session_state["viewer"] = Viewer(person_id=ids["lead"], role="lead", name="Lead Test",
                                        via="password")
    at.run()
    assert not at.exception
    assert "réinitialisé" in texts(at)
    assert {w.key for w in at.text_input} >= {"otp_new", "otp_again"}
    assert "pw_current" not in {w.key for w in at.text_input}
    # a page reached by URL refuses until the password is changed
    forced = Viewer(person_id=ids["lead"], role="lead", name="Lead Test", via="password",
                    must_change=True)
    page = run_page("pages/champions_map.py", forced)
    assert "réinitialisé" in texts(page) and not page.get("vega_lite_chart")
    # (AppTest does not submit forms of a page run through st.navigation: run it directly)
    at = run_page("pages/account.py", forced)
    at.text_input(key="otp_new").input("a brand new passphrase")
    at.text_input(key="otp_again").input("a brand new passphrase")
    at.get("form_submit_button")[0].click().run()
    assert not at.exception
    assert not at.session_state["viewer"].must_change, texts(at)
    assert signin.authenticate(engine, "lead@ex.fr", "a brand new passphrase") is not None
    assert not signin.must_change_password(engine, ids["lead"])
    with pytest.raises(RelaisError):  # no reset pending: the current password is needed
        signin.replace_one_time_password(engine, ids["lead"], "another passphrase!")
    with read_session(engine) as s:
        assert s.exec(select(AuditLog).where(AuditLog.action == "password_changed")).one()


def test_staff_changes_password_with_the_current_one(small):
    engine, ids = small
    viewer = Viewer(person_id=ids["lead"], role="lead", name="Lead Test", via="password")
    at = run_page("pages/account.py", viewer)
    at.text_input(key="pw_current").input(PASSWORD)
    at.text_input(key="pw_new").input("a brand new passphrase")
    at.text_input(key="pw_again").input("a brand new passphrase")
    at.get("form_submit_button")[0].click().run()
    assert not at.exception
    assert "Votre mot de passe a été modifié." in texts(at)
    assert signin.authenticate(engine, "lead@ex.fr", "a brand new passphrase") is not None
