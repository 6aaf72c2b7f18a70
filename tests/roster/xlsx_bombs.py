"""Hand-built XLSX files that lie about their size: small archives, huge claims."""

from __future__ import annotations

import io
import zipfile

_CT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
       'package/2006/content-types"><Default Extension="rels" ContentType="application/'
       'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
       '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
       'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
       '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
       'spreadsheetml.worksheet+xml"/></Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
         'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
         'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
         'Target="xl/workbook.xml"/></Relationships>')
_WB = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
       'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
       'relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WB_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
            'schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
            'Target="worksheets/sheet1.xml"/></Relationships>')
HEADER = ["Prénom", "Nom", "Courriel", "Rôle", "Site"]


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def workbook(sheet_data: str, dimension: str | None = None) -> bytes:
    """A minimal valid XLSX whose first sheet has this <sheetData> body and <dimension>."""
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
             f'openxmlformats.org/spreadsheetml/2006/main">{dim}<sheetData>{sheet_data}'
             '</sheetData></worksheet>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in (("[Content_Types].xml", _CT), ("_rels/.rels", _RELS),
                           ("xl/workbook.xml", _WB), ("xl/_rels/workbook.xml.rels", _WB_RELS),
                           ("xl/worksheets/sheet1.xml", sheet)):
            zf.writestr(name, text)
    return buf.getvalue()


def header_row() -> str:
    cells = "".join(_cell(f"{'ABCDE'[i]}1", h) for i, h in enumerate(HEADER))
    return f'<row r="1">{cells}</row>'


def person_row(r: int) -> str:
    values = ["Ana", "Diaz", f"ana{r}@ex.fr", "trainer", "S1"]
    return f'<row r="{r}">' + "".join(_cell(f"{'ABCDE'[i]}{r}", v)
                                      for i, v in enumerate(values)) + "</row>"


def million_rows_claimed() -> bytes:
    """Two real lines, a dimension claiming every row and column Excel allows."""
    return workbook(header_row() + person_row(2), "A1:XFD1048576")


def last_row_far_away() -> bytes:
    """No dimension; one line at the top and one at row 1,048,576 (openpyxl pads between)."""
    return workbook(header_row() + person_row(1_048_576))


def one_wide_row(cells: int = 60_000) -> bytes:
    """A header then one line of many cells without references (each a dict in openpyxl)."""
    return workbook(header_row() + '<row r="2">' + "<c><v>1</v></c>" * cells + "</row>")


def many_compressed_bytes(megabytes: int = 20) -> bytes:
    """A sheet part of megabytes of whitespace: a few KB packed, over the ratio limit."""
    return workbook(header_row() + " " * (megabytes * 1024 * 1024))
