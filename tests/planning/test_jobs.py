"""Solve jobs on SQLite and PostgreSQL: taken once, cancelled, and reclaimed after a crash."""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import queue
import time
from dataclasses import replace

import pytest

from i18n import Translator
from planning import jobs, worker
from planning.instances import generate
from planning.rules import check_plan
from sqlalchemy import update
from sqlmodel import select

from storage.db import make_engine, read_session, write_session
from storage.models import SolveJob


@pytest.fixture(scope="module")
def tiny():
    inst = generate("tiny", seed=3)
    return replace(inst, params=replace(inst.params, time_limit_s=3.0))


def _claim_all(url: str, out) -> None:  # noqa: ANN001
    """In a child process: take jobs until none is left; report the ids taken."""
    import gc

    from sqlalchemy.engine import Engine

    # a forked child must not use or close the parent's pooled connections (SQLAlchemy's
    # advice for fork: dispose(close=False) of every inherited engine)
    for inherited in gc.get_objects():
        try:
            is_engine = isinstance(inherited, Engine)
        except ReferenceError:  # a dead weak proxy (the xdist worker holds some)
            continue
        if is_engine:
            inherited.dispose(close=False)
    engine = make_engine(url)
    taken = []
    while (job := jobs.claim(engine, f"w{mp.current_process().pid}")) is not None:
        taken.append(job)
    out.put(taken)
    engine.dispose()


def test_two_workers_never_take_the_same_job(engine, db_url, tiny):
    ids = [jobs.enqueue(engine, tiny) for _ in range(30)]
    # fork, not spawn: a spawned child re-imports the test session's __main__ and, after
    # other tests in the same run, died before reporting (the queue stayed empty)
    ctx = mp.get_context("fork")
    out = ctx.Queue()
    procs = [ctx.Process(target=_claim_all, args=(db_url, out)) for _ in range(3)]
    for p in procs:
        p.start()
    deadline = time.monotonic() + 120
    taken = []
    for _ in procs:  # a child that died is a failure now, not after the whole timeout
        while True:
            try:
                taken.append(out.get(timeout=1))
                break
            except queue.Empty:
                dead = [p.exitcode for p in procs if p.exitcode not in (None, 0)]
                assert not dead, f"a worker process died (exit codes {dead})"
                assert time.monotonic() < deadline, "the workers did not report in 120 s"
    for p in procs:
        p.join(30)
    flat = [j for t in taken for j in t]
    assert sorted(flat) == ids  # every job taken, none twice
    assert sum(1 for t in taken if t) >= 1
    with read_session(engine) as s:
        rows = s.exec(select(SolveJob)).all()
    assert {r.status for r in rows} == {jobs.RUNNING} and all(r.attempts == 1 for r in rows)
    assert len({r.worker_id for r in rows}) == sum(1 for t in taken if t)


def test_a_worker_solves_a_job_and_the_plan_comes_back(engine, tiny):
    job = jobs.enqueue(engine, tiny, requested_by=None)
    assert jobs.get(engine, job).status == jobs.QUEUED
    assert worker.run_once(engine) == (job, jobs.DONE)
    view = jobs.get(engine, job)
    assert view.status == jobs.DONE and view.progress == 1.0
    inst, plan = jobs.result(engine, job)
    assert inst == tiny
    assert plan.cohorts and not check_plan(inst, plan)
    assert worker.run_once(engine) is None  # the queue is empty


def test_cancel_a_queued_job_and_a_running_one(engine, tiny):
    queued = jobs.enqueue(engine, tiny)
    jobs.cancel(engine, queued)
    assert jobs.get(engine, queued).status == jobs.CANCELLED
    assert jobs.claim(engine, "w") is None  # a cancelled job is never taken

    slow = replace(generate("small", seed=1), params=replace(tiny.params, time_limit_s=60.0))
    running = jobs.enqueue(engine, slow)
    assert jobs.claim(engine, "w1") == running
    jobs.cancel(engine, running)
    started = dt.datetime.now()
    assert worker.run_job(engine, running, "w1") == jobs.CANCELLED
    assert (dt.datetime.now() - started).total_seconds() < 20  # stopped long before its limit
    view = jobs.get(engine, running)
    assert view.status == jobs.CANCELLED and view.finished


def test_a_crashed_workers_job_is_taken_again_then_failed_clearly(engine, tiny):
    job = jobs.enqueue(engine, tiny)
    assert jobs.claim(engine, "dead-1") == job
    assert jobs.claim(engine, "other") is None  # its heartbeat is fresh: left alone
    later = jobs.utcnow() + dt.timedelta(seconds=jobs.STALE_S + 1)
    assert jobs.claim(engine, "alive", now=later) == job  # stale: taken again
    assert jobs.heartbeat(engine, job, "dead-1", 0.5) is False  # the dead worker lost it
    assert jobs.finish(engine, job, "dead-1", status=jobs.FAILED) is False
    much_later = later + dt.timedelta(seconds=jobs.STALE_S + 1)
    assert jobs.claim(engine, "third", now=much_later) is None  # two attempts: failed instead
    view = jobs.get(engine, job)
    assert view.status == jobs.FAILED and view.error == jobs.WORKER_DIED
    assert Translator("fr")(view.error) != view.error  # the message is translated


def test_a_stale_job_is_reclaimed_and_solved(engine, tiny):
    job = jobs.enqueue(engine, tiny)
    assert jobs.claim(engine, "dead") == job
    with write_session(engine) as s:  # its worker died a minute ago
        s.execute(update(SolveJob).values(heartbeat_at=jobs.utcnow() - dt.timedelta(minutes=1)))
    assert worker.run_once(engine, "alive") == (job, jobs.DONE)
    assert jobs.get(engine, job).worker_id == "alive"


def test_a_killed_worker_process_leaves_a_job_another_worker_finishes(engine, db_url, tiny):
    import os
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    slow = replace(generate("small", seed=1), params=replace(tiny.params, time_limit_s=60.0))
    job = jobs.enqueue(engine, slow)
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.Popen([sys.executable, "manage.py", "worker"], cwd=root,
                            env={**os.environ, "DATABASE_URL": db_url},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while jobs.get(engine, job).status != jobs.RUNNING:
            assert time.monotonic() < deadline, "the worker never took the job"
            time.sleep(0.3)
        os.kill(proc.pid, signal.SIGKILL)  # a crash: no chance to clean up
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert jobs.get(engine, job).status == jobs.RUNNING  # left behind, heartbeat stops
    assert jobs.claim(engine, "alive") is None  # not yet stale
    later = jobs.utcnow() + dt.timedelta(seconds=jobs.STALE_S + 1)
    assert jobs.claim(engine, "alive", now=later) == job
    with write_session(engine) as s:  # a short limit for the second attempt
        row = s.get(SolveJob, job)
        row.instance = {**row.instance, "params": {**row.instance["params"], "time_limit_s": 3.0}}
    assert worker.run_job(engine, job, "alive") == jobs.DONE
    assert jobs.result(engine, job)[1].cohorts


def test_a_plan_and_its_what_if_variant_are_separate_jobs(engine, tiny):
    from planning.model import Relay
    from planning.whatif import variant

    quick = replace(tiny, params=replace(tiny.params, time_limit_s=2.0))
    newcomer = Relay(person_id=9999, site_id=tiny.relays[0].site_id,
                     region_id=tiny.relays[0].region_id, areas=tiny.relays[0].areas,
                     hours_per_month=8.0, modalities=tiny.relays[0].modalities)
    other = variant(quick, 1, quick.params.cohort_max + 2, newcomer)
    plan_job, variant_job = jobs.enqueue(engine, quick), jobs.enqueue(engine, other)
    # the variant travels whole through the job table: its extra wave, size and relay
    assert jobs.instance_of(engine, variant_job) == other
    stale = jobs.enqueue(engine, other)  # a comparison replaced before a worker took it
    jobs.cancel(engine, stale)
    assert worker.run_once(engine) == (plan_job, jobs.DONE)
    assert worker.run_once(engine) == (variant_job, jobs.DONE)
    assert worker.run_once(engine) is None  # the cancelled one is never solved
    inst, plan = jobs.result(engine, variant_job)
    assert inst == other and plan.cohorts and not check_plan(inst, plan)
    assert jobs.result(engine, plan_job)[0] == quick
    assert jobs.get(engine, stale).status == jobs.CANCELLED


def test_the_same_trade_preference_is_applied_by_the_worker(engine, tiny):
    from storage.models import Person, PersonTrade

    quick = replace(tiny, params=replace(tiny.params, time_limit_s=1.5))
    people = sorted({lr.person_id for lr in quick.learners} | {r.person_id for r in quick.relays})
    with write_session(engine) as s:  # the roster's trades, which only the worker reads
        s.add_all([Person(id=pid, first_name="P", last_name=str(pid)) for pid in people])
        s.flush()
        s.add_all([PersonTrade(person_id=pid, trade=("care", "build")[k % 2])
                   for k, pid in enumerate(people)])
    job = jobs.enqueue(engine, quick, same_trade=True)
    plain = jobs.enqueue(engine, quick)
    with read_session(engine) as s:  # an option beside the instance, not part of it
        assert s.get(SolveJob, job).instance["options"] == {"same_trade": True}
    assert jobs.instance_of(engine, job) == quick
    assert worker.run_once(engine) == (job, jobs.DONE)
    assert worker.run_once(engine) == (plain, jobs.DONE)
    inst, plan = jobs.result(engine, job)
    assert "same_trade_pairs" in plan.stats and not check_plan(inst, plan)
    assert "same_trade_pairs" not in jobs.result(engine, plain)[1].stats
