"""The planner page in AppTest: the lead plans, edits, saves and publishes; others are refused."""

from __future__ import annotations

import pytest

from i18n import Translator
from planning import jobs, worker
from planning.inputs import directory
from planning.model import AREAS
from planning.rules import RULE_SUMMARY
from planning.workflow import proof_note
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
    # A short limit: these tests are about the page, the solver's quality is benchmarked.
    at.number_input(key="pl_limit").set_value(4)
    next(b for b in at.button if b.label == "Planifier").click().run()
    assert not at.exception
    # The page queued the solve for a worker and shows its progress instead of solving.
    job = at.session_state["pl_job"]
    assert jobs.get(make_engine(url), job).status == jobs.QUEUED
    assert any(p.value == 0.0 for p in at.get("progress"))
    assert any(b.label == "Annuler la planification" for b in at.button)
    assert worker.run_once(make_engine(url)) == (job, jobs.DONE)  # a worker takes it
    at.run()
    assert not at.exception
    assert "pl_job" not in at.session_state
    return at


def _solved(at, url):  # noqa: ANN001, ANN202
    """A worker solves the job the page queued; the page then shows its plan."""
    assert not at.exception
    assert at.session_state["pl_job"]
    assert worker.run_once(make_engine(url))[1] == jobs.DONE
    return at.run()


def test_lead_plans_and_sees_cohorts_kpis_and_chart(own_demo):
    at = _plan(own_demo)
    plan = at.session_state["pl_plan"]
    assert plan.cohorts
    shown = texts(at)
    assert "Toutes les règles sont respectées." in shown
    # The rules are listed in French (issue 23: one place a wave, hours per month, hybrid).
    assert any(e.label == "Règles que respecte tout plan" for e in at.expander)
    assert all(Translator("fr")(rule) in shown for rule in RULE_SUMMARY)
    # The exact model ran (the demo is small): the page says how far its proof went.
    assert proof_note(plan) and Translator("fr")(proof_note(plan)) in shown
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


def _compare(at):  # noqa: ANN001, ANN202
    next(b for b in at.button if b.label == "Comparer").click().run()
    assert not at.exception
    return at


@pytest.mark.parametrize("role", ["trainer", "manager", "admin"])
def test_other_roles_are_refused(own_demo, role):
    at = run_page(PAGE, demo_viewer(own_demo, role))
    assert not at.exception
    assert REFUSED in texts(at)
    assert not at.button


def _edit(at, table: str, rows: dict) -> None:
    """Seed the keyed data editor's cell edits, as a click in the grid would."""
    gen = at.session_state["pl_edit_gen"]
    at.session_state[f"pl_ed_{table}_{gen}"] = {"edited_rows": rows, "added_rows": [],
                                                "deleted_rows": []}


def test_lead_unticks_a_relay_plans_again_and_the_draft_keeps_the_edit(own_demo):
    at = _plan(own_demo)
    assert [d.editing_mode for d in at.data_editor] == ["fixed", "fixed"]
    relays_table = at.data_editor[0].value
    base, plan = at.session_state["pl_base"], at.session_state["pl_plan"]
    assert len(relays_table) == len(base.relays)
    assert len(at.data_editor[1].value) == len(base.learners)
    leader = plan.cohorts[0].relay_id
    _edit(at, "relays", {[r.person_id for r in base.relays].index(leader): {"include": False}})
    _solved(at.button(key="pl_ed_replan").click().run(), own_demo)
    assert not at.exception
    again = at.session_state["pl_plan"]
    assert again is not plan and again.cohorts
    assert all(c.relay_id != leader for c in again.cohorts)
    assert leader not in {r.person_id for r in at.session_state["pl_instance"].relays}
    shown = texts(at)
    assert "Relais : 1 exclu(s), 0 modifié(s)." in shown
    assert "Toutes les règles sont respectées." in shown
    # The editor shows the relay unticked, still listed.
    table = at.data_editor[0].value
    assert len(table) == len(base.relays) and not table["include"].all()

    at.text_input(key="pl_name_input").set_value("Sans ce relais")
    at.button(key="pl_save").click().run()
    assert "Brouillon enregistré." in texts(at)
    stored = load(make_engine(own_demo), at.session_state["pl_draft"])
    assert stored.overrides.relays[leader].excluded
    # Publication rebuilds the campaign from the database and applies the edit.
    at.button(key="pl_publish").click().run()
    assert "Plan publié." in texts(at)

    # Planning again from the settings form keeps the edit, and says so.
    fresh = run_page(PAGE, demo_viewer(own_demo, "lead"), timeout=90)
    fresh.session_state["pl_overrides"] = stored.overrides
    fresh.run()
    assert "réappliquées chaque fois que vous cliquez sur Planifier" in texts(fresh)
    fresh.number_input(key="pl_limit").set_value(4)
    next(b for b in fresh.button if b.label == "Planifier").click().run()
    assert not fresh.exception
    assert worker.run_once(make_engine(own_demo))[1] == jobs.DONE
    fresh.run()
    assert all(c.relay_id != leader for c in fresh.session_state["pl_plan"].cohorts)
    _solved(fresh.button(key="pl_ed_clear").click().run(), own_demo)
    assert not fresh.exception
    assert not fresh.session_state["pl_overrides"]
    assert leader in {r.person_id for r in fresh.session_state["pl_instance"].relays}


def test_an_area_beyond_a_relays_answers_is_planned_and_flagged(own_demo):
    at = _plan(own_demo)
    base = at.session_state["pl_base"]
    r = base.relays[1]
    extra = next(a for a in AREAS if a not in r.areas and a in base.params.areas_in_scope)
    _edit(at, "relays", {1: {"areas": sorted(r.areas | {extra})}})
    _solved(at.button(key="pl_ed_replan").click().run(), own_demo)
    assert not at.exception
    edited = {x.person_id: x for x in at.session_state["pl_instance"].relays}[r.person_id]
    assert extra in edited.areas
    assert ("Relais animant un domaine que leurs propres réponses ne montrent pas comme "
            "maîtrisé : 1. Vérifiez avec elles et eux avant de publier.") in texts(at)


def test_a_bad_value_in_the_tables_gets_a_french_message_and_keeps_the_plan(own_demo):
    at = _plan(own_demo)
    base, plan = at.session_state["pl_base"], at.session_state["pl_plan"]
    name = directory(make_engine(own_demo), base).person(base.relays[2].person_id)
    _edit(at, "relays", {2: {"hours": 500}})
    at.button(key="pl_ed_replan").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        f"{name}, colonne « Heures par mois » : 500 est hors de l'intervalle 0–200"]
    assert at.session_state["pl_plan"] is plan
    assert not at.session_state.get("pl_overrides")


def test_opening_a_saved_draft_restores_its_edits(own_demo):
    at = _plan(own_demo)
    base = at.session_state["pl_base"]
    learner = base.learners[0]
    _edit(at, "learners", {0: {"include": False}})
    _solved(at.button(key="pl_ed_replan").click().run(), own_demo)
    assert learner.person_id not in {x.person_id for x in at.session_state["pl_instance"].learners}
    at.text_input(key="pl_name_input").set_value("Un apprenant de moins")
    at.button(key="pl_save").click().run()
    pid = at.session_state["pl_draft"]
    other = run_page(PAGE, demo_viewer(own_demo, "lead"), timeout=90)
    other.selectbox(key="pl_open_choice").set_value(pid)
    other.button(key="pl_open").click().run()
    assert not other.exception
    assert other.session_state["pl_overrides"].learners[learner.person_id].excluded
    table = other.data_editor[1].value
    assert len(table) == len(base.learners) and not table["include"].iloc[0]


def test_planning_is_queued_and_can_be_cancelled_while_the_page_stays_usable(own_demo):
    at = run_page(PAGE, demo_viewer(own_demo, "lead"), timeout=90)
    next(b for b in at.button if b.label == "Planifier").click().run()
    assert not at.exception
    job = at.session_state["pl_job"]
    assert "En attente d'un processus de planification…" in [
        p.proto.text for p in at.get("progress")]
    at.button(key="pl_job_cancel").click().run()
    assert not at.exception
    assert jobs.get(make_engine(own_demo), job).status == jobs.CANCELLED
    assert "Planification annulée : le plan actuel est conservé." in texts(at)
    assert "pl_job" not in at.session_state


def test_a_failed_solve_gets_a_french_message(own_demo):
    from sqlalchemy import update
    from storage.db import write_session
    from storage.models import SolveJob

    at = run_page(PAGE, demo_viewer(own_demo, "lead"), timeout=90)
    next(b for b in at.button if b.label == "Planifier").click().run()
    job = at.session_state["pl_job"]
    with write_session(make_engine(own_demo)) as s:  # as a worker reports a solver crash
        s.execute(update(SolveJob).where(SolveJob.id == job).values(
            status=jobs.FAILED, error=worker.WORKER_CRASHED, error_params={"detail": "boom"}))
    at.run()
    assert not at.exception
    assert "Le planificateur n'a pas pu terminer : boom" in texts(at)
    assert "pl_job" not in at.session_state


def test_a_running_solve_shows_its_progress_then_its_plan(own_demo):
    engine = make_engine(own_demo)
    at = run_page(PAGE, demo_viewer(own_demo, "lead"), timeout=90)
    at.number_input(key="pl_limit").set_value(4)
    next(b for b in at.button if b.label == "Planifier").click().run()
    job = at.session_state["pl_job"]
    assert jobs.claim(engine, "w-test") == job
    assert jobs.heartbeat(engine, job, "w-test", 0.4)
    at.run()
    assert not at.exception
    bars = at.get("progress")
    assert [b.proto.text for b in bars] == [
        "Planification des cohortes… 40 % de la durée limite"]
    assert worker.run_job(engine, job, "w-test") == jobs.DONE
    at.run()
    assert not at.exception and at.session_state["pl_plan"].cohorts
    assert not at.get("progress")


def test_a_comparison_is_queued_cancelled_failed_or_stopped_with_clear_messages(own_demo):
    engine = make_engine(own_demo)
    at = _plan(own_demo)
    plan, tables = at.session_state["pl_plan"], len(at.dataframe)
    # impossible settings: said at once, nothing queued
    at.number_input(key="pl_wi_max").set_value(at.session_state["pl_instance"].params.cohort_min - 1)
    _compare(at)
    assert [e.value for e in at.error] == [
        "La variante n'a pas été planifiée. Tailles de cohorte impossibles : minimum 6, maximum 5"]
    assert "pl_wi_job" not in at.session_state
    # the variant is queued for a worker, with its own bar and cancel button; no table yet
    at.number_input(key="pl_wi_max").set_value(16)
    job = _compare(at).session_state["pl_wi_job"]
    variant = jobs.instance_of(engine, job)
    assert variant.params.cohort_max == 16
    assert len(variant.waves) == len(at.session_state["pl_instance"].waves) + 1
    assert "En attente d'un processus de planification…" in [
        b.proto.text for b in at.get("progress")]
    assert [b.label for b in at.button if b.key == "pl_wi_job_cancel"] == [
        "Annuler la comparaison"]
    assert len(at.dataframe) == tables
    # cancelled by the lead
    at.button(key="pl_wi_job_cancel").click().run()
    assert not at.exception
    assert jobs.get(engine, job).status == jobs.CANCELLED
    assert "Comparaison annulée : aucune variante à comparer." in texts(at)
    assert "pl_wi_job" not in at.session_state and not at.session_state["pl_variant"]
    assert len(at.dataframe) == tables and not at.get("progress")
    # a worker's progress, then its failure
    job = _compare(at).session_state["pl_wi_job"]
    assert jobs.claim(engine, "w-test") == job
    assert jobs.heartbeat(engine, job, "w-test", 0.25)
    at.run()
    assert [b.proto.text for b in at.get("progress")] == [
        "Planification de la variante… 25 % de la durée limite"]
    assert jobs.finish(engine, job, "w-test", status=jobs.FAILED,
                       error=worker.WORKER_CRASHED, error_params={"detail": "boom"})
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "La variante n'a pas été planifiée. Le planificateur n'a pas pu terminer : boom"]
    assert "pl_wi_job" not in at.session_state and not at.get("progress")
    # a new plan arrives while the variant waits: that comparison is stopped, and said so
    variant_job = _compare(at).session_state["pl_wi_job"]
    next(b for b in at.button if b.label == "Planifier").click().run()
    plan_job = at.session_state["pl_job"]
    assert {"pl_job_cancel", "pl_wi_job_cancel"} <= {b.key for b in at.button}  # one each
    assert jobs.claim(engine, "w-test") == variant_job  # the oldest job first
    assert jobs.claim(engine, "w-test") == plan_job
    # same settings, same instance: the current plan stands for the worker's answer
    assert jobs.finish(engine, plan_job, "w-test", plan=plan)
    at.run()
    assert not at.exception
    assert jobs.get(engine, variant_job).cancel_requested
    assert "pl_wi_job" not in at.session_state and not at.session_state["pl_variant"]
    assert "Le plan actuel a changé : la comparaison en cours a été arrêtée." in texts(at)
    assert worker.run_job(engine, variant_job, "w-test") == jobs.CANCELLED  # never solved


@pytest.fixture
def no_solver_here(monkeypatch):
    """Any planner solve in this (the Streamlit) process raises: the page must leave it to a
    worker in another process."""
    import importlib

    from ortools.sat.python import cp_model

    # the modules themselves (the package exports a function called solve)
    solve_module = importlib.import_module("planning.solve")
    trades_module = importlib.import_module("planning.trades")

    def refuse(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise AssertionError("a planner solve ran in the web process")

    for owner, name in [(solve_module, "solve"), (solve_module, "decomposed_plan"),
                        (solve_module, "exact_plan"), (trades_module, "prefer_same_trade"),
                        (cp_model.CpSolver, "solve"), (cp_model.CpSolver, "Solve")]:
        monkeypatch.setattr(owner, name, refuse)
    with pytest.raises(AssertionError, match="web process"):  # the guard itself works
        solve_module.solve(None)


def _until_finished(engine, job: int, seconds: float = 90.0) -> str:  # noqa: ANN001
    import time

    deadline = time.monotonic() + seconds
    while not (view := jobs.get(engine, job)).finished:
        assert time.monotonic() < deadline, f"job {job} still {view.status}"
        time.sleep(0.3)
    return view.status


def test_every_solve_the_page_asks_for_runs_in_a_worker_process(own_demo, no_solver_here):
    import os
    import subprocess
    import sys
    from pathlib import Path

    engine = make_engine(own_demo)
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.Popen([sys.executable, "manage.py", "worker", "--seconds", "120"], cwd=root,
                            env={**os.environ, "DATABASE_URL": own_demo},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        at = run_page(PAGE, demo_viewer(own_demo, "lead"), timeout=90)
        at.number_input(key="pl_limit").set_value(2)
        next(b for b in at.button if b.label == "Planifier").click().run()
        assert not at.exception, at.exception
        assert _until_finished(engine, at.session_state["pl_job"]) == jobs.DONE
        at.run()
        assert not at.exception, at.exception
        assert at.session_state["pl_plan"].cohorts
        at.number_input(key="pl_wi_max").set_value(16)
        _compare(at)
        assert _until_finished(engine, at.session_state["pl_wi_job"]) == jobs.DONE
        at.run()
        assert not at.exception, at.exception
        assert not at.get("progress") and "pl_wi_job" not in at.session_state
        table = at.dataframe[-1].value.set_index("Indicateur")
        assert list(table.columns) == ["Plan actuel", "Variante", "Différence"]
        variant, vplan = at.session_state["pl_variant"]
        assert variant.params.cohort_max == 16 and vplan.cohorts
        assert table.loc["Cohortes", "Variante"] == len(vplan.cohorts)
        assert table.loc["Cohortes", "Plan actuel"] == len(at.session_state["pl_plan"].cohorts)
    finally:
        proc.terminate()
        proc.wait(10)
