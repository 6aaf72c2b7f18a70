"""PDF report: title page, charts (Altair specs rendered by vl-convert), tables, action plan.

fpdf2 with the DejaVu Sans TrueType font (Debian's fonts-dejavu-core) so French
accents and typographic quotes print; charts are the very specs the pages show.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import altair as alt

from reports.tables import Table

if TYPE_CHECKING:
    from fpdf import FPDF

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
PAGE_WIDTH_MM = 180


@dataclass
class Report:
    """What goes into a PDF: title lines, charts (caption, chart) and tables, in order."""

    title: str
    subtitle: str = ""
    generated: str = ""
    notes: list[str] = field(default_factory=list)
    charts: list[tuple[str, alt.TopLevelMixin]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


def chart_png(chart: alt.TopLevelMixin, scale: float = 2.0) -> bytes:
    """A chart rendered to PNG by vl-convert (no browser)."""
    import vl_convert as vlc  # loaded on use: pages that only offer the download must not pay for it

    return vlc.vegalite_to_png(chart.to_json(), scale=scale)


def _pdf() -> FPDF:
    # fpdf2 and its fonts cost ~0.4 s to import: a page that only offers a PDF download
    # (the overview) loads it when the file is built, not on its first run
    from fpdf import FPDF

    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_margins(15, 15, 15)
    return pdf


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    if isinstance(value, (dt.date, dt.datetime)):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _table(pdf: FPDF, table: Table) -> None:
    pdf.set_font("DejaVu", "B", 12)
    pdf.multi_cell(0, 7, table.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 8)
    frame = table.frame
    if frame.empty:
        pdf.multi_cell(0, 5, "—", new_x="LMARGIN", new_y="NEXT")
        return
    with pdf.table(text_align="LEFT", line_height=4.5, first_row_as_headings=True) as out:
        header = out.row()
        for col in frame.columns:
            header.cell(str(col))
        for row in frame.itertuples(index=False):
            cells = out.row()
            for value in row:
                cells.cell(_text(value))
    pdf.ln(4)


def to_pdf(report: Report) -> bytes:
    """The report as PDF bytes."""
    pdf = _pdf()
    pdf.set_title(report.title)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 22)
    pdf.ln(50)
    pdf.multi_cell(0, 11, report.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 13)
    if report.subtitle:
        pdf.ln(4)
        pdf.multi_cell(0, 7, report.subtitle, align="C", new_x="LMARGIN", new_y="NEXT")
    if report.generated:
        pdf.ln(8)
        pdf.set_font("DejaVu", "", 10)
        pdf.multi_cell(0, 6, report.generated, align="C", new_x="LMARGIN", new_y="NEXT")
    for note in report.notes:
        pdf.ln(3)
        pdf.multi_cell(0, 5, note, align="C", new_x="LMARGIN", new_y="NEXT")
    for caption, chart in report.charts:
        pdf.add_page()
        pdf.set_font("DejaVu", "B", 12)
        pdf.multi_cell(0, 7, caption, new_x="LMARGIN", new_y="NEXT")
        png = chart_png(chart)
        pdf.image(io.BytesIO(png), w=PAGE_WIDTH_MM)
    if report.tables:
        pdf.add_page()
        for table in report.tables:
            _table(pdf, table)
    return bytes(pdf.output())
