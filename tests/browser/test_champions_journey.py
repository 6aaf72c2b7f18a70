"""The lead opens the champions map in a real browser, sets a fixed threshold and sees a site move."""

import re

import pytest

from tests.browser.conftest import shot
from tests.browser.helpers import wait_idle

pytestmark = pytest.mark.browser


def quadrant_text(page, name: str) -> str:  # noqa: ANN001
    """The sites listed under a quadrant heading, as the page shows them."""
    block = page.locator('[data-testid="stColumn"]').filter(
        has=page.get_by_text(re.compile(rf"^{re.escape(name)} \(\d+\)$"))).first
    return block.inner_text()


def test_lead_changes_a_threshold_and_a_site_changes_quadrant(app_url, page):
    page.goto(app_url)
    wait_idle(page)
    page.get_by_role("button", name="Responsable ingénierie numérique").click()
    page.get_by_text("Bienvenue").first.wait_for()
    page.get_by_role("link", name="Carte des relais").click()
    page.get_by_text("Carte des sites").first.wait_for()
    wait_idle(page)
    page.get_by_text("Valeurs fixes").click()
    wait_idle(page)
    assert "Toulouse" in quadrant_text(page, "Alignés")
    shot(page, "champions-before")
    box = page.get_by_label("Seuil descendant (stratégie)")
    box.fill("70")
    box.press("Enter")
    page.get_by_text(re.compile(r"Seuil descendant : 70\.0")).first.wait_for()
    wait_idle(page)
    assert "Toulouse" not in quadrant_text(page, "Alignés")
    assert "Toulouse" in quadrant_text(page, "Pionniers isolés")
    shot(page, "champions-after")
