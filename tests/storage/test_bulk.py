"""Columnar reads (storage.bulk.FrameReader) give the frames the driver's tuples give, on SQLite
(in reader processes, storage.sqlite_reader) and PostgreSQL, fall back to the tuples where ADBC
cannot read, and never open SQLite through a second copy of the SQLite library in the app's
process."""

from __future__ import annotations

import json
import logging
import subprocess
import sys

import pandas as pd
import pytest
from sqlalchemy import (
    Boolean,
    Column,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    insert,
    literal,
    select,
)

from storage import bulk, sqlite_reader
from storage.db import make_engine
from tests.conftest import fresh_url


@pytest.fixture(autouse=True)
def _readers():  # noqa: ANN202
    yield
    sqlite_reader.stop()  # no reader process outlives its test


def _table(engine) -> Table:  # noqa: ANN001
    meta = MetaData()
    table = Table("bulk_probe", meta, Column("id", Integer, primary_key=True),
                  Column("label", String(20)), Column("score", Float, nullable=True),
                  Column("count", Integer, nullable=True), Column("flag", Boolean, nullable=False))
    meta.create_all(engine)
    # more NULL scores first than the SQLite driver's default batch: types are inferred from
    # every row, not the first batch's
    rows = [{"id": i, "label": f"row {i % 7}", "score": None if i < 3000 else i / 3,
             "count": i if i % 5 else None, "flag": bool(i % 2)} for i in range(4000)]
    with engine.begin() as conn:
        conn.execute(insert(table), rows)
    return table


def test_columnar_frame_is_the_tuples_frame(engine) -> None:  # noqa: ANN001
    table = _table(engine)
    query = select(table.c.id, table.c.label, table.c.score, table.c.count, table.c.flag).order_by(table.c.id)
    cols = ["id", "label", "score", "count", "flag"]
    with bulk.FrameReader(engine) as rd:
        assert rd.columnar, "ADBC should read a file SQLite database (in a reader) and PostgreSQL"
        fast = rd.frame(query, cols)
    with bulk.FrameReader(engine, columnar=False) as rd:
        assert not rd.columnar
        slow = rd.frame(query, cols)
    if engine.dialect.name == "sqlite":  # SQLite's booleans are integers to both drivers
        fast["flag"], slow["flag"] = fast["flag"].astype(bool), slow["flag"].astype(bool)
    pd.testing.assert_frame_equal(fast, slow)
    assert fast["score"].isna().sum() == 3000 and fast["score"].iloc[-1] == pytest.approx(3999 / 3)
    assert str(fast["id"].dtype) == "int64"


def test_a_sqlite_read_keeps_the_apps_locks(sqlite_engine) -> None:  # noqa: ANN001
    """While the app holds SQLite's write lock, columnar reads leave it held: another process
    still cannot write.  (ADBC's SQLite driver, a second copy of the library, released it on
    close when it ran in the app's process: see storage/sqlite_reader.py.)"""
    table = _table(sqlite_engine)
    probe = ("import sqlite3, sys\n"
             "c = sqlite3.connect(sys.argv[1], timeout=0, isolation_level=None)\n"
             "try:\n    c.execute('BEGIN IMMEDIATE'); print('wrote')\n"
             "except sqlite3.OperationalError as e:\n    print('refused:', e)\n")
    path = sqlite_engine.url.database

    def other_process() -> str:
        return subprocess.run([sys.executable, "-c", probe, path], capture_output=True, text=True,
                              timeout=60, check=True).stdout.strip()

    import sqlite3  # the library the app's driver uses

    app = sqlite3.connect(path, isolation_level=None)
    try:
        app.execute("BEGIN IMMEDIATE")
        app.execute("UPDATE bulk_probe SET label = 'held' WHERE id = 1")
        assert other_process() == "refused: database is locked"
        for _ in range(2):
            with bulk.FrameReader(sqlite_engine) as rd:
                assert rd.columnar
                assert len(rd.frame(select(table.c.id), ["id"])) == 4000
        assert other_process() == "refused: database is locked"
        app.execute("ROLLBACK")
    finally:
        app.close()
    assert other_process() == "wrote"


def test_memory_database_reads_tuples() -> None:
    engine = make_engine("sqlite://")
    with bulk.FrameReader(engine) as rd:
        assert not rd.columnar
        assert rd.frame(select(literal(1), literal("a")), ["one", "a"]).to_dict("records") == [{"one": 1, "a": "a"}]


@pytest.fixture
def pg_engine(tmp_path):  # noqa: ANN001
    from storage.migrate import upgrade

    eng = make_engine(fresh_url("postgresql", tmp_path))
    upgrade(eng)
    yield eng
    eng.dispose()


@pytest.mark.postgres
def test_a_driver_that_refuses_falls_back_to_tuples(pg_engine, monkeypatch, caplog) -> None:  # noqa: ANN001
    _table(pg_engine)

    def refuse(driver, uri):  # noqa: ANN001, ANN202
        raise OSError("no such driver")

    monkeypatch.setattr(bulk, "_adbc_connect", refuse)
    monkeypatch.setattr(bulk, "_WARNED", set())
    table = Table("bulk_probe", MetaData(), autoload_with=pg_engine)
    with caplog.at_level(logging.WARNING, logger="storage.bulk"), bulk.FrameReader(pg_engine) as rd:
        assert not rd.columnar
        frame = rd.frame(select(table.c.id).order_by(table.c.id), ["id"])
    assert frame["id"].tolist() == list(range(4000))
    assert "no such driver" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="storage.bulk"), bulk.FrameReader(pg_engine) as rd:
        assert not rd.columnar
    assert "no such driver" not in caplog.text  # said once, not on every read


def test_no_second_sqlite_library_is_loaded(sqlite_engine) -> None:  # noqa: ANN001
    """Reading a campaign on SQLite, through the readers, loads no other copy of SQLite into
    the app's process than its driver's."""
    code = ("import sys\n"
            "from storage import sqlite_reader\nsqlite_reader.MIN_RESPONSES = 0\n"
            "from storage.db import make_engine\nfrom scoring.data import load_campaign\n"
            "from demo.load import generate_and_load\n"
            "eng = make_engine('sqlite:///' + sys.argv[1])\n"
            "generate_and_load(eng, size='tiny', seed=3)\n"
            "from scoring.data import campaign_ids\n"
            "load_campaign(eng, campaign_ids(eng)[-1])\n"
            "maps = open('/proc/self/maps').read()\n"
            "import json\n"
            "assert sqlite_reader.pids(), 'the readers should have read the campaign'\n"
            "print(json.dumps(sorted({l.split()[-1] for l in maps.splitlines() if 'sqlite' in l.lower()})))\n")
    out = subprocess.run([sys.executable, "-c", code, sqlite_engine.url.database], capture_output=True,
                         text=True, timeout=300, check=True).stdout.strip()
    libraries = json.loads(out.splitlines()[-1])
    assert [lib for lib in libraries if "adbc" in lib.lower()] == [], libraries
    assert any("_sqlite3" in lib for lib in libraries), libraries


def test_json_values_parse_text_and_pass_parsed() -> None:
    assert bulk.json_values(['{"a": 1}', "[]"]) == [{"a": 1}, []]
    assert bulk.json_values([{"a": 1}, None]) == [{"a": 1}, None]
    assert bulk.json_values([json.dumps({"b": [1, 2]})]) == [{"b": [1, 2]}]


@pytest.mark.postgres
def test_a_columnar_read_that_fails_is_read_again_as_rows(pg_engine, caplog) -> None:  # noqa: ANN001
    table = _table(pg_engine)
    query = select(table.c.id).where(table.c.id < 3).order_by(table.c.id)
    with caplog.at_level(logging.WARNING, logger="storage.bulk"), bulk.FrameReader(pg_engine) as rd:
        assert rd.columnar
        rd._adbc.close()  # the driver's connection is gone, as after a failure of its own
        frame = rd.frame(query, ["id"])
        assert not rd.columnar
        assert rd.frame(query, ["id"])["id"].tolist() == [0, 1, 2]
    assert frame["id"].tolist() == [0, 1, 2]
    assert "columnar read failed" in caplog.text


def test_readers_are_read_only_and_say_why_a_read_failed(sqlite_engine) -> None:  # noqa: ANN001
    _table(sqlite_engine)
    uri = bulk._adbc_target(sqlite_engine)[1]
    with pytest.raises(sqlite_reader.ReaderFailed, match="(?i)readonly|read-only|read only"):
        sqlite_reader.run(uri, "DELETE FROM bulk_probe", 1000)
    with pytest.raises(sqlite_reader.ReaderFailed, match="no_such_table"):
        sqlite_reader.run(uri, "SELECT * FROM no_such_table", 1000)
    assert sqlite_reader.run(uri, "SELECT count(*) AS n FROM bulk_probe", 1000).column("n").to_pylist() == [4000]


def test_sqlite_paths_are_quoted_for_the_uri(tmp_path) -> None:  # noqa: ANN001
    folder = tmp_path / "odd #dir?"
    folder.mkdir()
    engine = make_engine(f"sqlite:///{folder / 'relais 1%.db'}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
        conn.exec_driver_sql("INSERT INTO t VALUES (1), (2)")
    from sqlalchemy import column, table

    with bulk.FrameReader(engine) as rd:
        assert rd.columnar
        assert rd.frame(select(column("x")).select_from(table("t")), ["x"])["x"].tolist() == [1, 2]


def test_a_reader_that_dies_is_replaced(sqlite_engine, caplog, monkeypatch) -> None:  # noqa: ANN001
    """A reader killed between reads is replaced at the next; one killed during a read sends
    that read to the app's driver, with the same rows."""
    import os
    import signal
    import threading

    table = _table(sqlite_engine)
    query = select(table.c.id).order_by(table.c.id)
    with bulk.FrameReader(sqlite_engine) as rd:
        assert rd.frame(query, ["id"])["id"].tolist() == list(range(4000))
    first = sqlite_reader.pids()
    assert first
    for pid in first:
        os.kill(pid, signal.SIGKILL)
    with bulk.FrameReader(sqlite_engine) as rd:
        assert rd.frame(query, ["id"])["id"].tolist() == list(range(4000))
        assert rd.columnar
    assert sqlite_reader.pids() and not set(sqlite_reader.pids()) & set(first)

    # killed during a read: the read is asked again of another reader
    # (about 1.3 s of SQLite's work here: the kill at 0.3 s comes while it runs)
    slow = ("WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 10000000) "
            "SELECT count(*) AS c FROM n")
    busy = set(sqlite_reader.pids())
    killed = []

    def kill() -> None:
        killed.extend(sqlite_reader.pids())
        for pid in killed:
            os.kill(pid, signal.SIGKILL)

    timer = threading.Timer(0.3, kill)
    timer.start()
    try:
        got = sqlite_reader.run(bulk._adbc_target(sqlite_engine)[1], slow, 1000)
    finally:
        timer.cancel()
    assert got.column("c").to_pylist() == [10000001]
    assert killed and set(killed) <= busy, "the readers should have been killed during the read"
    assert not set(sqlite_reader.pids()) & busy

    # every reader gone twice in a row: the read goes to the app's driver, with the same rows
    def gone(*args):  # noqa: ANN002, ANN202
        raise sqlite_reader.ReaderGone("the reader process is gone (EOFError)")

    monkeypatch.setattr(sqlite_reader, "_run_once", gone)
    with caplog.at_level(logging.WARNING, logger="storage.bulk"), bulk.FrameReader(sqlite_engine) as rd:
        assert rd.frame(query, ["id"])["id"].tolist() == list(range(4000))
        assert not rd.columnar
    assert "columnar read failed" in caplog.text


def test_an_idle_reader_stops_and_another_starts(sqlite_engine, monkeypatch) -> None:  # noqa: ANN001
    import time

    monkeypatch.setenv("RELAIS_SQLITE_READER_IDLE", "0.5")
    table = _table(sqlite_engine)
    with bulk.FrameReader(sqlite_engine) as rd:
        assert len(rd.frame(select(table.c.id), ["id"])) == 4000
    first = sqlite_reader.pids()
    deadline = time.monotonic() + 30
    while sqlite_reader.pids() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert sqlite_reader.pids() == [], "an idle reader should stop on its own"
    with bulk.FrameReader(sqlite_engine) as rd:
        assert len(rd.frame(select(table.c.id), ["id"])) == 4000
    assert sqlite_reader.pids() and not set(sqlite_reader.pids()) & set(first)


def test_readers_can_be_turned_off(sqlite_engine, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("RELAIS_SQLITE_READER", "0")
    with bulk.FrameReader(sqlite_engine) as rd:
        assert not rd.columnar
    assert sqlite_reader.pids() == []


def test_reads_at_once_share_the_readers(sqlite_engine) -> None:  # noqa: ANN001
    """Eight pages reading at once are served by READERS processes, each read whole."""
    from concurrent.futures import ThreadPoolExecutor

    table = _table(sqlite_engine)
    query = select(table.c.id, table.c.score).order_by(table.c.id)

    def read(_: int) -> pd.DataFrame:
        with bulk.FrameReader(sqlite_engine) as rd:
            assert rd.columnar
            return rd.frame(query, ["id", "score"])

    with ThreadPoolExecutor(8) as pool:
        frames = list(pool.map(read, range(24)))
    assert all(f["id"].tolist() == list(range(4000)) for f in frames)
    assert 1 <= len(sqlite_reader.pids()) <= sqlite_reader.READERS
