"""A loose bound from a master stopped early never shows a gap on a plan covering every need."""

import pytest

from planning.evaluate import finish
from planning.solve import solve
from plan_cases import instance, learners, relay


@pytest.mark.parametrize(("bound", "expected_bound", "expected_gap"), [
    (100.0, 7.0, 0.0),  # looser than the total need: capped
    (7.0, 7.0, 0.0),
    (3.0, 7.0, 0.0),  # below the objective: raised to it
])
def test_bound_is_capped_at_the_total_need(bound, expected_bound, expected_gap):
    inst = instance([relay(100)], learners(1, 7), waves=instance([], []).waves[:1])
    cohorts = solve(inst).cohorts
    plan = finish(inst, cohorts, bound=bound, status="FEASIBLE", method="test")
    assert (plan.bound, plan.gap) == (expected_bound, expected_gap)


def test_half_covered_plan_keeps_its_gap():
    inst = instance([relay(100)], learners(1, 7), waves=instance([], []).waves[:1])
    plan = finish(inst, [], bound=100.0, status="FEASIBLE", method="test")
    assert (plan.bound, plan.gap) == (7.0, 1.0)
