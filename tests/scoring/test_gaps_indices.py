"""Gaps (hand-computed Welch intervals), aggregates, indices and progress."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

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


def test_top_down_says_when_managers_are_missing():
    answers, items, respondents = _gap_case([], [1, 2, 3, 2, 1])
    scores = score_responses(answers.iloc[:0], items)
    out = top_down_sites(scores, answers, items, respondents, k=5)
    assert (out["reason"] == "no_manager_answers").all() and out["top_down"].isna().all()


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
