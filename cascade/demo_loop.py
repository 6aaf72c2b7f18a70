"""The demo's first cascade, between its two campaigns (issue 18, item 6).

After the first campaign, trainers under the target ask to learn (cascade.simulate),
the lead plans and publishes, most learners accept and attend (marked present or absent
at each session of their cohort), badges are issued, and in the second campaign
attendees of some areas answer a little higher on those areas' items than they would have. The effect is modest and only in some areas, so the measured
effect shows the whole range of verdicts. Everything is seeded: the same seed gives the
same loop.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import select

from cascade import attendance, sessions
from cascade.models import CascadeCohort, CascadeSeat
from planning.inputs import build_instance, monthly_waves
from planning.model import Params
from planning.solve import solve
from planning.store import publish, save_draft
from scoring.store import rescore_all, scored_items
from storage.db import read_session, write_session
from storage.models import Answer, Campaign, Person, Response
from survey.loader import default_questionnaires

ACCEPT = 0.85  # share of invited learners who accept
ATTEND = 0.9  # share of accepted learners marked present
EFFECT_AREAS = 2  # areas whose cohorts change practice (the others do not)
RAISE = 0.4  # chance that an attendee's answer on an item of such an area moves up one step


@dataclass(frozen=True)
class Loop:
    """What the demo's cascade did."""

    plan_id: int | None
    cohorts: int
    accepted: int
    declined: int
    attended: int
    badges: int
    effect_areas: tuple[str, ...]
    raised_answers: int
    marks: int = 0  # attendance marks recorded: one per accepted learner and session


def _campaigns(engine: Engine) -> list[Campaign]:
    with read_session(engine) as s:
        return list(s.exec(select(Campaign).order_by(Campaign.starts_on)).all())


def _lead(engine: Engine) -> int | None:
    with read_session(engine) as s:
        return s.exec(select(Person.id).where(Person.role == "lead")).first()


def _answer_invitations(engine: Engine, plan_id: int, rng: np.random.Generator) -> tuple[int, int]:
    """Most invited learners accept; a decline frees the seat. (accepted, declined)."""
    accepted = declined = 0
    with write_session(engine) as s:
        seats = s.exec(select(CascadeSeat).join(CascadeCohort,
                                                CascadeCohort.id == CascadeSeat.cohort_id)
                       .where(CascadeCohort.plan_id == plan_id)
                       .order_by(CascadeSeat.id)).all()
        for seat in seats:
            if rng.random() < ACCEPT:
                seat.status, accepted = "accepted", accepted + 1
            else:
                seat.status, declined = "declined", declined + 1
                s.exec(update(CascadeCohort).where(CascadeCohort.id == seat.cohort_id)
                       .values(taken=CascadeCohort.taken - 1))
            s.add(seat)
    return accepted, declined


def _record_attendance(engine: Engine, plan_id: int, lead: int | None,
                       rng: np.random.Generator) -> tuple[list[tuple[int, str]], int]:
    """The lead records who came to each session (audited); returns (person, area) of the
    learners who attended every session of their cohort, and the number of marks."""
    with read_session(engine) as s:
        rows = s.exec(select(CascadeSeat.cohort_id, CascadeSeat.person_id, CascadeCohort.area)
                      .join(CascadeCohort, CascadeCohort.id == CascadeSeat.cohort_id)
                      .where(CascadeCohort.plan_id == plan_id,
                             CascadeSeat.status == "accepted")
                      .order_by(CascadeSeat.id)).all()
    meetings: dict[int, list[int]] = {}
    came, marks = [], 0
    for cohort_id, person_id, area in rows:
        if cohort_id not in meetings:
            meetings[cohort_id] = [m.id for m in sessions.of_cohort(engine, cohort_id)]
        every = True
        for session_id in meetings[cohort_id]:
            present = bool(rng.random() < ATTEND)
            attendance.record_by_lead(engine, cohort_id, person_id, present, lead,
                                      session_id=session_id)
            every, marks = every and present, marks + 1
        if every and meetings[cohort_id]:
            came.append((int(person_id), str(area)))
    return came, marks


def _raise_practice(engine: Engine, campaign_id: int, came: list[tuple[int, str]],
                    areas: tuple[str, ...], rng: np.random.Generator) -> int:
    """Attendees of the effect areas answer some of those areas' items one step higher."""
    trainer_q = default_questionnaires()[0]
    items = scored_items(trainer_q)
    by_area = items.groupby("area")["item_id"].apply(list).to_dict()
    people = {}
    for person, area in came:
        if area in areas:
            people.setdefault(person, set()).add(area)
    raised = 0
    with write_session(engine) as s:
        for person, its_areas in sorted(people.items()):
            rid = s.exec(select(Response.id).where(Response.campaign_id == campaign_id,
                                                   Response.person_id == person,
                                                   Response.status == "submitted")).first()
            if rid is None:
                continue
            wanted = [i for a in sorted(its_areas) for i in by_area.get(a, [])]
            for ans in s.exec(select(Answer).where(Answer.response_id == rid,
                                                   Answer.item_id.in_(wanted))
                              .order_by(Answer.item_id)).all():
                if ans.value is not None and not ans.not_applicable and ans.value < 4 \
                        and rng.random() < RAISE:
                    ans.value += 1
                    s.add(ans)
                    raised += 1
    return raised


def simulate(engine: Engine, seed: int = 7, time_limit_s: float = 10.0) -> Loop:
    """Run the first cascade between the demo's first and second campaigns."""
    rng = np.random.default_rng(seed + 18)
    camps = _campaigns(engine)
    if len(camps) < 2:
        return Loop(None, 0, 0, 0, 0, 0, (), 0)
    first, second = camps[0], camps[1]
    waves = monthly_waves(first.ends_on + dt.timedelta(days=45), 3)
    inst = build_instance(engine, first.id, Params(time_limit_s=time_limit_s), waves)
    if not inst.learners:
        return Loop(None, 0, 0, 0, 0, 0, (), 0)
    plan = solve(inst)
    lead = _lead(engine)
    plan_id = save_draft(engine, f"{first.name}: cascade", plan, inst, first.id, lead)
    publish(engine, plan_id, lead)
    accepted, declined = _answer_invitations(engine, plan_id, rng)
    came, marks = _record_attendance(engine, plan_id, lead, rng)
    from recognition import badges, service  # openbadgeslib: load on use
    from recognition.keys import load_key

    frame = service.attendance(engine, plan_id)
    issued = 0 if frame is None else badges.issue_badges(
        engine, frame, load_key(), "Relais", service.area_names())
    # the areas with the most attendees change practice: the planner's solve is time-limited,
    # so its cohorts can differ from run to run, and the effect must be measurable whatever
    # plan came out (few attendees give an interval too wide to say anything)
    counts: dict[str, int] = {}
    for _, area in came:
        counts[area] = counts.get(area, 0) + 1
    ranked = sorted(counts, key=lambda a: (-counts[a], a))
    effect_areas = tuple(ranked[:EFFECT_AREAS])
    raised = _raise_practice(engine, second.id, came, effect_areas, rng)
    if raised:
        rescore_all(engine)
    return Loop(plan_id, len(plan.cohorts), accepted, declined, len(came), issued,
                effect_areas, raised, marks)
