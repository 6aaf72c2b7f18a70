"""Check an XLSX archive's size and shape while streaming its XML, before openpyxl reads it.

A workbook is a zip of XML parts; a few kilobytes can claim a million rows
(the sheet's ``<dimension>``), hold one row of a million cells, or unpack to
gigabytes. openpyxl trusts the dimension (it pads every row to it) and builds
each row and the shared strings in memory, so these limits are checked here
first, with expat fed in chunks: memory stays at one chunk whatever the file,
and the scan stops at the first limit crossed. DTDs are refused (no entity
expansion). Every problem is an :class:`ImportProblem` with a plain message.
"""

from __future__ import annotations

import re
import zipfile
from xml.parsers import expat

from roster.parse import MAX_COLUMNS, MAX_ROWS, ImportProblem

MAX_XLSX_UNPACKED = 50 * 1024 * 1024
MAX_XLSX_SHEETS = 20
MAX_XLSX_MEMBERS = 500
MAX_RATIO = 100            # unpacked / packed size of one part, beyond 1 MB unpacked
MAX_CELLS = 2_000_000      # cells in a sheet, strings in the shared table
MAX_PART_ELEMENTS = 200_000  # any other part (styles, workbook, relationships)
CHUNK = 64 * 1024

_REF = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")


def column_number(letters: str) -> int:
    """'A' -> 1, 'Z' -> 26, 'AA' -> 27, 'XFD' -> 16384."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _ref(ref: str) -> tuple[int, int] | None:
    """(row, column) of a cell reference like 'B12', or None when it is not one."""
    m = _REF.match(ref.strip().upper())
    return (int(m.group(2)), column_number(m.group(1))) if m else None


class _Stop(Exception):
    """Raised from inside expat callbacks to stop the scan with a problem."""

    def __init__(self, problem: ImportProblem):
        super().__init__()
        self.problem = problem


class _Scan:
    """Counts what one XML part holds and stops at the first limit crossed."""

    def __init__(self, kind: str):
        self.kind = kind  # sheet | strings | other
        self.elements = 0
        self.cells = 0
        self.row = 0
        self.row_cells = 0

    def start(self, name: str, attrs: dict[str, str]) -> None:
        self.elements += 1
        local = name.rsplit("}", 1)[-1].rsplit(":", 1)[-1]
        if self.kind == "sheet":
            self._sheet(local, attrs)
        elif self.kind == "strings":
            if local == "si":
                self.cells += 1
                if self.cells > MAX_CELLS:
                    raise _Stop(ImportProblem("The workbook holds more than {n} cells.",
                                              n=MAX_CELLS))
            if self.elements > 4 * MAX_CELLS:
                raise _Stop(ImportProblem("The workbook holds more than {n} cells.", n=MAX_CELLS))
        elif self.elements > MAX_PART_ELEMENTS:
            raise _Stop(ImportProblem("The workbook is too complex to be a roster; save only the "
                                 "roster sheet in a new workbook."))

    def _sheet(self, local: str, attrs: dict[str, str]) -> None:
        if local == "dimension":
            self._dimension(attrs.get("ref", ""))
        elif local == "row":
            number = attrs.get("r")
            self.row = int(number) if number and number.isdigit() else self.row + 1
            self.row_cells = 0
            if self.row > MAX_ROWS:
                raise _Stop(ImportProblem("The file has more than {n} lines.", n=MAX_ROWS))
        elif local == "c":
            self.cells += 1
            self.row_cells += 1
            where = _ref(attrs.get("r", ""))
            column = where[1] if where else self.row_cells
            if self.row_cells > MAX_COLUMNS or column > MAX_COLUMNS:
                raise _Stop(ImportProblem("Line {line}: more than {n} columns.", line=self.row,
                                     n=MAX_COLUMNS))
            if self.cells > MAX_CELLS:
                raise _Stop(ImportProblem("The workbook holds more than {n} cells.", n=MAX_CELLS))
        elif self.elements > 4 * MAX_CELLS + MAX_ROWS:
            raise _Stop(ImportProblem("The workbook holds more than {n} cells.", n=MAX_CELLS))

    def _dimension(self, ref: str) -> None:
        """Refuse a sheet that claims more than the limits: openpyxl would pad up to its claim."""
        last = _ref(ref.split(":")[-1]) if ref else None
        if last is None:
            return
        rows, columns = last
        if rows > MAX_ROWS:
            raise _Stop(ImportProblem("The first sheet declares {rows} lines; at most {n} can be "
                                 "imported.", rows=rows, n=MAX_ROWS))
        if columns > MAX_COLUMNS:
            raise _Stop(ImportProblem("The first sheet declares {columns} columns; at most {n} can "
                                 "be imported.", columns=columns, n=MAX_COLUMNS))


def _kind(filename: str) -> str | None:
    if not filename.endswith((".xml", ".rels")):
        return None
    if filename.startswith("xl/worksheets/"):
        return "sheet"
    if filename == "xl/sharedStrings.xml":
        return "strings"
    return "other"


def _refuse_dtd(*_args: object) -> None:
    raise _Stop(ImportProblem("The file is not a valid Excel workbook (.xlsx)."))


def scan_part(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Stream one XML part through expat, raising ImportProblem at the first limit crossed."""
    kind = _kind(info.filename)
    if kind is None:
        return
    scan = _Scan(kind)
    parser = expat.ParserCreate()
    parser.StartElementHandler = scan.start
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    try:
        with zf.open(info) as part:
            while chunk := part.read(CHUNK):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except _Stop as stop:
        raise stop.problem from None
    except (expat.ExpatError, zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise ImportProblem("The file is not a valid Excel workbook (.xlsx).") from None


def check_archive(zf: zipfile.ZipFile) -> None:
    """Refuse a workbook whose parts are too many, too large, too compressed or too big inside."""
    infos = zf.infolist()
    sheets = [i for i in infos if i.filename.startswith("xl/worksheets/sheet")]
    if len(infos) > MAX_XLSX_MEMBERS or len(sheets) > MAX_XLSX_SHEETS:
        raise ImportProblem("The workbook has too many sheets or parts (at most {n} sheets).",
                       n=MAX_XLSX_SHEETS)
    # zipfile never inflates a part beyond the size its header declares, so these sums hold.
    if sum(i.file_size for i in infos) > MAX_XLSX_UNPACKED:
        raise ImportProblem("The workbook unpacks to more than {mb} MB; keep only the roster "
                            "sheet.", mb=MAX_XLSX_UNPACKED // (1024 * 1024))
    for info in infos:
        if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise ImportProblem("The workbook is compressed more than {ratio} times, which no real "
                           "roster is; save it again from your spreadsheet software.",
                           ratio=MAX_RATIO)
    for info in infos:
        scan_part(zf, info)
