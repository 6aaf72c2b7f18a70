"""Seeded training requests for the demo and the bench: a share of the trainers who are under
the target on some area ask for training on those areas (their priorities)."""

from __future__ import annotations

import numpy as np
from sqlalchemy.engine import Engine
from sqlmodel import select

from planning.inputs import cutoff
from planning.model import AREAS
from scoring.data import load_campaign
from storage.db import write_session
from storage.models import Campaign, CascadeRequest

DEMO_SHARE = 0.4


def below_target(engine: Engine, campaign_id: int, target: str = "B1") -> dict[int, list[str]]:
    """person_id -> areas under target, for submitted trainers still linked to a person."""
    data = load_campaign(engine, campaign_id)
    people = data.respondents[(data.respondents["role"] == "trainer")
                              & data.respondents["person_id"].notna()]
    person_of = dict(zip(people["response_id"].astype(int), people["person_id"].astype(int)))
    limit = cutoff(target) - 1e-9
    out: dict[int, list[str]] = {}
    for rid, area, score in data.scores[["response_id", "area", "score"]].itertuples(index=False):
        if int(rid) in person_of and area in AREAS and score == score and score < limit:
            out.setdefault(person_of[int(rid)], []).append(str(area))
    return {p: [a for a in AREAS if a in set(v)] for p, v in out.items()}


def seed_requests(engine: Engine, share: float = DEMO_SHARE, seed: int = 7,
                  campaign_ids: list[int] | None = None) -> int:
    """Requests from about share of each campaign's below-target trainers; returns how many."""
    rng = np.random.default_rng(seed)
    with write_session(engine) as s:
        ids = campaign_ids or list(s.exec(select(Campaign.id).where(Campaign.status != "draft")
                                          .order_by(Campaign.id)).all())
    made = 0
    for cid in ids:
        wants = below_target(engine, cid)
        chosen = [p for p in sorted(wants) if rng.random() < share]
        with write_session(engine) as s:
            for p in chosen:
                s.add(CascadeRequest(campaign_id=cid, person_id=p, areas=wants[p]))
        made += len(chosen)
    return made
