"""Progress between campaigns on different questionnaire versions: shared items only.

Two versions share an item when it has the same id in both and the newer
version marks it ``same_as_previous`` (its question and options mean what they
meant before; only gender-inclusive wording may differ).  Progress between a
v1 and a v2 campaign rescores both campaigns' raw answers on those items alone,
and releases the joint table through the disclosure layer (disclosure.versions),
so an item that was reworded, split or added can never pass for progress.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy.engine import Engine
from sqlmodel import select

from scoring.anonymity import DEFAULT_K
from storage.db import read_session
from storage.models import Answer, Response
from survey.schema import Questionnaire


def shared_items(older: Questionnaire, newer: Questionnaire) -> tuple[str, ...]:
    """Scored items both versions ask with the same meaning, in the newer version's order."""
    if older.version > newer.version:
        older, newer = newer, older
    before = {it.id for it in older.area_items()}
    same_version = older.version == newer.version
    return tuple(it.id for it in newer.area_items()
                 if it.id in before and (same_version or it.same_as_previous))


def _campaign_frames(engine: Engine, campaign_ids: list[int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(answers, respondents) of the trainers' submitted responses of these campaigns."""
    with read_session(engine) as s:
        rows = s.exec(select(Response.id, Response.person_id, Response.campaign_id,
                             Response.site_id, Response.role)
                      .where(Response.campaign_id.in_(campaign_ids),
                             Response.status == "submitted", Response.role == "trainer")).all()
        ids = [r[0] for r in rows]
        answers = s.exec(select(Answer.response_id, Answer.item_id, Answer.value,
                                Answer.not_applicable)
                         .where(Answer.response_id.in_(ids))).all() if ids else []
        from storage.models import Site

        regions = dict(s.exec(select(Site.id, Site.region_id)).all())
    respondents = pd.DataFrame(rows, columns=["response_id", "person_id", "campaign_id",
                                              "site_id", "role"])
    respondents["region_id"] = respondents["site_id"].map(regions)
    frame = pd.DataFrame(answers, columns=["response_id", "item_id", "value", "na"])
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce").astype(float)
    frame.loc[frame["na"].astype(bool), "value"] = float("nan")
    return frame.drop(columns="na"), respondents


def cross_version_progress(engine: Engine, campaign_from: int, campaign_to: int,
                           k: int = DEFAULT_K) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """Released trainers' progress per org / region / site on the shared items, and those items.

    Goes through the disclosure layer like every figure about people
    (:mod:`disclosure.versions`): the campaigns' release history is replayed,
    the joint table (paired, before, after) decided and recorded.  Each
    figure guarded on its own was not enough: read before and after one more
    submission, or next to the campaign's other figures, it gave a newcomer's
    shared-items score (tests/disclosure/test_cross_version.py).
    """
    from disclosure.store import releases  # disclosure builds on scoring: imported here
    from disclosure.versions import released_cross_progress
    from scoring.data import load_campaign
    from scoring.schema import OVERALL, TRAINER_AREAS

    prev, cur = load_campaign(engine, campaign_from), load_campaign(engine, campaign_to)
    rel, prev_rel = releases(engine, cur, prev, k)
    if rel.cross is None:  # same version: the overview's own progress applies
        return pd.DataFrame(), shared_items(prev.trainer_questionnaire, cur.trainer_questionnaire)
    progress = released_cross_progress(prev, cur, prev_rel, rel, rel.cross, (*TRAINER_AREAS, OVERALL))
    return progress, rel.cross.items
