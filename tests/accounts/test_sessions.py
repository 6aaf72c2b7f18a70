"""Server-side sign-in sessions: one-time handoff, idle and absolute limits, ends at once."""

import datetime as dt

import pytest
from sqlmodel import select

from accounts import sessions, signin
from storage.db import read_session, write_session
from storage.models import Person, SignInSession
from tests.accounts.test_signin import add_people

T0 = dt.datetime(2026, 4, 1, 8, 0, tzinfo=dt.UTC)


def opened(engine, person_id, now=T0):
    sid, code = sessions.start(engine, person_id, "password", now=now)
    token, expires = sessions.redeem_handoff(engine, code, now=now)
    return sid, code, token, expires


def test_handoff_gives_a_token_once_and_only_its_hash_is_stored(engine):
    ids = add_people(engine)
    sid, code, token, expires = opened(engine, ids["manager"])
    assert expires == T0 + sessions.absolute_limit()
    assert sessions.redeem_handoff(engine, code, now=T0) is None  # once
    with read_session(engine) as s:
        row = s.get(SignInSession, sid)
    assert token not in (row.token_hash, row.handoff_hash) and row.handoff_hash is None
    assert sessions.resume(engine, token, now=T0 + dt.timedelta(minutes=5)).id == sid


def test_a_stale_handoff_code_is_refused(engine):
    ids = add_people(engine)
    _, code = sessions.start(engine, ids["manager"], "password", now=T0)
    assert sessions.redeem_handoff(engine, code, now=T0 + sessions.HANDOFF
                                   + dt.timedelta(seconds=1)) is None
    assert sessions.redeem_handoff(engine, "made-up-code", now=T0) is None


@pytest.mark.parametrize("idle_h,max_h,steps,alive", [
    (8, 24, [7.5, 7.5, 7.5], True),     # used every 7.5 h: still live at 22.5 h
    (8, 24, [8.1], False),              # 8 h without use
    (8, 24, [7, 7, 7, 7], False),       # 28 h: past the absolute limit
    (1, 24, [1.1], False),              # configured idle limit
])
def test_idle_and_absolute_limits(engine, monkeypatch, idle_h, max_h, steps, alive):
    monkeypatch.setenv("RELAIS_SESSION_IDLE_HOURS", str(idle_h))
    monkeypatch.setenv("RELAIS_SESSION_MAX_HOURS", str(max_h))
    ids = add_people(engine)
    _, _, token, _ = opened(engine, ids["director"] if "director" in ids else ids["admin"])
    now, ok = T0, True
    for hours in steps:
        now += dt.timedelta(hours=hours)
        ok = sessions.resume(engine, token, now=now) is not None
        if not ok:
            break
    assert ok is alive
    if not alive:  # and an ended session stays ended
        assert sessions.resume(engine, token, now=T0 + dt.timedelta(minutes=1)) is None


def test_sign_out_and_deactivation_end_sessions_at_once(engine):
    ids = add_people(engine)
    sid, _, token, _ = opened(engine, ids["manager"])
    other_tab = sid  # another tab of the same browser checks the same session
    sessions.end(engine, token=token, now=T0)
    assert not sessions.check(engine, other_tab, now=T0)
    assert sessions.resume(engine, token, now=T0) is None

    sid2, _, token2, _ = opened(engine, ids["admin"])
    with write_session(engine) as s:
        s.get(Person, ids["admin"]).active = False
    assert not sessions.check(engine, sid2, now=T0 + dt.timedelta(seconds=1))
    with write_session(engine) as s:
        s.get(Person, ids["admin"]).active = True
    assert sessions.resume(engine, token2, now=T0 + dt.timedelta(seconds=2)) is None


def test_a_password_reset_ends_the_sessions_of_the_old_password(engine):
    ids = add_people(engine)
    sid, _, token, _ = opened(engine, ids["manager"], now=signin.utcnow())
    signin.reset_password(engine, None, "manon@ex.fr")
    assert sessions.resume(engine, token) is None
    with read_session(engine) as s:
        assert s.exec(select(SignInSession.ended_at).where(SignInSession.id == sid)).one()


def test_make_run_serves_the_cookie_route():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    run = (root / "Makefile").read_text().split("\nrun:")[1].split("\n\n")[0]
    assert "streamlit run serve.py" in run
    serve = (root / "serve.py").read_text()
    assert "st.App(\"app.py\"" in serve and "sessions.ROUTE" in serve
    assert "httponly=True" in serve and 'samesite="strict"' in serve
