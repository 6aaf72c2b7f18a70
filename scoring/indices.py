"""Bottom-up (practice) and top-down (strategy) indices, 0-100.

Bottom-up index of a trainer:

    0.5 * practice + 0.3 * sharing + 0.2 * willingness

practice = the trainer's overall score; sharing = weighted mean item score of
the items tagged 'sharing' (N/A left out); willingness = 100 if the trainer
volunteers as a relay, else 0.  A trainer without a sharing score gets the
other two, reweighted to 5/7 and 2/7; without an overall score, no index
(reason 'no_practice_score').  A site's bottom-up index is its trainers' mean.

Top-down index of a site (and of the whole organisation):

    0.6 * managers + 0.4 * trainers' perception

managers = mean over the site's managers of their element scores for
leadership, infrastructure and development (support), equally weighted over
the elements they scored; trainers' perception = mean over the site's
trainers of their score on the shared items of those three elements.  A site
with no manager answer gets NaN and reason 'no_manager_answers'; with no
trainer perception, NaN and 'no_trainer_answers' - nothing is invented.

Site frames are guarded (org -> site): the bottom-up index on its trainers;
the top-down index on managers and trainers separately, hidden if either is.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from scoring.anonymity import DEFAULT_K, guard_tree
from scoring.gaps import _person_scores
from scoring.responses import item_weights
from scoring.schema import OVERALL, REASON_DTYPE

BOTTOM_UP_WEIGHTS = {"practice": 0.5, "sharing": 0.3, "willingness": 0.2}
TOP_DOWN_ELEMENTS = ("leadership", "infrastructure", "development")
TOP_DOWN_WEIGHTS = {"managers": 0.6, "trainers": 0.4}
SHARING_TAG = "sharing"


def sharing_scores(answers: pd.DataFrame, items: pd.DataFrame) -> pd.Series:
    """Weighted mean 0-100 score per response_id over applicable items tagged 'sharing'."""
    tags = items["tags"] if "tags" in items.columns else pd.Series([()] * len(items))
    tagged = items.assign(_w=item_weights(items))[[SHARING_TAG in (t or ()) for t in tags]]
    data = answers[answers["value"].notna()].merge(tagged[["item_id", "_w"]], on="item_id")
    sums = data.assign(_ws=data["value"] * 25.0 * data["_w"]).groupby("response_id", sort=False)[
        ["_ws", "_w"]].sum()
    return (sums["_ws"] / sums["_w"]).rename("sharing")


def bottom_up_trainers(
    scores: pd.DataFrame, answers: pd.DataFrame, items: pd.DataFrame, respondents: pd.DataFrame,
) -> pd.DataFrame:
    """Per trainer response: response_id, person_id, site_id, region_id, practice, sharing, willingness, index, reason."""
    trainers = respondents.loc[respondents["role"] == "trainer",
                               ["response_id", "person_id", "site_id", "region_id", "relay_willing"]]
    overall = scores.loc[scores["area"].astype(str) == OVERALL, ["response_id", "score"]]
    out = trainers.merge(overall.rename(columns={"score": "practice"}), on="response_id", how="left")
    out = out.merge(sharing_scores(answers, items), left_on="response_id", right_index=True, how="left")
    out["willingness"] = np.where(out.pop("relay_willing").fillna(False).astype(bool), 100.0, 0.0)
    w = BOTTOM_UP_WEIGHTS
    has_sharing = out["sharing"].notna()
    num = w["practice"] * out["practice"] + w["willingness"] * out["willingness"]
    num = num + w["sharing"] * out["sharing"].fillna(0.0)
    den = w["practice"] + w["willingness"] + w["sharing"] * has_sharing
    out["index"] = num / den
    out["reason"] = pd.Categorical(np.where(out["practice"].isna(), "no_practice_score", None),
                                   dtype=REASON_DTYPE)
    return out


def _org_and_sites(frame: pd.DataFrame, value: str, n_name: str, mean_name: str) -> pd.DataFrame:
    """Unguarded org row and site rows: site_id, n, mean of one value column."""
    valid = frame[frame[value].notna()]
    site = valid.groupby("site_id", sort=True)[value].agg(["count", "mean"]).reset_index()
    org = pd.DataFrame({"site_id": [None], "count": [len(valid)], "mean": [valid[value].mean()]})
    out = pd.concat([org, site], ignore_index=True).rename(columns={"count": n_name, "mean": mean_name})
    out["site_id"] = out["site_id"].astype(object)
    return out.assign(index_name="index")


def bottom_up_sites(trainers: pd.DataFrame, k: int = DEFAULT_K) -> pd.DataFrame:
    """Guarded org and site bottom-up index: scope, site_id, n_trainers, bottom_up, hidden."""
    frame = _org_and_sites(trainers, "index", "n_trainers", "bottom_up")
    out = guard_tree(frame, levels=("site_id",), n_col="n_trainers", value_cols=["bottom_up"],
                     by=["index_name"], k=k)
    out.insert(0, "scope", np.where(out["site_id"].isna(), "org", "site"))
    return out.drop(columns="index_name")


def top_down_sites(
    scores: pd.DataFrame, answers: pd.DataFrame, items: pd.DataFrame, respondents: pd.DataFrame,
    k: int = DEFAULT_K,
) -> pd.DataFrame:
    """Guarded top-down index: scope, site_id, n_managers, managers, n_trainers, trainers, top_down, reason, hidden."""
    people = respondents[["response_id", "role", "site_id"]]
    mgr = scores[scores["area"].astype(str).isin(TOP_DOWN_ELEMENTS)].merge(people, on="response_id")
    mgr = mgr[mgr["role"] == "manager"].groupby("response_id").agg(
        site_id=("site_id", "first"), value=("score", "mean"))
    shared = items.loc[items["area"].isin(TOP_DOWN_ELEMENTS), "item_id"].tolist()
    perception = _person_scores(answers, items, respondents, shared)
    perception = perception[(perception["role"] == "trainer") & (perception["kind"] == "element")]
    trn = perception.groupby("response_id").agg(site_id=("site_id", "first"), value=("score", "mean"))
    sides = []
    for frame, n_name, mean_name in ((mgr, "n_managers", "managers"), (trn, "n_trainers", "trainers")):
        sides.append(_org_and_sites(frame, "value", n_name, mean_name))
    out = sides[0].merge(sides[1], on=["site_id", "index_name"], how="outer")
    wm, wt = TOP_DOWN_WEIGHTS["managers"], TOP_DOWN_WEIGHTS["trainers"]
    out["top_down"] = wm * out["managers"] + wt * out["trainers"]
    reason = np.where(out["managers"].isna(), "no_manager_answers",
                      np.where(out["trainers"].isna(), "no_trainer_answers", None))
    out["reason"] = pd.Categorical(reason, dtype=REASON_DTYPE)
    hidden = np.zeros(len(out), dtype=bool)
    for n_name, mean_name in (("n_managers", "managers"), ("n_trainers", "trainers")):
        g = guard_tree(out.fillna({n_name: 0}), levels=("site_id",), n_col=n_name,
                       value_cols=[mean_name], by=["index_name"], k=k)
        hidden |= g["hidden"].to_numpy()
    out["hidden"] = hidden
    for col in ("n_managers", "managers", "n_trainers", "trainers", "top_down"):
        out[col] = out[col].astype(float).where(~hidden)
    out.insert(0, "scope", np.where(out["site_id"].isna(), "org", "site"))
    cols = ["scope", "site_id", "n_managers", "managers", "n_trainers", "trainers", "top_down",
            "reason", "hidden"]
    return out[cols].sort_values(["scope", "site_id"], na_position="first", ignore_index=True)
