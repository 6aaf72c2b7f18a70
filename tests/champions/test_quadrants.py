"""Quadrant assignment (edges exactly on a threshold, medians), coverage and movement."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from champions.movement import movement
from champions.quadrants import assign, coverage, quadrant_of, resolve_threshold
from i18n import RelaisError


@pytest.mark.parametrize(("x", "y", "expected"), [
    (50.0, 50.0, "aligned"),            # exactly on both lines: high on both
    (49.999, 50.0, "isolated_pioneers"),
    (50.0, 49.999, "strategy_without_ground"),
    (49.999, 49.999, "to_start"),
    (100.0, 0.0, "strategy_without_ground"),
    (0.0, 100.0, "isolated_pioneers"),
    (float("nan"), 60.0, None),         # hidden site: no quadrant
])
def test_quadrant_edges_at_fixed_50(x, y, expected):
    assert quadrant_of(np.array([x]), np.array([y]), 50.0, 50.0)[0] == expected


def _sites(points):
    return pd.DataFrame({"site_id": range(len(points)), "site": [f"S{i}" for i in range(len(points))],
                         "region_id": 1, "top_down": [p[0] for p in points],
                         "bottom_up": [p[1] for p in points], "hidden": False})


def test_median_thresholds_put_the_median_site_high():
    sites = _sites([(10, 10), (30, 80), (60, 40), (90, 90), (float("nan"), float("nan"))])
    out, tx, ty = assign(sites, "median", "median")
    assert (tx, ty) == (45.0, 60.0)  # medians of the four visible sites; NaN left out
    assert out["quadrant"].tolist() == ["to_start", "isolated_pioneers", "strategy_without_ground",
                                        "aligned", None]
    odd, tx, ty = assign(sites.iloc[:3], "median", "median")
    assert (tx, ty) == (30.0, 40.0)
    # the median sites sit exactly on the lines, so they count as high
    assert odd["quadrant"].tolist() == ["to_start", "aligned", "aligned"]


def test_fixed_threshold_moves_a_site():
    sites = _sites([(55, 60)])
    assert assign(sites, 50, 50)[0]["quadrant"].iloc[0] == "aligned"
    assert assign(sites, 60, 50)[0]["quadrant"].iloc[0] == "isolated_pioneers"


@pytest.mark.parametrize("bad", ["average", -1, 100.5, float("nan")])
def test_bad_threshold_is_refused_in_words(bad):
    with pytest.raises(RelaisError) as err:
        resolve_threshold(bad, pd.Series([1.0]))
    assert "Seuil" in err.value.render("fr")


def test_median_without_visible_site_falls_back_to_50():
    assert resolve_threshold("median", pd.Series([np.nan])) == 50.0


@pytest.mark.parametrize(("n", "champions", "target", "under"), [
    (12, 1, 1, False), (13, 1, 2, True), (24, 2, 2, False), (5, 0, 1, True), (30, 3, 3, False),
])
def test_coverage_target_one_per_twelve(n, champions, target, under):
    out = coverage(pd.Series({"A": champions}), pd.Series({"A": float(n)}), 12)
    assert (out.loc["A", "target"], bool(out.loc["A", "under_target"])) == (target, under)


def test_coverage_leaves_hidden_sites_out_and_counts_missing_champions_as_zero():
    out = coverage(pd.Series({"A": 2}, dtype=int), pd.Series({"A": 20.0, "B": 15.0, "C": np.nan}))
    assert list(out.index) == ["A", "B"] and out.loc["B", "champions"] == 0
    assert math.isnan(out.loc["B", "per_trainers"]) and out.loc["A", "per_trainers"] == 10.0


def test_movement_keeps_sites_visible_twice_and_flags_quadrant_change():
    before = _sites([(40, 40), (60, 60), (50, 50)]).assign(hidden=[False, False, True])
    after = _sites([(60, 45), (70, 70), (55, 55)])
    out = movement(before, after, 50, 50).set_index("site_id")
    assert list(out.index) == [0, 1]
    assert (out.loc[0, "quadrant_from"], out.loc[0, "quadrant_to"], out.loc[0, "moved"]) == (
        "to_start", "strategy_without_ground", True)
    assert not out.loc[1, "moved"]
