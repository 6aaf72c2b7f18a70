"""Trainers' practice against their site's strategy: a guarded density, and named points.

Density: each trainer of a visible site is placed at (their site's top-down
index, their overall practice score), both cut into ``BIN``-point bands; a
cell shows its count only when the guard lets it (>= k, and within each
top-down band the hidden remainder is 0 or >= k, so no small cell is derived
by subtraction from the band's total).

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


def density(trainers: pd.DataFrame, sites: pd.DataFrame, k: int = DEFAULT_K) -> pd.DataFrame:
    """Guarded cells: x_band, y_band, x_end, y_end, n (NaN where hidden), hidden."""
    p = placed(trainers, sites)
    cells = (pd.DataFrame({"x_band": _band(p["x"]), "y_band": _band(p["y"])})
             .groupby(["x_band", "y_band"]).size().rename("n").reset_index())
    guarded = apply_guard(cells, n_col="n", parent_cols=["x_band"], k=k)
    return guarded.assign(x_end=guarded["x_band"] + BIN, y_end=guarded["y_band"] + BIN)


def named_points(trainers: pd.DataFrame, sites: pd.DataFrame) -> pd.DataFrame:
    """Consenting trainers only: person_id, site_id, site, x, y."""
    p = placed(trainers, sites)
    p = p[p["consent_named"].fillna(False).astype(bool)]
    return p[["person_id", "site_id", "site", "x", "y"]].reset_index(drop=True)
