"""A small database with one v1 and one v2 campaign and submitted trainer responses."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from storage.db import write_session
from storage.models import Answer, Campaign, Person, Region, Response, Site, utcnow
from storage.questionnaires import ensure_version
from scoring.store import score_and_store
from survey.loader import current_questionnaires, default_questionnaires
from survey.schema import Questionnaire


@dataclass
class World:
    site_ids: list[int]
    v1_campaign: int
    v2_campaign: int
    v1_qv: int
    v2_qv: int


def build(engine: Engine) -> World:
    """One region, two sites, a v1 campaign and a v2 campaign (no responses yet)."""
    v1, v2 = default_questionnaires(), current_questionnaires()
    with write_session(engine) as s:
        reg = Region(code="R1", name="Région")
        s.add(reg)
        s.flush()
        sites = [Site(code=f"S{i}", name=f"Site {i}", region_id=reg.id) for i in (1, 2)]
        s.add_all(sites)
        s.flush()
        q1, o1 = ensure_version(s, v1.trainer), ensure_version(s, v1.organisation)
        q2, o2 = ensure_version(s, v2.trainer), ensure_version(s, v2.organisation)
        c1 = Campaign(name="2025", starts_on=dt.date(2025, 1, 1), ends_on=dt.date(2025, 6, 30),
                      status="closed", trainer_qv_id=q1.id, organisation_qv_id=o1.id)
        c2 = Campaign(name="2026", starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 6, 30),
                      status="open", trainer_qv_id=q2.id, organisation_qv_id=o2.id)
        s.add_all([c1, c2])
        s.flush()
        return World([x.id for x in sites], c1.id, c2.id, q1.id, q2.id)


def submit(engine: Engine, campaign_id: int, qv_id: int, q: Questionnaire, site_id: int,
           values: dict[str, int | None], n: int = 1) -> list[int]:
    """n trainers of a site who submitted these scale answers (None = not applicable)."""
    ids = []
    with write_session(engine) as s:
        for _ in range(n):
            p = Person(first_name="A", last_name="B", email=None, role="trainer", site_id=site_id)
            s.add(p)
            s.flush()
            r = Response(campaign_id=campaign_id, person_id=p.id, questionnaire_version_id=qv_id,
                         role="trainer", site_id=site_id, status="submitted",
                         idempotency_key=f"k{campaign_id}-{p.id}", submitted_at=utcnow())
            s.add(r)
            s.flush()
            for item_id, v in values.items():
                s.add(Answer(response_id=r.id, item_id=item_id, value=v,
                             not_applicable=v is None))
            ids.append(r.id)
        s.flush()
        score_and_store(s, qv_id, ids)
    return ids
