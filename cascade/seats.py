"""Invitations and seats, from the trainers' personal links (no account).

A seat is held while ``invited`` or ``accepted``; a decline frees it.  Open seats are
taken first come by trainers of the cohort's site or region: the counter moves only
through ``UPDATE cascadecohort SET taken = taken + 1 WHERE id = :id AND taken <
capacity`` (a compare-and-set the database runs under the row's lock), so two people
taking the last seat at once get exactly one seat between them, on SQLite and
PostgreSQL alike.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.engine import Engine
from sqlmodel import select

from cascade import cohorts, log
from cascade.cohorts import CohortView
from cascade.requests import NO_CONSENT, add_area
from i18n import N_, RelaisError
from storage.db import read_session, write_session
from storage.models import CascadeCohort, CascadeSeat, Person, Site, utcnow
from survey import links

INVITED, ACCEPTED, DECLINED = "invited", "accepted", "declined"
HELD = (INVITED, ACCEPTED)
FULL = N_("This cohort is full: every seat has been taken.")
NOT_YOURS = N_("You have no invitation to this cohort.")
OUT_OF_REACH = N_("This cohort is open to trainers of its site or region only.")
ALREADY_IN = N_("You already have a seat in this cohort.")
SAME_WAVE = N_("You already have a cohort on that date: one cohort per wave, as in the plan.")


def _busy_dates(s, person_id: int, other_than: int | None = None) -> set:  # noqa: ANN001
    """Dates of the open cohorts a person holds a seat in or leads (one cohort per wave).

    other_than: leave out a seat in that cohort (a second click's seat, committed meanwhile,
    is then refused as "already in" by the unique pair rather than as another cohort)."""
    held = s.exec(select(CascadeCohort.starts_on).join(
        CascadeSeat, CascadeSeat.cohort_id == CascadeCohort.id).where(
        CascadeSeat.person_id == person_id, CascadeSeat.status.in_(HELD),
        CascadeCohort.status == "open", CascadeCohort.id != (other_than or -1))).all()
    led = s.exec(select(CascadeCohort.starts_on).where(
        CascadeCohort.relay_id == person_id, CascadeCohort.status == "open")).all()
    return {d for d in (*held, *led) if d is not None}


@dataclass(frozen=True)
class MySeat:
    """A cohort proposed to (or taken by) the person behind a link."""

    cohort: CohortView
    status: str
    source: str


def _person(engine: Engine, token: str) -> links.LinkContext:
    return links.resolve(engine, token)


def my_seats(engine: Engine, token: str) -> list[MySeat]:
    """The cohorts of published or closed plans where the link's person has a seat."""
    ctx = _person(engine, token)
    with read_session(engine) as s:
        rows = s.exec(select(CascadeSeat).where(CascadeSeat.person_id == ctx.person_id)
                      .order_by(CascadeSeat.cohort_id)).all()
    out = [MySeat(cohorts.view(engine, r.cohort_id), r.status, r.source) for r in rows]
    return [m for m in out if m.cohort.plan_status in (cohorts.PUBLISHED, cohorts.CLOSED)
            and m.cohort.status == "open"]


def answer(engine: Engine, token: str, cohort_id: int, accept: bool) -> str:
    """Accept or decline one's invitation; a decline frees the seat. Returns the new status."""
    ctx = _person(engine, token)
    with write_session(engine) as s:
        cohort = cohorts.get(s, cohort_id)
        cohorts.require_live(s, cohort.plan_id)
        seat = s.exec(select(CascadeSeat).where(CascadeSeat.cohort_id == cohort_id,
                                                CascadeSeat.person_id == ctx.person_id)).first()
        if seat is None or seat.status not in HELD:
            raise RelaisError(NOT_YOURS)
        new = ACCEPTED if accept else DECLINED
        if new == seat.status:
            return new
        # compare-and-set on the seat too: of two declines sent at once, one frees the seat
        moved = s.exec(update(CascadeSeat).where(CascadeSeat.id == seat.id,
                                                 CascadeSeat.status.in_(HELD))
                       .values(status=new, updated_at=utcnow())).rowcount
        if moved != 1:
            raise RelaisError(NOT_YOURS)
        if new == DECLINED:
            s.exec(update(CascadeCohort).where(CascadeCohort.id == cohort_id)
                   .values(taken=CascadeCohort.taken - 1))
        log.record(s, s.get(Person, ctx.person_id), "cascade_seat",
                   f"cohort:{cohorts.cohort_ref(cohort.plan_id, cohort.key)}",
                   {"status": new}, "link")
        return new


def _region_of(s, person: Person | None) -> int | None:  # noqa: ANN001
    site = s.get(Site, person.site_id) if person is not None and person.site_id else None
    return site.region_id if site is not None else None


def _place(s, cohort: CascadeCohort) -> tuple[int | None, int | None]:  # noqa: ANN001
    """(site, region) a cohort belongs to: its meeting place, else its relay's."""
    if cohort.site_id is not None or cohort.region_id is not None:
        return cohort.site_id, cohort.region_id
    relay = s.get(Person, cohort.relay_id) if cohort.relay_id else None
    return (relay.site_id if relay else None), _region_of(s, relay)


def open_seats(engine: Engine, token: str) -> list[CohortView]:
    """Cohorts of live plans with a free seat that the link's person may take."""
    ctx = _person(engine, token)
    out = []
    with read_session(engine) as s:
        me = s.get(Person, ctx.person_id)
        region = _region_of(s, me)
        mine = set(s.exec(select(CascadeSeat.cohort_id).where(
            CascadeSeat.person_id == ctx.person_id, CascadeSeat.status.in_(HELD))).all())
        busy = _busy_dates(s, ctx.person_id)
        rows = s.exec(select(CascadeCohort).where(CascadeCohort.taken < CascadeCohort.capacity,
                                                  CascadeCohort.status == "open")).all()
        for c in rows:
            site, reg = _place(s, c)
            if (c.id in mine or c.relay_id == ctx.person_id or c.starts_on in busy
                    or cohorts.plan_status(s, c.plan_id) != cohorts.PUBLISHED):
                continue
            if (site is not None and site == me.site_id) or (reg is not None and reg == region):
                out.append(c.id)
    return [cohorts.view(engine, cid) for cid in out]


def take(engine: Engine, token: str, cohort_id: int, consent: bool) -> None:
    """Take an open seat (first come); asking for the cohort's area with one's name."""
    if not consent:
        raise RelaisError(NO_CONSENT)
    ctx = _person(engine, token)
    try:
        _take(engine, ctx, cohort_id)
    except IntegrityError:  # the same person's second click, at the same moment: rolled back
        raise RelaisError(ALREADY_IN) from None


def _take(engine: Engine, ctx: links.LinkContext, cohort_id: int) -> None:
    with write_session(engine) as s:
        cohort = cohorts.get(s, cohort_id)
        cohorts.require_live(s, cohort.plan_id)
        me = s.get(Person, ctx.person_id)
        site, region = _place(s, cohort)
        if cohort.relay_id == me.id:
            raise RelaisError(ALREADY_IN)
        if not ((site is not None and site == me.site_id)
                or (region is not None and region == _region_of(s, me))):
            raise RelaisError(OUT_OF_REACH)
        seat = s.exec(select(CascadeSeat).where(CascadeSeat.cohort_id == cohort_id,
                                                CascadeSeat.person_id == me.id)).first()
        if seat is not None and seat.status in HELD:
            raise RelaisError(ALREADY_IN)
        if cohort.starts_on is not None and cohort.starts_on in _busy_dates(s, me.id, cohort_id):
            raise RelaisError(SAME_WAVE)
        if seat is None:
            s.add(CascadeSeat(cohort_id=cohort_id, person_id=me.id, source="open_seat",
                              status=ACCEPTED))
            s.flush()  # a second click at the same moment fails here on the unique pair
        elif s.exec(update(CascadeSeat).where(CascadeSeat.id == seat.id,  # compare-and-set
                                              CascadeSeat.status == DECLINED)
                    .values(status=ACCEPTED, updated_at=utcnow())).rowcount != 1:
            raise RelaisError(ALREADY_IN)
        won = s.exec(update(CascadeCohort)
                     .where(CascadeCohort.id == cohort_id, CascadeCohort.status == "open",
                            CascadeCohort.taken < CascadeCohort.capacity)
                     .values(taken=CascadeCohort.taken + 1)).rowcount
        if won != 1:  # rolls back the seat too
            raise RelaisError(FULL)
        if cohort.campaign_id is not None:
            add_area(s, cohort.campaign_id, me.id, cohort.area, "link")
        log.record(s, me, "cascade_seat", f"cohort:{cohorts.cohort_ref(cohort.plan_id, cohort.key)}",
                   {"status": "taken"}, "link")


def open_extra(engine: Engine, cohort_id: int, seats: int, actor_id: int | None) -> int:
    """The lead opens extra seats in a cohort (from the anonymous demand); returns the capacity."""
    if seats < 1 or seats > 50:
        raise RelaisError("Open between 1 and 50 seats at a time.")
    with write_session(engine) as s:
        cohort = cohorts.get(s, cohort_id)
        cohorts.require_live(s, cohort.plan_id)
        s.exec(update(CascadeCohort).where(CascadeCohort.id == cohort_id)
               .values(capacity=CascadeCohort.capacity + seats))
        log.record(s, s.get(Person, actor_id) if actor_id else None, "cascade_seats_opened",
                   f"cohort:{cohorts.cohort_ref(cohort.plan_id, cohort.key)}",
                   {"seats": seats}, "app")
        s.flush()
        s.refresh(cohort)
        return int(cohort.capacity)


def members(engine: Engine, cohort_id: int) -> list[tuple[int, str, str]]:
    """(person_id, name, seat status) of a cohort's held seats, by name."""
    with read_session(engine) as s:
        rows = s.exec(select(Person, CascadeSeat.status)
                      .join(CascadeSeat, CascadeSeat.person_id == Person.id)
                      .where(CascadeSeat.cohort_id == cohort_id, CascadeSeat.status.in_(HELD),
                             ~Person.erased)
                      .order_by(Person.last_name, Person.first_name, Person.id)).all()
    return [(p.id, f"{p.first_name} {p.last_name}".strip(), st) for p, st in rows]


def led_by(engine: Engine, token: str) -> list[CohortView]:
    """Cohorts of published or closed plans the link's person leads."""
    ctx = _person(engine, token)
    with read_session(engine) as s:
        ids = s.exec(select(CascadeCohort.id).where(CascadeCohort.relay_id == ctx.person_id,
                                                    CascadeCohort.status == "open")
                     .order_by(CascadeCohort.starts_on, CascadeCohort.id)).all()
    views = [cohorts.view(engine, i) for i in ids]
    return [v for v in views if v.plan_status in (cohorts.PUBLISHED, cohorts.CLOSED)]
