"""Sessions of a cohort: made at publication, attendance per session and person, who completed,
the badge's hours, people leaving; on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from cascade import attendance, cohorts, seats, session_edit, sessions
from cascade.attendance import attendance_frame
from i18n import RelaisError
from privacy.erase import erase_person
from recognition import badges
from storage.db import read_session, write_session
from storage.models import AuditLog, CascadeAttendance, CascadeCohort, CascadeSession
from survey.links import LinkError, revoke
from tests.cascade.world import build

D = dt.date


@pytest.mark.parametrize("hours,first,expected", [
    (6.0, D(2026, 9, 15), [(1, D(2026, 9, 15), 6.0)]),  # a day or less: one session, as before
    (7.0, D(2026, 9, 15), [(1, D(2026, 9, 15), 7.0)]),
    (7.5, D(2026, 9, 15), [(1, D(2026, 9, 15), 3.75), (2, D(2026, 9, 16), 3.75)]),
    (21.0, D(2026, 9, 18), [(1, D(2026, 9, 18), 7.0), (2, D(2026, 9, 21), 7.0),
                            (3, D(2026, 9, 22), 7.0)]),  # Friday, then Monday and Tuesday
    (12.0, D(2026, 9, 19), [(1, D(2026, 9, 19), 6.0), (2, D(2026, 9, 21), 6.0)]),  # a Saturday
    (12.0, None, [(1, None, 6.0), (2, None, 6.0)]),
])
def test_split_into_working_days(hours, first, expected):
    assert sessions.split(hours, first) == expected


def _two_sessions(engine):  # noqa: ANN001
    w = build(engine, n_learners=3, hours=12.0)
    (c,) = cohorts.cohorts_of_plan(engine, w.plan_id)
    for p in w.learners:
        seats.answer(engine, w.tokens[p], c.id, True)
    return w, c, sessions.of_cohort(engine, c.id)


def _audited(engine) -> int:  # noqa: ANN001
    with read_session(engine) as s:
        return len(s.exec(select(AuditLog).where(AuditLog.action == "cascade_attendance")).all())


def test_sessions_attendance_completion_hours_refusals_and_erasure(engine):
    """One world for all (a fresh database each costs seconds on PostgreSQL)."""
    w, c, (one, two) = _two_sessions(engine)
    assert (one.day, two.day, one.hours, two.hours) == (D(2026, 9, 15), D(2026, 9, 16), 6.0, 6.0)
    assert not one.remote and one.site_id == w.site_a and one.start == dt.time(9, 0)
    full, half, _ = w.learners
    for m in (one, two):
        attendance.record_by_relay(engine, w.tokens[w.relay], c.id, full, True, session_id=m.id)
    attendance.record_by_lead(engine, c.id, half, True, None, session_id=one.id)
    attendance.record_by_lead(engine, c.id, half, False, None, session_id=two.id)
    assert attendance.grid(engine, c.id) == {(one.id, full): True, (two.id, full): True,
                                             (one.id, half): True, (two.id, half): False}
    assert attendance.present(engine, c.id) == {full: True, half: False}
    with read_session(engine) as s:
        frame = attendance_frame(s, w.plan_id)
        entries = s.exec(select(AuditLog).where(AuditLog.action == "cascade_attendance")).all()
    assert len(frame) == 2 * 4 and set(frame["session_id"]) == {one.id, two.id}
    assert [e.detail["session"] for e in entries] == [1, 2, 1, 2]
    got = {(r.person_id, r.role): r.hours for r in badges.eligible(frame).itertuples()}
    assert got == {(full, "learner"): 12.0, (w.relay, "relay"): 12.0}  # half and the third: no badge
    attendance.record_by_lead(engine, c.id, full, False, None, session_id=two.id)
    with read_session(engine) as s:
        got = {(r.person_id, r.role): r.hours
               for r in badges.eligible(attendance_frame(s, w.plan_id)).itertuples()}
    assert got == {(w.relay, "relay"): 6.0}  # nobody at session 2: the relay led one session
    # erasure: the person leaves every session's attendance at once
    gone, stays = full, half
    attendance.record_by_lead(engine, c.id, stays, True, None, session_id=two.id)
    meetings = (one, two)
    erase_person(engine, gone)
    with read_session(engine) as s:
        left = s.exec(select(CascadeAttendance.session_id, CascadeAttendance.person_id)).all()
        frame = attendance_frame(s, w.plan_id)
    assert sorted(left) == sorted((m.id, stays) for m in meetings)
    assert gone not in set(frame["person_id"]) and len(frame) == 2 * 3

    # the lead adds a session (numbered by date, hours summed) and removes one without marks
    added = session_edit.add(engine, c.id, D(2026, 9, 14), dt.time(14, 0), 2.5, True, None)
    got = [(m.id, m.number, m.remote, m.site_id) for m in sessions.of_cohort(engine, c.id)]
    assert got == [(added, 1, True, None), (one.id, 2, False, w.site_a),
                   (two.id, 3, False, w.site_a)]
    assert cohorts.view(engine, c.id).hours == 14.5
    for bad, message in ((lambda: session_edit.remove(engine, c.id, one.id, None),
                          session_edit.HAS_MARKS),
                         (lambda: session_edit.add(engine, c.id, D(2026, 9, 1), dt.time(9), 0,
                                                   False, None), session_edit.BAD_HOURS)):
        with pytest.raises(RelaisError) as err:
            bad()
        assert err.value.message == message
    session_edit.remove(engine, c.id, added, None)
    assert [m.id for m in sessions.of_cohort(engine, c.id)] == [one.id, two.id]
    assert cohorts.view(engine, c.id).hours == 12.0

    # refusals: each names the problem and changes nothing
    with write_session(engine) as s:  # another cohort of the plan, with its own session
        oc = CascadeCohort(plan_id=w.plan_id, key="other", area="teaching", modality="remote")
        s.add(oc)
        s.flush()
        foreign = CascadeSession(cohort_id=oc.id, number=1, hours=3.0, remote=True)
        s.add(foreign)
    before, logged = attendance.grid(engine, c.id), _audited(engine)
    tok, learner = w.tokens[w.relay], w.learners[1]
    cases = [
        (lambda: attendance.record_by_relay(engine, tok, c.id, learner, True,
                                            session_id=foreign.id), sessions.NOT_IN_COHORT),
        (lambda: attendance.record_by_lead(engine, c.id, learner, True, None,
                                           session_id=10_000), sessions.NOT_IN_COHORT),
        (lambda: attendance.record_by_lead(engine, c.id, learner, True, None),
         sessions.PICK_SESSION),
        (lambda: attendance.record_by_relay(engine, tok, c.id, w.others[0], True,
                                            session_id=one.id), attendance.NOT_MEMBER),
        (lambda: attendance.record_by_lead(engine, c.id, gone, True, None, session_id=one.id),
         attendance.NOT_MEMBER),
        (lambda: attendance.record_by_relay(engine, w.tokens[learner], c.id, learner, True,
                                            session_id=one.id), attendance.NOT_RELAY),
    ]
    for call, message in cases:
        with pytest.raises(RelaisError) as err:
            call()
        assert err.value.message == message
    cohorts.close_plan(engine, w.plan_id, None)
    with pytest.raises(RelaisError) as err:
        attendance.record_by_lead(engine, c.id, learner, True, None, session_id=two.id)
    assert err.value.message == cohorts.PLAN_CLOSED
    revoke(engine, w.campaign_id, w.relay)
    with pytest.raises(LinkError):
        attendance.record_by_relay(engine, tok, c.id, learner, True, session_id=two.id)
    assert attendance.grid(engine, c.id) == before and _audited(engine) == logged
    with pytest.raises(RelaisError) as err:
        session_edit.add(engine, c.id, D(2026, 9, 30), dt.time(9), 3, False, None)
    assert err.value.message == cohorts.PLAN_CLOSED
    assert len(sessions.of_cohort(engine, c.id)) == 2




def test_relay_calendar_has_one_event_per_session():
    from icalendar import Calendar

    from i18n import Translator
    from planning.inputs import Directory
    from planning.model import Cohort, Instance, Learner, Params, Plan, Relay, Wave
    from reports.planner import relay_calendar

    inst = Instance((Relay(1, 10, 100, frozenset({"teaching"}), 20.0, frozenset({"remote"})),),
                    (Learner(2, 10, 100, {"teaching": 1.0}),), (Wave(0, D(2026, 9, 18)),),
                    Params(hours_per_cohort=12.0))
    plan = Plan([Cohort(1, "teaching", "remote", None, None, 0, (2,))])
    cal = Calendar.from_ical(relay_calendar(inst, plan, 1, Directory({1: "R", 2: "L"}, {}, {}),
                                            Translator("fr")))
    events = cal.walk("VEVENT")
    assert [(e.decoded("dtstart").date(), (e.decoded("dtend") - e.decoded("dtstart")).seconds)
            for e in events] == [(D(2026, 9, 18), 6 * 3600), (D(2026, 9, 21), 6 * 3600)]
    assert str(events[1]["summary"]).endswith("séance 2 sur 2")
    assert len({str(e["uid"]) for e in events}) == 2


def test_relay_and_lead_tick_the_same_box_at_once(engine):
    """Both clicks succeed, one row is kept and the audit says who changed what, in turn
    (without the seat lock, PostgreSQL refused the second insert with a uniqueness error)."""
    import threading

    w, c, (one, _two) = _two_sessions(engine)
    for round_, person in enumerate(w.learners):
        barrier, errors = threading.Barrier(2), []

        def tick(by_relay: bool, person: int = person) -> None:  # noqa: FBT001
            barrier.wait()
            try:
                if by_relay:
                    attendance.record_by_relay(engine, w.tokens[w.relay], c.id, person, True,
                                               session_id=one.id)
                else:
                    attendance.record_by_lead(engine, c.id, person, True, None, session_id=one.id)
            except Exception as err:  # noqa: BLE001 - any error fails the test below
                errors.append(err)

        threads = [threading.Thread(target=tick, args=(flag,)) for flag in (True, False)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        assert errors == [], (round_, errors)
    with read_session(engine) as s:
        rows = s.exec(select(CascadeAttendance.person_id).where(
            CascadeAttendance.session_id == one.id)).all()
    assert sorted(rows) == sorted(w.learners)
    assert _audited(engine) == len(w.learners)  # the second tick of each pair changed nothing
