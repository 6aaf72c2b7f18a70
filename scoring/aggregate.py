"""Aggregates of response scores per organisation, region, site and slice.

Every public function here returns frames that went through
:mod:`scoring.anonymity`; nothing unguarded leaves this module.

Aggregate frame columns: ``scope`` ('org' | 'region' | 'site'), region_id,
site_id (empty above their level), area, n (respondents with a score in that
area; NaN when hidden), mean (0-100, NaN when hidden), level (level of the
mean), n_A1 .. n_C2 (how many respondents at each level), hidden (bool).
Slice frames add the slice column and drop ``scope``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from scoring.anonymity import DEFAULT_K, apply_guard, guard_tree
from scoring.levels import LEVEL_CODES, level_of
from scoring.schema import ORG_ELEMENTS, OVERALL, TRAINER_AREAS, require_columns

LEVEL_COUNT_COLS = tuple(f"n_{code}" for code in LEVEL_CODES)
YEARS_BANDS = ("0-2", "2-5", "5-10", "10+")
_TREE = ("region_id", "site_id")


def scored_respondents(
    scores: pd.DataFrame, respondents: pd.DataFrame, role: str,
    areas: Sequence[str] | None = None, campaign_id: object | None = None,
) -> pd.DataFrame:
    """Long scores of one role (and campaign) joined with the respondents, NaN scores dropped."""
    require_columns(scores, ("response_id", "area", "score", "level"), "scores")
    require_columns(respondents, ("response_id", "site_id", "region_id", "role", "campaign_id"), "respondents")
    people = respondents[respondents["role"] == role]
    if campaign_id is not None:
        people = people[people["campaign_id"] == campaign_id]
    elif people["campaign_id"].nunique() > 1:
        raise ValueError("respondents span several campaigns: pass campaign_id")
    data = scores[scores["score"].notna()]
    if areas is not None:
        data = data[data["area"].astype(str).isin(list(areas))]
    data = data.merge(people.drop(columns=["area"], errors="ignore"), on="response_id", how="inner")
    data["area"] = data["area"].astype(str)
    return data


def group_stats(data: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """n, mean and respondents per level for each group of keys (unguarded)."""
    keys = list(keys)
    grouped = data.groupby(keys, sort=True, observed=True, dropna=True)
    stats = grouped["score"].agg(n="count", mean="mean")
    counts = (
        # observed=True: observed=False would build the product of every key's values
        # (regions x sites x areas x levels); missing levels are added by the reindex below
        data.groupby([*keys, "level"], sort=True, observed=True, dropna=True).size()
        .unstack("level", fill_value=0).reindex(columns=list(LEVEL_CODES), fill_value=0)
    )
    counts.columns = list(LEVEL_COUNT_COLS)
    out = stats.join(counts, how="left").fillna({c: 0 for c in LEVEL_COUNT_COLS}).reset_index()
    return out


def _tree_stats(data: pd.DataFrame) -> pd.DataFrame:
    """Unguarded org, region and site rows for every area."""
    parts = []
    for scope, keys in (("org", []), ("region", ["region_id"]), ("site", ["region_id", "site_id"])):
        part = group_stats(data, ["area", *keys])
        part.insert(0, "scope", scope)
        parts.append(part)
    frame = pd.concat(parts, ignore_index=True)
    for col in _TREE:
        frame[col] = frame[col].astype(object) if col in frame else None
    return frame[["scope", *_TREE, "area", "n", "mean", *LEVEL_COUNT_COLS]]


def tree_aggregates(
    scores: pd.DataFrame, respondents: pd.DataFrame, role: str, areas: Sequence[str],
    k: int = DEFAULT_K, campaign_id: object | None = None,
) -> pd.DataFrame:
    """Guarded org / region / site aggregates of one role over the given areas."""
    data = scored_respondents(scores, respondents, role, areas, campaign_id)
    guarded = guard_tree(
        _tree_stats(data), levels=_TREE, n_col="n", value_cols=["mean", *LEVEL_COUNT_COLS],
        by=["area"], k=k,
    )
    guarded.insert(guarded.columns.get_loc("mean") + 1, "level", level_of(guarded["mean"]))
    return guarded.reset_index(drop=True)


def trainer_aggregates(
    scores: pd.DataFrame, respondents: pd.DataFrame, k: int = DEFAULT_K,
    campaign_id: object | None = None,
) -> pd.DataFrame:
    """Trainers' practice per org / region / site, per trainer area and overall."""
    return tree_aggregates(scores, respondents, "trainer", (*TRAINER_AREAS, OVERALL), k, campaign_id)


def organisation_aggregates(
    scores: pd.DataFrame, respondents: pd.DataFrame, k: int = DEFAULT_K,
    campaign_id: object | None = None,
) -> pd.DataFrame:
    """Managers' organisation scores per org / region / site, per element and overall."""
    return tree_aggregates(scores, respondents, "manager", (*ORG_ELEMENTS, OVERALL), k, campaign_id)


def years_band(years: pd.Series) -> pd.Series:
    """Years of practice as bands 0-2, 2-5, 5-10, 10+ (lower bound included)."""
    bands = pd.cut(years, [0, 2, 5, 10, np.inf], right=False, labels=list(YEARS_BANDS))
    return bands.rename("years_band")


def slice_aggregates(
    scores: pd.DataFrame, respondents: pd.DataFrame, by: str, role: str = "trainer",
    areas: Sequence[str] = (*TRAINER_AREAS, OVERALL), k: int = DEFAULT_K,
    campaign_id: object | None = None,
) -> pd.DataFrame:
    """Guarded site x slice aggregates; ``by`` is a respondents column or 'years_band'.

    A tuple-valued column (modalities) gives overlapping slices, guarded one
    by one against the site (see :mod:`scoring.anonymity`).
    """
    people = respondents.copy()
    if by == "years_band":
        people["years_band"] = years_band(people["years_practice"])
    data = scored_respondents(scores, people, role, areas, campaign_id)
    multi = data[by].map(lambda v: isinstance(v, (tuple, list))).any()
    exploded = data.explode(by) if multi else data
    slices = group_stats(exploded, ["area", "region_id", "site_id", by])
    sites = tree_aggregates(scores, people, role, areas, k, campaign_id)
    sites = sites.loc[sites["scope"] == "site", ["area", "region_id", "site_id", "n", "hidden"]]
    sites = sites.rename(columns={"n": "site_n", "hidden": "site_hidden"})
    slices = slices.merge(sites, on=["area", "region_id", "site_id"], how="left")
    slices["site_hidden"] = slices["site_hidden"].astype("boolean").fillna(True).astype(bool)
    guarded = apply_guard(
        slices, n_col="n", value_cols=["mean", *LEVEL_COUNT_COLS],
        parent_cols=["area", "region_id", "site_id"], parent_n="site_n",
        parent_hidden="site_hidden", k=k, partition=not multi,
    )
    guarded.insert(guarded.columns.get_loc("mean") + 1, "level", level_of(guarded["mean"]))
    return guarded.drop(columns=["site_n", "site_hidden"]).reset_index(drop=True)
