"""A site whose trade figures are hidden shows its region's, saying why: overview and site profile,
director and manager, French and English (AppTest on the demo)."""

from __future__ import annotations

import pytest
from sqlmodel import select

import trades
from dashboards.overview import build_overview
from dashboards.trade_fallback import site_trade_fallback
from dashboards.units import campaigns, previous_campaign, units
from disclosure.store import releases
from i18n import Translator
from scoring.anonymity import DEFAULT_K
from scoring.data import load_campaign
from storage.db import make_engine, read_session
from storage.models import Person
from tests.demo_db import use_database
from streamlit.testing.v1 import AppTest

from tests.ui.apptest import ROOT, texts
from trades import person_trades
from ui.context import Viewer

WHY = {"fr": "Pour ce site, les chiffres de la filière {trade} sont masqués",
       "en": "At this site, figures for the trade {trade} are hidden"}
LABEL = {"fr": "Pratique des formateur·rices, {trade}, région {region} (0-100)",
         "en": "Trainers' practice, {trade}, region {region} (0-100)"}


@pytest.fixture(scope="module")
def case(demo_url):
    """The first (trade, site) of the demo's latest campaign whose site figure is hidden and whose
    region's is released, read through the same release decisions as the pages."""
    use_database(demo_url)
    engine = make_engine(demo_url)
    try:
        table = campaigns(engine)
        cid = int(table["campaign_id"].iloc[0])  # the pages' default: the newest
        prev_id = previous_campaign(table, cid)
        cur, prev = load_campaign(engine, cid), load_campaign(engine, prev_id)
        rels = releases(engine, cur, prev, DEFAULT_K)
        u = units(engine)
        for code in sorted(set(person_trades(engine).values())):
            ov = build_overview(cur, prev, releases=rels, trade=code)
            rows = u[["site_id", "region_id", "region"]].itertuples(index=False)
            for site_id, region_id, region in rows:
                fb = site_trade_fallback(ov, int(region_id), int(site_id))
                if fb is not None and fb.level == "region":
                    with read_session(engine) as s:
                        manager = s.exec(select(Person).where(
                            Person.role == "manager", Person.active,
                            Person.site_id == int(site_id))).first()
                    return {"trade": code, "site_id": int(site_id), "region": region,
                            "mean": fb.overall()[0], "manager": manager}
    finally:
        engine.dispose()
    pytest.fail("the demo has no site whose trade figure falls back on its region")


def viewer_for(role: str, case: dict, demo_url: str) -> Viewer:
    if role == "manager":
        m = case["manager"]
        return Viewer(person_id=m.id, role="manager", name=m.first_name, site_id=m.site_id)
    from tests.ui.apptest import demo_viewer

    return demo_viewer(demo_url, "director")


def assert_fallback_shown(at, case: dict, lang: str) -> None:  # noqa: ANN001
    assert not at.exception, at.exception
    trade = trades.names(lang)[case["trade"]]
    assert WHY[lang].format(trade=trade) in texts(at)
    label = LABEL[lang].format(trade=trade, region=case["region"])
    metric = next(m for m in at.metric if m.label == label)
    # the region's released figure for the trade, as the layer decided it for every page
    assert metric.value == Translator(lang).number(case["mean"], 1)


def run_with(script: str, viewer: Viewer, lang: str, **state: object) -> AppTest:
    """Run a page with its filters already chosen (AppTest formats a select box's options with
    the page's translator outside the run, in French: choosing through the box fails in English)."""
    at = AppTest.from_file(str(ROOT / script), default_timeout=30)
    at.session_state["viewer"], at.session_state["lang"] = viewer, lang
    for key, value in state.items():
        at.session_state[key] = value
    return at.run()


# director and manager, French and English, across the two pages (each run costs CI time)
@pytest.mark.parametrize("role, lang", [("director", "fr"), ("manager", "fr"), ("manager", "en")])
def test_overview_shows_the_regions_trade_figure(demo_url, case, role, lang):
    site = {"ov_site": case["site_id"]} if role == "director" else {}
    at = run_with("pages/overview.py", viewer_for(role, case, demo_url), lang,
                  ov_trade=case["trade"], **site)
    assert_fallback_shown(at, case, lang)


@pytest.mark.parametrize("role, lang", [("director", "en"), ("manager", "fr")])
def test_site_profile_shows_the_regions_trade_figure(demo_url, case, role, lang):
    site = {"site_pick": case["site_id"]} if role == "director" else {}
    at = run_with("pages/site_profile.py", viewer_for(role, case, demo_url), lang,
                  site_trade=case["trade"], **site)
    assert_fallback_shown(at, case, lang)
