"""Planner solves as jobs in the database, so they run off the web process.

A page enqueues a job carrying the instance to solve (as JSON); a worker
(:mod:`planning.worker`, any server's) takes it atomically, beats a heartbeat
while it solves, and writes the plan back.  Taking a job is one transaction:

- on PostgreSQL, ``SELECT ... FOR UPDATE SKIP LOCKED`` lets workers on several
  servers take different jobs at the same moment without waiting on each other;
- on SQLite, the write transaction opens with ``BEGIN IMMEDIATE`` (one writer at
  a time), and the ``UPDATE`` is a compare-and-set on the status read.

A worker that dies mid-solve stops beating: once its heartbeat is older than
``STALE_S`` another worker takes the job again, up to ``MAX_ATTEMPTS`` times;
after that the job fails with a message that says so.  Errors are English
msgids with parameters, rendered by the page in the reader's language.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, or_, select, update
from sqlalchemy.engine import Engine

from i18n import N_, RelaisError
from planning.model import Instance, Plan
from planning.store import instance_from_json, instance_to_json, params_from_json, \
    params_to_json, plan_from_json, plan_to_json
from storage.db import is_sqlite, read_session, write_session
from storage.models import SolveJob, utcnow

QUEUED, RUNNING, DONE, FAILED, CANCELLED = "queued", "running", "done", "failed", "cancelled"
FINISHED = (DONE, FAILED, CANCELLED)
STALE_S = 30.0  # a running job whose heartbeat is older was left by a dead worker
MAX_ATTEMPTS = 2

WORKER_DIED = N_("The planner stopped unexpectedly twice on this plan; try again with a "
                 "shorter time limit, or tell your administrator")
NO_SUCH_JOB = N_("Planning job {job} does not exist")


@dataclass(frozen=True)
class JobView:
    """What a page shows of a job."""

    id: int
    status: str
    progress: float
    cancel_requested: bool
    error: str
    error_params: dict
    created_at: dt.datetime
    started_at: dt.datetime | None
    worker_id: str

    @property
    def finished(self) -> bool:
        return self.status in FINISHED


def _view(row: SolveJob) -> JobView:
    return JobView(row.id, row.status, float(row.progress), bool(row.cancel_requested),
                   row.error, dict(row.error_params or {}), row.created_at, row.started_at,
                   row.worker_id)


def encode_instance(instance: Instance) -> dict:
    """The instance with its parameters, as stored in a job."""
    return {"params": params_to_json(instance.params), **instance_to_json(instance)}


def decode_instance(d: dict) -> Instance:
    """The instance stored by encode_instance."""
    return instance_from_json(d, params_from_json(d.get("params", {})))


def enqueue(engine: Engine, instance: Instance, campaign_id: int | None = None,
            requested_by: int | None = None, same_trade: bool = False) -> int:
    """Queue a solve of instance and return the job's id.

    same_trade: the worker then swaps members towards cohorts of one trade
    (:func:`planning.trades.prefer_same_trade`, from the roster's trades) after solving.
    """
    encoded = encode_instance(instance)
    if same_trade:  # kept beside the instance: no schema change, ignored by decode_instance
        encoded["options"] = {"same_trade": True}
    with write_session(engine) as s:
        row = SolveJob(campaign_id=campaign_id, instance=encoded,
                       requested_by=requested_by, error_params={})
        s.add(row)
        s.flush()
        return int(row.id)


def get(engine: Engine, job_id: int) -> JobView:
    """The job's state (status, progress, error)."""
    with read_session(engine) as s:
        row = s.get(SolveJob, job_id)
        if row is None:
            raise RelaisError(NO_SUCH_JOB, job=job_id)
        return _view(row)


def result(engine: Engine, job_id: int) -> tuple[Instance, Plan]:
    """The instance and plan of a finished job."""
    with read_session(engine) as s:
        row = s.get(SolveJob, job_id)
        if row is None or row.status != DONE or row.result is None:
            raise RelaisError(NO_SUCH_JOB, job=job_id)
        return decode_instance(row.instance), plan_from_json(row.result)


def cancel(engine: Engine, job_id: int) -> None:
    """Ask for the job to stop: a queued job is cancelled at once, a running one by its worker."""
    now = utcnow()
    with write_session(engine) as s:
        s.execute(update(SolveJob).where(SolveJob.id == job_id, SolveJob.status == QUEUED)
                  .values(status=CANCELLED, cancel_requested=True, finished_at=now))
        s.execute(update(SolveJob).where(SolveJob.id == job_id, SolveJob.status == RUNNING)
                  .values(cancel_requested=True))


def _takeable(now: dt.datetime):  # noqa: ANN202
    stale = now - dt.timedelta(seconds=STALE_S)
    return or_(SolveJob.status == QUEUED,
               and_(SolveJob.status == RUNNING, SolveJob.heartbeat_at < stale))


def claim(engine: Engine, worker_id: str, now: dt.datetime | None = None) -> int | None:
    """Take the oldest queued (or abandoned) job for worker_id; None when there is none.

    A job abandoned MAX_ATTEMPTS times is marked failed instead of being taken again.
    """
    now = now or utcnow()
    while True:
        with write_session(engine) as s:
            query = select(SolveJob.id, SolveJob.status, SolveJob.attempts) \
                .where(_takeable(now)).order_by(SolveJob.id).limit(1)
            if not is_sqlite(engine):
                query = query.with_for_update(skip_locked=True)
            found = s.execute(query).first()
            if found is None:
                return None
            job_id, status, attempts = found
            if status == RUNNING and (attempts >= MAX_ATTEMPTS):
                s.execute(update(SolveJob).where(SolveJob.id == job_id)
                          .values(status=FAILED, error=WORKER_DIED, error_params={},
                                  finished_at=now))
                continue  # look for the next job
            if status == RUNNING and s.get(SolveJob, job_id).cancel_requested:
                s.execute(update(SolveJob).where(SolveJob.id == job_id)
                          .values(status=CANCELLED, finished_at=now))
                continue
            taken = s.execute(
                update(SolveJob).where(SolveJob.id == job_id, SolveJob.status == status,
                                       SolveJob.attempts == attempts)
                .values(status=RUNNING, worker_id=worker_id[:120], attempts=attempts + 1,
                        started_at=now, heartbeat_at=now, progress=0.0))
            if taken.rowcount == 1:
                return int(job_id)


def heartbeat(engine: Engine, job_id: int, worker_id: str, progress: float) -> bool:
    """Record that worker_id still solves job_id; False if it should stop (cancelled or lost)."""
    with write_session(engine) as s:
        done = s.execute(
            update(SolveJob).where(SolveJob.id == job_id, SolveJob.worker_id == worker_id,
                                   SolveJob.status == RUNNING)
            .values(heartbeat_at=utcnow(), progress=max(0.0, min(1.0, progress))))
        if done.rowcount != 1:
            return False
        return not s.execute(select(SolveJob.cancel_requested)
                             .where(SolveJob.id == job_id)).scalar_one()


def instance_of(engine: Engine, job_id: int) -> Instance:
    """The instance a job solves."""
    with read_session(engine) as s:
        return decode_instance(s.get(SolveJob, job_id).instance)


def finish(engine: Engine, job_id: int, worker_id: str, *, plan: Plan | None = None,
           status: str = DONE, error: str = "", error_params: dict | None = None) -> bool:
    """Write the job's outcome if worker_id still holds it; False if another worker took it."""
    values = {"status": status, "finished_at": utcnow(), "error": error[:300],
              "error_params": error_params or {}}
    if plan is not None:
        values |= {"result": plan_to_json(plan), "progress": 1.0}
    with write_session(engine) as s:
        done = s.execute(update(SolveJob).where(SolveJob.id == job_id,
                                                SolveJob.worker_id == worker_id,
                                                SolveJob.status == RUNNING).values(**values))
        return done.rowcount == 1
