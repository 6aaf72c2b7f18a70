"""The large instance's plan, solved once, checked rule by rule independently of the solver."""

from __future__ import annotations

from dataclasses import replace

import pytest

from planning.instances import generate
from planning.reach import needed_pairs
from planning.rules import check_plan
from planning.solve import solve

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def large():
    inst = generate("large", seed=0)
    inst = replace(inst, params=replace(inst.params, time_limit_s=60.0))
    return inst, solve(inst)


def test_large_plan_breaks_no_hard_rule(large):
    inst, plan = large
    assert plan.status in {"OPTIMAL", "FEASIBLE"}
    assert len(plan.cohorts) > 100
    assert check_plan(inst, plan) == []


def test_large_plan_accounts_for_every_need_once(large):
    inst, plan = large
    need = needed_pairs(inst)
    covered = {(m, c.area) for c in plan.cohorts for m in c.members}
    left = {(lo.person_id, lo.area) for lo in plan.left_out}
    assert covered | left == set(need) and not covered & left
    assert len(left) == len(plan.left_out)
    assert plan.objective == pytest.approx(sum(need[p] for p in covered), abs=1e-6)
    assert 0 <= plan.gap < 1 and plan.bound >= plan.objective - 1e-9
