"""Parsing what spreadsheets write: encodings, separators, headers in French or English."""

import io

import openpyxl
import pytest

from roster.parse import ImportProblem, parse, sniff_delimiter
from tests.roster.conftest import fixture_bytes


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
