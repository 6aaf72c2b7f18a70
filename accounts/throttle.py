"""Failed sign-ins counted per client address, without keeping the address.

The address is reduced to an HMAC-SHA256 under a key that never enters the database
(the deployment's cookie secret, or a random key for the life of the process), so the
table cannot be turned back into addresses nor joined to answers. Rows live one window.
Counting is one atomic upsert (INSERT ... ON CONFLICT DO UPDATE ... RETURNING), so
parallel attempts cannot read the same count.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import secrets
import tomllib
from functools import lru_cache

from sqlalchemy import case, delete, literal, update
from sqlmodel import Session

from accounts.secrets import SECRETS_PATH
from storage.models import SignInThrottle

WINDOW = dt.timedelta(minutes=15)
# Failures one address may make per window, over every account (an office behind one
# NAT shares it, hence well above one person's lock-out threshold).
MAX_FAILURES = int(os.environ.get("RELAIS_SIGNIN_MAX_PER_CLIENT", "30"))


@lru_cache(maxsize=1)
def _key() -> bytes:
    try:
        auth = tomllib.loads(SECRETS_PATH.read_text(encoding="utf-8")).get("auth") or {}
        secret = auth.get("cookie_secret")
    except (OSError, tomllib.TOMLDecodeError):
        secret = None
    return hashlib.sha256(b"relais-throttle:" + secret.encode()).digest() if secret \
        else secrets.token_bytes(32)


def client_key(client: str) -> str:
    """The keyed hash stored for a client address."""
    return hmac.new(_key(), client.encode(), hashlib.sha256).hexdigest()


def _upsert(s: Session):  # noqa: ANN202 - the dialect's insert construct
    if s.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(SignInThrottle)


def reserve(s: Session, client: str | None, now: dt.datetime) -> bool:
    """Count one more failure for client in advance; False when it is over the limit.

    A client without a known address is not throttled here (the account lock still is).
    """
    if not client:
        return True
    table = SignInThrottle.__table__
    cutoff = now - WINDOW
    s.execute(delete(SignInThrottle).where(SignInThrottle.window_start < cutoff - WINDOW))
    fresh = table.c.window_start < literal(cutoff, table.c.window_start.type)
    stmt = _upsert(s).values(key_hash=client_key(client), window_start=now, failures=1)
    stmt = stmt.on_conflict_do_update(index_elements=["key_hash"], set_={
        "failures": case((fresh, 1), else_=table.c.failures + 1),
        "window_start": case((fresh, literal(now, table.c.window_start.type)),
                             else_=table.c.window_start),
    }).returning(table.c.failures)
    return s.execute(stmt).scalar_one() <= MAX_FAILURES


def refund(s: Session, client: str | None) -> None:
    """Take back the failure counted in advance: the attempt succeeded."""
    if client:
        s.execute(update(SignInThrottle)
                  .where(SignInThrottle.key_hash == client_key(client),
                         SignInThrottle.failures > 0)
                  .values(failures=SignInThrottle.failures - 1))
