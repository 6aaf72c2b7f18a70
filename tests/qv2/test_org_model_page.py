"""AppTest of the Organisation page's model section: admins declare, directors read."""

import pytest
from sqlmodel import select

from scoring.org_model import declared_table
from storage.db import make_engine, read_session, write_session
from storage.migrate import upgrade
from storage.models import Person, ResponseScore
from survey.loader import current_questionnaires
from tests.demo_db import use_database
from tests.qv2.helpers import build, submit
from tests.ui.apptest import run_page, texts
from ui.context import Viewer

V2 = current_questionnaires().trainer
ANSWERS = {it.id: 2 for it in V2.area_items()} | {"T-TEA-3": 4, "T-TEA-4": 4}


@pytest.fixture
def world(tmp_path):
    url = f"sqlite:///{tmp_path / 'relais.db'}"
    engine = make_engine(url)
    upgrade(engine)
    w = build(engine)
    rid = submit(engine, w.v2_campaign, w.v2_qv, V2, w.site_ids[0], ANSWERS)[0]
    with write_session(engine) as s:
        people = {role: Person(first_name=role, last_name="X", email=f"{role}@x.fr", role=role)
                  for role in ("admin", "director")}
        s.add_all(people.values())
        s.flush()
        viewers = {role: Viewer(person_id=p.id, role=role, name=role) for role, p in people.items()}
    use_database(url)
    yield engine, rid, viewers
    engine.dispose()


def teaching(engine, rid):
    with read_session(engine) as s:
        return s.exec(select(ResponseScore.score).where(ResponseScore.response_id == rid,
                                                        ResponseScore.area == "teaching")).one()


def test_admin_declares_the_model_and_stored_results_follow(world):
    engine, rid, viewers = world
    assert teaching(engine, rid) == pytest.approx(25 * (2 * 6 + 8) / 8)
    at = run_page("pages/organisation.py", viewers["admin"])
    assert not at.exception, at.exception
    assert "Notre modèle pédagogique" in texts(at)
    assert "Aucun modèle déclaré" in texts(at)
    at.radio(key="org_model_pedagogy").set_value("enriched")
    at.radio(key="org_model_production").set_value("team")
    next(b for b in at.button if b.label == "Enregistrer le modèle").click()
    at.run()
    assert not at.exception, at.exception
    assert "Modèle enregistré ; 1 résultats recalculés." in texts(at)
    table = declared_table(engine)
    assert table[["pedagogy", "production"]].values.tolist() == [["enriched", "team"]]
    assert teaching(engine, rid) == pytest.approx(50.0)  # T-TEA-3 and 4 left out
    shown = at.dataframe[-1].value
    assert "Présentiel enrichi" in shown.to_string()


def test_admin_declares_a_site_model_then_returns_the_site_to_the_organisations(world):
    engine, rid, viewers = world
    at = run_page("pages/organisation.py", viewers["admin"])
    at.selectbox(key="org_model_where").select_index(1)  # the first site, not the organisation
    at.radio(key="org_model_pedagogy").set_value("distance")
    next(b for b in at.button if b.label == "Enregistrer le modèle").click()
    at.run()
    assert "Modèle enregistré ; 1 résultats recalculés." in texts(at)
    assert declared_table(engine)["site_id"].notna().all()
    next(b for b in at.button if b.label == "Faire suivre à ce site le modèle de l'organisme").click()
    at.run()
    assert not at.exception, at.exception
    assert declared_table(engine).empty
    assert teaching(engine, rid) == pytest.approx(62.5)


def test_director_reads_the_model_but_cannot_change_it(world):
    engine, rid, viewers = world
    at = run_page("pages/organisation.py", viewers["director"])
    assert not at.exception, at.exception
    assert "Notre modèle pédagogique" in texts(at)
    assert not [b for b in at.button if b.label == "Enregistrer le modèle"]
    assert not at.radio


def test_the_section_reads_in_english(world):
    engine, rid, viewers = world
    at = run_page("pages/organisation.py", viewers["admin"], lang="en")
    assert not at.exception, at.exception
    shown = texts(at)
    assert "Our pedagogical model" in shown and "No model declared yet" in shown
    assert [b.label for b in at.button if b.label == "Save the model"]
