"""Results shared by every server: a guarded figure computed once per data version, read by all.

At national scale (40,000 trainers) building a director's overview from the stored scores
takes many seconds; each server's own cache (``st.cache_resource``) only spares its own
later reruns, so every server restart and every extra server paid it again on its first
page. :func:`shared` keeps the computed result in the database (table ``sharedresult``),
so it is computed once for the whole cluster and read by any server in a fraction of the
time.

What may be stored: only results that already went through the disclosure layer (guarded
frames whose hidden cells are NaN); nothing here widens what anyone sees.

The key is a hash of everything the result depends on, chosen by the caller: the
campaign's published data version, the parameters (filters, language, threshold), and
:func:`context_version` (consents, erasures, trades, settings, site models, official
positions, sites and regions). A result also carries :data:`CODE_VERSION` (a hash of the
code that computes figures), so a server running other code never reads it, and it
expires after ``ttl`` seconds like the per-process caches.

The payload is a pickle, signed with HMAC-SHA256 under a key derived from the deployment's
cookie secret (``.streamlit/secrets.toml``), which never enters the database: someone who
can write to the database cannot make a server unpickle a payload of their own. Without a
cookie secret the key is random per process, so results are then only read back by the
process that wrote them.

Two servers missing the same result at once: on PostgreSQL the second waits on an
advisory lock while the first computes, then reads it; on SQLite (one server) both are
in one process. A failed write never fails the page: the result is returned anyway.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import pickle
import secrets
import time
import tomllib
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from sqlalchemy import delete, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from storage.db import read_session, write_session
from storage.models import (
    CampaignOfficialPosition, Consent, OrgModel, Person, PersonTrade, Region, SharedResult, Setting,
    Site, utcnow,
)

log = logging.getLogger(__name__)
T = TypeVar("T")
TTL_S = 3600
LOCK_WAIT_S = 300.0
ROOT = Path(__file__).resolve().parent.parent
# the code whose output may be stored: any change to it makes earlier results unreadable
CODE_DIRS = ("dashboards", "disclosure", "scoring", "official", "storage", "survey", "trades")


@lru_cache(maxsize=1)
def code_version() -> str:
    """A hash of the code that computes figures (read once per process)."""
    digest = hashlib.sha256()
    for folder in CODE_DIRS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _cookie_secret() -> str | None:
    from accounts.secrets import SECRETS_PATH

    try:
        auth = tomllib.loads(SECRETS_PATH.read_text(encoding="utf-8")).get("auth") or {}
        secret = auth.get("cookie_secret")
    except (OSError, tomllib.TOMLDecodeError):
        secret = None
    return secret if isinstance(secret, str) and secret else None


@lru_cache(maxsize=1)
def _signing_key() -> bytes:
    secret = _cookie_secret()
    if secret is None:
        return secrets.token_bytes(32)
    return hashlib.sha256(b"relais-shared-result:" + secret.encode()).digest()


@lru_cache(maxsize=1)
def key_is_shared() -> bool:
    """Whether other processes (servers, the worker) sign with the same key: without a cookie
    secret each process has its own, and none can read what another stored."""
    return _cookie_secret() is not None


def key_id() -> str:
    """A public name of the signing key (not the key): processes signing alike share it, so
    a worker that cannot read a server's rows is not counted as that server's worker."""
    return hashlib.sha256(b"relais-key-id:" + _signing_key()).hexdigest()[:16]


def _mac(payload: bytes) -> str:
    return hmac.new(_signing_key(), payload, hashlib.sha256).hexdigest()


def key_of(kind: str, parts: tuple) -> str:
    """The stored key of a result: its kind, its inputs and the code version."""
    return hashlib.sha256(repr((kind, code_version(), parts)).encode()).hexdigest()


def context_version(engine: Engine) -> tuple:
    """A cheap fingerprint of what figures depend on besides the answers: consents (named to
    the lead), erasures, people (names, roles), the roster's trades, settings, site models,
    official positions, sites and regions. Every one of these changes it (rows added, or updated with a new time)."""
    with read_session(engine) as s:
        row = [
            *s.execute(select(func.count(Consent.id), func.max(Consent.id))).one(),
            s.execute(select(func.count()).select_from(Person).where(Person.erased)).scalar(),
            *s.execute(select(func.count(Person.id), func.max(Person.updated_at))).one(),
            *s.execute(select(func.count(), func.max(PersonTrade.updated_at))
                       .select_from(PersonTrade)).one(),
            *s.execute(select(func.count(), func.max(Setting.updated_at)).select_from(Setting)).one(),
            *s.execute(select(func.count(), func.max(OrgModel.updated_at), func.max(OrgModel.id))
                       .select_from(OrgModel)).one(),
            *s.execute(select(func.count(), func.max(CampaignOfficialPosition.set_at))
                       .select_from(CampaignOfficialPosition)).one(),
            *s.execute(select(func.count(Site.id), func.max(Site.id), func.sum(Site.region_id),
                              func.sum(func.length(Site.name) + func.length(Site.city)))).one(),
            *s.execute(select(func.count(Region.id), func.max(Region.id),
                              func.sum(func.length(Region.name)))).one(),
        ]
    return tuple(str(v) for v in row)


_MISSING = object()
MISSING = _MISSING  # what a delegate returns when the result is to be computed here


def _read(engine: Engine, key: str, ttl: float) -> object:
    with read_session(engine) as s:
        row = s.execute(select(SharedResult.payload, SharedResult.mac, SharedResult.created_at)
                        .where(SharedResult.key == key)).first()
    if row is None:
        return _MISSING
    payload, mac, created = row
    payload = bytes(payload)
    if created.tzinfo is None:
        created = created.replace(tzinfo=dt.UTC)
    if (utcnow() - created).total_seconds() > ttl:
        return _MISSING
    if not hmac.compare_digest(mac, _mac(payload)):
        log.warning("shared result %s… has a bad signature: computed again", key[:12])
        return _MISSING
    try:
        return pickle.loads(zlib.decompress(payload))  # noqa: S301 - signed above
    except Exception:  # noqa: BLE001 - a signed but unreadable payload is recomputed
        log.warning("shared result %s… cannot be read: computed again", key[:12])
        return _MISSING


def _write(engine: Engine, kind: str, key: str, value: object, ttl: float) -> None:
    payload = zlib.compress(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), 1)
    now = utcnow()
    with write_session(engine) as s:
        if s.get_bind().dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        stmt = insert(SharedResult).values(key=key, kind=kind, created_at=now, payload=payload,
                                           mac=_mac(payload))
        s.execute(stmt.on_conflict_do_update(
            index_elements=[SharedResult.key],
            set_={"created_at": stmt.excluded.created_at, "payload": stmt.excluded.payload,
                  "mac": stmt.excluded.mac, "kind": stmt.excluded.kind}))
        # results of this kind past their life are never read again
        s.execute(delete(SharedResult).where(SharedResult.kind == kind,
                                             SharedResult.created_at < now - dt.timedelta(seconds=ttl)))


@contextmanager
def _computing(engine: Engine, key: str, ttl: float) -> Iterator[object]:
    """Hold the right to compute ``key`` (PostgreSQL: an advisory lock, waited for up to
    LOCK_WAIT_S); yields what another server stored meanwhile, or _MISSING."""
    if engine.dialect.name != "postgresql":
        yield _MISSING
        return
    lock_id = int.from_bytes(bytes.fromhex(key[:16]), "big", signed=True)
    with engine.connect() as conn:
        deadline = time.monotonic() + LOCK_WAIT_S
        held = False
        while True:
            held = bool(conn.exec_driver_sql("SELECT pg_try_advisory_lock(%s)", (lock_id,)).scalar())
            conn.commit()
            if held:
                break
            found = _read(engine, key, ttl)  # another server is computing it: wait for it
            if found is not _MISSING or time.monotonic() > deadline:
                yield found
                return
            time.sleep(0.2)
        try:
            yield _read(engine, key, ttl)
        finally:
            conn.exec_driver_sql("SELECT pg_advisory_unlock(%s)", (lock_id,))
            conn.commit()


def shared(engine: Engine, kind: str, parts: tuple, compute: Callable[[], T], ttl: float = TTL_S,
           delegate: Callable[[str], object] | None = None) -> T:
    """The result of ``compute()`` for these inputs, computed once for every server.

    ``parts`` must name everything the result depends on (see the module's notes); the
    result must be guarded already. Database errors while reading or writing fall back to
    computing here: the page never fails because the shared copy could not be used.

    ``delegate(key)``, when given, may have the result computed elsewhere (the worker, see
    :func:`request`): it returns the stored result, or :data:`MISSING` to compute here.
    """
    key = key_of(kind, parts)
    try:
        found = _read(engine, key, ttl)
    except SQLAlchemyError as err:
        log.warning("shared result %s: not read (%s)", kind, err.__class__.__name__)
        return compute()
    if found is not _MISSING:
        return found  # type: ignore[return-value]
    if delegate is not None:
        try:
            found = delegate(key)
        except SQLAlchemyError as err:
            log.warning("shared result %s: not delegated (%s)", kind, err.__class__.__name__)
            found = _MISSING
        if found is not _MISSING:
            return found  # type: ignore[return-value]
    lock = _computing(engine, key, ttl)
    try:
        found = lock.__enter__()
    except SQLAlchemyError as err:  # the lock's connection failed: compute without it
        log.warning("shared result %s: computed without the lock (%s)", kind, err.__class__.__name__)
        return compute()
    try:
        if found is not _MISSING:
            return found  # type: ignore[return-value]
        value = compute()
        try:
            _write(engine, kind, key, value, ttl)
        except SQLAlchemyError as err:
            log.warning("shared result %s: not stored (%s)", kind, err.__class__.__name__)
        return value
    finally:
        try:
            lock.__exit__(None, None, None)
        except SQLAlchemyError as err:
            log.warning("shared result %s: lock not released (%s)", kind, err.__class__.__name__)


def put(engine: Engine, kind: str, parts: tuple, value: object, ttl: float = TTL_S) -> None:
    """Store (or replace) a value under these inputs."""
    _write(engine, kind, key_of(kind, parts), value, ttl)


def wait_for(engine: Engine, key: str, ttl: float, alive: Callable[[], bool], timeout: float,
             poll: float = 0.25) -> object:
    """The result stored under ``key`` once it appears, or MISSING when ``alive()`` turns
    false (whoever computes it gave up) or after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = _read(engine, key, ttl)
        if found is not _MISSING:
            return found
        if not alive():  # it may have been stored just before giving up its request
            return _read(engine, key, ttl)
        time.sleep(poll)
    return _read(engine, key, ttl)


def requests(engine: Engine, kind: str) -> list[tuple[str, object]]:
    """(row key, value) of the rows of a kind this process can verify, oldest first (the
    worker's queue). Rows signed with another key are left alone (another deployment's
    process may serve them; they expire with their kind's life)."""
    with read_session(engine) as s:
        rows = s.execute(select(SharedResult.key, SharedResult.payload, SharedResult.mac)
                         .where(SharedResult.kind == kind).order_by(SharedResult.created_at)).all()
    out = []
    for key, payload, mac in rows:
        payload = bytes(payload)
        if hmac.compare_digest(mac, _mac(payload)):
            try:
                out.append((key, pickle.loads(zlib.decompress(payload))))  # noqa: S301 - signed
            except Exception:  # noqa: BLE001 - signed by us but unreadable: dropped
                log.warning("%s row %s… unreadable: dropped", kind, key[:12])
                forget(engine, key)
    return out


def forget(engine: Engine, key: str) -> None:
    with write_session(engine) as s:
        s.execute(delete(SharedResult).where(SharedResult.key == key))


def any_stored(engine: Engine, kind: str, many: list[tuple], ttl: float = TTL_S) -> bool:
    """Whether a live result is stored for any of these inputs (not read, not computed)."""
    keys = [key_of(kind, parts) for parts in many]
    if not keys:
        return False
    since = utcnow() - dt.timedelta(seconds=ttl)
    with read_session(engine) as s:
        return s.execute(select(SharedResult.key).where(SharedResult.key.in_(keys),
                                                        SharedResult.created_at >= since)
                         .limit(1)).first() is not None


def clear(engine: Engine) -> int:
    """Forget every shared result (an erasure, a restore): the next page computes afresh."""
    with write_session(engine) as s:
        return s.execute(delete(SharedResult)).rowcount or 0
