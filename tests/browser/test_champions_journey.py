"""The lead opens the champions map in a real browser, sets a fixed threshold and sees a site move."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import shot
from tests.browser.helpers import enter_demo, wait_idle

pytestmark = pytest.mark.browser


def quadrant(page, name: str):  # noqa: ANN001
    """The column listing a quadrant's sites, as the page shows them."""
    return page.locator('[data-testid="stColumn"]').filter(
        has=page.get_by_text(re.compile(rf"^{re.escape(name)} \(\d+\)$"))).first


def test_lead_changes_a_threshold_and_a_site_changes_quadrant(app_url, page):
    enter_demo(page, app_url, "Responsable ingénierie numérique", "Carte des relais")
    page.get_by_text("Carte des sites").first.wait_for()
    wait_idle(page)
    page.get_by_text("Valeurs fixes").click()
    wait_idle(page)
    expect(quadrant(page, "Alignés")).to_contain_text("Toulouse")
    shot(page, "champions-before")
    box = page.get_by_label("Seuil descendant (stratégie)")
    box.fill("70")
    box.press("Enter")
    page.get_by_text(re.compile(r"Seuil descendant : 70,0")).first.wait_for()
    wait_idle(page)
    expect(quadrant(page, "Pionnier·ères isolé·es")).to_contain_text("Toulouse")
    expect(quadrant(page, "Alignés")).not_to_contain_text("Toulouse")
    shot(page, "champions-after")
