"""Attack 5: the champions map's density, read for all regions and region by region.

The grid counts trainers per (site's strategy band, practice band).  Each
visible square is an equation over 0/1 unknowns z[trainer, practice band]:
the sum over the trainers of the view's sites in that strategy band; each
strategy band's total is public (the site map shows the sites' trainer
counts), which adds sum over the band's trainers of all z = their number.
A hidden square must not be in the row space of all the views together.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from champions.trainer_map import BIN, density
from tests.disclosure.linalg import Basis

K = 5


def _world():
    """Two regions; strategy band 40 holds sites of both; practice band 20 has 2 trainers in North.

    Before the fix: all regions shows (40, 20) = 2 + 6 = 8; South shows 6; North hides its 2.
    """
    sites = pd.DataFrame({"site_id": [1, 2], "site": ["A", "B"], "region": ["North", "South"],
                          "top_down": [45.0, 42.0], "hidden": [False, False]})
    rows, pid = [], 1
    for site, bands in ((1, [25] * 2 + [55] * 6 + [75] * 5), (2, [25] * 6 + [55] * 5)):
        for y in bands:
            rows.append({"person_id": pid, "site_id": site, "overall": float(y), "consent_named": False})
            pid += 1
    return pd.DataFrame(rows), sites


def _old_density(trainers, sites, k):  # the code before the fix: one guard per view
    from champions.trainer_map import _band, placed
    from scoring.anonymity import apply_guard
    p = placed(trainers, sites)
    cells = (pd.DataFrame({"x_band": _band(p["x"]), "y_band": _band(p["y"])})
             .groupby(["x_band", "y_band"]).size().rename("n").reset_index())
    g = apply_guard(cells, n_col="n", parent_cols=["x_band"], k=k)
    return g.assign(x_end=g["x_band"] + BIN, y_end=g["y_band"] + BIN)


def _views(trainers, sites, old: bool):
    out = {}
    for region in (None, "North", "South"):
        scope = sites if region is None else sites[sites["region"] == region]
        out[region] = _old_density(trainers, scope, K) if old else density(trainers, sites, K, region)
    return out


def _derivable_hidden(trainers, sites, views) -> list:
    """Hidden squares (view, x, y) whose count the visible squares and band totals give back."""
    placed = trainers.merge(sites, on="site_id")
    band = lambda v: min(np.floor(v / BIN) * BIN, 100 - BIN)  # noqa: E731
    placed["x"] = placed["top_down"].map(band)
    placed["y"] = placed["overall"].map(band)
    ys = sorted(placed["y"].unique())
    basis, hidden = Basis(), []
    for region, cells in views.items():
        pop = placed if region is None else placed[placed["region"] == region]
        for x, group in pop.groupby("x"):
            basis.add({(p, y): 1 for p in group["person_id"] for y in ys})  # the band's total
        for _, c in cells.iterrows():
            members = pop[pop["x"] == c["x_band"]]["person_id"]
            vec = {(p, c["y_band"]): 1 for p in members}
            (hidden.append((region, c["x_band"], c["y_band"], vec)) if c["hidden"] else basis.add(vec))
    return [(r, x, y) for r, x, y, vec in hidden if basis.spans(vec)]


@pytest.mark.parametrize("old, leaks", [(True, True), (False, False)])
def test_density_views_side_by_side(old, leaks):
    trainers, sites = _world()
    views = _views(trainers, sites, old)
    found = _derivable_hidden(trainers, sites, views)
    assert bool(found) == leaks, found
    if not old:  # the fix still shows the squares that are safe
        assert views["South"]["n"].notna().any() and views[None]["n"].notna().any()


def test_density_on_the_demo_through_the_champions_data(demo_url):
    """The demo read as the champions page reads it: no hidden square of any view is derivable."""
    from champions.data import load
    from storage.db import make_engine

    engine = make_engine(demo_url)
    try:
        data = load(engine, 2, k=K)
    finally:
        engine.dispose()
    trainers = data.density_trainers()
    sites = data.sites[~data.sites["hidden"]]
    views = {region: density(trainers, sites, K, region)
             for region in (None, *sorted(sites["region"].unique()))}
    assert any(v["n"].notna().any() for v in views.values())
    assert _derivable_hidden(trainers[["person_id", "site_id", "overall"]], sites, views) == []
