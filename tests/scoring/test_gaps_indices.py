"""Gaps (hand-computed Welch intervals), aggregates, indices and progress."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.aggregate import slice_aggregates, trainer_aggregates
from scoring.gaps import perception_gaps, welch_interval
from scoring.indices import bottom_up_trainers, top_down_sites
from scoring.progress import paired_progress, site_progress
from scoring.responses import score_responses

T975 = {8: 2.306004, 18: 2.100922}  # Student t table, 97.5 % quantile


def _gap_case(mgr: list[int], trn: list[int]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """One shared item L1 (leadership) answered by managers and trainers of site S."""
    values = mgr + trn
    roles = ["manager"] * len(mgr) + ["trainer"] * len(trn)
    answers = pd.DataFrame({"response_id": range(len(values)), "item_id": "L1", "value": np.array(values, float)})
    respondents = pd.DataFrame({"response_id": range(len(values)), "role": roles, "site_id": "S"})
    items = pd.DataFrame({"item_id": ["L1"], "area": ["leadership"]})
    return answers, items, respondents


@pytest.mark.parametrize(
    ("mgr", "trn", "gap", "se", "df", "real"),
    [
        # scores 50,75,100,75,50 (mean 70, var 437.5) vs 25,50,75,50,25 (45, 437.5)
        ([2, 3, 4, 3, 2], [1, 2, 3, 2, 1], 25.0, math.sqrt(175.0), 8, False),
        # same, twice each: var 3500/9, se sqrt(2 * 388.9 / 10), df 18
        ([2, 3, 4, 3, 2] * 2, [1, 2, 3, 2, 1] * 2, 25.0, math.sqrt(2 * 3500 / 9 / 10), 18, True),
    ],
)
def test_gap_matches_hand_welch(mgr, trn, gap, se, df, real):
    out = perception_gaps(*_gap_case(mgr, trn), k=5)
    row = out[(out["scope"] == "org") & (out["kind"] == "item")].iloc[0]
    assert row["gap"] == pytest.approx(gap)
    assert row["ci_low"] == pytest.approx(gap - T975[df] * se, abs=1e-4)
    assert row["ci_high"] == pytest.approx(gap + T975[df] * se, abs=1e-4)
    assert bool(row["real"]) is real


def test_welch_degrees_of_freedom_hand():
    _, _, _, df = welch_interval(np.array([60.0]), np.array([100.0]), np.array([5]),
                                 np.array([50.0]), np.array([64.0]), np.array([10]))
    assert df[0] == pytest.approx(26.4**2 / (20**2 / 4 + 6.4**2 / 9))


def test_gap_hidden_when_a_side_is_small():
    out = perception_gaps(*_gap_case([4, 4], [1, 2, 3, 2, 1]), k=5)
    assert out["hidden"].all() and out["gap"].isna().all() and out["mean_managers"].isna().all()


def _org(sizes: dict[str, int]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Trainers answering e1 = 2 (score 50) everywhere, sites S0.. of region R."""
    sites = [s for s, n in sizes.items() for _ in range(n)]
    n = len(sites)
    respondents = pd.DataFrame({
        "response_id": range(n), "person_id": range(n), "site_id": sites, "region_id": "R",
        "role": "trainer", "campaign_id": "c1", "relay_willing": [i % 2 == 0 for i in range(n)],
        "years_practice": [1.0 if i % 3 else 12.0 for i in range(n)],
    })
    answers = pd.DataFrame({"response_id": range(n), "item_id": "e1", "value": 2.0})
    items = pd.DataFrame({"item_id": ["e1"], "area": ["engagement"], "tags": [("sharing",)]})
    return answers, items, respondents


def test_trainer_aggregates_hand_worked():
    answers, items, respondents = _org({"A": 6, "B": 7, "C": 2})
    out = trainer_aggregates(score_responses(answers, items), respondents, k=5)
    eng = out[out["area"] == "engagement"]
    eng = eng.set_index(eng["site_id"].fillna(eng["scope"]))
    assert eng.loc["org", "n"] == 15 and eng.loc["org", "mean"] == 50.0 and eng.loc["org", "level"] == "B1"
    assert eng.loc["org", "n_B1"] == 15
    assert eng.loc["C", "hidden"] and eng.loc["A", "hidden"] and not eng.loc["B", "hidden"]
    assert math.isnan(eng.loc["A", "mean"]) and eng.loc["B", "mean"] == 50.0


def test_slices_respect_site_complement():
    answers, items, respondents = _org({"A": 9})
    out = slice_aggregates(score_responses(answers, items), respondents, "years_band", k=5)
    eng = out[out["area"] == "engagement"].set_index("years_band")
    # 9 trainers: 6 with 1 year, 3 with 12 years -> the 3 are hidden, so the 6 too
    assert eng["hidden"].all()


def test_bottom_up_index_weights():
    answers, items, respondents = _org({"A": 2})
    out = bottom_up_trainers(score_responses(answers, items), answers, items, respondents)
    # practice 50, sharing 50, willing 100 / 0 -> 0.5*50 + 0.3*50 + 0.2*100 = 60, then 40
    assert out.sort_values("response_id")["index"].tolist() == [60.0, 40.0]


def test_top_down_without_managers_is_trainers_view_only():
    answers, items, respondents = _gap_case([], [1, 2, 3, 2, 1])
    scores = score_responses(answers.iloc[:0], items)
    out = top_down_sites(scores, answers, items, respondents, k=5)
    assert (out["reason"] == "no_manager_answers").all()
    assert (out["basis"] == "trainers_only").all()
    assert out["top_down"].tolist() == [45.0, 45.0] and out["managers"].isna().all()


def _top_down_case(sites: dict[str, tuple[list[int], list[int]]]):
    """Managers' stored element scores and trainers' answers to O-LEA-1 (element leadership).

    The trainer items frame has area None and element set, as the trainer questionnaire's
    'Mon organisme' statements do.
    """
    rows, answers, scores = [], [], []
    rid = 0
    for site, (mgr, trn) in sites.items():
        for score in mgr:
            rows.append((rid, "manager", site))
            scores += [(rid, "leadership", float(score)), (rid, "infrastructure", float(score))]
            rid += 1
        for value in trn:
            rows.append((rid, "trainer", site))
            answers.append((rid, "O-LEA-1", float(value)))
            rid += 1
    respondents = pd.DataFrame(rows, columns=["response_id", "role", "site_id"])
    answers = pd.DataFrame(answers, columns=["response_id", "item_id", "value"])
    scores = pd.DataFrame(scores, columns=["response_id", "area", "score"])
    items = pd.DataFrame({"item_id": ["O-LEA-1", "E-1"], "area": [None, "engagement"],
                          "element": ["leadership", None], "weight": [1.0, 1.0]})
    return scores, answers, items, respondents


def test_top_down_uses_the_element_of_trainers_organisation_items():
    # A: 6 managers at 80, 6 trainers answering 2 (50); B: 2 managers, 5 trainers answering 4;
    # C: 5 managers, suppressed so that org - A - C never gives B's two managers
    case = _top_down_case({"A": ([80] * 6, [2] * 6), "B": ([20, 40], [4] * 5),
                           "C": ([70] * 5, [3] * 5)})
    out = top_down_sites(*case, k=5).set_index("site_id")
    a, b, c = out.loc["A"], out.loc["B"], out.loc["C"]
    assert (c["basis"], c["reason"], c["top_down"]) == ("trainers_only", "few_managers", 75.0)
    assert (a["basis"], a["managers"], a["trainers"]) == ("combined", 80.0, 50.0)
    assert a["top_down"] == pytest.approx(0.6 * 80 + 0.4 * 50)
    # B has 2 managers: trainers' view alone, managers' figures never shown
    assert (b["basis"], b["reason"], b["top_down"]) == ("trainers_only", "few_managers", 100.0)
    assert math.isnan(b["managers"]) and math.isnan(b["n_managers"])


def test_top_down_managers_suppressed_when_org_minus_site_would_reveal_them():
    # A has 5 managers, B 2: org (7) minus A (5) would give B's 2 managers -> A's managers hidden too
    case = _top_down_case({"A": ([80] * 5, [2] * 6), "B": ([20, 40], [4] * 5)})
    out = top_down_sites(*case, k=5)
    org = out[out["scope"] == "org"].iloc[0]
    assert org["n_managers"] == 7 and org["basis"] == "combined"
    sites = out[out["scope"] == "site"].set_index("site_id")
    # with A visible and the org visible, B's two managers would be 7*m_org - 5*m_A:
    assert sites.loc["A", "basis"] == "trainers_only" and math.isnan(sites.loc["A", "managers"])


def test_top_down_hidden_when_trainers_are_too_few():
    case = _top_down_case({"A": ([80] * 5, [2] * 6), "B": ([80] * 5, [4] * 3)})
    out = top_down_sites(*case, k=5).set_index("site_id")
    assert bool(out.loc["B", "hidden"]) and math.isnan(out.loc["B", "top_down"])
    assert out.loc["B", "reason"] == "below_threshold" and out.loc["B", "basis"] is None
    # A is then suppressed too (org minus A would be B's 3 trainers)
    assert bool(out.loc["A", "hidden"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 7), st.integers(0, 9)), min_size=1, max_size=5),
       st.integers(3, 6))
def test_top_down_never_shows_managers_under_k(sizes, k):
    case = _top_down_case({f"S{i}": ([60 + i] * m, [i % 5] * t) for i, (m, t) in enumerate(sizes)})
    out = top_down_sites(*case, k=k)
    shown = out[out["managers"].notna()]
    assert (shown["n_managers"] >= k).all() and (shown["basis"] == "combined").all()
    only = out[out["basis"] == "trainers_only"]
    assert (only["top_down"] == only["trainers"]).all() and only["managers"].isna().all()
    assert (out[out["top_down"].notna()]["n_trainers"] >= k).all()


def test_progress_pairs_people_on_common_items():
    answers, items, respondents = _org({"A": 6})
    later = respondents.assign(response_id=respondents["response_id"] + 100, campaign_id="c2")
    answers2 = answers.assign(response_id=answers["response_id"] + 100, value=3.0)
    both_a = pd.concat([answers, answers2], ignore_index=True)
    both_r = pd.concat([respondents, later], ignore_index=True)
    persons = paired_progress(both_a, items, both_r, "c1", "c2", ["e1"])
    assert (persons["delta"] == 25.0).all()
    sites = site_progress(both_a, items, both_r, "c1", "c2", ["e1"], k=5)
    org = sites[(sites["scope"] == "org") & (sites["area"] == "engagement")].iloc[0]
    assert (org["n_paired"], org["mean_delta"], org["mean_from"], org["mean_to"]) == (6, 25.0, 50.0, 75.0)
