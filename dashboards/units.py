"""Names of regions, sites and campaigns, for labelling guarded frames."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine

from storage.db import read_session
from storage.models import Campaign, Region, Site


def units(engine: Engine) -> pd.DataFrame:
    """Every site with its region. Columns: site_id, site, city, region_id, region (by region, site)."""
    with read_session(engine) as s:
        rows = s.execute(select(Site.id, Site.name, Site.city, Region.id, Region.name)
                         .join(Region, Region.id == Site.region_id)).all()
    frame = pd.DataFrame(rows, columns=["site_id", "site", "city", "region_id", "region"])
    return frame.sort_values(["region", "site"], ignore_index=True)


def campaigns(engine: Engine) -> pd.DataFrame:
    """Campaigns, newest first. Columns: campaign_id, name, starts_on, status."""
    with read_session(engine) as s:
        rows = s.execute(select(Campaign.id, Campaign.name, Campaign.starts_on, Campaign.status)
                         .order_by(Campaign.starts_on.desc())).all()
    return pd.DataFrame(rows, columns=["campaign_id", "name", "starts_on", "status"])


def previous_campaign(table: pd.DataFrame, campaign_id: int) -> int | None:
    """The campaign that started just before campaign_id (None for the first)."""
    ordered = table.sort_values("starts_on", ignore_index=True)
    pos = ordered.index[ordered["campaign_id"] == campaign_id]
    if not len(pos) or pos[0] == 0:
        return None
    return int(ordered.loc[pos[0] - 1, "campaign_id"])
