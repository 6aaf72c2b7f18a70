"""XLSX export: one sheet per table, bold header, frozen first row, widths and number formats."""

from __future__ import annotations

import io
import re

from reports.safe import neutralise, safe_frame
from reports.tables import Table

HEADER_COLOUR = "1F4E79"
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def sheet_name(title: str, taken: set[str]) -> str:
    """A valid, unique sheet name (31 characters, no []:*?/\\)."""
    base = _BAD_SHEET_CHARS.sub(" ", title).strip()[:31] or "Sheet"
    name, i = base, 2
    while name.lower() in taken:
        suffix = f" ({i})"
        name, i = base[: 31 - len(suffix)] + suffix, i + 1
    taken.add(name.lower())
    return name


def to_xlsx(tables: list[Table], title: str = "") -> bytes:
    """A workbook with one formatted sheet per table."""
    # openpyxl loads here (~0.3 s of imports): pages offer the file on every run but build it
    # only when it is clicked
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    header_fill, header_font = PatternFill("solid", fgColor=HEADER_COLOUR), Font(bold=True, color="FFFFFF")
    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    for table in tables:
        ws = wb.create_sheet(sheet_name(table.title, taken))
        frame = safe_frame(table.frame)
        ws.append([str(c) for c in frame.columns])
        for cell in ws[1]:
            cell.font, cell.fill = header_font, header_fill
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        for row in frame.itertuples(index=False):
            ws.append([_cell(v) for v in row])
        formats = table.formats or {}
        for idx, col in enumerate(table.frame.columns, start=1):
            letter = get_column_letter(idx)
            fmt = formats.get(col)
            if fmt:
                for cell in ws[letter][1:]:
                    if isinstance(cell.value, (int, float)):
                        cell.number_format = fmt
            width = max([len(str(col))] + [len(str(v)) for v in frame.iloc[:, idx - 1].head(200)])
            ws.column_dimensions[letter].width = min(max(width + 2, 8), 60)
        ws.freeze_panes = "A2"
    if title:
        wb.properties.title = str(neutralise(title))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _cell(value: object) -> object:
    """A value openpyxl can write: NaN and NA as empty, dates as they are, the rest as is."""
    try:
        import pandas as pd

        if value is None or (not isinstance(value, str) and pd.isna(value)):
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(value, "item") and not isinstance(value, str):
        return value.item()
    return value
