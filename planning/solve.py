"""The production entry point: check the input, plan, prove what can be proven, never raise.

Every instance is first planned by the decomposition (:mod:`planning.decomposed`),
which is fast at any size.  When the exact aggregated model
(:mod:`planning.exact`) is small enough to be worth solving
(``EXACT_MAX_NEEDS`` needs x waves), it then gets the rest of the time limit,
warm-started from that plan, to improve it and prove it optimal stage by
stage (need, then locality, then load); the better plan is kept.  On the large
instances the decomposition's own master bound is the proof.

Bad inputs (no relay, no learner, no wave, impossible cohort sizes) give a
Plan whose status names the problem and whose message is an English msgid
with parameters, rendered by the page in the reader's language.
"""

from __future__ import annotations

import logging
import time

from i18n import N_
from planning.decomposed import decomposed_plan
from planning.evaluate import finish
from planning.exact import exact_plan
from planning.model import Instance, Plan
from planning.reach import needed_pairs

log = logging.getLogger(__name__)

EXACT_MAX_NEEDS = 6_000  # needs x waves above which the exact model is not tried
STALL_S, STALL_SHARE = 3.0, 0.2  # give up proving after max(3 s, 20 % of the limit) of no progress

NO_RELAYS = N_("No relay trainer is available: nobody can lead a cohort")
NO_LEARNERS = N_("No learner needs training in the areas in scope")
NO_WAVES = N_("No wave is planned: add at least one date")
BAD_SIZES = N_("Cohort sizes are impossible: minimum {min}, maximum {max}")
BAD_HOURS = N_("Hours per cohort must be positive, not {hours}")
SOLVER_FAILED = N_("The planner could not finish: {detail}")


def validate(instance: Instance) -> tuple[str, str, dict] | None:
    """(status, msgid, params) of the first blocking input problem, or None."""
    p = instance.params
    if p.cohort_min < 1 or p.cohort_max < p.cohort_min:
        return "INVALID_PARAMS", BAD_SIZES, {"min": p.cohort_min, "max": p.cohort_max}
    if p.hours_per_cohort <= 0:
        return "INVALID_PARAMS", BAD_HOURS, {"hours": p.hours_per_cohort}
    if not instance.waves:
        return "NO_WAVES", NO_WAVES, {}
    if not instance.relays:
        return "NO_RELAYS", NO_RELAYS, {}
    if not needed_pairs(instance):
        return "NO_LEARNERS", NO_LEARNERS, {}
    return None


def empty_plan(instance: Instance, status: str, message: str, params: dict) -> Plan:
    """A plan with no cohort that says why."""
    try:
        plan = finish(instance, [], bound=0.0, status=status, method="decomposed")
    except Exception:  # noqa: BLE001 - the input may be too broken to explain
        plan = Plan(cohorts=[], status=status, method="decomposed")
    plan.message, plan.message_params = message, params
    return plan


def solve(instance: Instance) -> Plan:
    """The best plan the decomposition finds within params.time_limit_s, with its bound."""
    problem = validate(instance)
    if problem is not None:
        return empty_plan(instance, *problem)
    try:
        start = time.perf_counter()
        limit = instance.params.time_limit_s
        small = len(needed_pairs(instance)) * len(instance.waves) <= EXACT_MAX_NEEDS
        plan = decomposed_plan(instance, time_limit=min(limit, 2.0) if small else limit)
        left = limit - (time.perf_counter() - start)
        if small and left > 0.2:
            exact = exact_plan(instance, time_limit=left, workers=4, hint=plan,
                               stall_s=max(STALL_S, STALL_SHARE * limit))
            plan = _better(plan, exact)
            plan.stats["time_s"] = round(time.perf_counter() - start, 3)
        return plan
    except Exception as exc:  # noqa: BLE001 - a page must never show a stack trace
        log.exception("planner failed")
        return empty_plan(instance, "ERROR", SOLVER_FAILED, {"detail": str(exc)})


def _better(first: Plan, second: Plan) -> Plan:
    """The exact stage's plan unless it found none, with the tighter need bound of both.

    exact_plan never returns a plan worse than the valid plan it was warm-started
    from (it returns that plan instead), so only an empty answer needs a fallback.
    """
    keep = second if second.cohorts else first
    bounds = [p.bound for p in (first, second) if p.bound > 0 and p.status != "UNKNOWN"]
    keep.bound = round(max(min(bounds, default=keep.bound), keep.objective), 6)
    keep.gap = round((keep.bound - keep.objective) / keep.bound, 6) if keep.bound > 0 else 0.0
    # A stage proven on the exact model holds for the kept plan too: it is at least as good
    # under strict lexicographic dominance.
    keep.stats["stages_proven"] = int(second.stats.get("stages_proven", 0) or 0)
    keep.stats.update({k: v for k, v in second.stats.items() if k.startswith("stage_")})
    keep.stats["lexicographic_optimal"] = bool(
        second.stats.get("lexicographic_optimal") or first.stats.get("lexicographic_optimal"))
    keep.stats["exact_status"] = second.status
    if keep.gap <= 1e-9:
        keep.status = "OPTIMAL"
    return keep
