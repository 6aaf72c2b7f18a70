"""What the page says about the proof: which criteria the solver proved optimal."""

from __future__ import annotations

from dataclasses import replace

from i18n import Translator
from planning.decomposed import decomposed_plan
from planning.editing import move_learner
from planning.solve import solve
from planning.workflow import PROOF_NOTES, proof_note, refresh
from plan_cases import instance, learners, relay


def two_relays():
    # Two relays, eight learners, cohorts of 2..4: small enough for a full proof.
    return instance([relay(100), relay(200)], learners(1, 8), cohort_min=2, cohort_max=4)


def test_a_full_proof_is_said_in_french_and_english():
    inst = two_relays()
    plan = solve(inst)
    assert plan.stats["stages_proven"] == 3
    assert proof_note(plan) == PROOF_NOTES[3]
    assert Translator("fr")(proof_note(plan)).startswith("Optimum prouvé sur les trois critères")
    assert Translator("en")(proof_note(plan)).startswith("Proven optimal on all three criteria")


def test_each_depth_of_proof_has_its_own_note():
    plan = solve(two_relays())
    notes = [proof_note(replace(plan, status="FEASIBLE",
                                stats={**plan.stats, "stages_proven": k})) for k in range(4)]
    assert notes == [PROOF_NOTES[k] for k in range(4)] and len(set(notes)) == 4
    fr = Translator("fr")
    assert all(fr(n) != n for n in notes)  # every note is translated


def test_no_note_without_the_exact_model_or_after_a_hand_edit():
    inst = two_relays()
    assert proof_note(decomposed_plan(inst, time_limit=5.0)) is None
    plan = solve(inst)
    src = next(i for i, c in enumerate(plan.cohorts) if len(c.members) > 2)
    dst = next(i for i in range(len(plan.cohorts)) if i != src)
    edited = refresh(inst, move_learner(plan, plan.cohorts[src].members[0], src, dst))
    assert proof_note(edited) is None  # a hand edit is no longer what the solver proved


def test_a_need_that_met_its_bound_is_said_proven_whatever_stage_stopped():
    # solve() calls a plan OPTIMAL when its need meets a proven bound, the decomposition's
    # included, even if the exact model's first stage stopped on a stall: the page must not
    # then say "not proven" under "Solver status: optimal".
    plan = solve(two_relays())
    stalled = replace(plan, status="OPTIMAL", stats={**plan.stats, "stages_proven": 0})
    assert proof_note(stalled) == PROOF_NOTES[1]
