"""The Qualiopi evidence pack: XLSX read back with openpyxl, PDF text with pypdf, on the demo."""

from __future__ import annotations

import io

import openpyxl
import pytest
from pypdf import PdfReader

from i18n import Translator
from reports.qualiopi import build_pack, indicators
from scoring.anonymity import DEFAULT_K
from storage.db import make_engine

HIDDEN_FR = "moins de 5 réponses"


@pytest.fixture(scope="module")
def pack_engine(demo_url):
    engine = make_engine(demo_url)
    yield engine
    engine.dispose()


def test_indicator_file_names_the_required_indicators_in_both_languages():
    numbers = {i.number for i in indicators()}
    assert {"12", "17", "21", "22", "30", "31", "32", "FOAD"} <= numbers
    for ind in indicators():
        assert ind.title["fr"] and ind.title["en"] and ind.asks["fr"] and ind.asks["en"]
        assert ind.evidence


# The référentiel's grouping of indicators into its seven criteria (annex of décret 2019-565 as
# quoted by the Guide de lecture v9; unchanged for 1-32 by décret 2026-728).
CRITERIA = {1: range(1, 4), 2: range(4, 9), 3: range(9, 17), 4: range(17, 21), 5: range(21, 23),
            6: range(23, 30), 7: range(30, 33)}
CRITERION_OF = {n: c for c, numbers in CRITERIA.items() for n in numbers}


def test_each_indicator_sits_under_its_official_criterion():
    for ind in indicators():
        if ind.number == "FOAD":
            assert ind.only_remote and ind.criterion == 0
        else:
            assert ind.criterion == CRITERION_OF[int(ind.number)], ind.number


@pytest.mark.parametrize("number, words", [
    ("12", ("engagé", "violences")),  # 2026: violence, harassment, discrimination added
    ("19", ("ressources", "distance")),  # 2026: remote modules actually followed
    ("31", ("difficultés", "réclamations", "aléas")),
    ("32", ("amélioration", "risques")),  # 2026: risk analysis added
])
def test_summaries_cover_what_the_current_indicator_asks(number, words):
    ind = next(i for i in indicators() if i.number == number)
    text = (ind.title["fr"] + " " + ind.asks["fr"]).lower()
    assert all(w in text for w in words), (number, text)


def test_xlsx_maps_released_figures_to_indicators(pack_engine):
    pack = build_pack(pack_engine, 1, Translator("fr"), remote=True)
    wb = openpyxl.load_workbook(io.BytesIO(pack.xlsx()))
    assert wb.sheetnames == ["Indicateurs", "Chiffres", "Campagne", "Plans d’action", "Cohortes"]
    ind = list(wb["Indicateurs"].iter_rows(values_only=True))
    assert ind[0][0] == "Indicateur"
    labels = [r[0] for r in ind[1:]]
    assert labels[:8] == ["Indicateur 12", "Indicateur 17", "Indicateur 19", "Indicateur 21",
                          "Indicateur 22", "Indicateur 30", "Indicateur 31", "Indicateur 32"]
    assert labels[-1] == "FOAD"
    figures = list(wb["Chiffres"].iter_rows(values_only=True))[1:]
    by_ind = {}
    for label, figure, value, n in figures:
        by_ind.setdefault(label, []).append((figure, value, n))
    # the organisation's overall practice is released on the demo: a number with its respondents
    overall = next(r for r in by_ind["Indicateur 21"] if "Global" in r[0])
    assert isinstance(overall[1], float) and 0 <= overall[1] <= 100 and int(overall[2]) >= DEFAULT_K
    # every value is a released number, a count pair, or the hidden label: never a small count
    for rows in by_ind.values():
        for figure, value, n in rows:
            assert value is not None
            if n not in (None, ""):
                assert int(n) >= DEFAULT_K, (figure, n)
    campaign = dict(list(wb["Campagne"].iter_rows(values_only=True))[1:])
    assert campaign["Campagne"] and "Ouverture le" in campaign and "Clôture le" in campaign


def test_pdf_text_names_the_framework_and_the_indicators(pack_engine):
    pack = build_pack(pack_engine, 1, Translator("fr"), remote=False)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pack.pdf())).pages)
    assert "dossier de preuves Qualiopi" in text
    assert "2019-565" in text
    for label in ("Indicateur 12", "Indicateur 21", "Indicateur 30", "Indicateur 32"):
        assert label in text
    assert "FOAD" not in text  # the organisation does not train remotely: no distance section


def test_english_pack_and_unknown_campaign(pack_engine):
    pack = build_pack(pack_engine, 1, Translator("en"), remote=True)
    wb = openpyxl.load_workbook(io.BytesIO(pack.xlsx()))
    assert wb.sheetnames[0] == "Indicators"
    from i18n import RelaisError
    with pytest.raises(RelaisError) as err:
        build_pack(pack_engine, 999, Translator("fr"))
    assert "999" in err.value.render("fr")
