"""Dashboard pages in AppTest on the demo: director and manager, filters, refusals, saving an action."""

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from dashboards import plans
from dashboards.units import units
from storage.db import make_engine
from tests.demo_db import use_database
from tests.ui.apptest import ROOT, demo_viewer, run_page, texts

HIDDEN = "moins de 5 réponses"


def units_of(url):
    engine = make_engine(url)
    try:
        return units(engine)
    finally:
        engine.dispose()


def save_button(at):
    """The new-action form's submit button."""
    return next(b for b in at.button if b.label == "Enregistrer l’action")


@pytest.fixture(autouse=True)
def _demo(demo_url):
    use_database(demo_url)


def test_overview_director_and_region_filter(demo_url):
    at = run_page("pages/overview.py", demo_viewer(demo_url, "director"))
    assert not at.exception, at.exception
    shown = texts(at)
    assert "Vue d’ensemble" in shown and "Maturité par région" in shown
    assert {m.label for m in at.metric} >= {"Pratique des formateur·rices (0-100)",
                                           "Indice de maturité de l’organisation (0-100)"}
    sites_all = at.selectbox(key="ov_site").options
    region = at.selectbox(key="ov_region")
    region.set_value(1).run()  # the first region
    assert not at.exception
    sites_region = at.selectbox(key="ov_site").options
    assert 1 < len(sites_region) < len(sites_all)  # "all sites" + that region's sites
    first_site = int(units_of(demo_url).query("region_id == 1")["site_id"].iloc[0])
    at.selectbox(key="ov_site").set_value(first_site).run()
    assert not at.exception
    # at one site, managers' figures fall under k and say so instead of a value
    assert HIDDEN in " ".join(m.value for m in at.metric)
    at.selectbox(key="ov_modality").set_value("hybrid").run()
    assert not at.exception and "Le filtre de modalité" in texts(at)


def test_overview_manager_sees_own_site_only(demo_url):
    viewer = demo_viewer(demo_url, "manager")
    at = run_page("pages/overview.py", viewer)
    assert not at.exception, at.exception
    assert not [s for s in at.selectbox if s.key in ("ov_region", "ov_site")]  # no way to pick another
    assert "Maturité par région" not in texts(at)
    assert "Site — " in texts(at)
    at.selectbox(key="ov_campaign").set_value(1).run()  # the earlier campaign
    assert not at.exception


def test_site_page_director_picks_a_site_and_manager_is_forced(demo_url):
    at = run_page("pages/site_profile.py", demo_viewer(demo_url, "director"))
    assert not at.exception, at.exception
    first = texts(at)
    assert "Points forts" in first and "Axes prioritaires proposés" in first
    at.selectbox(key="site_pick").set_value(int(units_of(demo_url)["site_id"].iloc[3])).run()
    assert not at.exception and texts(at) != first

    manager = demo_viewer(demo_url, "manager")
    at = run_page("pages/site_profile.py", manager)
    assert not at.exception and "Profil du site" in texts(at)
    other = AppTest.from_file(str(ROOT / "pages/site_profile.py"), default_timeout=30)
    other.session_state["viewer"], other.session_state["lang"] = manager, "fr"
    other.query_params["site"] = str(manager.site_id + 1)
    other.run()
    assert "Vous ne pouvez voir que les chiffres de votre site." in texts(other)
    assert not other.metric  # nothing of the other site was drawn


@pytest.mark.parametrize("role", ["director", "manager"])
def test_action_plan_saved_from_the_page(demo_url, role):
    viewer = demo_viewer(demo_url, role)
    at = run_page("pages/action_plans.py", viewer)
    assert not at.exception, at.exception
    title = f"Atelier quiz en ligne ({role})"
    at.text_input(key="new_title").input(title)
    at.text_input(key="new_owner").input("Camille Martin")
    at.text_input(key="new_indicator").input("=80 % des formateurs ont testé")
    at.date_input(key="new_due").set_value(dt.date(2020, 1, 31))
    save_button(at).click().run()
    assert not at.exception
    assert "Action enregistrée." in texts(at)
    assert "action(s) en retard" in texts(at)  # due in 2020: late
    engine = make_engine(demo_url)
    saved = plans.actions(engine, scope=viewer.site_id if role == "manager" else None)
    engine.dispose()
    row = saved[saved["title"] == title].iloc[0]
    assert row["late"] and row["indicator"] == "=80 % des formateurs ont testé"
    if role == "manager":
        assert row["site_id"] == viewer.site_id


def test_action_plan_refuses_missing_owner(demo_url):
    at = run_page("pages/action_plans.py", demo_viewer(demo_url, "director"))
    at.text_input(key="new_title").input("Sans responsable")
    at.text_input(key="new_indicator").input("x")
    save_button(at).click().run()
    assert "doit avoir un·e responsable" in texts(at)


def test_site_plan_carries_the_champions_map_approach(demo_url):
    """The site's quadrant on the champions map and the lead's advice reach its action plan."""
    from champions.quadrants import QUADRANT_NAMES, site_quadrant
    from champions.settings import approach_for
    from ui.champions_data import load
    from i18n import gettext

    viewer = demo_viewer(demo_url, "manager")
    at = run_page("pages/action_plans.py", viewer)
    assert not at.exception, at.exception
    engine = make_engine(demo_url)
    quadrant = site_quadrant(load(2).sites, viewer.site_id)
    advice = approach_for(engine, quadrant, "fr")
    engine.dispose()
    shown = texts(at)
    assert gettext(QUADRANT_NAMES[quadrant], "fr") in shown and advice in shown
    at.button(key="use_approach").click().run()
    assert at.text_input(key="new_title").value == advice[:300]


@pytest.mark.parametrize("lang, said", [
    ("fr", "les scores sont republiés au plus toutes les 60 secondes"),
    ("en", "scores are published again at most every 60 seconds"),
])
def test_an_open_campaign_says_its_scores_are_published_on_a_clock(demo_url, monkeypatch, lang, said):
    monkeypatch.setenv("RELAIS_PUBLISH_SECONDS", "60")
    at = run_page("pages/overview.py", demo_viewer(demo_url, "director"), lang=lang)
    assert not at.exception, at.exception
    assert said in texts(at)  # the demo's newest campaign is open
    monkeypatch.setenv("RELAIS_PUBLISH_SECONDS", "0")
    at = run_page("pages/overview.py", demo_viewer(demo_url, "director"), lang=lang)
    assert not at.exception and said not in texts(at)
