"""Trade filters on the overview, the site profile and the champions map, per role (AppTest, demo)."""

from __future__ import annotations

import pytest

from storage.db import make_engine
from tests.demo_db import use_database
from tests.ui.apptest import demo_viewer, run_page, texts
from trades import person_trades

CAPTION = "uniquement sur la filière"


@pytest.fixture(autouse=True)
def _demo(demo_url):
    use_database(demo_url)


def biggest_trade(url: str) -> str:
    engine = make_engine(url)
    try:
        values = list(person_trades(engine).values())
    finally:
        engine.dispose()
    return max(set(values), key=values.count)


def practice(at) -> str:  # noqa: ANN001
    return next(m.value for m in at.metric if m.label == "Pratique des formateur·rices (0-100)")


def test_director_filters_the_overview_by_trade(demo_url):
    at = run_page("pages/overview.py", demo_viewer(demo_url, "director"))
    assert not at.exception, at.exception
    picker = at.selectbox(key="ov_trade")
    assert picker.options[0] == "Toutes les filières" and len(picker.options) > 3
    everyone = practice(at)
    values = {}
    for code in picker.options[1:]:
        at.selectbox(key="ov_trade").set_value(code).run()
        assert not at.exception, at.exception
        assert CAPTION in texts(at)
        # one filter at a time: the modality box is gone while a trade is chosen
        assert not [s for s in at.selectbox if s.key == "ov_modality"]
        values[code] = practice(at)
    shown = {c: v for c, v in values.items() if "moins de 5" not in v}
    # the release rule lets some trades through at the organisation and holds back the others
    assert shown and len(shown) < len(values), values
    assert all(v != everyone for v in shown.values())


def test_manager_filters_their_own_site_by_trade_only(demo_url):
    at = run_page("pages/overview.py", demo_viewer(demo_url, "manager"))
    assert not at.exception, at.exception
    assert not [s for s in at.selectbox if s.key in ("ov_region", "ov_site")]
    at.selectbox(key="ov_trade").set_value(biggest_trade(demo_url)).run()
    assert not at.exception, at.exception
    assert CAPTION in texts(at) and "Site — " in texts(at)


def test_site_profile_has_the_trade_filter(demo_url):
    at = run_page("pages/site_profile.py", demo_viewer(demo_url, "director"))
    assert not at.exception, at.exception
    at.selectbox(key="site_trade").set_value(biggest_trade(demo_url)).run()
    assert not at.exception, at.exception
    assert CAPTION in texts(at)


def test_lead_filters_the_champions_map_by_trade(demo_url):
    at = run_page("pages/champions_map.py", demo_viewer(demo_url, "lead"))
    assert not at.exception, at.exception
    at.selectbox(key="ch_trade").set_value(biggest_trade(demo_url)).run()
    assert not at.exception, at.exception
    assert CAPTION in texts(at)


@pytest.mark.parametrize("role", ["trainer", "lead"])
def test_roles_without_dashboards_get_no_trade_filter(demo_url, role):
    at = run_page("pages/overview.py", demo_viewer(demo_url, role))
    assert not [s for s in at.selectbox if s.key == "ov_trade"]


def test_director_gets_the_qualiopi_pack_and_a_manager_does_not(demo_url):
    at = run_page("pages/overview.py", demo_viewer(demo_url, "director"))
    assert not at.exception, at.exception
    assert "Dossier de preuves Qualiopi" in texts(at)
    labels = [b.label for b in at.get("download_button")]
    assert "Télécharger le dossier (XLSX)" in labels and "Télécharger le dossier (PDF)" in labels
    at = run_page("pages/overview.py", demo_viewer(demo_url, "manager"))
    assert "Dossier de preuves Qualiopi" not in texts(at)
    assert not [b for b in at.get("download_button") if "dossier" in b.label]


def test_lead_plans_with_the_same_trade_preference(demo_url):
    from planning.rules import check_plan

    at = run_page("pages/planner.py", demo_viewer(demo_url, "lead"), timeout=90)
    assert not at.exception, at.exception
    at.number_input(key="pl_limit").set_value(4)
    at.checkbox(key="pl_same_trade").check()
    next(b for b in at.button if b.label == "Planifier").click().run()
    assert not at.exception, at.exception
    # the solve is queued for a worker; the preference is applied when its plan arrives
    from planning import jobs, worker
    from storage.db import make_engine

    assert worker.run_once(make_engine(demo_url))[1] == jobs.DONE
    at.run()
    assert not at.exception, at.exception
    plan, inst = at.session_state["pl_plan"], at.session_state["pl_instance"]
    assert plan.cohorts and "same_trade_pairs" in plan.stats
    assert check_plan(inst, plan) == []
    assert "Toutes les règles sont respectées." in texts(at)
