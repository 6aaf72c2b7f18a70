"""Figures computed from released populations only: the tree and slice frames of a campaign.

Each node (organisation, region, site, or their modality slice) is computed
over the population :mod:`disclosure.release` released for it, never over the
responses that happen to be stored now.  The frames have the columns of
:func:`scoring.aggregate.tree_aggregates` (scope, region_id, site_id, area,
n, mean, level, n_A1..n_C2, hidden), so every view and export reads them as
before.  The anonymity guard still runs on top (primary, secondary and
complement rules): hiding more than the release rule asks never discloses
anything, and it keeps the per-view rules the tests already pin.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from disclosure.release import Release, slice_key, tree_keys
from scoring.aggregate import LEVEL_COUNT_COLS, group_stats
from scoring.anonymity import guard_tree
from scoring.levels import level_of

_TREE = ("region_id", "site_id")
COLUMNS = ["scope", *_TREE, "area", "n", "mean", "level", *LEVEL_COUNT_COLS, "hidden"]


def int_or_none(values: pd.Series) -> np.ndarray:
    """Each value as a Python int, or None where it is missing (an object array, no Python call per row)."""
    out = np.full(len(values), None, dtype=object)
    known = values.notna().to_numpy(dtype=bool)
    if known.any():
        out[known] = values[known].to_numpy().astype(np.int64).tolist()
    return out


def whole_ids(values: pd.Series) -> pd.Series:
    """Exactly ``values.map(lambda v: None if pd.isna(v) else int(v)).astype(object)``, vectorised
    (the overview's frames have a row per site and area): like map, the result's type is inferred,
    so a column of ids with a missing one holds floats and NaN."""
    inferred = pd.Series(int_or_none(values), index=values.index, dtype=object).infer_objects()
    return inferred.astype(object).rename(values.name)


def _nodes(people: pd.DataFrame) -> pd.DataFrame:
    """key, scope, region_id, site_id of every node that has submitted responses of the role."""
    people = people[people["site_id"].notna()]
    region_of = people.drop_duplicates("site_id").set_index("site_id")["region_id"]
    rows = []
    for key in tree_keys(people):
        kind, _, ident = key.partition(":")
        if kind == "site":
            rows.append((key, "site", int(region_of[int(ident)]), int(ident)))
        elif kind == "region":
            rows.append((key, "region", int(ident), None))
        else:
            rows.append((key, "org", None, None))
    return pd.DataFrame(rows, columns=["key", "scope", "region_id", "site_id"])


def released_tree(
    rel: Release, respondents: pd.DataFrame, scores: pd.DataFrame, role: str, areas: Sequence[str],
    modality: str | None = None, key_of: Callable[[str], str] | None = None,
    nodes_of: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Guarded org / region / site figures of one role over released populations (module docstring).

    ``key_of`` maps a node's key to the figure key to read (default: the node
    itself, or its modality slice); ``nodes_of`` gives the respondents whose
    sites and regions make the tree (default: ``respondents``).
    """
    people = respondents[respondents["role"] == role]
    tree_people = people if nodes_of is None else nodes_of[nodes_of["role"] == role]
    nodes = _nodes(tree_people)
    if key_of is None:
        key_of = (lambda n: n) if modality is None else (lambda n: slice_key(n, modality))
    keys = nodes["key"].map(key_of)
    pops = [rel.population(role, key) for key in keys]
    member = pd.DataFrame({"_node": np.repeat(np.arange(len(nodes)), [len(p) for p in pops]),
                           "response_id": np.concatenate(pops) if pops else np.empty(0, np.int64)})
    wanted = scores[scores["score"].notna() & scores["area"].astype(str).isin(list(areas))]
    data = member.merge(wanted[["response_id", "area", "score", "level"]], on="response_id")
    data["area"] = data["area"].astype(str)
    stats = group_stats(data, ["_node", "area"]) if len(data) else pd.DataFrame(
        columns=["_node", "area", "n", "mean", *LEVEL_COUNT_COLS])
    stats["area"] = stats["area"].astype(object)
    stats["_node"] = stats["_node"].astype(np.int64)
    scored = scores[scores["score"].notna() & scores["response_id"].isin(people["response_id"])]
    have = set(scored["area"].astype(str).unique())
    present = [a for a in areas if a in have]
    grid = nodes.assign(_node=np.arange(len(nodes))).merge(pd.DataFrame({"area": pd.Series(present, dtype=object)}), how="cross")
    frame = grid.merge(stats, on=["_node", "area"], how="left")
    for col in _TREE:
        frame[col] = whole_ids(frame[col])
    frame = frame[["scope", *_TREE, "area", "n", "mean", *LEVEL_COUNT_COLS]]
    frame["n"] = frame["n"].astype(float)
    guarded = guard_tree(frame, levels=_TREE, n_col="n", value_cols=["mean", *LEVEL_COUNT_COLS],
                         by=["area"], k=rel.k)
    guarded.insert(guarded.columns.get_loc("mean") + 1, "level", level_of(guarded["mean"]))
    order = {a: i for i, a in enumerate(areas)}
    guarded = guarded.assign(_s=guarded["scope"].map({"org": 0, "region": 1, "site": 2}),
                             _a=guarded["area"].map(order))
    return guarded.sort_values(["_s", "region_id", "site_id", "_a"], na_position="first",
                               ignore_index=True)[COLUMNS]


def released_respondents(rel: Release, respondents: pd.DataFrame, role: str, key: str = "org") -> pd.DataFrame:
    """The respondents of one role inside a released population."""
    pop = rel.population(role, key)
    people = respondents[respondents["role"] == role]
    return people[people["response_id"].astype(np.int64).isin(pop)]
