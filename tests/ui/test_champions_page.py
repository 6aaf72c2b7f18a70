"""The champions page in AppTest: lead and director see it, others are refused; thresholds move sites."""

from __future__ import annotations

import pytest

from tests.demo_db import use_database
from tests.ui.apptest import demo_viewer, run_page, texts

PAGE = "pages/champions_map.py"
QUADRANTS_FR = ("Alignés", "Pionnier·ères isolé·es", "Stratégie hors-sol", "À lancer")


@pytest.fixture(autouse=True)
def _demo(demo_url):
    use_database(demo_url)


def quadrant_members(at) -> dict[str, list[str]]:
    """Quadrant name -> sites, read from the four quadrant columns."""
    md = [m.value for m in at.markdown]
    out = {}
    for i, value in enumerate(md):
        for name in QUADRANTS_FR:
            if value.startswith(f"**{name}**"):
                sites = md[i + 1]
                out[name] = [] if sites == "—" else sites.split(", ")
    return out


def column_names(at) -> set[str]:
    return {str(c) for df in at.dataframe for c in df.value.columns}


def test_lead_sees_map_names_and_exports(demo_url):
    at = run_page(PAGE, demo_viewer(demo_url, "lead"))
    assert not at.exception, at.exception
    assert at.title[0].value == "Carte des relais"
    members = quadrant_members(at)
    assert set(members) == set(QUADRANTS_FR) and sum(map(len, members.values())) >= 4
    assert {"Nom", "Pourquoi cette personne est retenue", "Ce qui manque"} <= column_names(at)
    named = next(df.value for df in at.dataframe if "Pourquoi cette personne est retenue" in df.value.columns)
    assert len(named) > 0 and named["Pourquoi cette personne est retenue"].str.contains("niveau").all()
    assert len(at.get("download_button")) == 2
    assert "Modifier la règle" in [e.label for e in at.expander]


def test_director_sees_the_map_without_names(demo_url):
    at = run_page(PAGE, demo_viewer(demo_url, "director"))
    assert not at.exception, at.exception
    assert set(quadrant_members(at)) == set(QUADRANTS_FR)
    assert "Nom" not in column_names(at)
    assert len(at.get("download_button")) == 0
    assert "Modifier la règle" not in [e.label for e in at.expander]
    assert "ne sont montrés qu’au ou à la responsable ingénierie" in texts(at)


@pytest.mark.parametrize("role", ["trainer", "manager", "admin"])
def test_other_roles_are_refused(demo_url, role):
    at = run_page(PAGE, demo_viewer(demo_url, role))
    assert not at.exception
    assert "Vous n’avez pas accès à cette page." in texts(at)
    assert not at.dataframe and not quadrant_members(at)


def test_a_fixed_threshold_moves_a_site_to_another_quadrant(demo_url):
    at = run_page(PAGE, demo_viewer(demo_url, "director"))
    at.radio(key="ch_mode").set_value("fixed").run()
    before = quadrant_members(at)
    assert "Toulouse" in before["Alignés"]
    at.number_input(key="ch_x").set_value(70.0).run()
    after = quadrant_members(at)
    assert not at.exception
    assert "Toulouse" not in after["Alignés"] and "Toulouse" in after["Pionnier·ères isolé·es"]
    assert "Seuil descendant : 70,0" in texts(at)  # French decimal comma


def test_region_filter_keeps_only_that_region(demo_url):
    at = run_page(PAGE, demo_viewer(demo_url, "director"))
    at.selectbox(key="ch_region").set_value("Bretagne").run()
    shown = {s for sites in quadrant_members(at).values() for s in sites}
    assert shown and shown <= {"Brest", "Quimper", "Rennes"}


def test_lead_changes_the_rule_and_the_list_follows(demo_url):
    at = run_page(PAGE, demo_viewer(demo_url, "lead"))
    before = [m.value for m in at.metric if m.label == "Formateur·rices relais consentant·es"][0]
    form_selects = [s for s in at.selectbox if s.label == "Niveau global au moins"]
    form_selects[0].set_value("C2")
    at.button[[b.label for b in at.button].index("Enregistrer la règle")].click().run()
    assert not at.exception, at.exception
    after = [m.value for m in at.metric if m.label == "Formateur·rices relais consentant·es"][0]
    assert int(after) < int(before)
    assert "Niveau global au moins C2" in texts(at)
    # put the default back for the other tests sharing the demo database
    [s for s in at.selectbox if s.label == "Niveau global au moins"][0].set_value("B2")
    at.button[[b.label for b in at.button].index("Enregistrer la règle")].click().run()
    assert "Niveau global au moins B2" in texts(at)
