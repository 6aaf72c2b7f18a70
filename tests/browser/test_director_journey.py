"""The director's journey in a real browser: overview, region filter, a site, an action, XLSX and PDF."""

import io
import shutil
from pathlib import Path

import openpyxl
import pypdf
import pytest

from tests.browser.conftest import ROOT, shot
from tests.browser.helpers import choose, enter_demo, wait_idle

pytestmark = pytest.mark.browser
SCREENSHOTS = ROOT / "docs" / "screenshots"
ACTION = "Atelier quiz en ligne pour les formateurs de Rennes"


def _download(page, label: str) -> bytes:  # noqa: ANN001
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name=label).click()
    return Path(info.value.path()).read_bytes()


def _save_screenshot(page, name: str) -> None:  # noqa: ANN001
    """Screenshot for the README (the window is tall: Streamlit scrolls inside its own container)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(shot(page, name), SCREENSHOTS / f"{name}.png")


def test_director_filters_opens_site_plans_and_exports(app_url, page, demo_url):
    # tall from the start: charts lay out once, at the size the screenshots show
    page.set_viewport_size({"width": 1400, "height": 2300})
    enter_demo(page, app_url, "Directeur·rice de la formation", "Vue d’ensemble")
    page.get_by_text("Maturité par site").first.wait_for()
    wait_idle(page)
    choose(page, "Région", "Bretagne")
    page.get_by_text("Maturité par site").first.wait_for()
    site_box = page.get_by_label("Site", exact=True)
    site_box.click()
    options = [o.inner_text() for o in page.get_by_role("option").all()]
    page.keyboard.press("Escape")
    assert options == ["Tous les sites", "Brest", "Quimper", "Rennes"]  # narrowed to Bretagne
    page.wait_for_timeout(1500)  # let the charts draw before the screenshot
    _save_screenshot(page, "overview")

    page.get_by_role("link", name="Plans d’action").click()
    page.get_by_text("Ajouter une action").first.wait_for()
    wait_idle(page)
    choose(page, "Plan pour", "Rennes")
    page.get_by_label("Action", exact=True).fill(ACTION)
    page.get_by_label("Responsable", exact=True).fill("Camille Martin")
    page.get_by_label("Indicateur mesurable", exact=True).fill("=12 formateurs formés d’ici juin")
    page.get_by_role("button", name="Enregistrer l’action").click()
    page.get_by_text("Action enregistrée.").first.wait_for()
    wait_idle(page)

    page.get_by_role("link", name="Profil du site").click()
    page.get_by_text("Points forts").first.wait_for()
    wait_idle(page)
    choose(page, "Site", "Rennes (Bretagne)")
    page.get_by_text("Ce site comparé à Bretagne et à l’organisation").first.wait_for()
    page.wait_for_timeout(1500)
    _save_screenshot(page, "site")

    wb = openpyxl.load_workbook(io.BytesIO(_download(page, "Télécharger le XLSX")))
    assert wb.sheetnames[:3] == ["Profil", "Participation", "Écarts de perception"]
    profile = [[c for c in row] for row in wb["Profil"].iter_rows(values_only=True)]
    assert profile[0] == ["Domaine", "Ce site", "Région", "Organisation"]
    assert all(isinstance(v, (int, float)) or v == "moins de 5 réponses" for row in profile[1:] for v in row[1:])
    gaps = [v for row in wb["Écarts de perception"].iter_rows(min_row=2, values_only=True) for v in row[1:]]
    assert set(gaps) <= {"moins de 5 réponses", "Pas d’énoncé commun"}  # 2 managers at Rennes

    pdf = pypdf.PdfReader(io.BytesIO(_download(page, "Télécharger le rapport PDF")))
    text = " ".join(" ".join(p.extract_text() for p in pdf.pages).split())
    assert len(pdf.pages) >= 3
    assert "Rennes (Bretagne)" in text and ACTION in text
    assert "Plan d’action" in text and "Camille Martin" in text
    # both downloads are in the audit log, with who and what, and nothing personal
    from sqlmodel import select

    from storage.db import make_engine, read_session
    from storage.models import AuditLog

    with read_session(make_engine(demo_url)) as s:
        exports = s.exec(select(AuditLog).where(AuditLog.action == "export")).all()
    formats = {(e.target, e.detail.get("format")) for e in exports}
    assert {("site_xlsx", "xlsx"), ("site_xlsx", "pdf")} <= formats
    assert all(e.actor_id is not None for e in exports)


def test_clicking_a_region_narrows_the_overview_to_its_sites(app_url, page):
    page.set_viewport_size({"width": 1400, "height": 2300})
    enter_demo(page, app_url, "Directeur·rice de la formation", "Vue d’ensemble")
    page.get_by_text("Cliquez sur une région").first.wait_for()
    wait_idle(page)
    page.wait_for_timeout(1500)
    region_map = page.locator('[data-testid="stVegaLiteChart"]').nth(3)  # after participation, levels, progress
    box = region_map.bounding_box()
    # the first row (regions sorted by name: Auvergne-Rhône-Alpes) starts at the top of the chart
    page.mouse.click(box["x"] + box["width"] * 0.5, box["y"] + 12)
    wait_idle(page)
    for _ in range(20):  # the click reruns the page; poll the site list until it narrows
        site_box = page.get_by_label("Site", exact=True)
        site_box.click()
        options = [o.inner_text() for o in page.get_by_role("option").all()]
        page.keyboard.press("Escape")
        if "Rennes" not in options:
            break
        page.wait_for_timeout(500)
    assert options[0] == "Tous les sites" and "Lyon" in options and "Rennes" not in options
