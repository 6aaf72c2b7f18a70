"""Large reads straight through the database driver, as plain tuples.

On a national campaign (hundreds of thousands of answer rows) building
SQLAlchemy Row objects costs as much as the query itself; the dashboards only
turn the rows into DataFrames, so they take the driver's tuples instead.
Queries are still written with SQLAlchemy and compiled for the engine's
dialect; their values are our own (ids, item ids from the questionnaire).
"""

from __future__ import annotations

import json

from sqlalchemy.engine import Connection
from sqlalchemy.sql import Select


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
