"""Bottom-up (practice) and top-down (strategy) indices, 0-100.

Bottom-up index of a trainer:

    0.5 * practice + 0.3 * sharing + 0.2 * willingness

practice = the trainer's overall score; sharing = weighted mean item score of
the items tagged 'sharing' (N/A left out); willingness = 100 if the trainer
volunteers as a relay, else 0.  A trainer without a sharing score gets the
other two, reweighted to 5/7 and 2/7; without an overall score, no index
(reason 'no_practice_score').  A site's bottom-up index is its trainers' mean.

Top-down index of a site (and of the whole organisation):

    combined:       0.6 * managers + 0.4 * trainers' perception
    trainers_only:  trainers' perception

managers = mean over the site's managers of their element scores for
leadership, infrastructure and development (support), equally weighted over
the elements they scored; trainers' perception = mean over the site's
trainers of their weighted score on the items of those three elements that
trainers answer ("Mon organisme" statements; found by the items' ``element``
column, or ``area`` when a frame has no ``element``).

Privacy policy.  Sites have few managers (often 1-4), fewer than k.  Each
side goes through the guard on its own (org -> site, with secondary
suppression), so:

* a scope whose managers' mean is visible (>= k managers, not suppressed)
  gets the combined index, ``basis='combined'``;
* otherwise, when its trainers' perception is visible, the index is the
  trainers' perception alone, ``basis='trainers_only'``, and the managers'
  count and mean are NaN - never a figure from which one manager's answers
  could be recovered (reason 'no_manager_answers' with no manager answer,
  'few_managers' with some, too few or derivable by subtraction);
* when the trainers' perception is hidden or missing, the scope is hidden:
  top_down NaN, basis None, reason 'below_threshold' or 'no_trainer_answers'.

Nothing is invented: a missing side is never replaced by a default value.

Site frames are guarded (org -> site): the bottom-up index on its trainers;
the top-down index as above.
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


def _top_down_items(items: pd.DataFrame) -> pd.DataFrame:
    """item_id, area (= element), weight of the items trainers answer on the top-down elements."""
    element = items["element"] if "element" in items.columns else items["area"]
    table = pd.DataFrame({"item_id": items["item_id"], "area": element,
                          "weight": item_weights(items)})
    return table[table["area"].isin(TOP_DOWN_ELEMENTS)].reset_index(drop=True)


def top_down_people(
    scores: pd.DataFrame, answers: pd.DataFrame, items: pd.DataFrame, respondents: pd.DataFrame,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-person top-down values: (managers, trainers), each indexed by response_id with site_id, value.

    A manager's value is the mean of their leadership, infrastructure and
    development scores; a trainer's the mean of their perception of those
    elements (items of ``items``).  A person without one is not in the frame.
    """
    people = respondents[["response_id", "role", "site_id"]]
    mgr = scores[scores["area"].astype(str).isin(TOP_DOWN_ELEMENTS)].merge(people, on="response_id")
    mgr = mgr[(mgr["role"] == "manager") & mgr["score"].notna()].groupby("response_id").agg(
        site_id=("site_id", "first"), value=("score", "mean"))
    table = _top_down_items(items)
    perception = _person_scores(answers, table, respondents, table["item_id"].tolist())
    perception = perception[(perception["role"] == "trainer") & (perception["kind"] == "element")]
    trn = perception.groupby("response_id").agg(site_id=("site_id", "first"), value=("score", "mean"))
    return mgr, trn


def top_down_sites(
    scores: pd.DataFrame, answers: pd.DataFrame, items: pd.DataFrame, respondents: pd.DataFrame,
    k: int = DEFAULT_K, official: bool = False,
) -> pd.DataFrame:
    """Guarded top-down index: scope, site_id, n_managers, managers, n_trainers, trainers, top_down, basis, reason, hidden.

    ``items`` is the trainer questionnaire's items frame (see the module
    docstring for the policy when a site has fewer than k managers).
    ``official``: the campaign made site managers' answers their site's named,
    official position (official/), so a site's managers' side is used whatever
    their number; the trainers' side stays guarded.
    """
    mgr, trn = top_down_people(scores, answers, items, respondents)
    return top_down_from_sides(_org_and_sites(mgr, "value", "n_managers", "managers"),
                               _org_and_sites(trn, "value", "n_trainers", "trainers"), k,
                               official)


def top_down_from_sides(managers: pd.DataFrame, trainers: pd.DataFrame, k: int = DEFAULT_K,
                        official: bool = False) -> pd.DataFrame:
    """Guard each side (org -> site) and combine them (module docstring).

    ``managers``: site_id (None for the org row), n_managers, managers,
    index_name; ``trainers`` likewise with n_trainers, trainers.
    """
    sides = []
    for side, n_name, mean_name in ((managers, "n_managers", "managers"), (trainers, "n_trainers", "trainers")):
        raw_n = side[n_name].to_numpy(dtype=float)
        raw_mean = side[mean_name].to_numpy(dtype=float)
        side = guard_tree(side, levels=("site_id",), n_col=n_name, value_cols=[mean_name],
                          by=["index_name"], k=k)
        if official and mean_name == "managers":
            named = side["site_id"].notna().to_numpy() & (raw_n > 0)
            side[mean_name] = np.where(named, raw_mean, side[mean_name].to_numpy(dtype=float))
            side[n_name] = np.where(named, raw_n, side[n_name].to_numpy(dtype=float))
            side["hidden"] = np.where(named, False, side["hidden"].to_numpy(dtype=bool))
        sides.append(side.rename(columns={"hidden": f"_hidden_{mean_name}"}).assign(
            **{f"_raw_{n_name}": raw_n}))
    out = sides[0].merge(sides[1], on=["site_id", "index_name"], how="outer")
    raw_m = out["_raw_n_managers"].fillna(0).to_numpy()
    raw_t = out["_raw_n_trainers"].fillna(0).to_numpy()
    show_m = ~out["_hidden_managers"].astype("boolean").fillna(True).to_numpy(dtype=bool)
    show_t = ~out["_hidden_trainers"].astype("boolean").fillna(True).to_numpy(dtype=bool)
    wm, wt = TOP_DOWN_WEIGHTS["managers"], TOP_DOWN_WEIGHTS["trainers"]
    combined = show_m & show_t
    out["top_down"] = np.where(combined, wm * out["managers"] + wt * out["trainers"],
                               np.where(show_t, out["trainers"], np.nan))
    out["basis"] = pd.Series(np.where(combined, "combined",
                                      np.where(show_t, "trainers_only", None)), dtype=object)
    out["basis"] = out["basis"].where(out["basis"].notna(), None)
    reason = np.select(
        [raw_t == 0, ~show_t, combined, raw_m == 0],
        ["no_trainer_answers", "below_threshold", None, "no_manager_answers"],
        default="few_managers")
    out["reason"] = pd.Categorical(reason, dtype=REASON_DTYPE)
    out["hidden"] = ~show_t
    out["managers"] = out["managers"].astype(float).where(combined)
    out["n_managers"] = out["n_managers"].astype(float).where(combined)
    for col in ("n_trainers", "trainers", "top_down"):
        out[col] = out[col].astype(float).where(show_t)
    out.insert(0, "scope", np.where(out["site_id"].isna(), "org", "site"))
    cols = ["scope", "site_id", "n_managers", "managers", "n_trainers", "trainers", "top_down",
            "basis", "reason", "hidden"]
    return out[cols].sort_values(["scope", "site_id"], na_position="first", ignore_index=True)
