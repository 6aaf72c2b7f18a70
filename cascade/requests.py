"""Training requests: a trainer asks to be trained on some areas and agrees to be named.

Only trainers with an active request are learners in the planner
(:func:`planning.inputs.build_instance`); everyone else counts, unnamed, in the
anonymous demand (:mod:`cascade.demand`).  Requests for a campaign are open while
the campaign is open or closed (not a draft) and no plan built from it has been
closed by the lead.
"""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import select

from cascade import log
from i18n import N_, RelaisError
from planning.model import AREAS
from storage.db import read_session, write_session
from storage.models import Campaign, CascadeRequest, CohortPlan, Person, utcnow
from survey import links

ACTIVE, WITHDRAWN = "active", "withdrawn"
CLOSED_PLAN = "closed"
NO_CONSENT = N_("Tick the box agreeing that the digital-engineering lead sees your request "
                "with your name: without it, the request cannot be recorded.")
NO_AREA = N_("Choose at least one area to be trained on.")
REQUESTS_CLOSED = N_("Requests for training are closed for this campaign: its plan has been "
                     "closed.")


def requests_open(session, campaign_id: int) -> bool:  # noqa: ANN001
    """True while a campaign takes requests (not a draft, no closed plan built from it)."""
    camp = session.get(Campaign, campaign_id)
    if camp is None or camp.status == "draft":
        return False
    for params, status in session.exec(select(CohortPlan.params, CohortPlan.status)).all():
        if status == CLOSED_PLAN and (params or {}).get("campaign_id") == campaign_id:
            return False
    return True


def _clean_areas(areas) -> list[str]:  # noqa: ANN001
    chosen = [a for a in AREAS if a in set(areas or ())]
    unknown = sorted(set(areas or ()) - set(AREAS))
    if unknown:
        raise RelaisError("Unknown area {area}", area=str(unknown[0])[:40])
    if not chosen:
        raise RelaisError(NO_AREA)
    return chosen


def ask(engine: Engine, token: str, areas, consent: bool) -> list[str]:  # noqa: ANN001
    """Record (or change) the request of the person behind a valid link; returns the areas."""
    if not consent:
        raise RelaisError(NO_CONSENT)
    chosen = _clean_areas(areas)
    ctx = links.resolve(engine, token)
    with write_session(engine) as s:
        if not requests_open(s, ctx.campaign_id):
            raise RelaisError(REQUESTS_CLOSED)
        return _upsert(s, ctx.campaign_id, ctx.person_id, chosen, "link")


def _upsert(s, campaign_id: int, person_id: int, areas: list[str], where: str) -> list[str]:  # noqa: ANN001
    row = s.exec(select(CascadeRequest).where(CascadeRequest.campaign_id == campaign_id,
                                              CascadeRequest.person_id == person_id)).first()
    if row is None:
        row = CascadeRequest(campaign_id=campaign_id, person_id=person_id)
    row.areas, row.status, row.updated_at = list(areas), ACTIVE, utcnow()
    s.add(row)
    log.record(s, s.get(Person, person_id), "cascade_request", f"campaign:{campaign_id}",
               {"areas": ",".join(areas)}, where)
    return list(areas)


def add_area(s, campaign_id: int, person_id: int, area: str, where: str) -> None:  # noqa: ANN001
    """Make sure the person's request covers area (taking an open seat is asking for it)."""
    row = s.exec(select(CascadeRequest).where(CascadeRequest.campaign_id == campaign_id,
                                              CascadeRequest.person_id == person_id)).first()
    have = list(row.areas) if row is not None and row.status == ACTIVE else []
    if area not in have:
        _upsert(s, campaign_id, person_id, _clean_areas([*have, area]), where)


def withdraw(engine: Engine, token: str) -> None:
    """The person behind a valid link takes back their request: they leave every plan,
    invitation and attendance list at once."""
    ctx = links.resolve(engine, token)
    with write_session(engine) as s:
        row = s.exec(select(CascadeRequest).where(CascadeRequest.campaign_id == ctx.campaign_id,
                                                  CascadeRequest.person_id == ctx.person_id)).first()
        if row is None or row.status != ACTIVE:
            raise RelaisError("You have no request for training to withdraw.")
        from cascade.forget import leave_cascade

        leave_cascade(s, ctx.person_id, "link")


def current(engine: Engine, campaign_id: int, person_id: int) -> list[str] | None:
    """The areas of a person's active request for a campaign (None when there is none)."""
    with read_session(engine) as s:
        row = s.exec(select(CascadeRequest).where(CascadeRequest.campaign_id == campaign_id,
                                                  CascadeRequest.person_id == person_id,
                                                  CascadeRequest.status == ACTIVE)).first()
        return list(row.areas) if row is not None else None


def is_open(engine: Engine, campaign_id: int) -> bool:
    """requests_open in a session of its own."""
    with read_session(engine) as s:
        return requests_open(s, campaign_id)


def active(engine: Engine, campaign_id: int) -> dict[int, frozenset[str]]:
    """person_id -> requested areas, for active requests of people not erased."""
    with read_session(engine) as s:
        rows = s.exec(select(CascadeRequest.person_id, CascadeRequest.areas)
                      .join(Person, Person.id == CascadeRequest.person_id)
                      .where(CascadeRequest.campaign_id == campaign_id,
                             CascadeRequest.status == ACTIVE, ~Person.erased)).all()
    return {int(p): frozenset(a for a in areas if a in AREAS) for p, areas in rows}
