"""Progress between campaigns on different questionnaire versions: shared items only.

Two versions share an item when it has the same id in both and the newer
version marks it ``same_as_previous`` (its question and options mean what they
meant before; only gender-inclusive wording may differ).  Progress between a
v1 and a v2 campaign rescores both campaigns' raw answers on those items alone,
then goes through :func:`scoring.progress.site_progress` (guarded against k),
so an item that was reworded, split or added can never pass for progress.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy.engine import Engine
from sqlmodel import select

from scoring.anonymity import DEFAULT_K
from scoring.progress import site_progress
from scoring.store import questionnaire_of, scored_items
from storage.db import read_session
from storage.models import Answer, Campaign, Response
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
    """Guarded trainers' progress per org / region / site on the shared items, and those items."""
    with read_session(engine) as s:
        q_from = questionnaire_of(s, s.get(Campaign, campaign_from).trainer_qv_id)
        q_to = questionnaire_of(s, s.get(Campaign, campaign_to).trainer_qv_id)
    common = shared_items(q_from, q_to)
    answers, respondents = _campaign_frames(engine, [campaign_from, campaign_to])
    answers = answers[answers["item_id"].isin(common)]
    items = scored_items(q_to)
    items = items[items["item_id"].isin(common)]
    progress = site_progress(answers, items, respondents, campaign_from, campaign_to, common,
                             q_to.area_weights(), "trainer", k)
    return progress, common
