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


def named_managers_side(managers: pd.DataFrame, rel: Release, nodes: list[str]) -> pd.DataFrame:
    """The managers' side when the campaign made site managers' answers their site's official position.

    The rule, in one place.  Under the official position (official/, chosen
    before any manager answered and stated on their notice) a site manager's
    organisation questionnaire is *named* and public to the organisation,
    like a signed self-assessment: each site's managers' value is every one
    of its managers', shown as such, whatever their number.  That is all the
    official position opens.  Everything derived from trainers next to it -
    the trainers' perception, hence the combined index - stays over the
    trainers' released ``td:index`` population, exactly as without it
    (:func:`released_top_down`); knowing the named side, a combined index
    0.6 x managers + 0.4 x trainers gives the trainers' mean, so it may only
    be shown over a released trainers' population.  The organisation's row
    is not a named position: it keeps the released managers' population.
    """
    out = _side(managers, rel, "manager", nodes, "n_managers", "managers")
    for i, node in enumerate(nodes):
        if node == "org":
            continue
        mine = managers.loc[managers["site_id"] == int(node.partition(":")[2]), "value"]
        out.loc[i, "n_managers"] = float(len(mine))
        out.loc[i, "managers"] = float(mine.mean()) if len(mine) else np.nan
    return out


def released_top_down(data: CampaignData, rel: Release, official: bool = False) -> pd.DataFrame:
    """Top-down index of the organisation and each site (columns of scoring.indices.top_down_sites).

    ``official``: the campaign's site managers answered as their site's
    official position; see :func:`named_managers_side` for what that opens
    (the managers' named side) and what it does not (the trainers' side)."""
    managers, trainers = top_down_people(data.scores, data.answers, data.trainer_items, data.respondents)
    nodes = ["org", *[k for k in tree_keys(data.respondents) if k.startswith("site:")]]
    m_side = (named_managers_side(managers, rel, nodes) if official
              else _side(managers, rel, "manager", nodes, "n_managers", "managers"))
    out = top_down_from_sides(m_side, _side(trainers, rel, "trainer", nodes, "n_trainers", "trainers"),
                              rel.k, official=official)
    # a site whose trainers have values but none released is hidden, not "without answers"
    has = set(trainers["site_id"].dropna().astype(int))
    some = out["site_id"].map(lambda s: s is None or pd.isna(s) or int(s) in has)
    if len(trainers):
        fix = out["hidden"] & some & (out["reason"] == "no_trainer_answers")
        out["reason"] = out["reason"].where(~fix, "below_threshold")
    return out
