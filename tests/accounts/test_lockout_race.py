"""Lock-out under parallel attack (real threads, SQLite and PostgreSQL), and the per-address
throttle that keeps only keyed hashes of addresses."""

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

from sqlmodel import select

from accounts import signin, throttle
from storage.db import read_session
from storage.models import Account, AuditLog, SignInThrottle
from tests.accounts.test_signin import PASSWORD, add_people

PARALLEL = 24


def _failed_reasons(engine):
    with read_session(engine) as s:
        rows = s.exec(select(AuditLog).where(AuditLog.action == "sign_in_failed")).all()
    return [r.detail.get("reason") for r in rows]


def test_parallel_wrong_passwords_then_the_right_one_leave_the_account_locked(engine):
    ids = add_people(engine)
    barrier = threading.Barrier(PARALLEL)

    def attempt(i):
        barrier.wait()  # all threads fire together
        # each from its own address: this is the account lock, not the address throttle
        return signin.authenticate(engine, "ada@ex.fr", f"wrong guess {i:03d}",
                                   client=f"198.51.100.{i}")

    with ThreadPoolExecutor(PARALLEL) as pool:
        results = list(pool.map(attempt, range(PARALLEL)))
    assert results == [None] * PARALLEL
    assert signin.authenticate(engine, "ada@ex.fr", PASSWORD, client="203.0.113.9") is None

    reasons = _failed_reasons(engine)
    # never more guesses checked against the hash than the free attempts
    assert reasons.count("bad_password") <= signin.FREE_ATTEMPTS
    assert reasons.count("locked") == PARALLEL + 1 - reasons.count("bad_password")
    with read_session(engine) as s:
        acc = s.exec(select(Account).where(Account.person_id == ids["admin"])).one()
    assert acc.failed_attempts >= signin.FREE_ATTEMPTS and acc.locked_until is not None


def test_one_address_is_throttled_across_accounts_but_not_others(engine, monkeypatch):
    add_people(engine)
    monkeypatch.setattr(throttle, "MAX_FAILURES", 6)
    attacker, colleague = "192.0.2.66", "192.0.2.10"
    for i in range(6):  # spread over emails, so no account reaches its own lock
        email = ["ada@ex.fr", "manon@ex.fr", "nobody@ex.fr"][i % 3]
        assert signin.authenticate(engine, email, f"guess number {i}", client=attacker) is None
    # the address is over its limit: even a right password from it is refused
    assert signin.authenticate(engine, "manon@ex.fr", PASSWORD, client=attacker) is None
    assert _failed_reasons(engine)[-1] == "throttled"
    # another address is not affected, and a success does not count as a failure
    assert signin.authenticate(engine, "manon@ex.fr", PASSWORD, client=colleague) is not None
    with read_session(engine) as s:
        rows = s.exec(select(SignInThrottle)).all()
    stored = " ".join(f"{r.key_hash} {r.failures}" for r in rows)
    assert attacker not in stored and colleague not in stored  # only keyed hashes
    assert {r.key_hash: r.failures for r in rows}[throttle.client_key(colleague)] == 0


def test_the_address_window_expires(engine, monkeypatch):
    add_people(engine)
    monkeypatch.setattr(throttle, "MAX_FAILURES", 2)
    now = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    for i in range(3):
        signin.authenticate(engine, "nobody@ex.fr", "x" * 12, client="192.0.2.1", now=now)
    assert signin.authenticate(engine, "manon@ex.fr", PASSWORD, client="192.0.2.1",
                               now=now) is None
    later = now + throttle.WINDOW + dt.timedelta(seconds=1)
    assert signin.authenticate(engine, "manon@ex.fr", PASSWORD, client="192.0.2.1",
                               now=later) is not None
