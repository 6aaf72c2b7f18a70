"""Progress between two campaigns, on the items both campaigns share.

Only ``common_items`` are scored (items present in both campaigns with the
same questionnaire version, or unchanged), in both campaigns alike, so a
change in the questionnaire cannot pass for progress.

Per person: a person who answered both campaigns is *paired*;
``delta = score_to - score_from`` per area and overall.  These rows are the
person's own result and are not for anyone else's eyes.

Per org / region / site (the person's unit in the later campaign) and area:
n_paired, mean_delta (mean of the paired differences), plus the unpaired
means of each campaign over everyone who answered it: n_from, mean_from,
n_to, mean_to.  Each of the three figures goes through the anonymity guard
on its own count, with flags hidden_paired, hidden_from, hidden_to.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from scoring.anonymity import DEFAULT_K, guard_tree
from scoring.responses import score_responses
from scoring.schema import require_columns

_TREE = ("region_id", "site_id")


def paired_progress(
    answers: pd.DataFrame, items: pd.DataFrame, respondents: pd.DataFrame,
    campaign_from: object, campaign_to: object, common_items: Sequence[str],
    area_weights: Mapping[str, float] | None = None, role: str = "trainer", min_share: float = 0.5,
) -> pd.DataFrame:
    """Per person and area: person_id, region_id, site_id, area, score_from, score_to, delta (NaN unpaired)."""
    require_columns(respondents, ("response_id", "person_id", "campaign_id", "role", "site_id", "region_id"),
                    "respondents")
    people = respondents[respondents["role"].eq(role)
                         & respondents["campaign_id"].isin([campaign_from, campaign_to])]
    if people.duplicated(["person_id", "campaign_id"]).any():
        raise ValueError("a person has several responses in one campaign")
    common = list(common_items)
    scores = score_responses(
        answers[answers["item_id"].isin(common) & answers["response_id"].isin(people["response_id"])],
        items[items["item_id"].isin(common)], area_weights, min_share,
    )
    data = scores.merge(people, on="response_id")
    data["area"] = data["area"].astype(str)
    data["when"] = data["campaign_id"].map({campaign_from: "from", campaign_to: "to"})
    wide = data.pivot(index=["person_id", "area"], columns="when", values="score")
    wide = wide.reindex(columns=["from", "to"]).rename(columns={"from": "score_from", "to": "score_to"})
    wide.columns.name = None
    unit = data.sort_values("when").groupby("person_id")[["region_id", "site_id"]].last()
    out = wide.reset_index().merge(unit, left_on="person_id", right_index=True)
    out["delta"] = out["score_to"] - out["score_from"]
    return out[["person_id", "region_id", "site_id", "area", "score_from", "score_to", "delta"]]


def _tree_mean(frame: pd.DataFrame, value: str, n_name: str, mean_name: str, k: int) -> pd.DataFrame:
    """Guarded org / region / site count and mean of one column per area."""
    valid = frame[frame[value].notna()]
    parts = []
    for keys in ([], ["region_id"], ["region_id", "site_id"]):
        part = valid.groupby(["area", *keys], sort=True)[value].agg(["count", "mean"]).reset_index()
        parts.append(part)
    tree = pd.concat(parts, ignore_index=True).rename(columns={"count": n_name, "mean": mean_name})
    for col in _TREE:
        tree[col] = tree[col].astype(object) if col in tree else None
    guarded = guard_tree(tree, levels=_TREE, n_col=n_name, value_cols=[mean_name], by=["area"], k=k)
    return guarded.rename(columns={"hidden": f"hidden_{mean_name.split('_')[-1]}"})


def site_progress(
    answers: pd.DataFrame, items: pd.DataFrame, respondents: pd.DataFrame,
    campaign_from: object, campaign_to: object, common_items: Sequence[str],
    area_weights: Mapping[str, float] | None = None, role: str = "trainer",
    k: int = DEFAULT_K, min_share: float = 0.5,
) -> pd.DataFrame:
    """Guarded progress per org / region / site and area (columns in the module docstring)."""
    persons = paired_progress(answers, items, respondents, campaign_from, campaign_to,
                              common_items, area_weights, role, min_share)
    return tree_progress(persons, respondents, campaign_from, role, k)


def tree_progress(
    persons: pd.DataFrame, respondents: pd.DataFrame, campaign_from: object,
    role: str = "trainer", k: int = DEFAULT_K,
) -> pd.DataFrame:
    """Guarded progress tree from per-person rows shaped like :func:`paired_progress`'s output.

    Lets a caller that already holds comparable per-person scores (e.g. stored
    area scores of two campaigns on the same questionnaire version) get the
    same guarded figures as :func:`site_progress`.
    """
    from_units = respondents[respondents["campaign_id"].eq(campaign_from) & respondents["role"].eq(role)]
    from_units = from_units.set_index("person_id")[["region_id", "site_id"]]
    by_from = persons.drop(columns=["region_id", "site_id"]).merge(
        from_units, left_on="person_id", right_index=True)
    keys = ["region_id", "site_id", "area"]
    parts = [
        _tree_mean(persons.rename(columns={"delta": "mean_delta"}), "mean_delta", "n_paired",
                   "mean_delta", k).rename(columns={"hidden_delta": "hidden_paired"}),
        _tree_mean(by_from.rename(columns={"score_from": "mean_from"}), "mean_from", "n_from",
                   "mean_from", k),
        _tree_mean(persons.rename(columns={"score_to": "mean_to"}), "mean_to", "n_to", "mean_to", k),
    ]
    out = parts[0]
    for part in parts[1:]:
        out = out.merge(part, on=keys, how="outer")
    for flag in ("hidden_paired", "hidden_from", "hidden_to"):
        out[flag] = out[flag].astype("boolean").fillna(True).astype(bool)
    out.insert(0, "scope", out["site_id"].notna().map({True: "site", False: "region"}))
    out.loc[out["region_id"].isna(), "scope"] = "org"
    cols = ["scope", *keys, "n_paired", "mean_delta", "n_from", "mean_from", "n_to", "mean_to",
            "hidden_paired", "hidden_from", "hidden_to"]
    return out[cols].sort_values(["area", "region_id", "site_id"], na_position="first", ignore_index=True)
