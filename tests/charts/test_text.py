"""Text alternatives hold the chart's figures, hide what the chart hides, and say in words
what the chart says in colour."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from charts import text
from charts.planner import gantt_frame
from i18n import Translator
from survey.result import AreaResult

FR, EN = Translator("fr"), Translator("en")
HIDDEN = "fewer than 5 responses"


def heat(rows):  # noqa: ANN001, ANN201
    """A heatmap_display-like frame from (unit, area, mean or None) rows."""
    frame = pd.DataFrame(rows, columns=["unit", "area_label", "mean"]).astype({"mean": float})
    frame["label"] = [HIDDEN if math.isnan(m) else EN.number(m) for m in frame["mean"]]
    return frame


def test_heatmap_table_is_units_by_areas_with_hidden_cells_labelled():
    alt = text.heatmap_text(heat([("Lyon", "Teaching", 62.0), ("Lyon", "Assessment", None),
                                  ("Nantes", "Teaching", 41.5), ("Nantes", "Assessment", 80.0)]),
                            "Site", "Area", "Score (0-100)", EN)
    assert alt.table.to_dict("records") == [
        {"Site": "Lyon", "Teaching": "62.0", "Assessment": HIDDEN},
        {"Site": "Nantes", "Teaching": "41.5", "Assessment": "80.0"}]
    assert alt.summary == ("Score (0-100) for each site (rows) and each area (columns). "
                           "Highest: Nantes, Assessment (80.0); lowest: Nantes, Teaching (41.5).")


@given(st.lists(st.tuples(st.sampled_from(["A", "B", "C"]), st.sampled_from(["x", "y"]),
                          st.one_of(st.none(), st.floats(0, 100))), min_size=1, max_size=6,
                unique_by=lambda r: r[:2]))
def test_a_hidden_figure_never_reaches_the_text(rows):  # noqa: ANN001
    """Whatever is hidden in the chart (NaN) is absent from the sentence and the table."""
    frame = heat(rows)
    alt = text.heatmap_text(frame, "Site", "Area", "Score", EN)
    shown = {EN.number(m) for m in frame["mean"].dropna()}
    cells = {v for v in alt.table.drop(columns="Site").to_numpy().ravel() if isinstance(v, str)}
    assert cells <= shown | {HIDDEN}
    words = {w.strip("();.,") for w in alt.summary.split()}
    assert {w for w in words if w[:1].isdigit() and w != "0-100"} <= shown | {"100"}


@pytest.mark.parametrize("gap,signed,side", [
    (6.0, "+6.0 points", "managers see more"),
    (-4.5, "-4.5 points", "trainers see more"),
    (0.0, "0.0 points", "same view"),
])
def test_gaps_carry_their_sign_and_side_in_words(gap, signed, side):  # noqa: ANN001
    frame = pd.DataFrame({"element": ["Strategy", "Hidden one"], "gap": [gap, float("nan")],
                          "label": [f"{EN.number(gap)} points", HIDDEN],
                          "real_label": ["Real gap", "Real gap"]})
    alt = text.gap_text(frame, "Element", "Gap (points)", "Gap", EN)
    assert alt.table.to_dict("records") == [
        {"Element": "Strategy", "Gap (points)": signed, "Who sees more": side, "Gap": "Real gap"}]
    assert alt.summary.endswith(f"Largest gap: Strategy, {signed}.")


def test_levels_leave_hidden_counts_out_and_speak_french():
    frame = pd.DataFrame({"level_label": ["A1 Nouvel·le arrivant·e", "A2 Explorateur·rice", "B1 Intégrateur·rice"],
                          "n": [12.0, float("nan"), 7.0]})
    alt = text.levels_text(frame, "Niveau", "Formateur·rices", FR)
    assert alt.table.to_dict("records") == [{"Niveau": "A1 Nouvel·le arrivant·e", "Formateur·rices": "12"},
                                            {"Niveau": "B1 Intégrateur·rice", "Formateur·rices": "7"}]
    assert "Le plus haut : A1 Nouvel·le arrivant·e (12) ; le plus bas : B1 Intégrateur·rice (7)." in alt.summary


def test_participation_is_one_row_per_unit_in_status_order():
    frame = pd.DataFrame({"site": ["Nord", "Nord", "Nord", "Sud", "Sud", "Sud"],
                          "status_label": ["Invited", "Started", "Submitted"] * 2,
                          "n": [10, 8, 5, 4, 2, 1], "order": [0, 1, 2] * 2})
    alt = text.participation_text(frame, "Region", "Status", EN)
    assert list(alt.table.columns) == ["Region", "Invited", "Started", "Submitted"]
    assert alt.table.to_dict("records")[1] == {"Region": "Sud", "Invited": 4, "Started": 2,
                                               "Submitted": 1}


def test_gantt_lists_cohorts_by_date():
    rows = [{"cohort": 2, "date": "2027-03-01", "relay": "B", "area": "Teaching",
             "modality": "On site", "members": 6},
            {"cohort": 1, "date": "2027-01-11", "relay": "A", "area": "Assessment",
             "modality": "Remote", "members": 5}]
    labels = {k: k.title() for k in ("cohort", "date", "relay", "area", "modality", "members")}
    alt = text.gantt_text(gantt_frame(rows), labels, EN)
    assert alt.table["Cohort"].tolist() == [1, 2]
    assert alt.table["Area"].tolist() == ["Assessment", "Teaching"]  # colour, in words
    assert alt.summary.startswith("2 cohorts")
    assert alt.summary.endswith("First wave on 11 Jan 2027, last on 1 Mar 2027.")


def test_a_personal_result_names_levels_and_unanswered_areas():
    areas = [AreaResult("a", "Teaching", 71.4, "B2", "Expert", ""),
             AreaResult("b", "Assessment", None, None, "", ""),
             AreaResult("c", "Resources", 20.0, "A1", "Newcomer", "")]
    alt = text.result_text(areas, EN)
    assert alt.table.to_dict("records") == [
        {"Area": "Teaching", "Score (0-100)": "71", "Level": "B2 Expert"},
        {"Area": "Assessment", "Score (0-100)": "not answered", "Level": "—"},
        {"Area": "Resources", "Score (0-100)": "20", "Level": "A1 Newcomer"}]
    assert alt.summary.endswith("Highest: Teaching (71); lowest: Resources (20).")


def test_equal_figures_are_said_equal_not_highest_and_lowest():
    areas = [AreaResult("a", "Teaching", 25.0, "A2", "Explorer", ""),
             AreaResult("b", "Assessment", 25.0, "A2", "Explorer", "")]
    assert text.result_text(areas, EN).summary.endswith("All the same: 25.")


def test_site_map_names_each_sites_quadrant_in_words():
    sites = pd.DataFrame({"site": ["Lyon", "Brest"], "region": ["ARA", "BRE"],
                          "n_trainers": [12, 7], "top_down": [70.4, 30.0],
                          "bottom_up": [65.0, 20.6], "quadrant": ["aligned", "to_start"]})
    names = {"aligned": "Aligned", "to_start": "To start"}
    alt = text.site_map_text(sites, 50.0, 45.5, EN, names.get)
    assert alt.table.to_dict("records")[0] == {
        "Site": "Lyon", "Region": "ARA", "Trainers": 12, "Top-down index (strategy)": "70",
        "Bottom-up index (practice)": "65", "Quadrant": "Aligned"}
    assert "the thresholds 50.0 and 45.5 split the map" in alt.summary


def test_density_leaves_small_squares_out_and_counts_named_dots():
    cells = pd.DataFrame({"x_band": [0, 0, 20], "x_end": [20, 20, 40], "y_band": [0, 20, 0],
                          "y_end": [20, 40, 20], "n": [8, 2, 6], "hidden": [False, True, False]})
    alt = text.density_text(cells, 3, EN)
    assert alt.table["Trainers"].tolist() == [8, 6]  # the square of 2 stays blank
    assert alt.table.iloc[1, :2].tolist() == ["20–40", "0–20"]
    assert alt.summary.endswith("3 trainers who consented to be named are drawn as dots.")
