"""Consent to be named: an append-only history whose latest row is in force everywhere."""

from __future__ import annotations

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import select

from storage import audit
from storage.db import read_session, write_session
from storage.models import Consent, Person

NAMED_TO_LEAD = "named_to_lead"


def set_consent(engine: Engine, person_id: int, granted: bool, kind: str = NAMED_TO_LEAD,
                campaign_id: int | None = None, where: str = "link") -> None:
    """Record a consent decision; it is read from the database on every page, so it is
    in force at once for every viewer."""
    with write_session(engine) as s:
        person = s.get(Person, person_id)
        s.add(Consent(person_id=person_id, kind=kind, granted=granted, campaign_id=campaign_id))
        if not granted:
            audit.record(s, person, "consent_withdrawn", f"person:{person_id}", {"kind": kind},
                         where)
            from planning.store import flag_withdrawal  # plans naming them need review

            flag_withdrawal(s, person_id)
            if kind == NAMED_TO_LEAD:  # no longer named: out of the cascade's named lists
                from cascade.forget import leave_cascade

                leave_cascade(s, person_id, where)


def withdraw_consent(engine: Engine, person_id: int, kind: str = NAMED_TO_LEAD,
                     where: str = "link") -> None:
    """The trainer takes back their consent to be named (from their personal link)."""
    set_consent(engine, person_id, False, kind, where=where)


def consenting(engine: Engine, person_ids: list[int] | None = None,
               kind: str = NAMED_TO_LEAD) -> set[int]:
    """Ids whose latest consent of kind is granted (people erased or gone are left out)."""
    with read_session(engine) as s:
        latest = (select(Consent.person_id, func.max(Consent.id).label("last"))
                  .where(Consent.kind == kind).group_by(Consent.person_id).subquery())
        q = (select(Consent.person_id).join(latest, Consent.id == latest.c.last)
             .join(Person, Person.id == Consent.person_id)
             .where(Consent.granted, ~Person.erased))
        if person_ids is not None:
            q = q.where(Consent.person_id.in_(person_ids))
        return set(s.exec(q).all())


def erased_among(engine: Engine, person_ids: list[int]) -> set[int]:
    """Ids of these people who were erased."""
    if not person_ids:
        return set()
    with read_session(engine) as s:
        return set(s.exec(select(Person.id).where(Person.id.in_(person_ids), Person.erased)).all())


def has_consented(engine: Engine, person_id: int, kind: str = NAMED_TO_LEAD) -> bool:
    return person_id in consenting(engine, [person_id], kind)
