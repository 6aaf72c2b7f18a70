"""Drafts round-trip through the database; publishing re-checks every rule."""

from __future__ import annotations

import pytest
from sqlmodel import select

from planning.editing import move_learner
from planning.instances import generate
from planning.rules import check_plan
from planning.solve import solve
from planning.store import (
    DRAFT, PUBLISHED, PublishRefused, list_plans, load, publish, save_draft, update_draft,
)
from storage.db import read_session
from storage.models import AuditLog
from i18n import RelaisError


@pytest.fixture(scope="module")
def solved():
    inst = generate("tiny", seed=3)
    plan = solve(inst)
    assert len(plan.cohorts) >= 2 and not check_plan(inst, plan)
    return inst, plan


def test_draft_round_trip_is_exact(engine, solved):
    inst, plan = solved
    pid = save_draft(engine, "  Rentrée 2026 ", plan, inst, campaign_id=None)
    got = load(engine, pid)
    assert (got.name, got.status, got.published_at) == ("Rentrée 2026", DRAFT, None)
    assert got.plan == plan
    assert got.instance == inst
    assert got.created_at.tzinfo is not None
    assert list_plans(engine)[0][:3] == (pid, "Rentrée 2026", DRAFT)


def _broken(plan):
    """Move a member of the first cohort into the second (breaks a rule or two)."""
    c0 = plan.cohorts[0]
    return move_learner(plan, c0.members[0], 0, 1)


def test_publish_refuses_a_plan_with_violations_and_changes_nothing(engine, solved):
    inst, plan = solved
    bad = _broken(plan)
    expected = check_plan(inst, bad)
    assert expected
    pid = save_draft(engine, "edited", bad, inst, campaign_id=None)
    with pytest.raises(PublishRefused) as err:
        publish(engine, pid)
    assert err.value.violations == expected
    assert "ne peut pas être publié" in err.value.render("fr")
    assert load(engine, pid).status == DRAFT


def test_fixed_draft_publishes_and_is_then_frozen(engine, solved):
    inst, plan = solved
    pid = save_draft(engine, "to fix", _broken(plan), inst, campaign_id=7)
    update_draft(engine, pid, plan, inst)
    publish(engine, pid)
    got = load(engine, pid)
    assert (got.status, got.campaign_id) == (PUBLISHED, 7)
    assert got.published_at is not None and got.plan == plan
    with pytest.raises(RelaisError):
        update_draft(engine, pid, _broken(plan), inst)
    assert load(engine, pid).plan == plan
    with read_session(engine) as s:
        actions = [a.action for a in s.exec(select(AuditLog).order_by(AuditLog.id))]
    assert actions == ["cohort_plan.save", "cohort_plan.update", "cohort_plan.publish"]


def test_publish_checks_against_the_instance_of_today(engine, solved):
    """A relay who withdrew consent since the draft blocks publication."""
    from dataclasses import replace

    inst, plan = solved
    pid = save_draft(engine, "ok then", plan, inst, campaign_id=None)
    gone = plan.cohorts[0].relay_id
    today = replace(inst, relays=tuple(r for r in inst.relays if r.person_id != gone))
    with pytest.raises(PublishRefused) as err:
        publish(engine, pid, instance=today)
    assert {v.kind for v in err.value.violations} == {"unknown_relay"}


@pytest.mark.parametrize("name", ["", "   "])
def test_a_draft_needs_a_name(engine, solved, name):
    inst, plan = solved
    with pytest.raises(RelaisError):
        save_draft(engine, name, plan, inst, campaign_id=None)
    assert list_plans(engine) == []


def test_a_draft_keeps_the_leads_edits_and_the_unedited_instance(engine, solved):
    from planning import overrides as ov

    base, _ = solved
    edits = ov.Overrides({base.relays[0].person_id: ov.RelayEdit(excluded=True),
                          base.relays[1].person_id: ov.RelayEdit(hours_per_month=18.0)},
                         {base.learners[0].person_id: ov.LearnerEdit(excluded=True)})
    inst = ov.apply(base, edits)
    plan = solve(inst)
    pid = save_draft(engine, "edited inputs", plan, inst, campaign_id=None, overrides=edits,
                     base=base)
    got = load(engine, pid)
    assert got.overrides == edits
    assert got.base_instance == base and got.instance == inst and got.plan == plan
    # A hand edit saved again keeps them; a draft without edits stores none.
    update_draft(engine, pid, plan, inst, overrides=edits, base=base)
    assert load(engine, pid).overrides == edits
    plain = save_draft(engine, "plain", plan, inst, campaign_id=None)
    assert load(engine, plain).overrides == ov.NONE
    assert load(engine, plain).base_instance == inst


def test_publish_applies_the_drafts_edits_to_the_rebuilt_instance(engine):
    """Raised hours are not refused; a relay whose consent was withdrawn still blocks."""
    from dataclasses import replace

    from planning import overrides as ov
    from plan_cases import instance, learners, relay

    base = instance([relay(100, hours=6.0), relay(200, hours=6.0)], learners(1, 72),
                    max_cohorts_per_relay_per_wave=2, cohort_max=12)
    edits = ov.Overrides({100: ov.RelayEdit(hours_per_month=12.0)})
    inst = ov.apply(base, edits)
    plan = solve(inst)
    assert sum(c.relay_id == 100 for c in plan.cohorts) >= 3  # needs the raised hours
    assert check_plan(base, plan)  # the database's hours alone would refuse it
    pid = save_draft(engine, "more hours", plan, inst, campaign_id=None, overrides=edits,
                     base=base)
    withdrawn = replace(base, relays=tuple(r for r in base.relays if r.person_id != 200))
    assert any(c.relay_id == 200 for c in plan.cohorts)
    with pytest.raises(PublishRefused) as err:
        publish(engine, pid, instance=withdrawn)
    assert {v.kind for v in err.value.violations} == {"unknown_relay"}
    assert load(engine, pid).status == DRAFT
    publish(engine, pid, instance=base)  # rebuilt "now", before the edits
    assert load(engine, pid).status == PUBLISHED


@pytest.mark.parametrize("kind", ["lead_and_learn_same_wave", "hybrid_out_of_scope",
                                  "hours_per_month"])
def test_publish_refuses_a_plan_breaking_the_rules_of_issue_23(engine, kind):
    # The hand-broken plans of test_rules.py, saved as drafts: publication re-runs the same
    # checker, so each of the three rules refuses it.
    from test_rules import CASES, INST
    pid = save_draft(engine, kind, CASES[kind], INST, campaign_id=None)
    with pytest.raises(PublishRefused) as err:
        publish(engine, pid)
    assert kind in {v.kind for v in err.value.violations}
    assert load(engine, pid).status == DRAFT
