"""Stored area scores: computed once per submitted response, read by every dashboard.

Reading millions of raw answers is the slow part, so a response's area scores
are written to ``responsescore`` when it is submitted, and recomputed for a
whole questionnaire version when its weights change (``rescore_version``).
This module is the bridge between storage and the pure scoring functions.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session

from scoring.org_model import apply_model
from scoring.responses import score_responses
from storage.db import write_session
from storage.models import Answer, QuestionnaireVersion, Response, ResponseScore
from survey.schema import Questionnaire

_CHUNK = 5_000
_RESCORE_CHUNK = 10_000  # responses scored per pass by rescore_version


_PARSED: dict[tuple[int, str], Questionnaire] = {}


def questionnaire_of(session: Session, qv_id: int) -> Questionnaire:
    """The frozen questionnaire of a stored version, parsed once per version and checksum.

    Only the checksum is read on each call (every rerun of the answering page asks): the
    definition, a large JSON document, is read and parsed when the checksum is new.
    """
    checksum = session.execute(select(QuestionnaireVersion.checksum)
                               .where(QuestionnaireVersion.id == qv_id)).scalar_one()
    key = (qv_id, checksum)  # reweighting changes the checksum, so a stale parse is never used
    if key not in _PARSED:
        qv = session.get(QuestionnaireVersion, qv_id)
        _PARSED[(qv.id, qv.checksum)] = Questionnaire.model_validate(qv.definition)
        if (qv.id, qv.checksum) != key:  # changed between the two reads: use what we parsed
            return _PARSED[(qv.id, qv.checksum)]
    return _PARSED[key]


def scored_items(questionnaire: Questionnaire) -> pd.DataFrame:
    """Scale items that count in scores: item_id, area, weight, tags."""
    frame = questionnaire.items_frame()
    return frame[frame["area"].notna()].reset_index(drop=True)


def _answers(conn: Connection, response_ids: list[int], item_ids: list[str]) -> pd.DataFrame:
    frames = []
    for start in range(0, len(response_ids), _CHUNK):
        chunk = response_ids[start:start + _CHUNK]
        rows = conn.execute(
            select(Answer.response_id, Answer.item_id, Answer.value, Answer.not_applicable)
            .where(Answer.response_id.in_(chunk), Answer.item_id.in_(item_ids))).all()
        frames.append(pd.DataFrame(rows, columns=["response_id", "item_id", "value", "na"]))
    data = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["response_id", "item_id", "value", "na"])
    value = pd.to_numeric(data["value"], errors="coerce").astype(float)
    value[data["na"].astype(bool).to_numpy()] = np.nan
    return pd.DataFrame({"response_id": data["response_id"].astype(int),
                         "item_id": data["item_id"].astype(str), "value": value})


def score_and_store(session: Session, qv_id: int, response_ids: Iterable[int]) -> int:
    """(Re)compute and store the area scores of responses on one questionnaire version."""
    ids = sorted(set(int(r) for r in response_ids))
    if not ids:
        return 0
    q = questionnaire_of(session, qv_id)
    items = scored_items(q)
    conn = session.connection()
    answers = _answers(conn, ids, items["item_id"].tolist())
    answers = apply_model(session, q, answers)  # v2: scored against the site's declared model
    long = score_responses(answers, items, q.area_weights())
    # a response without any scored answer still gets its (empty) rows
    missing = sorted(set(ids) - set(long["response_id"].unique()))
    rows = [{"response_id": int(r), "area": str(a), "score": None if np.isnan(s) else float(s),
             "n_applicable": int(n), "n_items": int(m)}
            for r, a, s, n, m in zip(long["response_id"], long["area"], long["score"],
                                     long["n_applicable"], long["n_items"])]
    for rid in missing:
        rows += [{"response_id": rid, "area": a, "score": None, "n_applicable": 0,
                  "n_items": 0} for a in [*q.area_ids(), "overall"]]
    for start in range(0, len(ids), _CHUNK):
        conn.execute(delete(ResponseScore).where(
            ResponseScore.response_id.in_(ids[start:start + _CHUNK])))
    for start in range(0, len(rows), 20_000):
        conn.execute(insert(ResponseScore), rows[start:start + 20_000])
    return len(ids)


def _new_epoch(session: Session, qv_id: int, reason: str) -> None:
    """A new release epoch for every campaign with rescored responses (disclosure.store.start_epoch)."""
    from disclosure.store import start_epoch

    campaigns = session.exec(select(Response.campaign_id).where(
        Response.questionnaire_version_id == qv_id, Response.status == "submitted").distinct()).scalars().all()
    if campaigns:
        start_epoch(session, campaigns, reason)


def rescore_version(engine: Engine, qv_id: int) -> int:
    """Recompute every submitted response of a questionnaire version (after a weight change)."""
    with write_session(engine) as s:
        ids = s.exec(select(Response.id).where(Response.questionnaire_version_id == qv_id,
                                               Response.status == "submitted")).scalars().all()
        # by chunks: a national organisation's answers do not fit in memory at once
        n = sum(score_and_store(s, qv_id, ids[start:start + _RESCORE_CHUNK])
                for start in range(0, len(ids), _RESCORE_CHUNK))
        _new_epoch(s, qv_id, "rescore")
        return n


def rescore_all(engine: Engine) -> int:
    """Recompute the stored scores of every submitted response."""
    with write_session(engine) as s:
        versions = s.exec(select(QuestionnaireVersion.id)).scalars().all()
    return sum(rescore_version(engine, v) for v in versions)


def reweight_version(engine: Engine, qv_id: int, item_weights: dict[str, float] | None = None,
                     area_weights: dict[str, float] | None = None) -> int:
    """Change a version's scoring weights and recompute its stored scores, in one transaction.

    Weights are scoring parameters, not wording: the questions people answered stay
    frozen, so the version keeps its number and every submitted response on it is
    rescored. Unknown items or areas, or weights <= 0, are refused and change nothing.
    """
    import json

    from i18n import RelaisError

    with write_session(engine) as s:
        qv = s.get(QuestionnaireVersion, qv_id)
        definition = json.loads(json.dumps(qv.definition))
        known_items = {i["id"] for sec in definition["sections"] for i in sec["items"]}
        known_areas = {a["id"] for a in definition["areas"]}
        for key, weight in {**(item_weights or {}), **(area_weights or {})}.items():
            if key not in known_items | known_areas:
                raise RelaisError("Unknown item or area {key} in the new weights.", key=key)
            if not float(weight) > 0:
                raise RelaisError("The weight of {key} must be above 0.", key=key)
        for sec in definition["sections"]:
            for item in sec["items"]:
                item["weight"] = float((item_weights or {}).get(item["id"], item.get("weight", 1)))
        for area in definition["areas"]:
            area["weight"] = float((area_weights or {}).get(area["id"], area.get("weight", 1)))
        questionnaire = Questionnaire.model_validate(definition)
        qv.definition, qv.checksum = definition, questionnaire.checksum()
        s.add(qv)
        s.flush()
        ids = s.exec(select(Response.id).where(Response.questionnaire_version_id == qv_id,
                                               Response.status == "submitted")).scalars().all()
        # by chunks: a national organisation's answers do not fit in memory at once
        n = sum(score_and_store(s, qv_id, ids[start:start + _RESCORE_CHUNK])
                for start in range(0, len(ids), _RESCORE_CHUNK))
        _new_epoch(s, qv_id, "reweight")
        return n
