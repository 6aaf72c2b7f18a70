"""A visitor signs in to the demo as the director and switches language both ways."""

import pytest
from playwright.sync_api import expect

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


def test_a_deep_link_as_a_fresh_servers_first_request_gets_the_app_menu(demo_url, page,
                                                                          tmp_path):
    """Streamlit runs a deep-linked page without app.py on a new process's first request
    when a pages/ folder exists, listing every page file; the page must switch back."""
    from tests.browser.conftest import streamlit_server

    with streamlit_server(demo_url, tmp_path / "server.log") as url:
        page.goto(f"{url}/questionnaire")  # the very first request this server sees
        page.get_by_text("Ouvrez cette page avec le lien personnel").first.wait_for()
        nav = page.locator('[data-testid="stSidebarNav"]')
        expect(nav).to_contain_text("Accueil")
        expect(nav).to_contain_text("Se connecter")
        expect(nav).not_to_contain_text("admin audit")
        expect(nav).not_to_contain_text("Journal d")
        # the legacy mode found the page by its file name: no "Page not found" dialog
        expect(page.get_by_text("Page not found")).to_have_count(0)
        shot(page, "deep-link-first-request")
        # and the next visitor, on the same process, gets the app's menu too
        page.goto(url)
        page.get_by_text("Mode démonstration").first.wait_for()
        expect(page.locator('[data-testid="stSidebarNav"]')).not_to_contain_text("admin audit")
