"""Columnar reads (storage.bulk.FrameReader) give the frames the driver's tuples give, on SQLite
and PostgreSQL, and fall back to the tuples where ADBC cannot open the database."""

from __future__ import annotations

import json
import logging

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
        assert rd.columnar, "ADBC should open a file SQLite database and PostgreSQL"
        fast = rd.frame(query, cols)
    with bulk.FrameReader(engine, columnar=False) as rd:
        assert not rd.columnar
        slow = rd.frame(query, cols)
    if engine.dialect.name == "sqlite":  # SQLite's booleans are integers to both drivers
        fast["flag"], slow["flag"] = fast["flag"].astype(bool), slow["flag"].astype(bool)
    pd.testing.assert_frame_equal(fast, slow)
    assert fast["score"].isna().sum() == 3000 and fast["score"].iloc[-1] == pytest.approx(3999 / 3)
    assert str(fast["id"].dtype) == "int64"


def test_columnar_reads_are_read_only_on_sqlite(sqlite_engine) -> None:  # noqa: ANN001
    _table(sqlite_engine)
    with bulk.FrameReader(sqlite_engine) as rd:
        assert rd.columnar
        cursor = rd._adbc.cursor()
        with pytest.raises(Exception, match="(?i)readonly|read-only|read only"):
            cursor.execute("DELETE FROM bulk_probe")
        cursor.close()
    with sqlite_engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM bulk_probe").scalar() == 4000


def test_memory_database_reads_tuples() -> None:
    engine = make_engine("sqlite://")
    with bulk.FrameReader(engine) as rd:
        assert not rd.columnar
        assert rd.frame(select(literal(1), literal("a")), ["one", "a"]).to_dict("records") == [{"one": 1, "a": "a"}]


def test_a_driver_that_refuses_falls_back_to_tuples(sqlite_engine, monkeypatch, caplog) -> None:  # noqa: ANN001
    _table(sqlite_engine)

    def refuse(driver, uri):  # noqa: ANN001, ANN202
        raise OSError("no such driver")

    monkeypatch.setattr(bulk, "_adbc_connect", refuse)
    monkeypatch.setattr(bulk, "_WARNED", set())
    table = Table("bulk_probe", MetaData(), autoload_with=sqlite_engine)
    with caplog.at_level(logging.WARNING, logger="storage.bulk"), bulk.FrameReader(sqlite_engine) as rd:
        assert not rd.columnar
        frame = rd.frame(select(table.c.id).order_by(table.c.id), ["id"])
    assert frame["id"].tolist() == list(range(4000))
    assert "no such driver" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="storage.bulk"), bulk.FrameReader(sqlite_engine) as rd:
        assert not rd.columnar
    assert "no such driver" not in caplog.text  # said once, not on every read


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


def test_json_values_parse_text_and_pass_parsed() -> None:
    assert bulk.json_values(['{"a": 1}', "[]"]) == [{"a": 1}, []]
    assert bulk.json_values([{"a": 1}, None]) == [{"a": 1}, None]
    assert bulk.json_values([json.dumps({"b": [1, 2]})]) == [{"b": [1, 2]}]


def test_a_columnar_read_that_fails_is_read_again_as_rows(sqlite_engine, caplog) -> None:  # noqa: ANN001
    table = _table(sqlite_engine)
    query = select(table.c.id).where(table.c.id < 3).order_by(table.c.id)
    with caplog.at_level(logging.WARNING, logger="storage.bulk"), bulk.FrameReader(sqlite_engine) as rd:
        assert rd.columnar
        rd._adbc.close()  # the driver's connection is gone, as after a failure of its own
        frame = rd.frame(query, ["id"])
        assert not rd.columnar
        assert rd.frame(query, ["id"])["id"].tolist() == [0, 1, 2]
    assert frame["id"].tolist() == [0, 1, 2]
    assert "columnar read failed" in caplog.text
