"""Tables of the cascade loop: training requests, published cohorts, their sessions, seats,
attendance (per session and person).

A published plan's cohorts are copied into ``cascadecohort`` rows when the plan is
published, so their ids stay stable whatever happens to the plan's JSON later (an
erasure may drop an emptied cohort from it). ``taken`` counts the seats held
(invited or accepted); a seat is taken only by ``UPDATE ... SET taken = taken + 1
WHERE taken < capacity``, so the maximum holds under concurrent takers on SQLite and
PostgreSQL alike.

Cohorts and seats copy the people, sites and campaign of the plan's JSON without
foreign keys on them (a plan may be made by hand, and erasure removes people from these
rows itself: :mod:`cascade.forget`).
"""

from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class CascadeRequest(SQLModel, table=True):
    """A trainer's request to be trained on some areas, named to the lead by their consent."""

    __table_args__ = (UniqueConstraint("campaign_id", "person_id"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    areas: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    status: str = Field(default="active", max_length=20)  # active | withdrawn
    created_at: dt.datetime = Field(default_factory=_now)
    updated_at: dt.datetime = Field(default_factory=_now)


class CascadeCohort(SQLModel, table=True):
    """One cohort of a published plan, as the trainers' links see it."""

    __table_args__ = (UniqueConstraint("plan_id", "key"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="cohortplan.id", index=True)
    key: str = Field(max_length=80)
    campaign_id: Optional[int] = None
    relay_id: Optional[int] = Field(default=None, index=True)
    area: str = Field(max_length=40)
    modality: str = Field(max_length=20)
    site_id: Optional[int] = None
    region_id: Optional[int] = None
    starts_on: Optional[dt.date] = None
    hours: float = 0.0
    capacity: int = 0
    taken: int = 0
    status: str = Field(default="open", max_length=20)  # open | cancelled


class CascadeSeat(SQLModel, table=True):
    """A learner's place in a cohort: invited by the plan, or taken from an open seat."""

    __table_args__ = (UniqueConstraint("cohort_id", "person_id"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    cohort_id: int = Field(foreign_key="cascadecohort.id", index=True)
    person_id: int = Field(index=True)
    status: str = Field(default="invited", max_length=20)  # invited | accepted | declined
    source: str = Field(default="plan", max_length=20)  # plan | open_seat
    updated_at: dt.datetime = Field(default_factory=_now)


class CascadeSession(SQLModel, table=True):
    """One meeting of a cohort: its day, start time, length and place (a site or remote).

    Made from the plan when it is published (:mod:`cascade.sessions`); a cohort has 1..N.
    """

    __table_args__ = (UniqueConstraint("cohort_id", "number"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    cohort_id: int = Field(foreign_key="cascadecohort.id", index=True)
    number: int = 1  # 1..N, in date order
    day: Optional[dt.date] = None
    start: dt.time = dt.time(9, 0)
    hours: float = 0.0
    remote: bool = False
    site_id: Optional[int] = None


class CascadeAttendance(SQLModel, table=True):
    """Whether a member attended one session of their cohort (latest decision; changes audited)."""

    __table_args__ = (UniqueConstraint("session_id", "person_id"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="cascadesession.id", index=True)
    cohort_id: int = Field(foreign_key="cascadecohort.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    attended: bool = False
    recorded_by: Optional[int] = Field(default=None, foreign_key="person.id")
    at: dt.datetime = Field(default_factory=_now)
