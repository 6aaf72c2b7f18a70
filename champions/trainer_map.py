"""Trainers' practice against their site's strategy: a guarded density, and named points.

Density: each trainer of a visible site is placed at (their site's top-down
index, their overall practice score), both cut into ``BIN``-point bands.
Cells are counted and guarded *per region* (>= k, and within each region's
top-down band the hidden remainder is 0 or >= k, so no small cell is derived
by subtraction from the band's total).  A region filter shows that region's
cells; the all-regions view shows a cell only when no region hides its part
of it, as the sum of the regions' cells - so every all-regions figure is a
sum of figures the region views show anyway, and subtracting one view from
another gives back nothing that a view hides (attack 5 of issue 16 read the
all-regions and per-region grids of the same trainers side by side).

Points: only trainers who consent now to be named to the lead; for the lead
only (the page decides who sees them).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from scoring.anonymity import DEFAULT_K, apply_guard

BIN = 10.0


def _band(values: pd.Series) -> np.ndarray:
    """Lower edge of the BIN-point band of each value (100 falls in the 90 band)."""
    return np.minimum(np.floor(values.to_numpy(dtype=float) / BIN) * BIN, 100.0 - BIN)


def placed(trainers: pd.DataFrame, sites: pd.DataFrame) -> pd.DataFrame:
    """Trainers of visible sites with a practice score: trainers' columns plus x (site top-down), y."""
    visible = sites.loc[~sites["hidden"], ["site_id", "site", "top_down"]]
    out = trainers.merge(visible, on="site_id", how="inner")
    out = out[out["overall"].notna() & out["top_down"].notna()]
    return out.assign(x=out["top_down"].astype(float), y=out["overall"].astype(float))


def density(trainers: pd.DataFrame, sites: pd.DataFrame, k: int = DEFAULT_K,
            region: str | None = None) -> pd.DataFrame:
    """Guarded cells of one region, or of all: x_band, y_band, x_end, y_end, n (NaN where hidden), hidden.

    ``sites`` are every site the map places (all regions, whatever the
    filter), so the all-regions cells are built from the same region cells.
    """
    p = placed(trainers, sites).merge(sites[["site_id", "region"]], on="site_id")
    cells = (pd.DataFrame({"region": p["region"].to_numpy(), "x_band": _band(p["x"]), "y_band": _band(p["y"])})
             .groupby(["region", "x_band", "y_band"]).size().rename("n").reset_index())
    cells = apply_guard(cells, n_col="n", parent_cols=["region", "x_band"], k=k)
    if region is not None:
        out = cells[cells["region"] == region].drop(columns="region")
    else:
        out = cells.groupby(["x_band", "y_band"], as_index=False).agg(
            n=("n", lambda v: v.sum(min_count=1)), hidden=("hidden", "any"))
        out["n"] = out["n"].astype(float).where(~out["hidden"])
    out = out.reset_index(drop=True)
    return out.assign(x_end=out["x_band"] + BIN, y_end=out["y_band"] + BIN)


def named_points(trainers: pd.DataFrame, sites: pd.DataFrame) -> pd.DataFrame:
    """Consenting trainers only: person_id, site_id, site, x, y."""
    p = placed(trainers, sites)
    p = p[p["consent_named"].fillna(False).astype(bool)]
    return p[["person_id", "site_id", "site", "x", "y"]].reset_index(drop=True)
