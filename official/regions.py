"""Perception gaps per region, for where sites cannot be shown (fewer than k managers each).

Each region's statement or element figure is over the people the disclosure
layer released for ``gap:<kind>:<key>|region:<id>`` (a region's released
people who answered it), and goes through the same guard as the site gaps.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from disclosure.campaign import gap_items
from disclosure.release import Release
from scoring.data import CampaignData
from scoring.gaps import _person_scores, gaps_of, shared_item_ids


def released_region_gaps(data: CampaignData, rel: Release) -> pd.DataFrame:
    """Gap rows per region (columns of scoring.gaps.gaps_of, scope 'region', region_id added)."""
    items = gap_items(data)
    resp = data.respondents
    people = _person_scores(data.answers, items, resp, shared_item_ids(data.answers, resp))
    if people.empty:
        return gaps_of(people, rel.k).assign(region_id=pd.Series(dtype=object))
    region_of = resp.drop_duplicates("response_id").set_index("response_id")["region_id"]
    people = people.assign(region_id=people["response_id"].map(region_of))
    people = people[people["region_id"].notna()]
    keys, roles, pops = [], [], []
    for (role, key), pop in rel.current.items():
        if key.startswith("gap:") and "|region:" in key:
            keys.append(key), roles.append(role), pops.append(pop)
    sizes = [len(p) for p in pops]
    allowed = pd.DataFrame({
        "role": np.repeat(roles, sizes).astype(object), "_key": np.repeat(keys, sizes).astype(object),
        "response_id": np.concatenate([np.empty(0, np.int64), *pops])})
    wanted = people.assign(_key="gap:" + people["kind"].astype(str) + ":" + people["key"].astype(str)
                           + "|region:" + people["region_id"].astype(int).astype(str))
    kept = wanted.merge(allowed, on=["role", "_key", "response_id"], how="inner")
    # a region plays the part of a site in gaps_of: one level under the organisation
    frame = gaps_of(kept.assign(site_id=kept["region_id"]).drop(columns=["_key", "region_id"]), rel.k)
    frame = frame[frame["scope"] == "site"].rename(columns={"site_id": "region_id"})
    return frame.assign(scope="region").reset_index(drop=True)
