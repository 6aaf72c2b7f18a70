"""How sites moved on the map between two campaigns (arrows from then to now).

Columns: site_id, site, region_id, x_from, y_from, x_to, y_to, quadrant_from,
quadrant_to, moved (quadrant changed).  Only sites visible in both campaigns
(each position already guarded) are kept; thresholds are those of the
current map, so an arrow crossing a line means a change of quadrant.
"""

from __future__ import annotations

import pandas as pd

from champions.quadrants import quadrant_of


def movement(before: pd.DataFrame, after: pd.DataFrame, x_threshold: float,
             y_threshold: float) -> pd.DataFrame:
    """Arrows between two site_positions frames (see module docstring)."""
    keep = ["site_id", "top_down", "bottom_up"]
    b = before.loc[~before["hidden"], keep].rename(columns={"top_down": "x_from", "bottom_up": "y_from"})
    a = after.loc[~after["hidden"], ["site_id", "site", "region_id", "top_down", "bottom_up"]].rename(
        columns={"top_down": "x_to", "bottom_up": "y_to"})
    out = a.merge(b, on="site_id", how="inner")
    out["quadrant_from"] = quadrant_of(out["x_from"], out["y_from"], x_threshold, y_threshold)
    out["quadrant_to"] = quadrant_of(out["x_to"], out["y_to"], x_threshold, y_threshold)
    out["moved"] = out["quadrant_from"] != out["quadrant_to"]
    return out[["site_id", "site", "region_id", "x_from", "y_from", "x_to", "y_to",
                "quadrant_from", "quadrant_to", "moved"]].reset_index(drop=True)
