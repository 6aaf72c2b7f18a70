"""Sign-in through a real OpenID Connect provider (oidc-provider-mock) started on loopback
by the test, with st.login; a provider that does not vouch for the email is refused."""

import re
import secrets

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from storage.db import make_engine, read_session
from storage.migrate import upgrade
from storage.models import AuditLog, SignInSession
from tests.accounts.test_demo_access import make_production
from tests.browser.conftest import free_port, shot, streamlit_server
from tests.browser.helpers import wait_idle

pytestmark = pytest.mark.browser
DIRECTOR = "gaelle.cote@exemple.fr"


@pytest.fixture(scope="module")
def oidc_app(tmp_path_factory):
    from oidc_provider_mock import User, run_server_in_thread

    folder = tmp_path_factory.mktemp("oidc")
    db_url = f"sqlite:///{folder / 'prod.db'}"
    engine = make_engine(db_url)
    upgrade(engine)
    make_production(engine)
    users = [User(sub="director-verified", claims={"email": DIRECTOR, "email_verified": True}),
             User(sub="director-unverified", claims={"email": DIRECTOR})]
    with run_server_in_thread(user_claims=users) as provider:
        port = free_port()
        secrets_file = folder / "secrets.toml"  # a throwaway server's own secrets
        secrets_file.write_text(
            "[auth]\n"
            f'redirect_uri = "http://localhost:{port}/oauth2callback"\n'
            f'cookie_secret = "{secrets.token_hex(32)}"\n'
            'client_id = "relais-test"\n'
            'client_secret = "relais-test-secret"\n'
            f'server_metadata_url = "http://localhost:{provider.server_port}'
            '/.well-known/openid-configuration"\n', encoding="utf-8")
        with streamlit_server(db_url, folder / "server.log", port=port,
                              flags=["--secrets.files", str(secrets_file)]) as url:
            yield url.replace("127.0.0.1", "localhost"), engine
    engine.dispose()


def _sign_in_through_provider(page, url, subject):  # noqa: ANN001
    page.goto(f"{url}/sign_in")
    wait_idle(page)
    page.get_by_role("button", name=re.compile("compte de l.organisme")).click()
    page.get_by_role("button", name=subject).click()  # the provider's own page
    page.wait_for_url(re.compile(r"^http://localhost:\d+/"))
    wait_idle(page)


def test_director_signs_in_through_the_provider_and_stays_signed_in(oidc_app, browser):
    url, engine = oidc_app
    ctx = browser.new_context(viewport={"width": 1400, "height": 900}, locale="fr-FR")
    page = ctx.new_page()
    page.set_default_timeout(30_000)
    _sign_in_through_provider(page, url, "director-verified")
    page.get_by_text("Bienvenue").first.wait_for()
    page.reload()
    wait_idle(page)
    page.get_by_text("Bienvenue").first.wait_for()
    shot(page, "oidc-signed-in")
    with read_session(engine) as s:
        entry = s.exec(select(AuditLog).where(AuditLog.action == "sign_in")).one()
        session = s.exec(select(SignInSession)).one()  # the reload resumed it, no second
    assert entry.detail["method"] == "oidc" and entry.actor_label == DIRECTOR
    assert session.via == "oidc" and session.oidc_key and session.token_hash
    # sign-out ends the Relais session and st.login's cookie: back on the app, signed out
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_timeout(1500)
    page.goto(url)
    wait_idle(page)
    page.get_by_text("Veuillez vous connecter").first.wait_for()
    expect(page.get_by_text("Bienvenue")).to_have_count(0)
    with read_session(engine) as s:
        assert s.get(SignInSession, session.id).ended_at is not None
    ctx.close()


def test_a_provider_answer_without_email_verified_is_refused(oidc_app, browser):
    url, engine = oidc_app
    ctx = browser.new_context(viewport={"width": 1400, "height": 900}, locale="fr-FR")
    page = ctx.new_page()
    page.set_default_timeout(30_000)
    _sign_in_through_provider(page, url, "director-unverified")
    page.get_by_text("n’a pas confirmé").first.wait_for()
    expect(page.get_by_text("Bienvenue")).to_have_count(0)
    shot(page, "oidc-unverified-refused")
    with read_session(engine) as s:
        reasons = [e.detail.get("reason") for e in s.exec(
            select(AuditLog).where(AuditLog.action == "sign_in_failed")).all()]
    assert "oidc_email_not_verified" in reasons
    ctx.close()
