"""The planner worker: takes solve jobs from the database and runs them in a child process.

``manage.py worker`` runs :func:`run_forever`; ``make run`` starts one beside the
app.  Each solve runs in its own child process so that a cancel can stop it at
once (the solver has no cancel hook) and a solver crash cannot take the worker
down.  While the child solves, the worker beats the job's heartbeat every
``BEAT_S`` seconds with the share of the time limit spent as progress.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import socket
import time
import uuid

from sqlalchemy.engine import Engine

from planning import jobs
from planning.solve import SOLVER_FAILED, solve
from planning.store import plan_from_json, plan_to_json

log = logging.getLogger(__name__)

BEAT_S = 1.0
IDLE_S = 1.0
WORKER_CRASHED = SOLVER_FAILED  # "The planner could not finish: {detail}"


def worker_name() -> str:
    """host:pid:random — unique across servers and restarts."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def _child(encoded: dict, conn, trade_of: dict[int, str] | None = None) -> None:  # noqa: ANN001
    """Solve in the child process (then prefer one trade per cohort if trade_of is given) and
    send the plan back as JSON."""
    _die_with_parent()
    try:
        instance = jobs.decode_instance(encoded)
        plan = solve(instance)
        if trade_of and plan.cohorts:  # swaps that keep every rule, coverage and locality
            from planning.trades import prefer_same_trade

            plan = prefer_same_trade(instance, plan, trade_of)
        conn.send(("ok", plan_to_json(plan)))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, never raised
        conn.send(("error", str(exc)))
    finally:
        conn.close()


def _die_with_parent() -> None:
    """Linux: end this solver when its worker is killed (else it would solve to its limit)."""
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _context() -> mp.context.BaseContext:
    return mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")


def run_job(engine: Engine, job_id: int, worker_id: str) -> str:
    """Solve one claimed job to its end; returns the job's final status."""
    from storage.db import read_session
    from storage.models import SolveJob

    with read_session(engine) as s:
        encoded = s.get(SolveJob, job_id).instance
    if jobs.get(engine, job_id).cancel_requested:  # cancelled between claim and start
        jobs.finish(engine, job_id, worker_id, status=jobs.CANCELLED)
        return jobs.CANCELLED
    limit = float(encoded.get("params", {}).get("time_limit_s", 60.0)) or 60.0
    trade_of = None
    if encoded.get("options", {}).get("same_trade"):  # read here: the child has no database
        from trades import person_trades

        trade_of = person_trades(engine)
    ctx = _context()
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child, args=(encoded, send, trade_of), daemon=True)
    start = time.monotonic()
    child.start()
    send.close()
    outcome = None
    try:
        while outcome is None:
            if receive.poll(BEAT_S):
                try:
                    outcome = receive.recv()
                except EOFError:
                    outcome = ("error", "the solver process ended without an answer")
                break
            if not child.is_alive():
                outcome = ("error", f"the solver process ended (code {child.exitcode})")
                break
            progress = min(0.99, (time.monotonic() - start) / (limit + 2.0))
            if not jobs.heartbeat(engine, job_id, worker_id, progress):
                child.terminate()
                child.join(5)
                if jobs.get(engine, job_id).cancel_requested:
                    jobs.finish(engine, job_id, worker_id, status=jobs.CANCELLED)
                    return jobs.CANCELLED
                return "lost"  # another worker took it after our heartbeat went stale
    finally:
        if child.is_alive():
            child.terminate()
        child.join(5)
        receive.close()
    kind, body = outcome
    if kind == "ok":
        plan = plan_from_json(body)
        jobs.finish(engine, job_id, worker_id, plan=plan)
        return jobs.DONE
    log.error("planner job %s failed: %s", job_id, body)
    jobs.finish(engine, job_id, worker_id, status=jobs.FAILED, error=WORKER_CRASHED,
                error_params={"detail": body[:200]})
    return jobs.FAILED


def run_once(engine: Engine, worker_id: str | None = None) -> tuple[int, str] | None:
    """Take one job and run it; None when the queue is empty."""
    worker_id = worker_id or worker_name()
    job_id = jobs.claim(engine, worker_id)
    if job_id is None:
        return None
    return job_id, run_job(engine, job_id, worker_id)


def run_forever(engine: Engine, stop_after: float | None = None) -> None:
    """Take jobs until stopped (Ctrl-C, SIGTERM) or for stop_after seconds."""
    worker_id = worker_name()
    log.info("planner worker %s started", worker_id)
    end = None if stop_after is None else time.monotonic() + stop_after
    while end is None or time.monotonic() < end:
        try:
            done = run_once(engine, worker_id)
        except Exception:  # noqa: BLE001 - a database hiccup must not end the worker
            log.exception("planner worker: could not take a job")
            done = None
        if done is None:
            time.sleep(IDLE_S)
