"""Levels: band edges on the DigCompEdu proportions."""

import math

import numpy as np
import pandas as pd
import pytest

from scoring.levels import CUTOFFS, LEVEL_NAMES, level_of, level_of_score


def test_cutoffs_are_checkin_proportions():
    assert CUTOFFS == pytest.approx((22.727272727, 38.636363636, 56.818181818, 75.0, 90.909090909))


@pytest.mark.parametrize(
    ("score", "level"),
    [
        (0.0, "A1"), (22.72, "A1"), (100 * 20 / 88, "A2"), (25 * 10 / 11, "A2"),
        (38.63, "A2"), (25 * 17 / 11, "B1"), (56.8, "B1"), (25 * 25 / 11, "B2"),
        (74.999, "B2"), (75.0, "C1"), (90.9, "C1"), (25 * 40 / 11, "C2"), (100.0, "C2"),
        (math.nan, None), (None, None),
    ],
)
def test_level_of_score(score, level):
    assert level_of_score(score) == level


def test_level_of_series_matches_scalar_and_keeps_index():
    scores = pd.Series([0.0, 75.0, np.nan, 99.0], index=[10, 11, 12, 13])
    out = level_of(scores)
    assert out.index.tolist() == [10, 11, 12, 13]
    assert [None if pd.isna(v) else v for v in out] == [level_of_score(s) for s in scores]


def test_level_names_are_the_six():
    assert list(LEVEL_NAMES.values()) == ["Newcomer", "Explorer", "Integrator", "Expert", "Leader", "Pioneer"]
