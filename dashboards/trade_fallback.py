"""Where a site's figures for one trade are hidden, the nearest level that shows them.

A site rarely has k trainers of one trade, so with a trade chosen most sites show
"fewer than k responses". Like the region-level perception gaps (issue 20, item 7),
the overview and the site profile then show the figures of the site's region for
that trade, or the organisation's when the region's are hidden too.

Nothing is computed here: the rows are the trade slices the disclosure layer
released (``region:<id>|trade:<code>``, ``org|trade:<code>``), read from the same
:class:`dashboards.overview.Overview` frame the rest of the page uses, so the
fallback shows exactly the figures the regions heatmap and any export show.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboards.overview import Overview, node_rows
from scoring.schema import OVERALL, TRAINER_AREAS

COLUMNS = ["area", "mean", "n", "level", "hidden"]


@dataclass(frozen=True)
class TradeFallback:
    """What to show for a site whose figures for the chosen trade are hidden.

    level: 'region' or 'org' (the level whose released figures are shown), or 'none'
    when they are hidden there too; rows: that level's trainer areas and overall.
    """

    level: str
    region_id: int | None
    rows: pd.DataFrame  # COLUMNS, in area order; empty when level is 'none'

    def overall(self) -> tuple[float, float]:
        """(mean, n) of the overall score at the level shown."""
        row = self.rows[self.rows["area"] == OVERALL].iloc[0]
        return float(row["mean"]), float(row["n"])


def _shown(rows: pd.DataFrame) -> bool:
    overall = rows[rows["area"] == OVERALL]
    return not overall.empty and not bool(overall.iloc[0]["hidden"])


def site_trade_fallback(ov: Overview, region_id: int | None,
                        site_id: int | None) -> TradeFallback | None:
    """The region's (else the organisation's) released figures for the overview's trade, when
    the site's are hidden; None when no trade is chosen, no site is, or the site's are shown."""
    if ov.trade is None or site_id is None:
        return None
    if _shown(node_rows(ov.trainers, region_id, site_id)):
        return None
    order = {a: i for i, a in enumerate((*TRAINER_AREAS, OVERALL))}
    for level, rid in (("region", region_id), ("org", None)):
        if level == "region" and region_id is None:
            continue
        rows = node_rows(ov.trainers, rid, None)
        if _shown(rows):
            rows = rows[rows["area"].isin(order)].sort_values("area", key=lambda s: s.map(order))
            return TradeFallback(level, rid, rows[COLUMNS].reset_index(drop=True))
    return TradeFallback("none", None, pd.DataFrame(columns=COLUMNS))
