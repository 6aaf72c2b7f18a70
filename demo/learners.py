"""Learners' answers for the demo organisation: links per site (some per cohort), anonymous answers.

Deterministic for a seed.  Most sites collect enough learners' answers to be
shown; about one site in six collects fewer than five, so that the overview
shows learners at region level where a site cannot be shown.  Learners see
their site a little less favourably than its managers do, and the gap
differs from one statement to the next (remote follow-up the widest).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib

import numpy as np
from sqlalchemy import insert, select
from sqlalchemy.engine import Engine

from storage.db import write_session
from storage.models import Campaign, LearnerAnswer, LearnerLink, LearnerResponse, Site
from survey.learner_questionnaire import default

# how far below the middle of the scale learners put each mirrored statement, on average
OFFSET = {"L-01": -0.1, "L-02": -0.3, "L-03": -0.8, "L-04": -0.4, "L-05": -0.5}


def write_learners(engine: Engine, seed: int = 7) -> int:
    """Write links and learners' answers for every campaign; returns the number of answers."""
    rng = np.random.default_rng(seed + 2026)
    q = default()
    items = [i.id for i in q.items]
    with write_session(engine) as s:
        sites = s.execute(select(Site.id).order_by(Site.id)).scalars().all()
        camps = s.execute(select(Campaign.id, Campaign.starts_on).order_by(Campaign.id)).all()
        latent = {sid: float(rng.normal(2.3, 0.5)) for sid in sites}
        n_answers = 0
        for c_idx, (cid, starts_on) in enumerate(camps):
            link_rows, plans = [], []
            for sid in sites:
                small = rng.random() < 0.17
                cohorts = [""] if small or rng.random() < 0.6 else ["Groupe A", "Groupe B"]
                for cohort in cohorts:
                    token = base64.urlsafe_b64encode(rng.bytes(18)).decode()
                    link_rows.append({"campaign_id": cid, "site_id": sid, "cohort": cohort,
                                      "token_hash": hashlib.sha256(token.encode()).hexdigest(),
                                      "created_at": _at(starts_on, 0)})
                    plans.append((sid, int(rng.integers(1, 5)) if small else int(rng.integers(5, 16))))
            link_ids = list(s.scalars(insert(LearnerLink).returning(LearnerLink.id,
                                                                   sort_by_parameter_order=True), link_rows))
            resp_rows, values = [], []
            for link_id, (sid, n) in zip(link_ids, plans):
                for j in range(n):
                    resp_rows.append({"link_id": link_id, "campaign_id": cid, "site_id": sid,
                                      "device_hash": hashlib.sha256(f"demo:{link_id}:{j}".encode()).hexdigest(),
                                      "questionnaire_version": q.version,
                                      "submitted_at": _at(starts_on, int(rng.integers(1, 40)))})
                    base = latent[sid] + 0.15 * c_idx
                    values.append([None if rng.random() < 0.07 else
                                   int(np.clip(round(base + OFFSET.get(i, 0.0) + rng.normal(0, 0.9)), 0, 4))
                                   for i in items])
            if not resp_rows:
                continue
            rids = list(s.scalars(insert(LearnerResponse).returning(LearnerResponse.id,
                                                                   sort_by_parameter_order=True), resp_rows))
            answer_rows = [{"response_id": rid, "item_id": item, "value": v, "not_applicable": v is None}
                           for rid, vals in zip(rids, values) for item, v in zip(items, vals)]
            for start in range(0, len(answer_rows), 20_000):
                s.execute(insert(LearnerAnswer), answer_rows[start:start + 20_000])
            n_answers += len(answer_rows)
    return n_answers


def _at(day: dt.date, days: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC) + dt.timedelta(days=days)
