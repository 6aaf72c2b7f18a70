"""Large reads straight through the database driver, as plain tuples.

On a national campaign (hundreds of thousands of answer rows) building
SQLAlchemy Row objects costs as much as the query itself; the dashboards only
turn the rows into DataFrames, so they take the driver's tuples instead.
Queries are still written with SQLAlchemy and compiled for the engine's
dialect; their values are our own (ids, item ids from the questionnaire).
"""

from __future__ import annotations

import contextlib
import json
import logging
from pathlib import Path
from urllib.parse import quote

import pandas as pd
from sqlalchemy.engine import Connection
from sqlalchemy.sql import Select

from storage import sqlite_reader


def fetch_rows(conn: Connection, query: Select) -> list[tuple]:
    """All rows of query as tuples, without SQLAlchemy's result processing."""
    sql = str(query.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        cursor.execute(sql)
        return cursor.fetchall()
    finally:
        cursor.close()


def json_value(raw: object) -> object:
    """A JSON column's value as read by the driver (text on SQLite, parsed on PostgreSQL)."""
    return json.loads(raw) if isinstance(raw, (str, bytes)) else raw


def json_values(raws: list) -> list:
    """Many JSON column values at once: one parse of a JSON array when the driver gives text
    (SQLite), several times faster than one json.loads per row; parsed values pass as they are."""
    if raws and all(isinstance(r, str) for r in raws):
        return json.loads("[" + ",".join(raws) + "]")
    return [json_value(r) for r in raws]


# --- Columnar reads (Arrow Database Connectivity) ------------------------------------------
#
# A national campaign's scores and answers are hundreds of thousands of rows; building a
# Python tuple per row and then a frame from them costs more than the query.  Apache Arrow's
# drivers (ADBC; PostgreSQL's reads with COPY in binary) hand back columns, which become a
# frame without a Python object per value.  They read through connections of their own, only
# for the plain SELECTs compiled here; anything they cannot open falls back to the tuples.
#
# SQLite is never read by ADBC in the app's own process: its driver carries a second copy of
# the SQLite library, and two copies in one process break SQLite's locks
# (https://sqlite.org/howtocorrupt.html, "Multiple copies of SQLite linked into the same
# application").  It happened here: another process took the write lock the app still held
# (tests/storage/test_bulk.py::test_a_sqlite_read_keeps_the_apps_locks), a write was refused
# on a foreign key to a row that exists, and a test process died in CI while reads ran
# beside a writer.  The driver runs in reader processes of its own instead
# (storage/sqlite_reader.py), where the locks work as between any two programs.

_log = logging.getLogger(__name__)
_WARNED: set[str] = set()


def _adbc_target(engine) -> tuple[str, str] | None:  # noqa: ANN001
    """(driver, uri) for ADBC, or None when this engine's database is read as tuples."""
    url = engine.url
    if url.get_backend_name() == "sqlite":
        path = url.database
        if not path or path == ":memory:" or path.startswith("file:") or not sqlite_reader.enabled():
            return None
        return "sqlite", f"file:{quote(Path(path).resolve().as_posix())}?mode=ro"
    if url.get_backend_name() == "postgresql":
        plain = url.set(drivername="postgresql")
        return "postgresql", plain.render_as_string(hide_password=False)
    return None


class _InProcess:
    """PostgreSQL's ADBC connection, in this process (libpq shares nothing with the app's)."""

    def __init__(self, uri: str) -> None:
        import adbc_driver_postgresql.dbapi as adbc

        self._conn = adbc.connect(uri)

    def read(self, sql: str):  # noqa: ANN202 - a pyarrow.Table
        cursor = self._conn.cursor()
        try:
            cursor.execute(sql)
            return cursor.fetch_arrow_table()
        finally:
            cursor.close()

    def close(self) -> None:
        self._conn.close()


class _ReaderProcess:
    """SQLite, read by ADBC in a reader process (storage/sqlite_reader.py)."""

    def __init__(self, uri: str) -> None:
        self._uri = uri
        self._closed = False

    def read(self, sql: str):  # noqa: ANN202 - a pyarrow.Table
        from storage.db import BUSY_TIMEOUT_MS

        if self._closed:
            raise sqlite_reader.ReaderFailed("reader closed")
        return sqlite_reader.run(self._uri, sql, BUSY_TIMEOUT_MS)

    def close(self) -> None:
        self._closed = True


class FrameReader:
    """Frames from SELECTs, columnar when ADBC opens the database, else from the driver's tuples.

    Use as a context manager; every read shares one connection.
    """

    def __init__(self, engine, columnar: bool = True) -> None:  # noqa: ANN001
        self.engine = engine
        self._target = _adbc_target(engine) if columnar else None
        self._adbc = None
        self._conn = None

    def __enter__(self) -> FrameReader:
        if self._target is not None:
            try:
                self._adbc = _adbc_connect(*self._target)
            except Exception as exc:  # noqa: BLE001 - a driver missing or refusing: tuples still work
                if self._target[0] not in _WARNED:  # once per process and database kind
                    _WARNED.add(self._target[0])
                    _log.warning("columnar reads unavailable (%s: %s); reading rows instead",
                                 type(exc).__name__, exc)
                self._adbc = None
        if self._adbc is None:
            self._conn = self.engine.connect()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._adbc is not None:
            self._adbc.close()
        if self._conn is not None:
            self._conn.close()

    @property
    def columnar(self) -> bool:
        return self._adbc is not None

    def frame(self, query: Select, columns: list[str]) -> pd.DataFrame:
        """All rows of query as a frame with these column names (in the SELECT's order)."""
        if self._adbc is None:
            return pd.DataFrame.from_records(fetch_rows(self._conn, query), columns=columns)
        sql = str(query.compile(dialect=self.engine.dialect, compile_kwargs={"literal_binds": True}))
        try:
            table = self._adbc.read(sql)
        except Exception as exc:  # noqa: BLE001 - the same query through the app's own driver
            _log.warning("columnar read failed (%s: %s); reading rows instead", type(exc).__name__, exc)
            with contextlib.suppress(Exception):
                self._adbc.close()
            self._adbc = None
            self._conn = self.engine.connect()
            return self.frame(query, columns)
        return _frame(table, columns)


def _frame(table, columns: list[str]) -> pd.DataFrame:  # noqa: ANN001 - a pyarrow.Table
    """The table as the driver's tuples would have made it: every integer column int64
    (PostgreSQL's integer comes as int32), float64 where it has a NULL."""
    import pyarrow as pa

    fields = [pa.field(f.name, pa.int64()) if pa.types.is_integer(f.type) else f for f in table.schema]
    out = table.cast(pa.schema(fields)).to_pandas()
    out.columns = columns
    return out


def _adbc_connect(driver: str, uri: str):  # noqa: ANN202
    return _ReaderProcess(uri) if driver == "sqlite" else _InProcess(uri)
