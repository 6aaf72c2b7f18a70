"""Parsing what spreadsheets write: encodings, separators, headers in French or English."""

import io
import tracemalloc
import zipfile

import openpyxl
import pytest

from roster.parse import ImportProblem, parse, sniff_delimiter
from tests.roster import xlsx_bombs as bombs
from tests.roster.conftest import fixture_bytes

HEADER = bombs.HEADER


@pytest.mark.parametrize("name", ["roster_messy_fr.csv", "roster_messy_fr_bom.csv"])
def test_messy_french_csv_reads_accents_and_skips_blank_lines(name):
    rows = parse(fixture_bytes(name), name)
    assert list(rows["line"]) == [2, 4, 5, 6, 7, 8, 11, 12]
    first = rows.iloc[0]
    assert (first.first_name, first.last_name, first.role) == ("Amélie", "Lefèvre", "Formatrice")
    assert rows.iloc[2].last_name == "Bœuf"
    assert rows.iloc[0].region == "Auvergne-Rhône-Alpes"


@pytest.mark.parametrize("header,sep", [
    ("first name,last name,email,role,site", ","),
    ("Prénom;Nom;Courriel;Rôle;Site", ";"),
    ("First Name\tLast Name\tE-mail\tRole\tSite", "\t"),
])
def test_english_or_french_headers_any_separator(header, sep):
    line = sep.join(["Ana", "Diaz", "ana@ex.fr", "trainer", "S1"])
    rows = parse(f"{header}\n{line}\n".encode(), "r.csv")
    assert rows.iloc[0].to_dict() == {"line": 2, "first_name": "Ana", "last_name": "Diaz",
                                      "email": "ana@ex.fr", "external_id": "", "role": "trainer",
                                      "site": "S1", "region": "", "language": ""}


@pytest.mark.parametrize("line,expected", [("a;b;c", ";"), ("a,b,c", ","), ("a\tb", "\t"),
                                           ("a", ";")])
def test_sniff_delimiter(line, expected):
    assert sniff_delimiter(line) == expected


@pytest.mark.parametrize("data,fragment", [
    (b"", "empty"),
    (b"\n\n;;\n", "empty"),
    (b"Nom;Prenom\nA;B\n", "missing columns"),
    (b"PK\x03\x04garbage", "Excel"),
    (b"a\x00b;c\n", "binary"),
    (b"x" * (10 * 1024 * 1024 + 1), "10 MB"),
])
def test_unreadable_files_give_a_clear_problem(data, fragment):
    with pytest.raises(ImportProblem) as err:
        parse(data, "upload.csv")
    assert fragment in str(err.value)


def test_missing_columns_are_named_with_the_header_line():
    with pytest.raises(ImportProblem) as err:
        parse("\n\nPrénom;Nom;Site\nA;B;C\n".encode(), "r.csv")
    assert err.value.line == 3
    rendered = err.value.render("fr")
    assert "Ligne 3" in rendered and "Courriel" in rendered and "Rôle" in rendered


def xlsx(rows, sheets=1) -> bytes:
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    for i in range(sheets - 1):
        wb.create_sheet(f"extra{i}")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_xlsx_is_read_like_csv():
    data = xlsx([["Prénom", "Nom", "Email", "Matricule", "Rôle", "Site"],
                 [None, None, None, None, None, None],
                 ["Zoé", "Périer", "zoe@ex.fr", 1234, "Formatrice", "Lyon"]])
    rows = parse(data, "roster.xlsx")
    assert rows.iloc[0].line == 3 and rows.iloc[0].external_id == "1234"
    assert rows.iloc[0].first_name == "Zoé"


def test_xlsx_with_too_many_sheets_is_refused():
    with pytest.raises(ImportProblem, match="too many sheets"):
        parse(xlsx([["Prénom"]], sheets=25), "roster.xlsx")


def test_xlsx_bomb_is_refused_before_parsing():
    import zipfile
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/worksheets/sheet1.xml", b"<a>" + b" " * (60 * 1024 * 1024) + b"</a>")
    with pytest.raises(ImportProblem, match="unpacks"):
        parse(buf.getvalue(), "bomb.xlsx")


def test_defusedxml_is_active_for_openpyxl():
    assert openpyxl.DEFUSEDXML


# Workbooks that lie about their size are refused while their XML is streamed, before
# openpyxl builds rows (it pads every row to the claimed dimension).
@pytest.mark.parametrize("build,fragment", [
    (bombs.million_rows_claimed, "declares 1048576 lines; at most 100000"),
    (bombs.last_row_far_away, "more than 100000 lines"),
    (bombs.one_wide_row, "Line 2: more than 200 columns"),
    (bombs.many_compressed_bytes, "compressed more than 100 times"),
])
def test_xlsx_that_claims_or_hides_huge_sizes_is_refused_in_little_memory(build, fragment):
    data = build()
    assert len(data) < 100_000
    parse(xlsx([HEADER, ["a", "b", "c@ex.fr", "trainer", "S"]]), "warm.xlsx")  # imports done
    tracemalloc.start()
    try:
        with pytest.raises(ImportProblem, match=fragment):
            parse(data, "bomb.xlsx")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # Before the scan, the first case took minutes and gigabytes; now a few hundred KB.
    assert peak < 8 * 1024 * 1024


def test_xlsx_dimension_claim_within_limits_still_reads():
    data = bombs.workbook(bombs.header_row() + bombs.person_row(2) + bombs.person_row(7),
                          "A1:GR7")
    rows = parse(data, "roster.xlsx")
    assert list(rows["line"]) == [2, 7] and rows.iloc[1].email == "ana7@ex.fr"


def test_xlsx_with_a_dtd_is_refused():
    data = bombs.workbook(bombs.header_row())
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(buf, "w") as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = body.replace(b"?><worksheet", b'?><!DOCTYPE w [<!ENTITY a "aaaa">]>'
                                    b"<worksheet")
            dst.writestr(info.filename, body)
    with pytest.raises(ImportProblem, match="not a valid Excel workbook"):
        parse(buf.getvalue(), "dtd.xlsx")


def test_csv_line_with_too_many_columns_is_refused():
    data = ("Prénom;Nom;Courriel;Rôle;Site\n" + "x;" * 300 + "y\n").encode()
    with pytest.raises(ImportProblem, match="Line 2: more than 200 columns"):
        parse(data, "wide.csv")
