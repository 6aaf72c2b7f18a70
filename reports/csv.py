"""CSV export: UTF-8 with BOM and semicolons (French spreadsheets), cells neutralised."""

from __future__ import annotations

import io

from reports.safe import safe_frame
from reports.tables import Table


def to_csv(table: Table) -> bytes:
    """One table as CSV bytes."""
    buf = io.StringIO()
    safe_frame(table.frame).to_csv(buf, sep=";", index=False, decimal=",", float_format="%.1f")
    return buf.getvalue().encode("utf-8-sig")


def tables_to_csv(tables: list[Table]) -> bytes:
    """Several tables in one CSV, each under its title line and separated by a blank line."""
    parts = []
    for table in tables:
        buf = io.StringIO()
        safe_frame(table.frame).to_csv(buf, sep=";", index=False, decimal=",", float_format="%.1f")
        parts.append(f"{safe_frame_title(table.title)}\n{buf.getvalue()}")
    return "\n".join(parts).encode("utf-8-sig")


def safe_frame_title(title: str) -> str:
    from reports.safe import neutralise

    return str(neutralise(title))
