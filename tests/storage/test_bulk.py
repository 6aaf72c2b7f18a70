"""Columnar reads (storage.bulk.FrameReader) give the frames the driver's tuples give on
PostgreSQL, fall back to the tuples where ADBC cannot open the database, and never open SQLite
through a second copy of the SQLite library."""

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

from storage import bulk
from storage.db import make_engine
from tests.conftest import fresh_url


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
        assert rd.columnar == (engine.dialect.name == "postgresql"), "ADBC reads PostgreSQL only"
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
    """While the app holds SQLite's write lock, a campaign-sized read in the same process
    leaves it held: another process still cannot write.  (ADBC's SQLite driver, a second copy
    of the library, released it on close: see storage/bulk.py.)"""
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
                assert not rd.columnar
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
    """Reading a campaign on SQLite loads no other copy of SQLite than the app's driver."""
    code = ("import sys\n"
            "from storage.db import make_engine\nfrom scoring.data import load_campaign\n"
            "from demo.load import generate_and_load\n"
            "eng = make_engine('sqlite:///' + sys.argv[1])\n"
            "generate_and_load(eng, size='tiny', seed=3)\n"
            "from scoring.data import campaign_ids\n"
            "load_campaign(eng, campaign_ids(eng)[-1])\n"
            "maps = open('/proc/self/maps').read()\n"
            "import json\n"
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
