"""Saved plans keep the promise too: erasure removes a person, a withdrawal flags the plan."""

from __future__ import annotations

import pytest

from planning.instances import generate
from planning.solve import solve
from planning.store import PUBLISHED, for_export, load, publish, review_of, save_draft
from privacy.consent import set_consent, withdraw_consent
from privacy.erase import erase_person
from storage.db import write_session
from storage.models import Person


@pytest.fixture(scope="module")
def solved():
    inst = generate("tiny", seed=3)
    return inst, solve(inst)


def _people(engine, n: int = 60) -> None:
    """Person rows 1..n, so the generated instance's ids are real people."""
    with write_session(engine) as s:
        s.add_all([Person(first_name="P", last_name=str(i)) for i in range(1, n + 1)])


def _named(inst, plan) -> set[int]:  # noqa: ANN001
    return ({r.person_id for r in inst.relays} | {lr.person_id for lr in inst.learners}
            | {c.relay_id for c in plan.cohorts} | {m for c in plan.cohorts for m in c.members}
            | {lo.person_id for lo in plan.left_out})


def test_erasure_removes_the_person_from_every_plan(engine, solved):
    _people(engine)
    inst, plan = solved
    relay, member = plan.cohorts[0].relay_id, plan.cohorts[1].members[0]
    draft = save_draft(engine, "draft", plan, inst, None)
    published = save_draft(engine, "pub", plan, inst, None)
    publish(engine, published)
    for pid in (relay, member):
        counts = erase_person(engine, pid)
        assert counts["plans_changed"] == 2
    for plan_id in (draft, published):
        sp = load(engine, plan_id)
        assert not {relay, member} & _named(sp.instance, sp.plan)
        assert review_of(engine, plan_id)["erased"] == 2
    assert load(engine, published).status == PUBLISHED


def test_withdrawal_flags_plans_and_exports_leave_the_person_out(engine, solved):
    _people(engine)
    inst, plan = solved
    member = plan.cohorts[0].members[0]
    set_consent(engine, member, True)
    plan_id = save_draft(engine, "draft", plan, inst, None)
    other = save_draft(engine, "other", plan, inst, None)
    assert review_of(engine, plan_id) == {}
    withdraw_consent(engine, member)
    for pid in (plan_id, other):
        assert review_of(engine, pid)["withdrawn"] == [member]
    sp = load(engine, plan_id)
    assert member in _named(sp.instance, sp.plan)  # the plan itself waits for the lead's review
    shown_inst, shown_plan = for_export(engine, plan_id, sp.instance, sp.plan)
    assert member not in _named(shown_inst, shown_plan)
    assert len(_named(shown_inst, shown_plan)) == len(_named(sp.instance, sp.plan)) - 1
