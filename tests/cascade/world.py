"""A small organisation with a published cascade plan, built in a fresh database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from planning.model import Cohort, Instance, Learner, Params, Plan, Relay, Wave
from planning.store import publish, save_draft
from storage.db import write_session
from storage.models import Campaign, Person, QuestionnaireVersion, Region, Site
from survey.links import issue_link

AREA = "teaching"


@dataclass
class World:
    campaign_id: int
    site_a: int
    site_b: int
    relay: int
    learners: list[int]
    others: list[int]  # trainers of site A with no seat
    far: int  # a trainer of another region
    tokens: dict[int, str] = field(default_factory=dict)
    plan_id: int | None = None


def person(s, first: str, site_id: int, role: str = "trainer") -> int:  # noqa: ANN001
    p = Person(first_name=first, last_name="Test", role=role, site_id=site_id,
               email=f"{first.lower()}@example.org")
    s.add(p)
    s.flush()
    return int(p.id)


def build(engine, n_learners: int = 2, n_others: int = 4, cohort_max: int = 3,  # noqa: ANN001
          publish_it: bool = True, hours: float = 6.0) -> World:
    with write_session(engine) as s:
        qv = QuestionnaireVersion(key="trainer", version=1, checksum="x" * 64, definition={})
        s.add(qv)
        r1, r2 = Region(code="R1", name="Nord"), Region(code="R2", name="Sud")
        s.add_all([r1, r2])
        s.flush()
        a, b = Site(code="A", name="Lille", region_id=r1.id), Site(code="B", name="Nice",
                                                                   region_id=r2.id)
        s.add_all([a, b])
        camp = Campaign(name="Printemps", starts_on=dt.date(2026, 3, 1),
                        ends_on=dt.date(2026, 6, 30), status="open", trainer_qv_id=qv.id,
                        organisation_qv_id=qv.id)
        s.add(camp)
        s.flush()
        relay = person(s, "Rita", a.id)
        learners = [person(s, f"Leo{i}", a.id) for i in range(n_learners)]
        others = [person(s, f"Olga{i}", a.id) for i in range(n_others)]
        far = person(s, "Farid", b.id)
        w = World(camp.id, a.id, b.id, relay, learners, others, far)
        for pid in [relay, *learners, *others, far]:
            w.tokens[pid] = issue_link(s, camp.id, pid)
        region = r1.id
    params = Params(cohort_min=1, cohort_max=cohort_max, hours_per_cohort=hours)
    inst = Instance((Relay(relay, w.site_a, region, frozenset({AREA}), max(10.0, hours),
                           frozenset({"face_to_face"})),),
                    tuple(Learner(p, w.site_a, region, {AREA: 0.5}) for p in learners),
                    (Wave(0, dt.date(2026, 9, 15)),), params)
    plan = Plan([Cohort(relay, AREA, "face_to_face", w.site_a, region, 0, tuple(learners))])
    w.plan_id = save_draft(engine, "Rentrée", plan, inst, w.campaign_id)
    if publish_it:
        publish(engine, w.plan_id)
    return w
