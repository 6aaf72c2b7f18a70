"""The production entry point: check the input, run the decomposition, never raise.

Bad inputs (no relay, no learner, no wave, impossible cohort sizes) give a
Plan whose status names the problem and whose message is an English msgid
with parameters, rendered by the page in the reader's language.
"""

from __future__ import annotations

import logging

from i18n import N_
from planning.decomposed import decomposed_plan
from planning.evaluate import finish
from planning.model import Instance, Plan
from planning.reach import needed_pairs

log = logging.getLogger(__name__)

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
        return decomposed_plan(instance, time_limit=instance.params.time_limit_s)
    except Exception as exc:  # noqa: BLE001 - a page must never show a stack trace
        log.exception("planner failed")
        return empty_plan(instance, "ERROR", SOLVER_FAILED, {"detail": str(exc)})
