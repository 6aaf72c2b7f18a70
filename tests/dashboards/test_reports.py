"""Exports: formula neutralising, XLSX sheets and hidden groups, CSV, PDF pages and text."""

import io

import openpyxl
import pandas as pd
import pypdf
import pytest

from dashboards import plans
from dashboards.display import gap_display, heatmap_display
from dashboards.exports import overview_tables, plan_table, site_tables
from dashboards.overview import build_overview
from dashboards.participation import participation
from dashboards.units import units
from i18n import Translator
from reports.csv import tables_to_csv
from reports.pdf import Report, to_pdf
from reports.safe import neutralise, safe_frame
from reports.tables import Table
from reports.xlsx import to_xlsx
from scoring.data import load_campaign
from storage.db import make_engine

T = Translator("fr")
HIDDEN = "moins de 5 réponses"


@pytest.mark.parametrize("value,expected", [
    ("=1+1", "'=1+1"), ("+33 6 12", "'+33 6 12"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("Rennes", "Rennes"), ("a=b", "a=b"), ("", ""),
    (-2.5, -2.5), (3, 3), (None, None),
])
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def test_safe_frame_neutralises_text_and_headers_not_numbers():
    frame = pd.DataFrame({"=bad": ["=cmd|' /C calc'!A0", "ok"], "gap": [-3.0, 2.0]})
    out = safe_frame(frame)
    assert list(out.columns) == ["'=bad", "gap"]
    assert out.iloc[0, 0] == "'=cmd|' /C calc'!A0" and out["gap"].tolist() == [-3.0, 2.0]


@pytest.fixture(scope="module")
def demo(demo_url):
    engine = make_engine(demo_url)
    cur, prev = load_campaign(engine, 2), load_campaign(engine, 1)
    ov = build_overview(cur, prev)
    yield engine, ov, units(engine), participation(engine, 2)
    engine.dispose()


def test_xlsx_sheets_headers_and_no_hidden_value(demo):
    engine, _, u, part = demo
    # trainers teaching blended courses: a slice where several sites fall under k
    ov = build_overview(load_campaign(engine, 2), load_campaign(engine, 1), modality="hybrid")
    tables = overview_tables(ov, u, part, T)
    tables.append(Table("Plan", pd.DataFrame({"Action": ["=HYPERLINK(\"http://x\")", "-1 salle"]})))
    wb = openpyxl.load_workbook(io.BytesIO(to_xlsx(tables)))
    assert wb.sheetnames == ["Synthèse", "Participation", "Niveaux", "Régions", "Sites",
                             "Écarts de perception", "Progression", "Plan"]
    assert [c.value for c in wb["Synthèse"][1]] == ["Indicateur", "Valeur"]
    assert wb["Synthèse"]["A1"].font.bold
    # every hidden site x area cell says so, and no cell holds a number for it
    heat = heatmap_display(ov, u, T, "site")
    hidden = heat[heat["hidden"]]
    assert len(hidden) > 0
    sheet = wb["Sites"]
    header = [c.value for c in sheet[1]]
    rows = {r[1]: dict(zip(header, r)) for r in sheet.iter_rows(min_row=2, values_only=True)}
    for _, cell in hidden.iterrows():
        assert rows[cell["unit"]][cell["area_label"]] == HIDDEN
    visible = heat[~heat["hidden"]].iloc[0]
    assert rows[visible["unit"]][visible["area_label"]] == pytest.approx(visible["mean"], abs=0.05)
    # formulas never survive as formulas
    plan_cells = [c.value for c in wb["Plan"]["A"][1:]]
    assert plan_cells == ["'=HYPERLINK(\"http://x\")", "'-1 salle"]
    assert all(c.data_type != "f" for ws in wb for row in ws.iter_rows() for c in row)


def test_site_export_hides_managers_gap_at_site(demo):
    engine, ov, u, part = demo
    site = int(u["site_id"].iloc[0])
    region = int(u["region_id"].iloc[0])
    assert gap_display(ov, T, site)["hidden"].all()  # 1-3 managers per site at k=5
    tables = {tb.title: tb.frame for tb in site_tables(ov, u, part, T, site, region)}
    gaps = tables["Écarts de perception"]
    values = set(gaps.iloc[:, 1:].to_numpy().ravel())
    assert values <= {HIDDEN, "Pas d’énoncé commun"}


def test_csv_is_neutralised_semicolon_utf8(demo):
    _, ov, u, part = demo
    data = tables_to_csv([Table("=T", pd.DataFrame({"a": ["+x", "ok"], "n": [1.5, 2.0]}))])
    text = data.decode("utf-8-sig")
    assert text.splitlines()[:3] == ["'=T", "a;n", "'+x;1,5"]


def test_pdf_has_charts_tables_site_and_action(demo):
    engine, ov, u, part = demo
    from charts.dashboards import heatmap_chart

    site, region = int(u["site_id"].iloc[0]), int(u["region_id"].iloc[0])
    name = u["site"].iloc[0]
    acts = pd.DataFrame([{"plan_id": 1, "plan_title": "p", "site_id": site, "site": name, "action_id": 1,
                          "focus_area": "teaching", "title": "Former dix relais numériques",
                          "owner": "C. Martin", "due_on": pd.Timestamp("2026-01-31").date(),
                          "status": "todo", "indicator": "10 relais", "late": True}],
                        columns=plans.ACTION_COLUMNS)
    heat = heatmap_display(ov, u, T, "site", region)
    report = Report("Rapport", f"{name}", "Généré", [], [("Carte", heatmap_chart(heat, "Site", "Domaine", "Score"))],
                    [*site_tables(ov, u, part, T, site, region), plan_table(acts, T, ov.area_names)])
    reader = pypdf.PdfReader(io.BytesIO(to_pdf(report)))
    assert len(reader.pages) >= 3  # title, chart, tables
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())  # cells wrap
    assert name in text and "Former dix relais numériques" in text and "Écarts de perception" in text
    assert any(p.images for p in reader.pages)  # the chart went in as an image
