"""The planner page in AppTest: the lead plans, edits, saves and publishes; others are refused."""

from __future__ import annotations

import pytest

from planning.inputs import directory
from planning.store import PUBLISHED, list_plans, load
from storage.db import make_engine
from tests.demo_db import build_demo_db, use_database
from tests.ui.apptest import demo_viewer, run_page, texts

PAGE = "pages/planner.py"
REFUSED = "Vous n’avez pas accès à cette page."


@pytest.fixture(scope="module")
def own_demo(tmp_path_factory):
    """A demo database of its own: these tests write drafts and publish."""
    url = build_demo_db(tmp_path_factory.mktemp("planner_demo"))
    use_database(url)
    return url


def _plan(url):
    at = run_page(PAGE, demo_viewer(url, "lead"), timeout=90)
    assert not at.exception
    assert "Choisissez les paramètres, puis cliquez sur Planifier." in texts(at)
    next(b for b in at.button if b.label == "Planifier").click().run()
    assert not at.exception
    return at


def test_lead_plans_and_sees_cohorts_kpis_and_chart(own_demo):
    at = _plan(own_demo)
    plan = at.session_state["pl_plan"]
    assert plan.cohorts
    shown = texts(at)
    assert "Toutes les règles sont respectées." in shown
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Cohortes"] == str(len(plan.cohorts))
    assert metrics["Besoins non couverts"] == str(len(plan.left_out))
    cohorts = at.dataframe[0].value
    assert len(cohorts) == len(plan.cohorts)
    assert list(cohorts.columns[:3]) == ["Cohorte", "Date", "Relais"]
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")


def test_moving_a_learner_shows_the_broken_rule_and_publication_is_refused(own_demo):
    at = _plan(own_demo)
    plan, inst = at.session_state["pl_plan"], at.session_state["pl_instance"]
    needs = {lr.person_id: lr.needs for lr in inst.learners}
    src, who, dst = next((i, m, j) for i, c in enumerate(plan.cohorts) for m in c.members
                         for j, d in enumerate(plan.cohorts) if d.area not in needs[m])
    placed = [(i, m) for i, c in enumerate(plan.cohorts) for m in c.members]
    at.selectbox(key="pl_mv_who").set_value(placed.index((src, who)))
    at.selectbox(key="pl_mv_to").set_value(dst)
    at.button(key="pl_mv").click().run()
    assert not at.exception
    moved = at.session_state["pl_plan"]
    assert who in moved.cohorts[dst].members and who not in moved.cohorts[src].members
    assert moved.status == "EDITED"
    shown = texts(at)
    assert "règle(s) enfreinte(s)" in shown
    name = directory(make_engine(own_demo), inst).person(who)
    assert f"la personne {name} n'a pas besoin de" in shown
    at.text_input(key="pl_name_input").set_value("Essai cassé")
    at.button(key="pl_publish").click().run()
    assert not at.exception
    assert "ne peut pas être publié" in texts(at)
    stored = [p for p in list_plans(make_engine(own_demo)) if p[1] == "Essai cassé"]
    assert len(stored) == 1 and stored[0][2] == "draft"


def test_valid_plan_is_saved_published_and_seen_by_the_director(own_demo):
    at = _plan(own_demo)
    at.text_input(key="pl_name_input").set_value("Rentrée")
    at.button(key="pl_save").click().run()
    assert "Brouillon enregistré." in texts(at)
    at.button(key="pl_publish").click().run()
    assert "Plan publié." in texts(at)
    pid = at.session_state["pl_draft"]
    eng = make_engine(own_demo)
    assert load(eng, pid).status == PUBLISHED
    assert load(eng, pid).plan.cohorts == at.session_state["pl_plan"].cohorts
    director = run_page(PAGE, demo_viewer(own_demo, "director"), timeout=60)
    assert not director.exception
    assert director.dataframe[0].value.shape[0] == len(at.session_state["pl_plan"].cohorts)
    assert not [b for b in director.button if b.label in ("Planifier", "Publier")]


def test_typed_dates_that_are_not_dates_get_a_french_message(own_demo):
    at = run_page(PAGE, demo_viewer(own_demo, "lead"), timeout=60)
    at.radio(key="pl_mode").set_value("dates")
    at.text_input(key="pl_dates").set_value("15/09/2026, 31/02/2026")
    next(b for b in at.button if b.label == "Planifier").click().run()
    assert not at.exception
    assert "La date n° 2 « 31/02/2026 » n'est pas une date" in texts(at)
    assert "pl_plan" not in at.session_state  # nothing was planned


def test_impossible_cohort_sizes_are_explained_and_keep_the_plan(own_demo):
    at = _plan(own_demo)
    before = at.session_state["pl_plan"]
    at.number_input(key="pl_min").set_value(9)
    at.number_input(key="pl_max").set_value(7)
    next(b for b in at.button if b.label == "Planifier").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "Tailles de cohorte impossibles : minimum 9, maximum 7"]
    assert at.session_state["pl_plan"] is before


def test_what_if_compares_two_plans_side_by_side(own_demo):
    at = _plan(own_demo)
    at.number_input(key="pl_wi_max").set_value(16)
    next(b for b in at.button if b.label == "Comparer").click().run()
    assert not at.exception
    table = at.dataframe[-1].value
    assert list(table.columns) == ["Indicateur", "Plan actuel", "Variante", "Différence"]
    row = table.set_index("Indicateur").loc["Couverture du besoin pondéré"]
    assert row["Variante"] >= row["Plan actuel"] - 1e-9  # one more wave, larger cohorts


@pytest.mark.parametrize("role", ["trainer", "manager", "admin"])
def test_other_roles_are_refused(own_demo, role):
    at = run_page(PAGE, demo_viewer(own_demo, role))
    assert not at.exception
    assert REFUSED in texts(at)
    assert not at.button
