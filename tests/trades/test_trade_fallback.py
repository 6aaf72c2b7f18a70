"""A site's hidden trade figures fall back on the region's, then the organisation's (released
rows only)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dashboards.overview import Overview
from dashboards.trade_fallback import site_trade_fallback
from scoring.schema import OVERALL, TRAINER_AREAS

AREAS = (*TRAINER_AREAS, OVERALL)


def node(scope: str, region_id, site_id, mean: float, n: int,  # noqa: ANN001
         hidden: bool) -> list[dict]:
    return [{"scope": scope, "region_id": region_id, "site_id": site_id, "area": a,
             "mean": np.nan if hidden else mean + i, "n": np.nan if hidden else n, "level": None,
             "hidden": hidden} for i, a in enumerate(reversed(AREAS))]  # stored out of area order


def overview(site: bool, region: bool, org: bool, trade: str | None = "care") -> Overview:
    rows = [*node("site", 1, 10, 40.0, 6, not site), *node("site", 1, 11, 45.0, 2, True),
            *node("region", 1, None, 50.0, 9, not region), *node("region", 2, None, 70.0, 8, False),
            *node("org", None, None, 60.0, 17, not org)]
    empty = pd.DataFrame()
    return Overview(2, 1, 5, None, pd.DataFrame(rows), empty, empty, None, {}, {}, trade)


@pytest.mark.parametrize("site, region, org, level, overall", [
    (True, True, True, None, None),  # the site's own figure is shown: nothing to add
    (False, True, True, "region", (50.0, 9.0)),  # overall is stored first (+0)
    (False, False, True, "org", (60.0, 17.0)),
    (False, False, False, "none", None),
])
def test_the_nearest_released_level_is_shown(site, region, org, level, overall):
    fb = site_trade_fallback(overview(site, region, org), 1, 10)
    if level is None:
        assert fb is None
        return
    assert fb.level == level
    if overall is None:
        assert fb.rows.empty
    else:
        assert fb.overall() == overall
        assert fb.rows["area"].tolist() == list(AREAS)  # in the page's area order
        assert not fb.rows["hidden"].any()
        assert fb.region_id == (1 if level == "region" else None)


def test_no_fallback_without_a_trade_or_a_site():
    assert site_trade_fallback(overview(False, True, True, trade=None), 1, 10) is None
    assert site_trade_fallback(overview(False, True, True), 1, None) is None
    assert site_trade_fallback(overview(False, True, True), None, None) is None


def test_another_regions_figure_is_never_borrowed():
    """Site 10 is in region 1, hidden; region 2 is shown but is not the site's region."""
    fb = site_trade_fallback(overview(False, False, False), 1, 10)
    assert fb.level == "none"
