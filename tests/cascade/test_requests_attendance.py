"""Requests, attendance, the frame recognition reads, and people leaving the cascade."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlmodel import select

from cascade import attendance, cohorts, requests, seats
from cascade.attendance import attendance_frame
from i18n import RelaisError
from planning import store
from privacy.consent import set_consent, withdraw_consent
from privacy.erase import erase_person
from storage.db import read_session
from storage.models import AuditLog, CascadeAttendance, CascadeCohort
from survey.links import LinkError, revoke
from tests.cascade.world import build


def test_request_needs_consent_an_area_and_an_open_plan(engine):
    w = build(engine, publish_it=False)
    tok = w.tokens[w.others[0]]
    for areas, consent, msg in ((["teaching"], False, requests.NO_CONSENT),
                                ([], True, requests.NO_AREA)):
        with pytest.raises(RelaisError) as err:
            requests.ask(engine, tok, areas, consent)
        assert err.value.message == msg
    with pytest.raises(RelaisError):
        requests.ask(engine, tok, ["juggling"], True)
    assert requests.current(engine, w.campaign_id, w.others[0]) is None
    assert requests.ask(engine, tok, ["assessment", "teaching"], True) == ["teaching", "assessment"]
    assert requests.active(engine, w.campaign_id) == {w.others[0]: {"teaching", "assessment"}}
    requests.withdraw(engine, tok)
    assert requests.active(engine, w.campaign_id) == {}
    with pytest.raises(RelaisError):
        requests.withdraw(engine, tok)
    store.publish(engine, w.plan_id)
    cohorts.close_plan(engine, w.plan_id, None)
    with pytest.raises(RelaisError) as err:
        requests.ask(engine, tok, ["teaching"], True)
    assert err.value.message == requests.REQUESTS_CLOSED
    revoke(engine, w.campaign_id, w.others[1])
    with pytest.raises(LinkError):
        requests.ask(engine, w.tokens[w.others[1]], ["teaching"], True)
    assert requests.active(engine, w.campaign_id) == {}


def _members_attend(engine, w):  # noqa: ANN001
    (c,) = cohorts.cohorts_of_plan(engine, w.plan_id)
    for p in w.learners:
        seats.answer(engine, w.tokens[p], c.id, True)
    return c


def test_relay_and_lead_record_attendance_audited(engine):
    w = build(engine)
    c = _members_attend(engine, w)
    with pytest.raises(RelaisError) as err:  # a member cannot mark others
        attendance.record_by_relay(engine, w.tokens[w.learners[0]], c.id, w.learners[1], True)
    assert err.value.message == attendance.NOT_RELAY
    with pytest.raises(RelaisError) as err:
        attendance.record_by_relay(engine, w.tokens[w.relay], c.id, w.others[0], True)
    assert err.value.message == attendance.NOT_MEMBER
    attendance.record_by_relay(engine, w.tokens[w.relay], c.id, w.learners[0], True)
    attendance.record_by_lead(engine, c.id, w.learners[1], False, None)
    attendance.record_by_lead(engine, c.id, w.learners[1], True, None)
    attendance.record_by_lead(engine, c.id, w.learners[1], True, None)  # no change, no entry
    assert attendance.present(engine, c.id) == {w.learners[0]: True, w.learners[1]: True}
    with read_session(engine) as s:
        logged = s.exec(select(AuditLog).where(AuditLog.action == "cascade_attendance")
                        .order_by(AuditLog.id)).all()
        frame = attendance_frame(s, w.plan_id)
    assert [(e.detail["person"], e.detail["attended"], e.detail["where"]) for e in logged] == [
        (w.learners[0], True, "link"), (w.learners[1], False, "app"), (w.learners[1], True, "app")]
    assert list(frame.columns) == ["person_id", "role", "area", "cohort_id", "plan_id", "hours",
                                   "attended", "campaign_id", "session_id"]
    kinds = {c: frame[c].dtype.kind for c in ("person_id", "plan_id", "hours", "attended",
                                              "campaign_id")}
    assert kinds == {"person_id": "i", "plan_id": "i", "hours": "f", "attended": "b",
                     "campaign_id": "i"}
    assert all(pd.api.types.is_string_dtype(frame[c]) for c in ("role", "area", "cohort_id"))
    rows = {(r.person_id, r.role): r for r in frame.itertuples()}
    assert set(rows) == {(w.learners[0], "learner"), (w.learners[1], "learner"),
                         (w.relay, "relay")}
    assert all(r.attended and r.hours == 6.0 and r.cohort_id == c.ref and r.area == "teaching"
               and r.campaign_id == w.campaign_id for r in rows.values())
    cohorts.close_plan(engine, w.plan_id, None)
    with pytest.raises(RelaisError) as err:
        attendance.record_by_relay(engine, w.tokens[w.relay], c.id, w.learners[0], False)
    assert err.value.message == cohorts.PLAN_CLOSED
    assert attendance.present(engine, c.id)[w.learners[0]] is True


def test_no_attendance_means_the_relay_did_not_lead(engine):
    w = build(engine)
    _members_attend(engine, w)
    with read_session(engine) as s:
        frame = attendance_frame(s)
    assert not frame["attended"].any() and len(frame) == 3


@pytest.mark.parametrize("how", ["erase", "withdraw_consent", "withdraw_request"])
def test_leaving_removes_the_person_from_seats_attendance_and_plans(engine, how):
    w = build(engine)
    c = _members_attend(engine, w)
    gone = w.learners[0]
    requests.ask(engine, w.tokens[gone], ["teaching"], True)
    set_consent(engine, gone, True)
    attendance.record_by_relay(engine, w.tokens[w.relay], c.id, gone, True)
    if how == "erase":
        erase_person(engine, gone)
    elif how == "withdraw_consent":
        withdraw_consent(engine, gone)
    else:
        requests.withdraw(engine, w.tokens[gone])
    with read_session(engine) as s:
        frame = attendance_frame(s)
        assert s.exec(select(CascadeAttendance).where(CascadeAttendance.person_id == gone)).all() == []
        assert s.get(CascadeCohort, c.id).taken == 1
    assert gone not in set(frame["person_id"])
    assert [p for p, _, _ in seats.members(engine, c.id)] == [w.learners[1]]
    assert requests.active(engine, w.campaign_id) == {}
    sp = store.load(engine, w.plan_id)
    inst, plan = store.for_export(engine, w.plan_id, sp.instance, sp.plan)
    assert gone not in {m for co in plan.cohorts for m in co.members}
    assert gone not in {lr.person_id for lr in inst.learners}


def test_a_relay_leaving_cancels_their_cohort(engine):
    w = build(engine)
    c = _members_attend(engine, w)
    set_consent(engine, w.relay, True)
    withdraw_consent(engine, w.relay)
    assert cohorts.view(engine, c.id).status == "cancelled"
    assert seats.my_seats(engine, w.tokens[w.learners[0]]) == []
    with read_session(engine) as s:
        assert attendance_frame(s).empty
