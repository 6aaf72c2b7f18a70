"""Streamlit glue for planner solves run by a worker: progress, cancel, outcome.

The page enqueues a job (:mod:`planning.jobs`) and keeps its id in session
state under ``key``; :func:`progress_panel` polls the job once a second in a
fragment, so only that panel reruns while the worker solves and the rest of the
page (and every other session on the server) stays responsive.  When the job
ends, the panel reruns the whole page, whose :func:`outcome` call picks the
result up.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st
from sqlalchemy.engine import Engine

from i18n import N_, RelaisError
from planning import jobs
from planning.model import Instance, Plan
from storage.models import utcnow
from ui.context import t

POLL_S = 1.0
NO_WORKER_AFTER_S = 15.0  # queued this long: say that no worker seems to be running

# What the panel and outcome() say; a page with several kinds of job (the planner's plan and
# its what-if variant) passes its own msgids so each job's bar and button say which it is.
CANCELLED = N_("Planning cancelled: the current plan is kept.")
RUNNING = N_("Planning the cohorts… {percent} % of the time limit")
CANCEL = N_("Cancel planning")


def start(engine: Engine, key: str, instance: Instance, campaign_id: int | None,
          person_id: int | None, same_trade: bool = False) -> int:
    """Queue a solve of instance and remember its job under key."""
    job = jobs.enqueue(engine, instance, campaign_id, person_id, same_trade=same_trade)
    st.session_state[key] = job
    return job


def forget(engine: Engine, key: str) -> None:
    """Cancel the job under key if it has not finished, and stop following it."""
    job_id = st.session_state.pop(key, None)
    if job_id is not None:
        jobs.cancel(engine, job_id)


def outcome(engine: Engine, key: str, cancelled: str = CANCELLED) -> tuple[Instance, Plan] | None:
    """The instance and plan when the job under key has just finished well, else None.

    A failed job raises RelaisError with its translated reason; a cancelled one
    shows the notice ``cancelled`` (a msgid).  Either way the job is forgotten.
    """
    job_id = st.session_state.get(key)
    if job_id is None:
        return None
    view = jobs.get(engine, job_id)
    if not view.finished:
        return None
    del st.session_state[key]
    if view.status == jobs.DONE:
        return jobs.result(engine, job_id)
    if view.status == jobs.CANCELLED:
        st.info(t(cancelled))
        return None
    raise RelaisError(view.error or jobs.WORKER_DIED, **view.error_params)


def progress_panel(engine: Engine, key: str, on_cancel: Callable[[], None] | None = None,
                   running: str = RUNNING, cancel: str = CANCEL) -> None:
    """Progress of the job under key with a cancel button; nothing when there is no job.

    running: the bar's msgid while the worker solves (with ``{percent}``); cancel: the
    button's label.
    """
    if st.session_state.get(key) is None:
        return
    _panel(engine, key, on_cancel, running, cancel)


@st.fragment(run_every=POLL_S)
def _panel(engine: Engine, key: str, on_cancel: Callable[[], None] | None, running: str,
           cancel: str) -> None:
    job_id = st.session_state.get(key)
    if job_id is None:
        return
    view = jobs.get(engine, job_id)
    if view.finished:
        st.rerun(scope="app")  # the page's outcome() call shows the result
    if view.status == jobs.QUEUED:
        waited = (utcnow() - view.created_at).total_seconds()
        st.progress(0.0, text=t("Waiting for a planner worker…"))
        if waited > NO_WORKER_AFTER_S:
            st.warning(t("No planner worker has taken this job for {seconds} s. Is the worker "
                         "running (python manage.py worker)?", seconds=int(waited)))
    elif view.cancel_requested:
        st.progress(view.progress, text=t("Stopping the planner…"))
    else:
        st.progress(view.progress, text=t(running, percent=int(round(view.progress * 100))))

    def _cancel() -> None:
        jobs.cancel(engine, job_id)
        if on_cancel is not None:
            on_cancel()

    st.button(t(cancel), key=f"{key}_cancel", on_click=_cancel,
              disabled=view.cancel_requested)
