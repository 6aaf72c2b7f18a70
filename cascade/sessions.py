"""A cohort's sessions: made from the plan when it is published, read by the link pages and
the planner page.

The planner gives each cohort one date (its wave) and the same hours (``Params.
hours_per_cohort``). A cohort that fits in one working day (``DAY_HOURS``) meets once, on its
date, as it always did; a longer one is split into equal sessions on consecutive working
days from that date (12 h: two sessions of 6 h, Monday and Tuesday). Each session starts at
the hour the relays' calendars use and takes place at the cohort's site, or remotely.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import select

from i18n import N_, RelaisError
from storage.db import read_session
from storage.models import CascadeCohort, CascadeSession

DAY_HOURS = 7.0  # longest session: a working day of training
START = dt.time(9, 0)  # also the relays' calendar (reports.planner)
NOT_IN_COHORT = N_("This session is not one of this cohort's sessions.")
PICK_SESSION = N_("This cohort has several sessions: say which one the attendance is for.")


@dataclass(frozen=True)
class SessionView:
    """A session as the pages show it."""

    id: int
    cohort_id: int
    number: int
    day: dt.date | None
    start: dt.time
    hours: float
    remote: bool
    site_id: int | None


def working_days(first: dt.date, count: int) -> list[dt.date]:
    """count working days (Monday to Friday) from first, first included if it is one.

    >>> working_days(dt.date(2026, 9, 18), 3)  # a Friday
    [datetime.date(2026, 9, 18), datetime.date(2026, 9, 21), datetime.date(2026, 9, 22)]
    """
    out, day = [], first
    while len(out) < count:
        if day.weekday() < 5 or (not out and day == first):
            out.append(day)
        day += dt.timedelta(days=1)
    return out


def split(hours: float, first: dt.date | None) -> list[tuple[int, dt.date | None, float]]:
    """(number, day, hours) of the sessions of a cohort of hours starting on first.

    >>> split(6.0, dt.date(2026, 9, 15))
    [(1, datetime.date(2026, 9, 15), 6.0)]
    >>> split(12.0, dt.date(2026, 9, 15))
    [(1, datetime.date(2026, 9, 15), 6.0), (2, datetime.date(2026, 9, 16), 6.0)]
    """
    n = max(1, math.ceil(hours / DAY_HOURS - 1e-9))
    days = working_days(first, n) if first is not None else [None] * n
    return [(i + 1, d, round(hours / n, 2)) for i, d in enumerate(days)]


def create_for(session, cohort: CascadeCohort) -> int:  # noqa: ANN001
    """Add the sessions of a cohort just copied from its plan (same transaction); how many."""
    parts = split(float(cohort.hours), cohort.starts_on)
    remote = cohort.modality == "remote"
    for number, day, hours in parts:
        session.add(CascadeSession(cohort_id=cohort.id, number=number, day=day, start=START,
                                   hours=hours, remote=remote,
                                   site_id=None if remote else cohort.site_id))
    return len(parts)


def _view(r: CascadeSession) -> SessionView:
    return SessionView(int(r.id), int(r.cohort_id), int(r.number), r.day, r.start,
                       float(r.hours), bool(r.remote), r.site_id)


def rows_of(session, cohort_id: int) -> list[CascadeSession]:  # noqa: ANN001
    return list(session.exec(select(CascadeSession).where(CascadeSession.cohort_id == cohort_id)
                             .order_by(CascadeSession.number)).all())


def of_cohort(engine: Engine, cohort_id: int) -> list[SessionView]:
    """A cohort's sessions, in order."""
    with read_session(engine) as s:
        return [_view(r) for r in rows_of(s, cohort_id)]


def resolve(session, cohort: CascadeCohort, session_id: int | None) -> CascadeSession:  # noqa: ANN001
    """The cohort's session session_id (its only one when None); RelaisError otherwise."""
    if session_id is None:
        rows = rows_of(session, cohort.id)
        if len(rows) != 1:
            raise RelaisError(PICK_SESSION if rows else NOT_IN_COHORT)
        return rows[0]
    row = session.get(CascadeSession, session_id)
    if row is None or row.cohort_id != cohort.id:
        raise RelaisError(NOT_IN_COHORT)
    return row
