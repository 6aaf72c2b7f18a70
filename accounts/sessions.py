"""Staff sign-ins that survive a reload: server-side sessions behind an opaque cookie.

The browser holds a random token in an HttpOnly, SameSite=Strict cookie (set by the
small HTTP route in ``serve.py``, never by page JavaScript); the database keeps only
the token's SHA-256. A session ends at sign-out, after ``IDLE`` without use, ``ABSOLUTE``
after sign-in, or as soon as the person is deactivated, erased or no longer staff.

The cookie is handed over in two steps, because a Streamlit script cannot set an
HttpOnly cookie: sign-in creates the session with a one-time code (hash stored, valid
``HANDOFF``), the page's script posts that code to the route, and the route trades it
for the token in a Set-Cookie header. The token never exists in Python page code nor in
page JavaScript.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import secrets

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import select

from storage.db import read_session, write_session
from storage.models import Person, SignInSession, utcnow

COOKIE = "relais_session"
ROUTE = "/api/relais/session"  # the HTTP route of serve.py that sets and clears it
STAFF_ROLES = frozenset({"manager", "director", "lead", "admin"})
HANDOFF = dt.timedelta(seconds=60)
TOUCH_EVERY = dt.timedelta(minutes=1)  # last_seen_at is written at most this often


def idle_limit() -> dt.timedelta:
    """Time without use after which a session ends (RELAIS_SESSION_IDLE_HOURS, default 8)."""
    return dt.timedelta(hours=float(os.environ.get("RELAIS_SESSION_IDLE_HOURS", "8")))


def absolute_limit() -> dt.timedelta:
    """Longest life of a session (RELAIS_SESSION_MAX_HOURS, default 24)."""
    return dt.timedelta(hours=float(os.environ.get("RELAIS_SESSION_MAX_HOURS", "24")))


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _aware(when: dt.datetime | None) -> dt.datetime | None:
    return when.replace(tzinfo=dt.UTC) if when is not None and when.tzinfo is None else when


def oidc_key(issuer: str, subject: str, issued_at: object) -> str:
    """One provider sign-in (issuer, subject, issue time) as a stored hash."""
    return _hash(f"{issuer}\x00{subject}\x00{issued_at}")


def start(engine: Engine, person_id: int, via: str, oidc: str | None = None,
          now: dt.datetime | None = None) -> tuple[int, str]:
    """Open a session for person_id; returns (session id, one-time handoff code)."""
    now = now or utcnow()
    code = secrets.token_urlsafe(32)
    with write_session(engine) as s:
        row = SignInSession(person_id=person_id, via=via, handoff_hash=_hash(code),
                            handoff_expires_at=now + HANDOFF, oidc_key=oidc, created_at=now,
                            last_seen_at=now, expires_at=now + absolute_limit())
        s.add(row)
        s.flush()
        return row.id, code


def redeem_handoff(engine: Engine, code: str, now: dt.datetime | None = None
                   ) -> tuple[str, dt.datetime] | None:
    """Trade a fresh one-time code for the session token (once); None if not valid.

    Returns (token, expiry) for the Set-Cookie header.
    """
    now = now or utcnow()
    if not code:
        return None
    token = secrets.token_urlsafe(32)
    with write_session(engine) as s:
        row = s.exec(select(SignInSession).where(SignInSession.handoff_hash == _hash(code))
                     .with_for_update()).first()
        if (row is None or row.ended_at is not None or row.token_hash is not None
                or _aware(row.handoff_expires_at) < now):
            return None
        row.token_hash, row.handoff_hash, row.handoff_expires_at = _hash(token), None, None
        return token, _aware(row.expires_at)


def _valid(s, row: SignInSession | None, now: dt.datetime) -> bool:  # noqa: ANN001
    if row is None or row.ended_at is not None:
        return False
    if now >= _aware(row.expires_at) or now - _aware(row.last_seen_at) >= idle_limit():
        row.ended_at = now
        return False
    person = s.get(Person, row.person_id)
    if person is None or not person.active or person.erased or person.role not in STAFF_ROLES:
        row.ended_at = now
        return False
    if now - _aware(row.last_seen_at) >= TOUCH_EVERY:
        row.last_seen_at = now
    return True


def resume(engine: Engine, token: str | None, now: dt.datetime | None = None
           ) -> SignInSession | None:
    """The live session a cookie token names (and mark it used), or None."""
    if not token:
        return None
    now = now or utcnow()
    with write_session(engine) as s:
        row = s.exec(select(SignInSession)
                     .where(SignInSession.token_hash == _hash(token))).first()
        return row if _valid(s, row, now) else None


def check(engine: Engine, session_id: int, now: dt.datetime | None = None) -> bool:
    """True while session_id is live (checked at every run of an open page).

    A plain read in the common case; a write only to end the session or to note its use
    (at most once a minute), so page runs do not queue on SQLite's write lock.
    """
    now = now or utcnow()
    with read_session(engine) as s:
        row = s.get(SignInSession, session_id)
        person = s.get(Person, row.person_id) if row is not None else None
    if (row is not None and row.ended_at is None and person is not None and person.active
            and not person.erased and person.role in STAFF_ROLES
            and now < _aware(row.expires_at)
            and now - _aware(row.last_seen_at) < min(TOUCH_EVERY, idle_limit())):
        return True
    with write_session(engine) as s:
        return _valid(s, s.get(SignInSession, session_id), now)


def for_oidc(engine: Engine, key: str) -> SignInSession | None:
    """The session already opened for this provider sign-in, live or not."""
    with read_session(engine) as s:
        return s.exec(select(SignInSession).where(SignInSession.oidc_key == key)
                      .order_by(SignInSession.id.desc())).first()


def end(engine: Engine, session_id: int | None = None, token: str | None = None,
        now: dt.datetime | None = None) -> None:
    """End a session, named by id or by its cookie token (sign-out)."""
    now = now or utcnow()
    with write_session(engine) as s:
        q = update(SignInSession).where(SignInSession.ended_at.is_(None))
        if session_id is not None:
            q = q.where(SignInSession.id == session_id)
        elif token:
            q = q.where(SignInSession.token_hash == _hash(token))
        else:
            return
        s.execute(q.values(ended_at=now))


def end_all_for_person(engine: Engine, person_id: int, now: dt.datetime | None = None) -> None:
    """End every session of a person (deactivation, erasure, password reset)."""
    with write_session(engine) as s:
        s.execute(update(SignInSession).where(SignInSession.person_id == person_id,
                                              SignInSession.ended_at.is_(None))
                  .values(ended_at=now or utcnow()))


def redeemed(engine: Engine, session_id: int) -> bool:
    """True once the browser has traded the handoff code for its cookie."""
    with read_session(engine) as s:
        row = s.get(SignInSession, session_id)
        return row is None or row.token_hash is not None or row.ended_at is not None
