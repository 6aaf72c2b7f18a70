"""People leaving the cascade: a withdrawn request, a withdrawn consent to be named, an erasure.

Called inside the caller's transaction, so the person is gone from requests, seats
(freeing them), the attendance of every session of every cohort, and the cohorts they led
at the same commit.  Stored
plans naming them are flagged (drafts and exports then drop them, see planning.store).
"""

from __future__ import annotations

from sqlalchemy import delete, update
from sqlmodel import select

from cascade import log
from storage.models import (
    CascadeAttendance, CascadeCohort, CascadeRequest, CascadeSeat, Person, utcnow,
)

HELD = ("invited", "accepted")


def leave_cascade(session, person_id: int, where: str, erased: bool = False) -> int:  # noqa: ANN001
    """Remove a person from every request, seat, attendance list and led cohort; returns the
    number of seats and cohorts they left."""
    from planning.store import flag_withdrawal

    now = utcnow()
    if erased:
        session.exec(delete(CascadeRequest).where(CascadeRequest.person_id == person_id))
        asked = 0
    else:
        asked = session.exec(update(CascadeRequest).where(CascadeRequest.person_id == person_id,
                                                          CascadeRequest.status == "active")
                             .values(status="withdrawn", updated_at=now)).rowcount
    seats = session.exec(select(CascadeSeat).where(CascadeSeat.person_id == person_id)).all()
    for seat in seats:
        if seat.status in HELD:
            session.exec(update(CascadeCohort).where(CascadeCohort.id == seat.cohort_id)
                         .values(taken=CascadeCohort.taken - 1))
    session.exec(delete(CascadeSeat).where(CascadeSeat.person_id == person_id))
    # attendance is one row per session and person: this empties every session's list of them
    session.exec(delete(CascadeAttendance).where(CascadeAttendance.person_id == person_id))
    session.exec(update(CascadeAttendance).where(CascadeAttendance.recorded_by == person_id)
                 .values(recorded_by=None))
    led = session.exec(select(CascadeCohort).where(CascadeCohort.relay_id == person_id)).all()
    for c in led:  # a cohort without its relay does not take place
        c.relay_id, c.status = None, "cancelled"
        session.add(c)
    if not erased and (asked or seats or led):  # nothing to say for someone never in it
        flag_withdrawal(session, person_id)
        log.record(session, session.get(Person, person_id), "cascade_withdrawn",
                   f"person:{person_id}", {"seats": len(seats), "cohorts_led": len(led)}, where)
    return len(seats) + len(led)
