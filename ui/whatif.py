"""Streamlit glue for the planner's what-if comparison: a worker solves the variant.

The page builds the variant (more waves, larger cohorts, one more relay) and
:func:`start` queues its solve like any other planner job (:mod:`ui.solve_jobs`,
under its own session key, so it has its own progress bar and cancel button and
runs beside a plan being solved).  :func:`follow` picks the variant's plan up
when its job ends; the comparison table is drawn only then.  A comparison is made
against the plan shown when Compare was pressed, so a new plan (solved, or a
draft opened) stops one still under way.
"""

from __future__ import annotations

import streamlit as st
from sqlalchemy.engine import Engine

from i18n import N_, RelaisError
from planning.model import Instance
from planning.solve import validate
from ui import context, solve_jobs
from ui.context import t

KEY = "pl_wi_job"  # the variant's job id in session state
RESULT = "pl_variant"  # (variant instance, its plan) once solved
NOTICE = "pl_wi_notice"

NOT_PLANNED = N_("The variant was not planned. {reason}")
CANCELLED = N_("Comparison cancelled: no variant to compare with.")
RUNNING = N_("Planning the variant… {percent} % of the time limit")
CANCEL = N_("Cancel the comparison")
STOPPED = N_("The current plan changed, so the comparison under way was stopped. Press "
             "Compare again to compare with the new plan.")


def start(engine: Engine, variant: Instance, campaign_id: int | None,
          person_id: int | None) -> int | None:
    """Check the variant and queue its solve (replacing a comparison under way); None if refused."""
    drop(engine, quietly=True)
    if problem := validate(variant):  # impossible settings: say why at once, queue nothing
        context.show_error(RelaisError(NOT_PLANNED, reason=RelaisError(problem[1], **problem[2])))
        return None
    return solve_jobs.start(engine, KEY, variant, campaign_id, person_id)


def follow(engine: Engine) -> None:
    """Take the variant's plan when its job has ended (or say why there is none); draw progress."""
    S = st.session_state
    if S.get(NOTICE):
        st.info(t(S.pop(NOTICE)))
    try:
        done = solve_jobs.outcome(engine, KEY, cancelled=CANCELLED)
        if done is not None:
            plan = done[1]
            if plan.message and not plan.cohorts:  # the solver said why it planned nothing
                raise RelaisError(plan.message, **plan.message_params)
            S[RESULT] = done
    except RelaisError as err:
        context.show_error(RelaisError(NOT_PLANNED, reason=err))
    solve_jobs.progress_panel(engine, KEY, running=RUNNING, cancel=CANCEL)


def drop(engine: Engine, quietly: bool = False) -> None:
    """Forget the comparison; a variant still being solved is cancelled (and, unless quietly,
    the lead is told why)."""
    S = st.session_state
    if S.get(KEY) is not None and not quietly:
        S[NOTICE] = STOPPED
    solve_jobs.forget(engine, KEY)
    S[RESULT] = None
