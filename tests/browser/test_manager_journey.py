"""A site manager signs in with email and password, cannot reach other pages, signs out."""

import re

import pytest
from sqlmodel import select

from storage.db import make_engine, read_session
from storage.models import Person
from tests.browser.conftest import shot
from tests.browser.helpers import wait_idle

pytestmark = pytest.mark.browser
EMAIL_LABEL = re.compile(r"^(Courriel|E-mail)$")  # the shared catalogue decides the wording


def first_manager_email(url: str) -> str:
    engine = make_engine(url)
    with read_session(engine) as s:
        person = s.exec(select(Person).where(Person.role == "manager", Person.active)
                        .order_by(Person.id)).first()
    engine.dispose()
    return person.email


def nav_link(page, text: str):  # noqa: ANN001, ANN201
    """A link of the app's menu (its accessible name also holds the icon's ligature)."""
    return page.locator('[data-testid="stSidebarNav"] a').filter(has_text=text).first


def sidebar_links(page) -> set[str]:  # noqa: ANN001
    nav = page.locator('[data-testid="stSidebarNav"]')
    return {t.strip().split("\n")[-1] for t in nav.locator("a").all_inner_texts()}


def test_manager_signs_in_sees_only_their_pages_and_signs_out(app_url, demo_url, page):
    email = first_manager_email(demo_url)
    page.goto(app_url + "/sign_in")
    # the menu built by app.py (not Streamlit's folder listing) is on screen
    nav_link(page, "Se connecter").wait_for()
    page.get_by_text("n’ont pas besoin de compte").first.wait_for()
    page.get_by_label(EMAIL_LABEL).fill(email)
    page.get_by_label("Mot de passe").fill("not the demo password")
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_text("Adresse ou mot de passe incorrect").first.wait_for()

    page.get_by_label("Mot de passe").fill("relais-demo")
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_text("Bienvenue").first.wait_for()
    page.get_by_text("Responsable de site").first.wait_for()
    page.get_by_role("button", name="Se déconnecter").wait_for()
    nav_link(page, "Mon compte").wait_for()
    links = sidebar_links(page)
    assert {"Accueil", "Mon compte"} <= links, links  # the menu was read, not empty
    shot(page, "manager-signed-in")
    # no champions map, no cross-site organisation figures, no admin pages in the menu
    assert not any("hampion" in link for link in links), links
    assert not {"Organisation", "Campagnes", "Import de l’effectif", "Journal d’audit"} & links

    page.get_by_role("button", name="Se déconnecter").click()
    nav_link(page, "Se connecter").wait_for()
    page.get_by_text("Bienvenue").first.wait_for(state="detached")
    page.get_by_role("button", name="Se déconnecter").wait_for(state="detached")

    # reached by URL, the pages of other roles show nothing of theirs
    for path in ("/champions_map", "/organisation", "/admin_audit"):
        page.goto(app_url + path)
        nav_link(page, "Se connecter").wait_for()
        wait_idle(page)
        main = page.inner_text('[data-testid="stMain"]')
        assert "Régions" not in main and "Journal d’audit" not in main
        assert "Carte des champions" not in main
    shot(page, "manager-after-sign-out")
