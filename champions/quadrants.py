"""Sites in four quadrants (strategy x practice) and relay coverage per site.

x = the site's top-down index (strategy), y = its bottom-up index (practice),
both 0-100.  A value *exactly on* a threshold counts as high (``>=``), so
a site at (50, 50) with thresholds 50/50 is 'aligned':

=========================  ===========  ===========
quadrant                   top-down x   bottom-up y
=========================  ===========  ===========
aligned                    >= x_thr     >= y_thr
isolated_pioneers          <  x_thr     >= y_thr
strategy_without_ground    >= x_thr     <  y_thr
to_start                   <  x_thr     <  y_thr
=========================  ===========  ===========

A threshold is either a number (0-100) or ``'median'``: the median of the
visible sites of the whole organisation (before any region filter), so
filtering a region does not move the lines.  Hidden sites (fewer than k
trainers) have no position and no quadrant.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from i18n import N_, RelaisError

QUADRANTS: tuple[str, ...] = ("aligned", "isolated_pioneers", "strategy_without_ground", "to_start")
QUADRANT_NAMES: dict[str, str] = {
    "aligned": N_("Aligned"),
    "isolated_pioneers": N_("Isolated pioneers"),
    "strategy_without_ground": N_("Strategy without ground"),
    "to_start": N_("To start"),
}
QUADRANT_HINTS: dict[str, str] = {
    "aligned": N_("Practice and strategy both high"),
    "isolated_pioneers": N_("Practice without strategy: support and recognise them"),
    "strategy_without_ground": N_("Strategy without practice: find and train relays"),
    "to_start": N_("Practice and strategy both low"),
}
DEFAULT_THRESHOLD = 50.0
DEFAULT_TARGET_RATIO = 12  # about one relay per 10-15 trainers


def resolve_threshold(spec: str | float | int, values: pd.Series) -> float:
    """A threshold as a number: 'median' of values (NaN left out), or the number itself (0-100)."""
    if isinstance(spec, str):
        if spec != "median":
            raise RelaisError("Threshold: expected 'median' or a number between 0 and 100, "
                              "not {value}.", value=spec)
        visible = values.dropna()
        return float(visible.median()) if len(visible) else DEFAULT_THRESHOLD
    value = float(spec)
    if math.isnan(value) or not 0 <= value <= 100:
        raise RelaisError("Threshold: expected a number between 0 and 100, not {value}.",
                          value=spec)
    return value


def quadrant_of(x: np.ndarray, y: np.ndarray, x_threshold: float, y_threshold: float) -> np.ndarray:
    """Quadrant key per (x, y); None where either is NaN."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    high_x, high_y = x >= x_threshold, y >= y_threshold
    keys = np.select([high_x & high_y, ~high_x & high_y, high_x & ~high_y],
                     list(QUADRANTS[:3]), default=QUADRANTS[3]).astype(object)
    keys[np.isnan(x) | np.isnan(y)] = None
    return keys


def assign(sites: pd.DataFrame, x_threshold: str | float = "median",
           y_threshold: str | float = "median") -> tuple[pd.DataFrame, float, float]:
    """sites (columns top_down, bottom_up) plus 'quadrant'; and the two thresholds used."""
    tx = resolve_threshold(x_threshold, sites["top_down"])
    ty = resolve_threshold(y_threshold, sites["bottom_up"])
    out = sites.copy()
    out["quadrant"] = pd.Series(quadrant_of(out["top_down"], out["bottom_up"], tx, ty),
                                index=out.index, dtype=object)
    return out, tx, ty


def coverage(champions_per_site: pd.Series, trainers_per_site: pd.Series,
             target_ratio: float = DEFAULT_TARGET_RATIO) -> pd.DataFrame:
    """Per site: n_trainers, champions, target, per_trainers, under_target.

    target = ceil(n_trainers / target_ratio) (at least 1 for a site with
    trainers); per_trainers = trainers per champion (NaN without champions).
    Sites whose n_trainers is NaN (hidden) are left out.
    """
    if not target_ratio or target_ratio <= 0:
        raise RelaisError("Coverage: the number of trainers per relay must be positive, not "
                          "{value}.", value=target_ratio)
    n = trainers_per_site.dropna().astype(float)
    champions = champions_per_site.reindex(n.index).fillna(0).astype(int)
    target = np.maximum(np.ceil(n / target_ratio), (n > 0).astype(float)).astype(int)
    out = pd.DataFrame({"n_trainers": n.astype(int), "champions": champions, "target": target})
    with np.errstate(divide="ignore"):
        out["per_trainers"] = (n / champions.where(champions > 0)).astype(float)
    out["under_target"] = out["champions"] < out["target"]
    out.index.name = trainers_per_site.index.name
    return out


def site_quadrant(sites: pd.DataFrame, site_id: int, x_threshold: str | float = "median",
                  y_threshold: str | float = "median") -> str | None:
    """The quadrant of one site (None when hidden or unknown), thresholds as on the map."""
    placed, _, _ = assign(sites, x_threshold, y_threshold)
    row = placed.loc[placed["site_id"] == site_id]
    if row.empty or pd.isna(row["quadrant"].iloc[0]):
        return None
    return str(row["quadrant"].iloc[0])
