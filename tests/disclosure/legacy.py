"""The code before the disclosure layer (kept for the attacker test's evidence): slices and progress.

Aggregates of the trainers who teach in one modality, guarded against the whole tree.

Trainers of a modality are an overlapping slice of every site, region and the
organisation.  Their tree is guarded as a tree (rules 1-3 of
:mod:`scoring.anonymity`), and each node is also hidden when the unfiltered
node is hidden or when the people left out (node n - slice n) number between
1 and k-1 (rule 4 against the unfiltered figure a reader sees next to it).
"""

from __future__ import annotations

import pandas as pd

from scoring.aggregate import LEVEL_COUNT_COLS, trainer_aggregates
from scoring.anonymity import DEFAULT_K, check_k
from scoring.data import CampaignData
from scoring.progress import tree_progress

_KEYS = ["scope", "region_id", "site_id", "area"]


def _unguarded_n(data: CampaignData) -> pd.DataFrame:
    """Real (unguarded, never shown) n per node and area, to compute who a slice leaves out."""
    people = data.respondents[data.respondents["role"] == "trainer"][["response_id", "region_id", "site_id"]]
    scored = data.scores[data.scores["score"].notna()].merge(people, on="response_id")
    parts = [scored.groupby("area").size().rename("n_all").reset_index().assign(
        scope="org", region_id=None, site_id=None)]
    parts.append(scored.groupby(["area", "region_id"]).size().rename("n_all").reset_index().assign(
        scope="region", site_id=None))
    parts.append(scored.groupby(["area", "region_id", "site_id"]).size().rename("n_all").reset_index()
                 .assign(scope="site"))
    out = pd.concat(parts, ignore_index=True)
    for col in ("region_id", "site_id"):
        out[col] = out[col].astype(object)
    return out


def _norm(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in ("region_id", "site_id"):
        out[col] = out[col].map(lambda v: None if pd.isna(v) else int(v)).astype(object)
    return out


def modality_aggregates(data: CampaignData, modality: str, k: int = DEFAULT_K) -> pd.DataFrame:
    """Trainer aggregates (same columns as trainer_aggregates) of those who teach in modality."""
    k = check_k(k)
    resp = data.respondents
    teaches = resp["modalities"].map(lambda m: modality in (m or ()))
    sliced = trainer_aggregates(data.scores, resp[teaches | (resp["role"] != "trainer")], k,
                                campaign_id=data.campaign_id)
    full = trainer_aggregates(data.scores, resp, k, campaign_id=data.campaign_id)
    real_sliced_n = _unguarded_n(CampaignData(
        data.campaign_id, data.scores, resp[teaches | (resp["role"] != "trainer")], data.answers,
        data.trainer_items, data.organisation_items, data.trainer_questionnaire,
        data.organisation_questionnaire)).rename(columns={"n_all": "n_slice"})
    joined = _norm(sliced).merge(_norm(full)[[*_KEYS, "hidden"]].rename(columns={"hidden": "h_all"}),
                                 on=_KEYS, how="left")
    joined = joined.merge(_norm(_unguarded_n(data)), on=_KEYS, how="left")
    joined = joined.merge(_norm(real_sliced_n), on=_KEYS, how="left")
    left_out = joined["n_all"].fillna(0) - joined["n_slice"].fillna(0)
    hidden = (joined["hidden"].to_numpy(bool) | joined["h_all"].fillna(True).to_numpy(bool)
              | ((left_out >= 1) & (left_out < k)).to_numpy())
    out = joined.drop(columns=["h_all", "n_all", "n_slice"])
    for col in ("n", "mean", *LEVEL_COUNT_COLS):
        out[col] = out[col].astype(float).where(~hidden)
    out["level"] = out["level"].where(~hidden)
    out["hidden"] = hidden
    return out.reset_index(drop=True)



def stored_progress(prev: CampaignData, cur: CampaignData, k: int) -> pd.DataFrame | None:
    """Guarded trainers' progress from stored area scores, when both campaigns used one version.

    Same questionnaire version means every item is common, so stored area
    scores are the paired scores on common items.  Otherwise None (the caller
    says progress cannot be shown rather than compare different questionnaires).
    """
    if prev.trainer_questionnaire.checksum() != cur.trainer_questionnaire.checksum():
        return None
    frames = []
    for when, data in (("score_from", prev), ("score_to", cur)):
        people = data.respondents.loc[data.respondents["role"] == "trainer",
                                      ["response_id", "person_id", "region_id", "site_id", "campaign_id"]]
        people = people[people["person_id"].notna()]
        scored = data.scores.merge(people, on="response_id")
        frames.append(scored.assign(when=when))
    both = pd.concat(frames, ignore_index=True)
    wide = both.pivot_table(index=["person_id", "area"], columns="when", values="score",
                            aggfunc="first", dropna=False)
    wide = wide.reindex(columns=["score_from", "score_to"]).reset_index()
    wide.columns.name = None
    unit = both.sort_values("when").groupby("person_id")[["region_id", "site_id"]].last()
    persons = wide.merge(unit, left_on="person_id", right_index=True)
    persons = persons[persons[["score_from", "score_to"]].notna().any(axis=1)]
    persons["delta"] = persons["score_to"] - persons["score_from"]
    respondents = pd.concat([prev.respondents, cur.respondents], ignore_index=True)
    return tree_progress(persons, respondents, prev.campaign_id, "trainer", k)


def cross_version_before_layer(engine, campaign_from: int, campaign_to: int, k: int) -> pd.DataFrame:  # noqa: ANN001
    """Progress between questionnaire versions as scoring.version_progress computed it before it
    went through the release history: every submitted response, each figure guarded on its own."""
    from scoring.progress import site_progress
    from scoring.store import questionnaire_of, scored_items
    from scoring.version_progress import _campaign_frames, shared_items
    from storage.db import read_session
    from storage.models import Campaign

    with read_session(engine) as s:
        q_from = questionnaire_of(s, s.get(Campaign, campaign_from).trainer_qv_id)
        q_to = questionnaire_of(s, s.get(Campaign, campaign_to).trainer_qv_id)
    common = shared_items(q_from, q_to)
    answers, respondents = _campaign_frames(engine, [campaign_from, campaign_to])
    answers = answers[answers["item_id"].isin(common)]
    items = scored_items(q_to)
    items = items[items["item_id"].isin(common)]
    return site_progress(answers, items, respondents, campaign_from, campaign_to, common,
                         q_to.area_weights(), "trainer", k)
