"""The planner's trade preference: swaps towards one trade per cohort, never at another cost."""

from __future__ import annotations

from planning.evaluate import combined_value
from planning.model import Cohort, Plan
from planning.rules import check_plan
from planning.trades import prefer_same_trade, trade_mix
from tests.planning.plan_cases import instance, learners, relay

# two relays of one site, each leading 6 learners on teaching in wave 0
INST = instance([relay(1), relay(2)], learners(10, 12), cohort_min=6, cohort_max=6)
MIXED = Plan(cohorts=[
    Cohort(1, "teaching", "face_to_face", 0, 0, 0, (10, 11, 12, 13, 14, 15)),
    Cohort(2, "teaching", "face_to_face", 0, 0, 0, (16, 17, 18, 19, 20, 21)),
])
# care and building alternate, so each cohort starts with 3 of each
TRADES = {pid: ("care" if pid % 2 == 0 else "building") for pid in range(10, 22)}


def test_swaps_gather_each_trade_in_one_cohort_and_keep_every_rule():
    assert check_plan(INST, MIXED) == []
    better = prefer_same_trade(INST, MIXED, TRADES)
    assert check_plan(INST, better) == []
    assert trade_mix(better, TRADES) == 2 * 15 > trade_mix(MIXED, TRADES) == 4 * 3
    assert {frozenset(TRADES[m] for m in c.members) for c in better.cohorts} == {
        frozenset({"care"}), frozenset({"building"})}
    # the same people learn the same area in the same wave: coverage and locality unchanged
    assert sorted(m for c in better.cohorts for m in c.members) == list(range(10, 22))
    assert combined_value(INST, better.cohorts) == combined_value(INST, MIXED.cohorts)
    assert better.stats["same_trade_pairs"] == 30


def test_a_swap_that_costs_locality_is_not_made():
    # learner 11 (building) lives at another site of the region: in cohort 1 at site 0 they
    # count 1; the relay of cohort 2 is at their site, so no swap may take away a site-local seat
    inst = instance([relay(1, site=0), relay(2, site=5)],
                    learners(10, 6, site=0) + learners(16, 6, site=5), cohort_min=6, cohort_max=6)
    trades = {pid: ("care" if pid < 16 else "building") for pid in range(10, 22)}
    trades[10], trades[16] = "building", "care"  # one of each on the wrong side
    plan = Plan(cohorts=[Cohort(1, "teaching", "face_to_face", 0, 0, 0, tuple(range(10, 16))),
                         Cohort(2, "teaching", "face_to_face", 5, 0, 0, tuple(range(16, 22)))])
    after = prefer_same_trade(inst, plan, trades)
    # swapping 10 and 16 would put each at a site not their own (2 + 2 -> 1 + 1): refused
    assert after.cohorts == plan.cohorts
    assert combined_value(inst, after.cohorts) == combined_value(inst, plan.cohorts)


def test_without_trades_the_plan_is_unchanged():
    assert prefer_same_trade(INST, MIXED, {}) is MIXED
    no_trade = prefer_same_trade(INST, MIXED, {10: "care"})
    assert [c.members for c in no_trade.cohorts] == [c.members for c in MIXED.cohorts]
