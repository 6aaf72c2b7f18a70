"""The champions map's top-down index per site, over released populations only.

A site's top-down index combines two means (see :mod:`scoring.indices`): its
managers' mean over the strategy elements and its trainers' perception of
those elements.  Each is a sum over per-person values that are unknowns of
their own (a trainer who answered "not applicable" to every strategy
statement has no perception value), so they form one universe,
``td:index``, per role.  :func:`disclosure.release.decide` offers it, after
the tree, the slices and the gaps (the fixed decision order), at the
organisation and at each site, with the node's released population as the
candidate; a release is kept until at least k new people with a value
joined, like every other figure.

:func:`released_top_down` computes the index from those populations, with
the guard of :func:`scoring.indices.top_down_from_sides` on top.  A site
without a released population is hidden (NaN, reason 'below_threshold'),
never 0.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from disclosure.release import TOP_DOWN, Release, gap_key, tree_keys
from scoring.data import CampaignData
from scoring.indices import top_down_from_sides, top_down_people


def td_key(node: str) -> str:
    """The figure key of the top-down index at a node ('org' or 'site:<id>')."""
    return gap_key(TOP_DOWN, node)


def _side(values: pd.DataFrame, rel: Release, role: str, nodes: list[str], n_name: str,
          mean_name: str) -> pd.DataFrame:
    """org and site rows of one side: n and mean over each node's released top-down population."""
    rows = []
    for node in nodes:
        pop = rel.population(role, td_key(node))
        v = values.loc[values.index.isin(pop), "value"]
        site = None if node == "org" else int(node.partition(":")[2])
        rows.append({"site_id": site, n_name: float(len(v)),
                     mean_name: float(v.mean()) if len(v) else np.nan})
    out = pd.DataFrame(rows, columns=["site_id", n_name, mean_name])
    out["site_id"] = out["site_id"].astype(object)
    return out.assign(index_name="index")


def released_top_down(data: CampaignData, rel: Release) -> pd.DataFrame:
    """Top-down index of the organisation and each site (columns of scoring.indices.top_down_sites)."""
    managers, trainers = top_down_people(data.scores, data.answers, data.trainer_items, data.respondents)
    nodes = ["org", *[k for k in tree_keys(data.respondents) if k.startswith("site:")]]
    out = top_down_from_sides(_side(managers, rel, "manager", nodes, "n_managers", "managers"),
                              _side(trainers, rel, "trainer", nodes, "n_trainers", "trainers"), rel.k)
    # a site whose trainers have values but none released is hidden, not "without answers"
    has = set(trainers["site_id"].dropna().astype(int))
    some = out["site_id"].map(lambda s: s is None or pd.isna(s) or int(s) in has)
    if len(trainers):
        fix = out["hidden"] & some & (out["reason"] == "no_trainer_answers")
        out["reason"] = out["reason"].where(~fix, "below_threshold")
    return out
