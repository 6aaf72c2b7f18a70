"""Progress between campaigns on different questionnaire versions, through the release rule.

Between a v1 and a v2 campaign, progress compares the items both versions
share (:func:`scoring.version_progress.shared_items`): each trainer's
answers to those items are scored again, in both campaigns alike, into a
*shared-items score* per area.  That score is a per-person unknown of its
own, so each campaign gets one more universe per area, ``xv:<area>`` (a
response is in it when it has a shared-items score in the area).

The cross-version table is then released exactly like same-version
progress (:mod:`disclosure.campaign`), as one joint table per node:

* ``xv:to:<node>`` (this campaign): the node's released population;
* ``xv:from:<to_campaign>:<node>`` (the previous campaign): its node's
  released population;
* ``xv:paired:<node>`` and ``xv:paired:<to_campaign>:<node>``: the people
  who answered both, released only when both campaigns' families accept
  them.

Each of them is checked, and recorded, in the campaign's area universes
*and* its ``xv:`` universes: a shared-items score is the area score itself
when every item of the area is shared, so the two are treated as one system
(hiding more than needed never discloses anything).  The rows are written
to ``disclosurerelease`` like every other release and replayed before each
later decision (:func:`disclosure.release._replay`), so "before", "after"
and "paired" can never be read side by side with the other released
figures, or before and after one more submission, to isolate anyone.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy.engine import Engine

from disclosure.release import AREA, XV, Release, tree_keys
from scoring.data import CampaignData
from scoring.responses import score_responses
from scoring.version_progress import _campaign_frames, shared_items

MIN_SHARE = 0.5  # as scoring.progress.paired_progress
# presence-only universes, one per area: the trainers with a shared-items score there who also
# answered an item of the area that only their version has.  A trainer who answered none has an
# area score of the same form as their shared-items score (the same items); the area sum minus
# the shared-items sum over a cell would then cancel them and leave a sum over the others.  In
# the trainers' area link (they start with XV), so a cell never mixes the two kinds.
FORM = XV + "~form:"


@dataclass(frozen=True)
class CrossVersion:
    """The shared items of two campaigns on different versions, and each campaign's scores on them."""

    items: tuple[str, ...]
    prev_scores: pd.DataFrame  # response_id, area, score, level (previous campaign)
    cur_scores: pd.DataFrame  # the same for this campaign
    # response_id, area: the trainer answered an item of the area that only their campaign's
    # version has (their area score then has a term the shared-items score lacks); see FORM
    prev_forms: pd.DataFrame | None = None
    cur_forms: pd.DataFrame | None = None

    def presence(self, which: str) -> pd.DataFrame:
        """response_id, universe: which response has a shared-items score in which area (``xv:``),
        and which of those answered an item of the area only its version has (``xv:~form:``)."""
        scores = self.prev_scores if which == "prev" else self.cur_scores
        valid = scores[scores["score"].notna()]
        out = pd.DataFrame({"response_id": valid["response_id"].astype(np.int64).to_numpy(),
                            "universe": (XV + valid["area"].astype(str)).to_numpy()})
        forms = self.prev_forms if which == "prev" else self.cur_forms
        if forms is None or not len(forms):
            return out
        pairs = pd.DataFrame({"response_id": out["response_id"], "area": valid["area"].astype(str).to_numpy()})
        both = forms.astype({"response_id": np.int64, "area": str}).merge(pairs, on=["response_id", "area"])
        return pd.concat([out, pd.DataFrame({"response_id": both["response_id"].to_numpy(),
                                             "universe": (FORM + both["area"]).to_numpy()})],
                         ignore_index=True)

    def digest(self) -> str:
        """What the decision depends on (who has a shared-items score where), for the fingerprint."""
        h = hashlib.sha256("|".join(self.items).encode())
        for which in ("prev", "cur"):
            p = self.presence(which)
            h.update(pd.util.hash_pandas_object(p, index=False).to_numpy().tobytes())
        return h.hexdigest()[:20]


def differs(prev: CampaignData | None, cur: CampaignData) -> bool:
    """True when the two campaigns' trainers answered different questionnaire versions."""
    return prev is not None and prev.trainer_questionnaire.checksum() != cur.trainer_questionnaire.checksum()


def cross_from_answers(prev: CampaignData, cur: CampaignData, answers: pd.DataFrame) -> CrossVersion | None:
    """Shared-items scores of both campaigns from raw answers (response_id, item_id, value; NaN = N/A).

    None when the campaigns are on the same version or share no scored item."""
    if not differs(prev, cur):
        return None
    q_from, q_to = prev.trainer_questionnaire, cur.trainer_questionnaire
    common = shared_items(q_from, q_to)
    if not common:
        return None
    items = q_to.items_frame()
    items = items[items["area"].notna() & items["item_id"].isin(common)].reset_index(drop=True)
    everything = answers
    answers = answers[answers["item_id"].isin(common)]

    def forms(data: CampaignData) -> pd.DataFrame:
        own = data.trainer_questionnaire.items_frame()
        own = own[own["area"].notna() & ~own["item_id"].isin(common) & own["area"].isin(items["area"])]
        trainers = data.respondents.loc[data.respondents["role"] == "trainer", "response_id"]
        mine = everything[everything["response_id"].isin(trainers) & everything["value"].notna()]
        found = mine.merge(pd.DataFrame({"item_id": own["item_id"], "area": own["area"].astype(str)}),
                           on="item_id")
        return found[["response_id", "area"]].drop_duplicates().astype(
            {"response_id": np.int64, "area": object}).reset_index(drop=True)

    def scored(data: CampaignData) -> pd.DataFrame:
        trainers = data.respondents.loc[data.respondents["role"] == "trainer", "response_id"]
        mine = answers[answers["response_id"].isin(trainers)]
        if mine.empty:
            return pd.DataFrame({"response_id": pd.Series(dtype=np.int64), "area": pd.Series(dtype=object),
                                 "score": pd.Series(dtype=float), "level": pd.Series(dtype=object)})
        out = score_responses(mine, items, q_to.area_weights(), MIN_SHARE)
        out = out[["response_id", "area", "score", "level"]].copy()
        out["area"] = out["area"].astype(str).astype(object)
        out["response_id"] = out["response_id"].astype(np.int64)
        return out.reset_index(drop=True)

    return CrossVersion(common, scored(prev), scored(cur), forms(prev), forms(cur))


def cross_version(engine: Engine, prev: CampaignData | None, cur: CampaignData) -> CrossVersion | None:
    """:func:`cross_from_answers` with the answers read from the database (trainers, submitted)."""
    if not differs(prev, cur):
        return None
    answers, _ = _campaign_frames(engine, [prev.campaign_id, cur.campaign_id])
    return cross_from_answers(prev, cur, answers)


def to_key(node: str) -> str:
    return f"{XV}to:{node}"


def from_key(campaign_id: int, node: str) -> str:
    return f"{XV}from:{int(campaign_id)}:{node}"


def paired_key(node: str) -> str:
    return f"{XV}paired:{node}"


def prev_paired_key(campaign_id: int, node: str) -> str:
    return f"{XV}paired:{int(campaign_id)}:{node}"


def _universes(rel: Release) -> list[str]:
    """The area and shared-items universes of the trainers: every cross-version figure is
    checked and recorded in all of them."""
    return [u for u in rel.universes.get("trainer", []) if u.startswith((AREA, XV))]


def offer_cross_version(prev: CampaignData, cur: CampaignData, prev_rel: Release, cur_rel: Release) -> None:
    """Release, per node of this campaign, the joint cross-version table (module docstring).

    Both releases must have been decided with the shared-items universes
    (``release_of(..., extra=cross.presence(...))``).
    """
    from disclosure.campaign import _person_pairs

    cur_u, prev_u = _universes(cur_rel), _universes(prev_rel)
    pairs = _person_pairs(prev, cur)
    pairs = pairs[pairs["response_id_from"].isin(prev_rel.population("trainer", "org"))]
    for node in tree_keys(cur.respondents[cur.respondents["role"] == "trainer"]):
        cur_rel.offer("trainer", to_key(node), [(cur_rel.population("trainer", node), "xv")], cur_u)
        prev_rel.offer("trainer", from_key(cur.campaign_id, node),
                       [(prev_rel.population("trainer", node), "xv")], prev_u)
        mine = pairs[pairs["response_id_to"].isin(cur_rel.population("trainer", to_key(node)))]
        y = np.sort(mine["response_id_to"].to_numpy())
        if not len(y) or np.array_equal(y, cur_rel.population("trainer", paired_key(node))):
            continue
        x = mine["response_id_from"].to_numpy()
        per_y, per_x = {u: y for u in cur_u}, {u: x for u in prev_u}
        if cur_rel.allows("trainer", y, per_y) and prev_rel.allows("trainer", x, per_x):
            cur_rel.record("trainer", paired_key(node), y, "xv-paired", per_y)
            prev_rel.record("trainer", prev_paired_key(cur.campaign_id, node), x, "xv-paired", per_x)


def decide_afresh(prev: CampaignData, cur: CampaignData, cross: CrossVersion | None, k: int,
                  history: tuple[list, list] = ([], []), closed: tuple[bool, bool] = (True, True),
                  ) -> tuple[Release, Release]:
    """(this campaign's, the previous one's) releases with the cross-version table offered, without
    the database (tests and tools; :func:`disclosure.store.releases` is the same with storage).
    ``history`` and ``closed``: (previous, this) campaign's recorded rows and status."""
    from disclosure.campaign import release_of

    prev_rel = release_of(prev, history[0], closed[0], k, cross.presence("prev") if cross else None)
    rel = release_of(cur, history[1], closed[1], k, cross.presence("cur") if cross else None)
    if cross is not None:
        offer_cross_version(prev, cur, prev_rel, rel)
        rel.cross = cross
    return rel, prev_rel


def released_cross_progress(prev: CampaignData, cur: CampaignData, prev_rel: Release, cur_rel: Release,
                            cross: CrossVersion, areas: tuple[str, ...]) -> pd.DataFrame:
    """The joint progress table on the shared items (columns of scoring.progress.tree_progress)."""
    from disclosure.campaign import released_progress

    cid = cur.campaign_id
    return released_progress(
        prev, cur, prev_rel, cur_rel, areas,
        scores=(cross.prev_scores, cross.cur_scores),
        keys=(lambda n: from_key(cid, n), to_key, paired_key, lambda n: prev_paired_key(cid, n)),
        before_nodes=cur.respondents)
