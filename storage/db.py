"""Engines and sessions for SQLite (embedded default) and PostgreSQL.

SQLite runs in WAL mode with foreign keys on and a busy timeout.  Writes go
through :func:`write_session`, which on SQLite opens the transaction with
``BEGIN IMMEDIATE`` so concurrent writers queue on the busy timeout instead of
failing with "database is locked" when a read transaction tries to upgrade.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

from storage.config import database_url

BUSY_TIMEOUT_MS = 30_000


def make_engine(url: str | None = None) -> Engine:
    """A new engine for url (default: the configured database)."""
    url = url or database_url()
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000}
        )
        _configure_sqlite(engine)
        return engine
    # several servers (manage.py serve --replicas N) each run many sessions' scripts in
    # threads: their pool is set from the environment (cluster/run.py sets it)
    return create_engine(url, pool_pre_ping=True,
                         pool_size=int(os.environ.get("RELAIS_DB_POOL_SIZE", "5")),
                         max_overflow=int(os.environ.get("RELAIS_DB_MAX_OVERFLOW", "10")))


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # noqa: ANN001
        # Let SQLAlchemy's "begin" event, not the driver, open transactions.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        # FULL: a commit survives power loss, not only a killed process.
        cur.execute("PRAGMA synchronous=FULL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # noqa: ANN001
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


@lru_cache(maxsize=4)
def get_engine(url: str | None = None) -> Engine:
    """The process-wide engine for url (cached: one pool per database)."""
    return make_engine(url)


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


@contextmanager
def read_session(engine: Engine | None = None) -> Iterator[Session]:
    """A session for reading; nothing it does is committed."""
    engine = engine or get_engine()
    with Session(engine, expire_on_commit=False) as session:
        yield session


_WRITERS: dict[str, threading.RLock] = {}
_WRITERS_GUARD = threading.Lock()


def _writer_lock(engine: Engine) -> threading.RLock:
    """One lock per SQLite file in this process: its writers take turns in order.

    SQLite lets one writer in at a time; the others poll on the busy timeout,
    and under load a poller can miss every turn until it times out ("database
    is locked": lost saves when many people answered at once on one server).
    Waiting on a Python lock instead queues the process's writers fairly and
    leaves the busy timeout for writers in other processes.
    """
    key = engine.url.render_as_string(hide_password=False)
    with _WRITERS_GUARD:
        return _WRITERS.setdefault(key, threading.RLock())


@contextmanager
def write_session(engine: Engine | None = None) -> Iterator[Session]:
    """A session whose work is committed on exit, or rolled back on error."""
    engine = engine or get_engine()
    if not is_sqlite(engine):
        with Session(engine, expire_on_commit=False) as session:
            yield from _committed(session)
        return
    with _writer_lock(engine), Session(engine.execution_options(sqlite_begin="IMMEDIATE"),
                                        expire_on_commit=False) as session:
        yield from _committed(session)


def _committed(session: Session) -> Iterator[Session]:
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
