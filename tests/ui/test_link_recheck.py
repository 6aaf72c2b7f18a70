"""A link page already open cannot write or hand out a file once its link stops working.

The page is drawn with a valid link; then an admin withdraws it, issues a new one,
deactivates the person, or the link expires; every callback (start, an answer's
on_change, save, next, submit, withdraw consent) and the deferred PDF re-check it.
"""

import datetime as dt

import pytest
from sqlmodel import func, select
from streamlit.testing.v1 import AppTest

from storage.db import make_engine, read_session, write_session
from storage.models import Answer, AuditLog, Invitation, Person, Response
from privacy.consent import set_consent
from survey import answering
from survey.links import LinkError, issue_link, resolve, revoke
from tests.demo_db import use_database
from tests.survey.helpers import section_answers
from tests.ui.apptest import ROOT, texts
from tests.ui.demo_snapshot import restore_demo  # noqa: F401 - fixture
from tests.ui.test_survey_pages import fresh_trainer_link

CAMPAIGN = 2


@pytest.fixture(autouse=True)
def _demo(demo_url, restore_demo):
    use_database(demo_url)


def _page(script, token):
    at = AppTest.from_file(str(ROOT / script), default_timeout=60)
    at.session_state["lang"] = "fr"
    at.query_params["t"] = token
    return at.run()


def _revoke(eng, pid):
    revoke(eng, CAMPAIGN, pid)


def _reissue(eng, pid):
    with write_session(eng) as s:
        issue_link(s, CAMPAIGN, pid)


def _deactivate(eng, pid):
    with write_session(eng) as s:
        s.get(Person, pid).active = False


def _expire(eng, pid):
    with write_session(eng) as s:
        inv = s.exec(select(Invitation).where(Invitation.person_id == pid,
                                              Invitation.campaign_id == CAMPAIGN)).one()
        inv.expires_at = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)


def _restore(eng, pid):
    """Undo the break: the shared demo database serves the next tests."""
    with write_session(eng) as s:
        s.get(Person, pid).active = True
        for inv in s.exec(select(Invitation).where(Invitation.person_id == pid)).all():
            inv.expires_at = None


BREAKS = [("revoked", _revoke, "retiré"), ("new link", _reissue, "pas valide"),
          ("deactivated", _deactivate, "pas valide"), ("expired", _expire, "expiré")]


def _counts(eng, pid):
    with read_session(eng) as s:
        responses = s.exec(select(Response).where(Response.person_id == pid,
                                                  Response.campaign_id == CAMPAIGN)).all()
        answers = s.exec(select(func.count()).select_from(Answer).where(
            Answer.response_id.in_([r.id for r in responses] or [-1]))).one()
        return [(r.status, r.current_section, r.updated_at) for r in responses], answers


@pytest.mark.parametrize("name,act,message", BREAKS, ids=[b[0] for b in BREAKS])
def test_an_open_notice_cannot_start_once_the_link_is_broken(demo_url, name, act, message):
    token, pid = fresh_trainer_link(demo_url)
    eng = make_engine(demo_url)
    at = _page("pages/questionnaire.py", token)
    act(eng, pid)
    at.button(key="start").click().run()
    try:
        assert not at.exception
        assert _counts(eng, pid) == ([], 0)
        assert message in texts(at)
    finally:
        _restore(eng, pid)
        eng.dispose()


def _changed_then(key):
    """Change an answer, then send the section's form with a button (saves are per form)."""
    def run(at):
        radio = at.radio[0]
        radio.set_value(1 if radio.value != 1 else 2)
        at.button(key=key).click().run()
    return run


_answer = _changed_then("next")


def _click(key):
    return lambda at: at.button(key=key).click().run()


CALLBACKS = [("answer", _answer, False), ("later", _changed_then("later"), False),
             ("next", _click("next"), False), ("previous", _click("prev"), True),
             ("submit", _click("submit"), True)]


def _open_section(url, last):
    """A trainer's questionnaire open on its first or its last section, every section up to
    the open one already answered (through the domain), so each button would write."""
    token, pid = fresh_trainer_link(url)
    eng = make_engine(url)
    state = answering.start_or_resume(eng, resolve(eng, token))
    q = answering.questionnaire_for(eng, state.response_id)
    upto = len(q.sections) if last else 1
    for i, section in enumerate(q.sections[:upto]):
        answering.save_section(eng, state.response_id, section.id, section_answers(section),
                               min(i + 1, upto - 1))
    at = _page("pages/questionnaire.py", token)
    assert not at.exception and at.get("progress")
    return eng, at, pid


@pytest.mark.parametrize("callback,run,last", CALLBACKS, ids=[c[0] for c in CALLBACKS])
@pytest.mark.parametrize("name,act,message", BREAKS, ids=[b[0] for b in BREAKS])
def test_an_open_section_cannot_write_once_the_link_is_broken(demo_url, name, act, message,
                                                              callback, run, last):
    eng, at, pid = _open_section(demo_url, last)
    before = _counts(eng, pid)
    act(eng, pid)
    try:
        run(at)
        assert not at.exception
        assert _counts(eng, pid) == before
        assert before[0][0][0] == "draft"
        assert message in texts(at)
    finally:
        _restore(eng, pid)
        eng.dispose()


def test_the_same_callbacks_do_write_while_the_link_works(demo_url):
    """The control: without a break, answering and saving change the database."""
    for callback, run, last in CALLBACKS:
        eng, at, pid = _open_section(demo_url, last)
        before = _counts(eng, pid)
        run(at)
        assert not at.exception
        assert _counts(eng, pid) != before, callback
        eng.dispose()


def _submitted_link(url):
    """A trainer who has submitted every section, and their link."""
    token, pid = fresh_trainer_link(url)
    eng = make_engine(url)
    ctx = resolve(eng, token)
    state = answering.start_or_resume(eng, ctx)
    q = answering.questionnaire_for(eng, state.response_id)
    for i, section in enumerate(q.sections):
        answering.save_section(eng, state.response_id, section.id, section_answers(section),
                               i + 1 if i + 1 < len(q.sections) else None)
    answering.submit(eng, state.response_id)
    return eng, token, pid




def _builder(at, builders, label_fragment):
    button = next(b for b in at.download_button if label_fragment in b.label)
    file_id = button.proto.deferred_file_id
    assert file_id, "the file must be built when clicked, not when the page is drawn"
    return builders[file_id]


def _pdf_exports(eng, pid):
    with read_session(eng) as s:
        return s.exec(select(func.count()).select_from(AuditLog).where(
            AuditLog.actor_id == pid, AuditLog.target == "personal_result_pdf")).one()


@pytest.mark.parametrize("script", ["pages/my_result.py", "pages/questionnaire.py"])
def test_the_personal_pdf_is_audited_and_refused_once_the_link_is_withdrawn(demo_url, script,
                                                                             deferred):
    eng, token, pid = _submitted_link(demo_url)
    at = _page(script, token)
    assert not at.exception
    build = _builder(at, deferred, "PDF")
    before = _pdf_exports(eng, pid)
    assert build().startswith(b"%PDF") and _pdf_exports(eng, pid) == before + 1
    revoke(eng, CAMPAIGN, pid)
    with pytest.raises(LinkError):
        build()
    assert _pdf_exports(eng, pid) == before + 1
    eng.dispose()


def test_withdrawing_consent_from_an_open_page_needs_a_working_link(demo_url):
    eng, token, pid = _submitted_link(demo_url)
    set_consent(eng, pid, True)
    at = _page("pages/my_result.py", token)
    revoke(eng, CAMPAIGN, pid)
    at.button(key="withdraw").click().run()
    assert answering.named_consent(eng, pid)
    eng.dispose()
