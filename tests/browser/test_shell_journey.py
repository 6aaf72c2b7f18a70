"""A visitor signs in to the demo as the director and switches language both ways."""

import pytest

from tests.browser.conftest import shot
from tests.browser.helpers import choose, wait_idle

pytestmark = pytest.mark.browser


def test_director_signs_in_and_switches_language(app_url, page):
    page.goto(app_url)
    wait_idle(page)
    page.get_by_text("Mode démonstration").first.wait_for()
    page.get_by_role("button", name="Directeur·rice de la formation").click()
    page.get_by_text("Bienvenue").first.wait_for()
    choose(page, "Langue", "English")
    page.get_by_text("Welcome").first.wait_for()
    page.get_by_role("link", name="Organisation").click()
    page.get_by_text("Regions").first.wait_for()
    shot(page, "shell-organisation-en")
    choose(page, "Language", "Français")
    page.get_by_text("Régions").first.wait_for()
    shot(page, "shell-organisation-fr")
