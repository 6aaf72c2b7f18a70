"""The lead adds a session to a published cohort, or removes one nobody's attendance was
recorded for (planner page). The cohort's hours follow: the sum of its sessions' hours.

Sessions are numbered in date order (1..N) after each change; a cohort keeps at least one.
Refused, with a clear message and nothing changed, on a closed plan, a cancelled cohort,
a session of another cohort, hours outside (0, 12] or a session with attendance recorded.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlmodel import select

from cascade import cohorts, log, sessions
from i18n import N_, RelaisError
from storage.db import write_session
from storage.models import CascadeAttendance, CascadeCohort, CascadeSession, Person

MAX_HOURS = 12.0
BAD_HOURS = N_("A session lasts more than 0 and at most {max} hours.")
HAS_MARKS = N_("Attendance was recorded for this session: it cannot be removed.")
LAST_ONE = N_("A cohort keeps at least one session.")
CANCELLED = N_("This cohort is cancelled: its sessions can no longer be changed.")


def _open(s, cohort_id: int) -> CascadeCohort:  # noqa: ANN001
    cohort = cohorts.get(s, cohort_id)
    cohorts.require_live(s, cohort.plan_id)
    if cohort.status != "open":
        raise RelaisError(CANCELLED)
    return cohort


def _renumber(s, cohort: CascadeCohort) -> None:  # noqa: ANN001
    """Number the sessions 1..N by date and hour; the cohort's hours are their sum."""
    rows = sessions.rows_of(s, cohort.id)
    rows.sort(key=lambda r: (r.day or dt.date.max, r.start, r.id))
    for i, r in enumerate(rows):  # through negatives: (cohort_id, number) stays unique
        r.number = -(i + 1)
        s.add(r)
    s.flush()
    for i, r in enumerate(rows):
        r.number = i + 1
        s.add(r)
    cohort.hours = round(sum(float(r.hours) for r in rows), 2)
    s.add(cohort)


def add(engine: Engine, cohort_id: int, day: dt.date, start: dt.time, hours: float,
        remote: bool, actor_id: int | None) -> int:
    """Add a session (at the cohort's site unless remote); returns its id."""
    if not 0 < float(hours) <= MAX_HOURS:
        raise RelaisError(BAD_HOURS, max=int(MAX_HOURS))
    with write_session(engine) as s:
        cohort = _open(s, cohort_id)
        last = max((r.number for r in sessions.rows_of(s, cohort.id)), default=0)
        row = CascadeSession(cohort_id=cohort.id, number=last + 1, day=day, start=start,
                             hours=float(hours), remote=bool(remote),
                             site_id=None if remote else cohort.site_id)
        s.add(row)
        s.flush()
        _renumber(s, cohort)
        log.record(s, s.get(Person, actor_id) if actor_id else None, "cascade_sessions",
                   f"cohort:{cohorts.cohort_ref(cohort.plan_id, cohort.key)}",
                   {"added": day.isoformat(), "hours": float(hours), "remote": bool(remote)},
                   "app")
        return int(row.id)


def remove(engine: Engine, cohort_id: int, session_id: int, actor_id: int | None) -> None:
    """Remove a session of the cohort for which no attendance was recorded."""
    with write_session(engine) as s:
        cohort = _open(s, cohort_id)
        row = sessions.resolve(s, cohort, session_id)
        if len(sessions.rows_of(s, cohort.id)) <= 1:
            raise RelaisError(LAST_ONE)
        if s.exec(select(CascadeAttendance.id)
                  .where(CascadeAttendance.session_id == row.id)).first() is not None:
            raise RelaisError(HAS_MARKS)
        day = row.day.isoformat() if row.day else ""
        s.exec(delete(CascadeSession).where(CascadeSession.id == row.id))
        s.flush()
        _renumber(s, cohort)
        log.record(s, s.get(Person, actor_id) if actor_id else None, "cascade_sessions",
                   f"cohort:{cohorts.cohort_ref(cohort.plan_id, cohort.key)}",
                   {"removed": day}, "app")
