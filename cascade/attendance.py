"""Attendance: who came to each session of a cohort, recorded by its relay (from their link)
or by the lead (planner page); every change goes to the audit log.

A learner *completed* a cohort when marked present at every one of its sessions; a relay
*led* a session when at least one learner was marked present at it. :func:`attendance_frame`
(one row per person and session) is what recognition and the measured effect read.
"""

from __future__ import annotations

from collections import defaultdict

import pandas as pd
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from cascade import cohorts, log, sessions
from cascade.seats import ACCEPTED, HELD
from i18n import N_, RelaisError
from storage.models import (
    CascadeAttendance, CascadeCohort, CascadeSeat, CascadeSession, CohortPlan, Person, utcnow,
)
from storage.db import read_session, write_session
from survey import links

NOT_RELAY = N_("Only this cohort's relay can record its attendance from a personal link.")
NOT_MEMBER = N_("This person has no seat in this cohort.")
NOT_IN_COHORT = sessions.NOT_IN_COHORT
COLUMNS = ["person_id", "role", "area", "cohort_id", "plan_id", "hours", "attended", "campaign_id",
           "session_id"]


def _record(s, cohort: CascadeCohort, session_id: int | None, person_id: int,  # noqa: ANN001
            attended: bool, actor: Person | None, where: str) -> None:
    cohorts.require_live(s, cohort.plan_id)
    meeting = sessions.resolve(s, cohort, session_id)
    # the seat row is locked (PostgreSQL; SQLite writers are serialised already), so a relay
    # and the lead ticking the same box at once take turns instead of both inserting a row
    seat = s.exec(select(CascadeSeat).where(CascadeSeat.cohort_id == cohort.id,
                                            CascadeSeat.person_id == person_id)
                  .with_for_update()).first()
    if seat is None or seat.status not in HELD:
        raise RelaisError(NOT_MEMBER)
    row = s.exec(select(CascadeAttendance).where(CascadeAttendance.session_id == meeting.id,
                                                 CascadeAttendance.person_id == person_id)).first()
    before = None if row is None else bool(row.attended)
    if before == bool(attended):
        return
    if row is None:
        row = CascadeAttendance(session_id=meeting.id, cohort_id=cohort.id, person_id=person_id)
    row.attended, row.at = bool(attended), utcnow()
    row.recorded_by = actor.id if actor is not None else None
    s.add(row)
    log.record(s, actor, "cascade_attendance", f"cohort:{cohorts.cohort_ref(cohort.plan_id, cohort.key)}",
               {"person": person_id, "session": int(meeting.number), "attended": bool(attended),
                "before": before}, where)


def record_by_relay(engine: Engine, token: str, cohort_id: int, person_id: int,
                    attended: bool, session_id: int | None = None) -> None:
    """The cohort's relay, from their personal link, marks a member present or absent at one
    session (the cohort's only session when session_id is None)."""
    ctx = links.resolve(engine, token)
    with write_session(engine) as s:
        cohort = cohorts.get(s, cohort_id)
        if cohort.relay_id != ctx.person_id:
            raise RelaisError(NOT_RELAY)
        _record(s, cohort, session_id, person_id, attended, s.get(Person, ctx.person_id), "link")


def record_by_lead(engine: Engine, cohort_id: int, person_id: int, attended: bool,
                   actor_id: int | None, session_id: int | None = None) -> None:
    """The lead, from the planner page, marks a member present or absent at one session."""
    with write_session(engine) as s:
        cohort = cohorts.get(s, cohort_id)
        _record(s, cohort, session_id, person_id, attended,
                s.get(Person, actor_id) if actor_id else None, "app")


def grid(engine: Engine, cohort_id: int) -> dict[tuple[int, int], bool]:
    """(session_id, person_id) -> attended, as recorded so far for a cohort."""
    with read_session(engine) as s:
        return {(int(m), int(p)): bool(a) for m, p, a in s.exec(
            select(CascadeAttendance.session_id, CascadeAttendance.person_id,
                   CascadeAttendance.attended)
            .where(CascadeAttendance.cohort_id == cohort_id)).all()}


def present(engine: Engine, cohort_id: int) -> dict[int, bool]:
    """person_id -> marked present at every session of the cohort, for everyone marked so far."""
    marks = grid(engine, cohort_id)
    ids = [m.id for m in sessions.of_cohort(engine, cohort_id)]
    people = {p for _, p in marks}
    return {p: all(marks.get((m, p), False) for m in ids) for p in people}


def attendance_frame(session: Session, plan_id: int | None = None) -> pd.DataFrame:
    """One row per session and per learner seat held or relay, of every published or closed
    plan's cohorts.

    Columns: person_id (int), role ('learner' | 'relay'), area (area code), cohort_id
    ("<plan_id>:<key>"), plan_id (int), hours (the session's hours), attended (a learner
    marked present at the session; a relay when at least one learner was, i.e. who led it),
    campaign_id (the campaign the plan was built from) and session_id (int). People erased
    or who left the cascade are gone from these rows (their seats and attendance are deleted).
    """
    # five reads in all, whatever the number of cohorts (one query per cohort took seconds
    # on a national organisation's plan, on every overview rerun)
    live = (select(CascadeCohort.id)
            .join(CohortPlan, CohortPlan.id == CascadeCohort.plan_id)
            .where(CascadeCohort.status == "open",
                   CohortPlan.status.in_((cohorts.PUBLISHED, cohorts.CLOSED))))
    if plan_id is not None:
        live = live.where(CascadeCohort.plan_id == plan_id)
    ids = live.scalar_subquery()
    held: dict[int, list[int]] = defaultdict(list)
    for cid, pid in session.exec(select(CascadeSeat.cohort_id, CascadeSeat.person_id).where(
            CascadeSeat.cohort_id.in_(ids), CascadeSeat.status.in_(HELD))
            .order_by(CascadeSeat.id)).all():
        held[int(cid)].append(int(pid))
    marks = {(int(m), int(p)): bool(a) for m, p, a in session.exec(
        select(CascadeAttendance.session_id, CascadeAttendance.person_id,
               CascadeAttendance.attended).where(CascadeAttendance.cohort_id.in_(ids))).all()}
    meetings: dict[int, list[CascadeSession]] = defaultdict(list)
    for m in session.exec(select(CascadeSession).where(CascadeSession.cohort_id.in_(ids))
                          .order_by(CascadeSession.cohort_id, CascadeSession.number)).all():
        meetings[int(m.cohort_id)].append(m)
    rows: list[dict] = []
    for c in session.exec(select(CascadeCohort).where(CascadeCohort.id.in_(ids))
                          .order_by(CascadeCohort.id)).all():
        seats = held[int(c.id)]
        base = {"area": c.area, "cohort_id": cohorts.cohort_ref(c.plan_id, c.key),
                "plan_id": int(c.plan_id),
                "campaign_id": int(c.campaign_id) if c.campaign_id is not None else -1}
        for m in meetings[int(c.id)]:
            one = {**base, "hours": float(m.hours), "session_id": int(m.id)}
            for pid in seats:
                rows.append({**one, "person_id": pid, "role": "learner",
                             "attended": marks.get((int(m.id), pid), False)})
            if c.relay_id is not None:
                rows.append({**one, "person_id": int(c.relay_id), "role": "relay",
                             "attended": any(marks.get((int(m.id), p), False) for p in seats)})
    frame = pd.DataFrame(rows, columns=COLUMNS)
    return frame.astype({"person_id": int, "role": str, "area": str, "cohort_id": str,
                         "plan_id": int, "hours": float, "attended": bool, "campaign_id": int,
                         "session_id": int})


__all__ = ["ACCEPTED", "attendance_frame", "grid", "present", "record_by_lead", "record_by_relay"]
