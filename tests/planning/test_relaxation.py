"""Bounds proven outside CP-SAT's own search (planning.exact): learners' caps, waveless model.

A stage of the exact model is proven when its plan reaches one of these bounds.
A bound that were too low would call a poor plan optimal, so the tests check
the bounds against hand-solved optima, including a case where the waveless
relaxation is *not* tight and the proof must come from CP-SAT itself.  Their
validity on random instances is checked against the slot model in
test_exact.py (``test_waveless_relaxation_bounds_the_optimum``).
"""

from __future__ import annotations

import datetime as dt

import pytest
from ortools.sat.python import cp_model

from planning.exact import _fit, _relaxed_bound, _Shape, build, learner_caps, realise
from planning.model import Learner, Wave
from planning.evaluate import finish
from planning.reach import needed_pairs
from planning.rules import check_plan
from plan_cases import WAVES, WORKERS, assert_proven, exact, instance, learners, relay

THREE_WAVES = tuple(Wave(i, dt.date(2026, 9 + i, 1)) for i in range(3))


def one_relay_per_area():
    """Relays 100, 101 and 102 lead teaching, assessment and resources, on site 0."""
    areas = ("teaching", "assessment", "resources")
    return [relay(100 + k, areas=(a,)) for k, a in enumerate(areas)]


def test_learner_caps_sum_each_learners_heaviest_needs_one_per_wave():
    # Two waves: learner 1 can be trained on two of their three areas at most, so their
    # cap is 0.5 + 0.3 = 80 units; learner 2 has one need, 0.4 = 40 units.
    inst = instance(
        [relay(100, areas=("teaching", "assessment", "resources"))],
        [Learner(1, 0, 0, {"teaching": 0.5, "assessment": 0.3, "resources": 0.2}, {}),
         Learner(2, 0, 0, {"teaching": 0.4}, {})],
        waves=WAVES, cohort_min=1)
    mm = build(inst)
    caps = learner_caps(mm, needed_pairs(inst), len(inst.waves))
    assert sorted(cap for _, cap in caps) == [40, 80]


def test_plan_reaching_the_bounds_is_proven_by_them():
    # Relay 100 leads teaching, relay 101 assessment; six learners need both, two waves:
    # everyone is trained twice (the learners' caps), on their own site (the relaxation).
    people = learners(1, 6, needs={"teaching": 1.0, "assessment": 0.5})
    inst = instance([relay(100), relay(101, areas=("assessment",))], people,
                    cohort_min=3, cohort_max=6)
    plan = exact(inst)
    assert_proven(inst, plan)
    assert plan.stats["covered_need"] == pytest.approx(9.0)
    assert plan.stats["stage_need_proof"] == "learner_caps"
    assert plan.stats["stage_need_by"] == "at_caps"  # found by the feasibility check alone
    assert plan.stats["stage_need_target"] == 900
    assert plan.stats["stage_locality_target"] == 24  # 12 seats on the relays' site
    assert plan.stats["locality"] == 24


def triangle():
    """Three relays (areas A, B, C), one cohort each; three pairs of learners needing A+B,
    B+C and A+C; two waves.  Without waves every need is met (each learner needs two,
    there are two waves); with them, the three cohorts clash pairwise and only two waves
    exist, so one pair misses one area."""
    relays = one_relay_per_area()
    people = (learners(1, 2, needs={"teaching": 1.0, "assessment": 1.0})
              + learners(11, 2, needs={"assessment": 1.0, "resources": 1.0})
              + learners(21, 2, needs={"teaching": 1.0, "resources": 1.0}))
    return instance(relays, people, cohort_min=2, cohort_max=4,
                    max_cohorts_per_relay_total=1)


def test_relaxation_that_is_not_tight_leaves_the_proof_to_the_solver():
    # Optimum by hand: 10 of the 12 needs. Two cohorts that share a learner take different
    # waves; with two waves, two of the three cohorts must share nobody, so one pair of
    # learners misses one of its areas. The caps say 12: never reached, so CP-SAT must
    # prove 10 itself.
    inst = triangle()
    plan = exact(inst)
    assert_proven(inst, plan)
    assert plan.stats["stage_need_target"] == 1200
    assert plan.stats["covered_need"] == pytest.approx(10.0)
    assert plan.stats["stage_need_proof"] == "solver"
    assert plan.stats["stage_need_by"] == "search"
    assert plan.stats["stage_need_caps_status"] == "INFEASIBLE"  # refuted, not timed out


def test_waveless_model_meets_every_need_of_the_triangle():
    # The same instance without waves: every need met, 1200 units, which is why the bound
    # cannot prove the real plan above.
    inst = triangle()
    relax = build(inst, waveless=True)
    relax.model.maximize(relax.need)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = WORKERS
    assert solver.solve(relax.model) == cp_model.OPTIMAL
    assert solver.objective_value == 1200


def test_three_waves_with_every_learner_at_their_cap_are_proven_by_the_bounds():
    # Nine learners needing three areas each, three relays one per area, three waves:
    # every learner at their cap, all on the relays' site (9 x 3 seats x 2 points).
    relays = one_relay_per_area()
    people = learners(1, 9, needs={"teaching": 0.9, "assessment": 0.6, "resources": 0.3})
    inst = instance(relays, people, waves=THREE_WAVES, cohort_min=3, cohort_max=9)
    plan = exact(inst)
    assert_proven(inst, plan)
    assert plan.stats["covered_need"] == pytest.approx(16.2)
    assert plan.stats["locality"] == 54
    assert plan.stats["stage_locality_target"] == 54
    assert {c.wave_index for c in plan.cohorts} == {0, 1, 2}


def solver4(seconds: float = 10.0) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = WORKERS
    solver.parameters.max_time_in_seconds = seconds
    return solver


def nine_learners_three_areas():
    relays = one_relay_per_area()
    people = learners(1, 9, needs={"teaching": 0.9, "assessment": 0.6, "resources": 0.3})
    return instance(relays, people, waves=THREE_WAVES, cohort_min=3, cohort_max=9)


def test_fit_spreads_the_relaxations_plan_over_the_waves():
    # The relaxation opens one cohort per relay with all nine learners: 54 points of
    # locality. Spread over three waves (one area a wave for everyone) it is a valid plan
    # with the same cohorts and the same locality, which is what _fit must return.
    inst = nine_learners_three_areas()
    relax = build(inst, waveless=True)
    bound, shape = _relaxed_bound(relax, relax.locality, True, solver4())
    assert bound == 54
    assert sum(shape.counts.values()) == 3
    mm = build(inst)
    solver = solver4()
    assert _fit(mm, shape, mm.locality, True, bound, solver) == cp_model.OPTIMAL
    cohorts = realise(inst, mm, solver)
    plan = finish(inst, cohorts, bound=0.0, status="FEASIBLE", method="exact")
    assert check_plan(inst, plan) == []
    assert plan.stats["locality"] == 54
    assert sorted(c.wave_index for c in cohorts) == [0, 1, 2]
    assert all(len(c.members) == 9 for c in cohorts)


def test_fit_finds_nothing_when_the_waves_cannot_hold_the_shape():
    # The triangle's waveless plan: each relay's cohort holds the four learners who need its
    # area, every seat on site 0 (2 points). Over two waves the three cohorts clash pairwise:
    # no such plan, and _fit must say so rather than return a plan that breaks a rule.
    inst = triangle()
    relax = build(inst, waveless=True)
    relax.model.maximize(relax.need)
    solver = solver4()
    assert solver.solve(relax.model) == cp_model.OPTIMAL
    relax.model.add(relax.need == 1200)
    bound, shape = _relaxed_bound(relax, relax.locality, True, solver4())
    assert bound == 24
    assert sum(shape.counts.values()) == 3
    mm = build(inst)
    # Refuted, not merely out of time.
    assert _fit(mm, shape, mm.locality, True, bound, solver4()) == cp_model.INFEASIBLE
    # The same counts with fewer learners seated do fit: the shape, not the counts, clashes.
    smaller = _Shape(shape.counts, {g: v // 2 for g, v in shape.local.items()})
    assert _fit(mm, smaller, mm.locality, True, sum(smaller.local.values()),
                solver4()) == cp_model.OPTIMAL
