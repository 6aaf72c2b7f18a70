"""A published plan's cohorts as rows the trainers' links read and write.

``open_cohorts`` runs inside :func:`planning.store.publish`'s transaction: one
``cascadecohort`` row per cohort (capacity: the plan's cohort maximum), its sessions
(:mod:`cascade.sessions`) and one invited seat per member.  The lead may close a
published plan: then requests for its campaign, answers to invitations and attendance
changes are refused.
"""

from __future__ import annotations

from dataclasses import dataclass
import datetime as dt

from sqlalchemy.engine import Engine
from sqlmodel import select

from cascade import log, sessions
from i18n import N_, RelaisError
from storage.db import read_session, write_session
from storage.models import CascadeCohort, CascadeSeat, CohortPlan, Person, utcnow

PUBLISHED, CLOSED = "published", "closed"
PLAN_CLOSED = N_("This plan is closed: its cohorts can no longer be changed.")
PLAN_NOT_PUBLISHED = N_("This plan is not published: its cohorts cannot be answered yet.")


def cohort_key(relay_id: int, area: str, wave_index: int, n: int) -> str:
    """Stable key of a cohort inside its plan (n: rank among the relay's cohorts that wave)."""
    return f"{relay_id}-{area}-{wave_index}-{n}"


def cohort_ref(plan_id: int, key: str) -> str:
    """The cohort id other modules use: "<plan_id>:<key>"."""
    return f"{plan_id}:{key}"


def open_cohorts(session, plan_id: int) -> int:  # noqa: ANN001
    """Copy a plan being published into cohort rows and invited seats; returns the cohorts."""
    from planning.store import _stored

    row = session.get(CohortPlan, plan_id)
    sp = _stored(row)
    dates = {w.index: w.date for w in sp.instance.waves}
    seen: dict[tuple[int, str, int], int] = {}
    made = 0
    for c in sp.plan.cohorts:
        rank = seen.get((c.relay_id, c.area, c.wave_index), 0)
        seen[(c.relay_id, c.area, c.wave_index)] = rank + 1
        key = cohort_key(c.relay_id, c.area, c.wave_index, rank)
        if session.exec(select(CascadeCohort.id).where(CascadeCohort.plan_id == plan_id,
                                                       CascadeCohort.key == key)).first():
            continue
        cap = max(int(sp.instance.params.cohort_max), len(c.members))
        cohort = CascadeCohort(plan_id=plan_id, key=key, campaign_id=sp.campaign_id,
                               relay_id=c.relay_id, area=c.area, modality=c.modality,
                               site_id=c.site_id, region_id=c.region_id,
                               starts_on=dates.get(c.wave_index),
                               hours=float(sp.instance.params.hours_per_cohort),
                               capacity=cap, taken=len(c.members))
        session.add(cohort)
        session.flush()
        sessions.create_for(session, cohort)
        for m in c.members:
            session.add(CascadeSeat(cohort_id=cohort.id, person_id=m))
        made += 1
    return made


def plan_status(session, plan_id: int) -> str:  # noqa: ANN001
    row = session.get(CohortPlan, plan_id)
    if row is None:
        raise RelaisError("Plan {plan} does not exist", plan=plan_id)
    return row.status


def require_live(session, plan_id: int) -> None:  # noqa: ANN001
    """Refuse (RelaisError) unless the plan is published and not closed."""
    status = plan_status(session, plan_id)
    if status == CLOSED:
        raise RelaisError(PLAN_CLOSED)
    if status != PUBLISHED:
        raise RelaisError(PLAN_NOT_PUBLISHED)


def close_plan(engine: Engine, plan_id: int, actor_id: int | None) -> None:
    """The lead closes a published plan: no more requests, answers or attendance changes."""
    with write_session(engine) as s:
        row = s.get(CohortPlan, plan_id)
        if row is None:
            raise RelaisError("Plan {plan} does not exist", plan=plan_id)
        if row.status != PUBLISHED:
            raise RelaisError(PLAN_NOT_PUBLISHED)
        row.status, row.updated_at = CLOSED, utcnow()
        s.add(row)
        log.record(s, s.get(Person, actor_id) if actor_id else None, "cascade_plan_closed",
                   f"cohortplan:{plan_id}", {}, "app")


@dataclass(frozen=True)
class CohortView:
    """A cohort as a link page or the planner shows it."""

    id: int
    plan_id: int
    plan_status: str
    ref: str
    area: str
    modality: str
    site_id: int | None
    region_id: int | None
    starts_on: dt.date | None
    hours: float
    relay_id: int | None
    relay_name: str
    capacity: int
    taken: int
    status: str


def _view(c: CascadeCohort, plan_status_: str, relay: Person | None) -> CohortView:
    name = f"{relay.first_name} {relay.last_name}".strip() if relay and not relay.erased else ""
    return CohortView(c.id, c.plan_id, plan_status_, cohort_ref(c.plan_id, c.key), c.area,
                      c.modality, c.site_id, c.region_id, c.starts_on, c.hours, c.relay_id, name,
                      c.capacity, c.taken, c.status)


def cohorts_of_plan(engine: Engine, plan_id: int) -> list[CohortView]:
    """Every cohort of a plan, by date."""
    with read_session(engine) as s:
        status = plan_status(s, plan_id)
        rows = s.exec(select(CascadeCohort, Person)
                      .join(Person, Person.id == CascadeCohort.relay_id, isouter=True)
                      .where(CascadeCohort.plan_id == plan_id)
                      .order_by(CascadeCohort.starts_on, CascadeCohort.id)).all()
        return [_view(c, status, p) for c, p in rows]


def get(session, cohort_id: int) -> CascadeCohort:  # noqa: ANN001
    c = session.get(CascadeCohort, cohort_id)
    if c is None:
        raise RelaisError("Cohort {cohort} does not exist", cohort=cohort_id)
    return c


def view(engine: Engine, cohort_id: int) -> CohortView:
    with read_session(engine) as s:
        c = get(s, cohort_id)
        return _view(c, plan_status(s, c.plan_id), s.get(Person, c.relay_id) if c.relay_id else None)


def site_names(engine: Engine) -> dict[int, str]:
    """site_id -> name, for the place of a cohort."""
    from storage.models import Site

    with read_session(engine) as s:
        return dict(s.exec(select(Site.id, Site.name)).all())
