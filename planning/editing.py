"""Hand edits of a plan and what-if comparison; callers re-run check_plan.

Edits never validate: they return a new Plan, and the page shows
``check_plan(instance, new_plan)`` so a person sees exactly which rule breaks.
"""

from __future__ import annotations

from dataclasses import replace

from i18n import RelaisError
from planning.evaluate import score
from planning.model import Cohort, Instance, Plan


def _with_cohorts(plan: Plan, cohorts: list[Cohort]) -> Plan:
    """A copy of the plan with new cohorts, marked as edited by hand."""
    return replace(plan, cohorts=cohorts, status="EDITED", method=plan.method + "+edited")


def _cohort(plan: Plan, idx: int) -> Cohort:
    """The cohort at idx or a RelaisError naming it (1-based for people)."""
    if not 0 <= idx < len(plan.cohorts):
        raise RelaisError("Cohort {cohort} does not exist", cohort=idx + 1)
    return plan.cohorts[idx]


def move_learner(plan: Plan, person_id: int, from_cohort_idx: int, to_cohort_idx: int) -> Plan:
    """Move a learner from one cohort to another."""
    src, dst = _cohort(plan, from_cohort_idx), _cohort(plan, to_cohort_idx)
    if person_id not in src.members:
        raise RelaisError("Person {person} is not in cohort {cohort}",
                          person=person_id, cohort=from_cohort_idx + 1)
    cohorts = list(plan.cohorts)
    cohorts[from_cohort_idx] = replace(src, members=tuple(m for m in src.members
                                                          if m != person_id))
    cohorts[to_cohort_idx] = replace(dst, members=tuple(sorted((*dst.members, person_id))))
    return _with_cohorts(plan, cohorts)


def swap_relay(plan: Plan, cohort_idx: int, new_relay_id: int) -> Plan:
    """Give a cohort to another relay (place follows when the page re-plans)."""
    c = _cohort(plan, cohort_idx)
    cohorts = list(plan.cohorts)
    cohorts[cohort_idx] = replace(c, relay_id=new_relay_id)
    return _with_cohorts(plan, cohorts)


def compare_plans(a: Plan, b: Plan, instance: Instance | None = None) -> dict[str, dict[str, float]]:
    """Coverage and load figures side by side: {figure: {"a", "b", "delta"}}.

    Pass the instance to rescore hand-edited plans, whose stats are stale.
    """
    if instance is not None:
        a = replace(a, stats=score(instance, a.cohorts))
        b = replace(b, stats=score(instance, b.cohorts))
    keys = ("covered_need", "coverage", "pairs_covered", "cohorts", "locality",
            "members_same_site", "members_in_region", "members_remote", "max_load",
            "mean_load", "relays_used")
    out: dict[str, dict[str, float]] = {}
    for k in keys:
        va, vb = float(a.stats.get(k, 0) or 0), float(b.stats.get(k, 0) or 0)
        out[k] = {"a": va, "b": vb, "delta": round(vb - va, 6)}
    out["left_out"] = {"a": len(a.left_out), "b": len(b.left_out),
                       "delta": len(b.left_out) - len(a.left_out)}
    return out
