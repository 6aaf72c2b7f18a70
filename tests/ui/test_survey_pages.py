"""The link pages: no link, a bad link, the notice, a section, the result; admin follow-up."""

import re

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from storage.db import make_engine, write_session
from storage.models import Invitation, Person, Response
from survey.links import issue_link
from tests.demo_db import use_database
from tests.ui.apptest import ROOT, demo_viewer, run_page, texts
from ui.navigation import pages_for


@pytest.fixture(autouse=True)
def _demo(demo_url):
    use_database(demo_url)


def _page(script, token):
    at = AppTest.from_file(str(ROOT / script), default_timeout=60)
    at.session_state["lang"] = "fr"
    if token is not None:
        at.query_params["t"] = token
    return at.run()


def fresh_trainer_link(url: str, campaign_id: int = 2) -> tuple[str, int]:
    """A new link for a demo trainer with no response yet in the open campaign."""
    eng = make_engine(url)
    with write_session(eng) as s:
        answered = select(Response.person_id).where(Response.campaign_id == campaign_id)
        pid = s.exec(select(Invitation.person_id).join(Person, Person.id == Invitation.person_id)
                     .where(Invitation.campaign_id == campaign_id, Person.role == "trainer",
                            Person.active, ~Invitation.person_id.in_(answered))
                     .order_by(Invitation.person_id.desc())).first()
        token = issue_link(s, campaign_id, pid)
    eng.dispose()
    return token, pid


def test_visitors_see_home_sign_in_and_the_link_pages_only():
    assert [p.url_path for p in pages_for(None)] == ["home", "sign_in", "questionnaire", "my_result", "learners",
                                                   "accessibility_statement"]


@pytest.mark.parametrize("script", ["pages/questionnaire.py", "pages/my_result.py"])
@pytest.mark.parametrize("token,expected", [
    (None, "Ouvrez cette page avec le lien personnel"),
    ("nimportequoi", "Ce lien n'est pas valide"),
])
def test_no_or_bad_link_gets_a_clear_page(script, token, expected):
    at = _page(script, token)
    assert not at.exception
    assert expected in texts(at)


def test_notice_then_first_section_then_required_messages(demo_url):
    token, _ = fresh_trainer_link(demo_url)
    at = _page("pages/questionnaire.py", token)
    assert "Qui voit quoi" in texts(at) and "adresse IP" in texts(at)
    at.button(key="start").click().run()
    assert not at.exception
    assert "Section 1 sur" in at.get("progress")[0].proto.text
    at.button(key="next").click().run()
    assert at.error[0].value.startswith("Des réponses manquent")
    assert sum(bool(re.fullmatch(r"Question \d+ : Veuillez répondre à cette question\.", e.value))
               for e in at.error) >= 3  # each message names its question
    assert "Ne s'applique pas à mon poste" in at.radio[0].options


def test_admin_follow_up_page(demo_url):
    at = run_page("pages/admin_campaign.py", demo_viewer(demo_url, "admin"))
    assert not at.exception
    shown = texts(at)
    assert "Avancement par site" in shown and "Qui n'a pas encore répondu" in shown
