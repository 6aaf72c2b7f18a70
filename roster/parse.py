"""Read a roster file (CSV or XLSX bytes) into rows of text with their line numbers.

Handles what French spreadsheet software writes: semicolons, Windows-1252 or
UTF-8 with a BOM, accents and blank lines. Columns are found by their header,
in French or English. Anything unreadable raises :class:`ImportProblem`, never
another exception.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile

import pandas as pd

from i18n import RelaisError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_ROWS = 100_000
MAX_COLUMNS = 200
MAX_CELL = 500

COLUMNS = ("line", "first_name", "last_name", "email", "external_id", "role", "site", "region",
           "language")
OPTIONAL = ("trade",)  # a column present only when the file has it
REQUIRED = ("first_name", "last_name", "email", "role", "site")
FIELD_LABELS = {"first_name": "Prénom / first name", "last_name": "Nom / last name",
                "email": "Courriel / email", "role": "Rôle / role", "site": "Site"}

SYNONYMS = {
    "first_name": ("prenom", "first name", "firstname", "given name", "prenom usuel"),
    "last_name": ("nom", "last name", "lastname", "surname", "family name", "nom de famille",
                  "nom d usage"),
    "email": ("courriel", "email", "e mail", "mail", "adresse email", "adresse e mail",
              "adresse mail", "adresse electronique", "email address", "mel"),
    "external_id": ("matricule", "external id", "externalid", "identifiant", "employee id",
                    "id"),
    "role": ("role", "fonction", "profil", "profile"),
    "site": ("site", "code site", "site code", "etablissement", "centre"),
    "region": ("region", "code region", "region code"),
    "language": ("langue", "language", "lang"),
    "trade": ("filiere", "trade", "secteur", "sector", "metier", "domaine professionnel",
              "trade sector", "vocational area"),
}
HEADER_TO_FIELD = {syn: field for field, syns in SYNONYMS.items() for syn in syns}


class ImportProblem(RelaisError):
    """A problem in a roster file, with the line it is on (0: the whole file)."""

    def __init__(self, message: str, line: int = 0, **params: object):
        super().__init__(message, line=line, **params)
        self.line = line


def fold(text: str) -> str:
    """Lower case, no accents, punctuation as spaces: 'Adresse E-mail' -> 'adresse e mail'."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def decode(data: bytes) -> str:
    """Text of a CSV file: UTF-8 (with or without BOM), else Windows-1252."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportProblem("The file is neither UTF-8 nor Windows-1252 text. Save it as CSV "
                        "(UTF-8) or as an Excel workbook.")


def sniff_delimiter(header_line: str) -> str:
    """The separator the header uses most: semicolon, comma or tab."""
    counts = {d: header_line.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: (counts[d], d == ";"))
    return best


def _csv_rows(data: bytes) -> list[tuple[int, list[str]]]:
    text = decode(data)
    if "\x00" in text:
        raise ImportProblem("The file contains binary data, not a table. Save it as CSV or XLSX.")
    lines = text.splitlines()
    first = next((ln for ln in lines if ln.strip()), None)
    if first is None:
        raise ImportProblem("The file is empty.")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(first))
    rows, start = [], 1
    try:
        for cells in reader:
            if reader.line_num > MAX_ROWS:
                raise ImportProblem("The file has more than {n} lines.", n=MAX_ROWS)
            cells = _trimmed(cells)
            if len(cells) > MAX_COLUMNS:
                raise ImportProblem("Line {line}: more than {n} columns.", line=start,
                                    n=MAX_COLUMNS)
            rows.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as err:
        raise ImportProblem("Line {line}: the file cannot be read as CSV ({reason}).",
                            line=start, reason=str(err)) from None
    return rows


def _xlsx_rows(data: bytes) -> list[tuple[int, list[str]]]:
    import openpyxl  # reads XML through defusedxml when it is installed (it is a dependency)

    from roster import xlsx_guard

    if not openpyxl.DEFUSEDXML:
        raise ImportProblem("Excel import is disabled: the defusedxml package is missing.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            # Sizes, dimension, rows and cells are checked while streaming the XML, before
            # openpyxl builds anything: a 5 KB file claiming a million rows stops here.
            xlsx_guard.check_archive(zf)
    except ImportProblem:
        raise
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise ImportProblem("The file is not a valid Excel workbook (.xlsx).") from None
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True,
                                    keep_links=False)
        ws = wb.worksheets[0]
        rows = []
        for number, values in enumerate(ws.iter_rows(max_col=MAX_COLUMNS, values_only=True),
                                        start=1):
            if number > MAX_ROWS:  # the scan above already refused this; kept as a backstop
                raise ImportProblem("The file has more than {n} lines.", n=MAX_ROWS)
            cells = _trimmed(["" if v is None else _cell_text(v) for v in values])
            if cells:
                rows.append((number, cells))
        wb.close()
    except ImportProblem:
        raise
    except Exception:  # noqa: BLE001 - any parser failure is a bad file, reported plainly
        raise ImportProblem("The file is not a valid Excel workbook (.xlsx).") from None
    return rows


def _trimmed(cells: list[str]) -> list[str]:
    """Cells without the empty ones at the end of the line (spreadsheets pad lines)."""
    end = len(cells)
    while end and not cells[end - 1].strip():
        end -= 1
    return cells[:end]


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def is_xlsx(filename: str, data: bytes) -> bool:
    return filename.lower().endswith((".xlsx", ".xlsm")) or data[:4] == b"PK\x03\x04"


def parse(data: bytes, filename: str = "roster.csv") -> pd.DataFrame:
    """Rows of a roster file as text, blank lines dropped.

    Columns: line (int, as numbered in a spreadsheet), first_name, last_name,
    email, external_id, role, site, region, language (str, stripped, "" when absent), and trade when the file has that column.
    """
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImportProblem("The file is larger than {mb} MB.", mb=MAX_UPLOAD_BYTES // 1048576)
    rows = _xlsx_rows(data) if is_xlsx(filename, data) else _csv_rows(data)
    rows = [(n, [c.strip() for c in cells]) for n, cells in rows if any(c.strip() for c in cells)]
    if not rows:
        raise ImportProblem("The file is empty.")
    header_line, header = rows[0]
    mapping: dict[int, str] = {}
    for index, name in enumerate(header):
        field = HEADER_TO_FIELD.get(fold(name))
        if field is None:
            continue
        if field in mapping.values():
            raise ImportProblem("Line {line}: two columns mean {column}; keep only one.",
                                line=header_line, column=name)
        mapping[index] = field
    missing = [FIELD_LABELS[f] for f in REQUIRED if f not in mapping.values()]
    if missing:
        raise ImportProblem("Line {line}: missing columns: {columns}. The first line must name "
                            "the columns (for example Prénom;Nom;Courriel;Rôle;Site).",
                            line=header_line, columns=", ".join(missing))
    columns = (*COLUMNS, *(f for f in OPTIONAL if f in mapping.values()))
    records = []
    for number, cells in rows[1:]:
        record = dict.fromkeys(columns[1:], "")
        for index, field in mapping.items():
            if index < len(cells):
                record[field] = cells[index][:MAX_CELL]
        records.append({"line": number, **record})
    frame = pd.DataFrame(records, columns=list(columns)).astype({"line": int})
    frame.attrs["columns"] = sorted(mapping.values())  # which optional columns the file has
    return frame
