"""Perception gap: managers' view minus trainers' view, on the shared items.

Shared items are statements asked word for word of managers and trainers,
under one item_id whose area is an organisation element.  For each item, each
element (a respondent's weighted mean over their applicable shared items of
that element) and each scope (the whole organisation, each site):

    gap = mean of managers - mean of trainers        (0-100 points)

so a positive gap means managers see the organisation further along than
trainers do.  The 95 % interval is Welch's t interval (unequal variances,
Welch-Satterthwaite degrees of freedom); ``real`` is True when it excludes 0.

Each side (managers, trainers) goes through the anonymity guard on its own,
org -> site; a row is hidden, with gap and interval NaN, when either side is.

Frame columns: scope ('org' | 'site'), site_id, kind ('item' | 'element'),
key (item_id or element), n_managers, mean_managers, n_trainers,
mean_trainers, gap, ci_low, ci_high, real (nullable bool), hidden (bool).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.special import stdtrit  # Student t quantile; scipy.stats costs ~1 s to import

from scoring.anonymity import DEFAULT_K, guard_tree
from scoring.responses import item_weights
from scoring.schema import require_columns

SIDES = ("manager", "trainer")


def shared_item_ids(answers: pd.DataFrame, respondents: pd.DataFrame) -> list[str]:
    """Item ids that both managers and trainers answered (not N/A) at least once."""
    data = answers.loc[answers["value"].notna(), ["response_id", "item_id"]].merge(
        respondents.loc[respondents["role"].isin(SIDES), ["response_id", "role"]], on="response_id")
    # distinct (item, role) pairs: an item both sides answered has one per side (no Python
    # function per item: a national campaign has hundreds of thousands of answers)
    sides = data[["item_id", "role"]].drop_duplicates().groupby("item_id", observed=True).size()
    return sorted(sides.index[sides.to_numpy() == len(SIDES)].astype(str))


def welch_interval(
    mean1: np.ndarray, var1: np.ndarray, n1: np.ndarray,
    mean2: np.ndarray, var2: np.ndarray, n2: np.ndarray, confidence: float = 0.95,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Difference mean1 - mean2, its Welch interval (low, high) and degrees of freedom."""
    a = np.asarray(var1, float) / np.asarray(n1, float)
    b = np.asarray(var2, float) / np.asarray(n2, float)
    se = np.sqrt(a + b)
    with np.errstate(invalid="ignore", divide="ignore"):
        df = (a + b) ** 2 / (a**2 / (np.asarray(n1, float) - 1) + b**2 / (np.asarray(n2, float) - 1))
    df = np.where(se == 0, np.inf, df)
    diff = np.asarray(mean1, float) - np.asarray(mean2, float)
    half = stdtrit(df, 0.5 + confidence / 2) * se
    return diff, diff - half, diff + half, df


def _person_scores(
    answers: pd.DataFrame, items: pd.DataFrame, respondents: pd.DataFrame, shared: Sequence[str],
) -> pd.DataFrame:
    """One row per response and item or element: role, site_id, kind, key, score 0-100."""
    table = items.assign(_w=item_weights(items))[["item_id", "area", "_w"]]
    data = answers[answers["item_id"].isin(list(shared)) & answers["value"].notna()]
    data = data.merge(table, on="item_id").merge(
        respondents[respondents["role"].isin(SIDES)][["response_id", "role", "site_id"]], on="response_id",
    )
    data["score"] = data["value"] * 25.0
    per_item = data.assign(kind="item", key=data["item_id"].astype(str))
    weighted = data.assign(_ws=data["score"] * data["_w"]).groupby(
        ["response_id", "role", "site_id", "area"], observed=True, sort=False,
    )[["_ws", "_w"]].sum().reset_index()
    per_element = weighted.assign(kind="element", key=weighted["area"].astype(str),
                                  score=weighted["_ws"] / weighted["_w"])
    cols = ["response_id", "role", "site_id", "kind", "key", "score"]
    return pd.concat([per_item[cols], per_element[cols]], ignore_index=True)


def _side(people: pd.DataFrame, k: int) -> pd.DataFrame:
    """Guarded n, mean and variance of one role, org-wide and per site."""
    org = people.groupby(["kind", "key"], observed=True)["score"].agg(n="count", mean="mean", var="var")
    org = org.reset_index().assign(scope="org", site_id=None)
    site = people.groupby(["kind", "key", "site_id"], observed=True)["score"].agg(
        n="count", mean="mean", var="var").reset_index().assign(scope="site")
    frame = pd.concat([org, site], ignore_index=True)
    frame["site_id"] = frame["site_id"].astype(object)
    return guard_tree(frame, levels=("site_id",), n_col="n", value_cols=["mean", "var"],
                      by=["kind", "key"], k=k)


def perception_gaps(
    answers: pd.DataFrame, items: pd.DataFrame, respondents: pd.DataFrame,
    shared: Sequence[str] | None = None, k: int = DEFAULT_K, confidence: float = 0.95,
) -> pd.DataFrame:
    """Guarded managers-minus-trainers gaps per shared item and element, org-wide and per site."""
    require_columns(respondents, ("response_id", "role", "site_id"), "respondents")
    if shared is None:
        shared = shared_item_ids(answers, respondents)
    return gaps_of(_person_scores(answers, items, respondents, shared), k, confidence)


def gaps_of(people: pd.DataFrame, k: int = DEFAULT_K, confidence: float = 0.95) -> pd.DataFrame:
    """Guarded gaps from per-person rows shaped like _person_scores' (see perception_gaps)."""
    keys = ["scope", "site_id", "kind", "key"]
    sides = [
        _side(people[people["role"] == role], k)[[*keys, "n", "mean", "var", "hidden"]]
        .rename(columns={"n": f"n_{role}s", "mean": f"mean_{role}s", "var": f"_var_{role}",
                         "hidden": f"_hidden_{role}"})
        for role in SIDES
    ]
    out = sides[0].merge(sides[1], on=keys, how="outer")
    hidden = out["_hidden_manager"].astype("boolean").fillna(True) | out["_hidden_trainer"].astype(
        "boolean").fillna(True)
    out["hidden"] = hidden.to_numpy(dtype=bool)
    gap, low, high, _ = welch_interval(
        out["mean_managers"], out["_var_manager"], out["n_managers"],
        out["mean_trainers"], out["_var_trainer"], out["n_trainers"], confidence,
    )
    out["gap"], out["ci_low"], out["ci_high"] = gap, low, high
    out.loc[out["hidden"], ["gap", "ci_low", "ci_high"]] = np.nan
    real = pd.array((low > 0) | (high < 0), dtype="boolean")
    real[np.isnan(low)] = pd.NA
    out["real"] = real
    cols = [*keys, "n_managers", "mean_managers", "n_trainers", "mean_trainers",
            "gap", "ci_low", "ci_high", "real", "hidden"]
    return out[cols].sort_values(["scope", "site_id", "kind", "key"], na_position="first",
                                 ignore_index=True)
