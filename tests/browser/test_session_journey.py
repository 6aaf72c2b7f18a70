"""A real organisation's database: no demo; a password sign-in survives a reload and a new
tab, through an HttpOnly cookie; signing out in one tab ends the other at once."""

import re
import time

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from accounts import signin
from storage.db import make_engine, read_session
from storage.migrate import upgrade
from storage.models import Person
from tests.accounts.test_demo_access import make_production
from tests.browser.conftest import shot, streamlit_server
from tests.browser.helpers import wait_idle

pytestmark = pytest.mark.browser
PASSWORD = "director's long passphrase"
DIRECTOR = "gaelle.cote@exemple.fr"


@pytest.fixture(scope="module")
def prod_url(tmp_path_factory):
    folder = tmp_path_factory.mktemp("production")
    url = f"sqlite:///{folder / 'prod.db'}"
    engine = make_engine(url)
    upgrade(engine)
    make_production(engine)
    with read_session(engine) as s:
        director = s.exec(select(Person).where(Person.email == DIRECTOR)).one()
    signin.set_password(engine, director.id, PASSWORD)
    engine.dispose()
    with streamlit_server(url, folder / "server.log") as base:
        yield base


def test_a_production_home_offers_no_demo(prod_url, page):
    page.goto(prod_url)
    wait_idle(page)
    page.get_by_text("Veuillez vous connecter").first.wait_for()
    expect(page.get_by_text("Mode démonstration")).to_have_count(0)
    expect(page.get_by_role("button", name="Directeur·rice de la formation")).to_have_count(0)
    shot(page, "production-home-no-demo")


def _session_cookie(ctx, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [c for c in ctx.cookies() if c["name"] == "relais_session"]
        if found:
            return found[0]
        time.sleep(0.2)
    raise AssertionError("no relais_session cookie was set")


def test_sign_in_survives_reload_and_sign_out_ends_the_other_tab(prod_url, browser):
    ctx = browser.new_context(viewport={"width": 1400, "height": 900}, locale="fr-FR")
    tab = ctx.new_page()
    tab.set_default_timeout(30_000)
    tab.goto(f"{prod_url}/sign_in")
    wait_idle(tab)
    tab.get_by_label(re.compile(r"^(E-mail|Courriel)$")).fill(DIRECTOR)
    tab.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    tab.get_by_role("button", name="Se connecter").click()
    tab.get_by_text("Bienvenue").first.wait_for()
    cookie = _session_cookie(ctx)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert tab.evaluate("document.cookie").find("relais_session") == -1  # out of JS's reach

    tab.reload()
    wait_idle(tab)
    tab.get_by_text("Bienvenue").first.wait_for()
    other = ctx.new_page()
    other.set_default_timeout(30_000)
    other.goto(prod_url)
    wait_idle(other)
    other.get_by_text("Bienvenue").first.wait_for()
    shot(other, "session-second-tab")

    tab.get_by_role("button", name="Se déconnecter").click()
    wait_idle(tab)
    tab.get_by_text("Veuillez vous connecter").first.wait_for()
    # the other tab, without a reload: its next action finds the session ended
    other.get_by_role("link", name="Organisation").click()
    wait_idle(other)
    other.get_by_text("Veuillez vous connecter").first.wait_for()
    expect(other.get_by_text("Bienvenue")).to_have_count(0)
    other.reload()
    wait_idle(other)
    other.get_by_text("Veuillez vous connecter").first.wait_for()
    shot(other, "session-ended-in-other-tab")
    deadline = time.monotonic() + 15  # and the browser dropped the ended session's cookie
    while any(c["name"] == "relais_session" for c in ctx.cookies()):
        assert time.monotonic() < deadline, "the cookie was not cleared at sign-out"
        time.sleep(0.2)
    ctx.close()


def test_the_cookie_route_refuses_made_up_codes_and_other_sites(prod_url, browser):
    ctx = browser.new_context()
    route = f"{prod_url}/api/relais/session"
    assert ctx.request.post(route, data="made-up-code").status == 403
    assert ctx.request.post(route, data="made-up-code",
                            headers={"Origin": "https://evil.example"}).status == 403
    assert ctx.request.delete(route, headers={"Origin": "https://evil.example"}).status == 403
    assert not [c for c in ctx.cookies() if c["name"] == "relais_session"]
    ctx.close()
