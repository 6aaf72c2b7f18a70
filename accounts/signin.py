"""Staff sign-in: one answer for every failure, growing lock-out, admin resets and roles.

Every attempt costs one argon2 verify, whether the email exists or not, so
neither the message nor the timing tells an attacker which emails are staff.
"""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from accounts import passwords, sessions, throttle
from i18n import N_, RelaisError
from storage import audit
from storage.db import read_session, write_session
from storage.models import Account, Person, Role, utcnow

STAFF_ROLES = frozenset({Role.manager, Role.director, Role.lead, Role.admin})
FREE_ATTEMPTS = 5  # failures before the first lock
FIRST_LOCK = dt.timedelta(seconds=30)  # doubles with every further failure
MAX_LOCK = dt.timedelta(minutes=15)
# The only thing a visitor learns from any failure (unknown email, bad password, locked).
FAILURE_MESSAGE = N_("Email or password is incorrect, or the account is temporarily locked. "
                     "Please try again in a few minutes.")


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def _find(s: Session, email: str) -> Person | None:
    email = normalise_email(email)
    if not email:
        return None
    return s.exec(select(Person).where(func.lower(Person.email) == email)).first()


def lock_duration(failed_attempts: int) -> dt.timedelta | None:
    """How long an account stays locked after this many consecutive failures."""
    if failed_attempts < FREE_ATTEMPTS:
        return None
    return min(FIRST_LOCK * 2 ** (failed_attempts - FREE_ATTEMPTS), MAX_LOCK)


def _aware(when: dt.datetime | None) -> dt.datetime | None:
    # SQLite hands back naive datetimes; storage is UTC by convention.
    return when.replace(tzinfo=dt.UTC) if when is not None and when.tzinfo is None else when


def _reserve_attempt(engine: Engine, account_id: int, client: str | None,
                     now: dt.datetime) -> tuple[str, str | None, int]:
    """Count this attempt as a failure before the password is checked, in one short
    transaction that holds the account row (FOR UPDATE; SQLite's BEGIN IMMEDIATE).

    Returns (verdict, stored hash, failures so far): verdict is "check", "locked" or
    "throttled". Because the count and the lock are written before the slow argon2
    verify, parallel attempts queue on the row and see each other's count: no more than
    FREE_ATTEMPTS guesses are ever checked before the lock, however many arrive at once.
    """
    with write_session(engine) as s:
        if not throttle.reserve(s, client, now):
            return "throttled", None, 0
        acc = s.exec(select(Account).where(Account.id == account_id).with_for_update()).one()
        if acc.locked_until is not None and _aware(acc.locked_until) > now:
            throttle.refund(s, client)  # the account lock, not this address, refused it
            return "locked", None, acc.failed_attempts
        acc.failed_attempts += 1
        lock = lock_duration(acc.failed_attempts)
        if lock is not None:  # in advance: cleared below if the password is right
            acc.locked_until = now + lock
        return "check", acc.password_hash, acc.failed_attempts


def authenticate(engine: Engine, email: str, password: str, where: str = "app",
                 now: dt.datetime | None = None, client: str | None = None) -> Person | None:
    """The active staff person with these credentials, or None (same cost either way).

    client is the caller's address, used only for the per-address throttle (hashed).
    """
    now = now or utcnow()
    with read_session(engine) as s:
        person = _find(s, email)
        account = (s.exec(select(Account).where(Account.person_id == person.id)).first()
                   if person is not None else None)
    usable = (person is not None and account is not None and person.active
              and not person.erased and person.role in STAFF_ROLES)
    if not usable:
        with write_session(engine) as s:
            allowed = throttle.reserve(s, client, now)
        passwords.verify(None, password or "")
        with write_session(engine) as s:
            audit.record(s, None, "sign_in_failed", "unknown or not allowed",
                         {"reason": "no_usable_account" if allowed else "throttled"}, where)
        return None

    verdict, stored_hash, failures = _reserve_attempt(engine, account.id, client, now)
    ok = passwords.verify(stored_hash, password or "") and verdict == "check"
    with write_session(engine) as s:
        if verdict != "check":
            audit.record(s, None, "sign_in_failed", f"person:{person.id}", {"reason": verdict},
                         where)
            return None
        if not ok:
            audit.record(s, None, "sign_in_failed", f"person:{person.id}",
                         {"reason": "bad_password", "attempts": failures}, where)
            lock = lock_duration(failures)
            if lock is not None:
                audit.record(s, None, "locked_out", f"person:{person.id}",
                             {"seconds": int(lock.total_seconds())}, where)
            return None
        acc = s.exec(select(Account).where(Account.id == account.id).with_for_update()).one()
        throttle.refund(s, client)
        acc.failed_attempts = 0
        acc.locked_until = None
        acc.last_sign_in_at = now
        if acc.must_change_password:
            # A one-time password works once: consumed now, the person sets a new one
            # in this session before anything else (ui.context.require).
            acc.password_hash = None
        elif passwords.needs_rehash(acc.password_hash):
            acc.password_hash = passwords.HASHER.hash(password)
        audit.record(s, person, "sign_in", f"person:{person.id}",
                     {"method": "one_time_password" if acc.must_change_password
                      else "password"}, where)
        return person


def staff_for_verified_email(engine: Engine, email: str, where: str = "oidc") -> Person | None:
    """The active staff person an identity provider vouched for, recorded in the audit log."""
    with write_session(engine) as s:
        person = _find(s, email)
        if (person is None or not person.active or person.erased
                or person.role not in STAFF_ROLES):
            audit.record(s, None, "sign_in_failed", "unknown or not allowed",
                         {"reason": "oidc_no_staff"}, where)
            return None
        audit.record(s, person, "sign_in", f"person:{person.id}", {"method": "oidc"}, where)
        return person


def record_unverified_email(engine: Engine, where: str = "oidc") -> None:
    """An identity provider did not vouch for the email it sent: refused, and audited."""
    with write_session(engine) as s:
        audit.record(s, None, "sign_in_failed", "unknown or not allowed",
                     {"reason": "oidc_email_not_verified"}, where)


def record_sign_out(engine: Engine, person_id: int, where: str = "app") -> None:
    with write_session(engine) as s:
        audit.record(s, s.get(Person, person_id), "sign_out", f"person:{person_id}", {}, where)


def set_password(engine: Engine, person_id: int, password: str,
                 must_change: bool = False) -> None:
    """Store a new argon2id hash for a staff person (creating their account if needed)."""
    new_hash = passwords.hash_password(password)
    with write_session(engine) as s:
        acc = s.exec(select(Account).where(Account.person_id == person_id)).first()
        if acc is None:
            acc = Account(person_id=person_id)
            s.add(acc)
        acc.password_hash, acc.must_change_password = new_hash, must_change
        acc.failed_attempts, acc.locked_until = 0, None


def reset_password(engine: Engine, admin: Person | None, email: str,
                   where: str = "app") -> str:
    """Give a staff person a fresh one-time password (returned once, never stored in clear)."""
    with read_session(engine) as s:
        person = _find(s, email)
    if person is None or person.erased or person.role not in STAFF_ROLES:
        raise RelaisError("No staff member has the email {email}.", email=email)
    temporary = secrets.token_urlsafe(12)
    set_password(engine, person.id, temporary, must_change=True)
    sessions.end_all_for_person(engine, person.id)  # whoever held the old password is out
    with write_session(engine) as s:
        audit.record(s, admin, "password_reset", f"person:{person.id}", {}, where)
    return temporary


def change_password(engine: Engine, person_id: int, current: str, new: str) -> None:
    """Let a signed-in person replace their password, proving they know the current one."""
    with read_session(engine) as s:
        acc = s.exec(select(Account).where(Account.person_id == person_id)).first()
    if acc is None or not passwords.verify(acc.password_hash, current):
        raise RelaisError("The current password is incorrect.")
    set_password(engine, person_id, new)


def replace_one_time_password(engine: Engine, person_id: int, new: str,
                              where: str = "app") -> None:
    """Set the password of someone who signed in with a one-time password (already consumed,
    so there is no current password to prove); refused when no reset is pending."""
    new_hash = passwords.hash_password(new)
    with write_session(engine) as s:
        acc = s.exec(select(Account).where(Account.person_id == person_id)
                     .with_for_update()).first()
        if acc is None or not acc.must_change_password:
            raise RelaisError("No password change is pending for this account.")
        acc.password_hash, acc.must_change_password = new_hash, False
        acc.failed_attempts, acc.locked_until = 0, None
        audit.record(s, s.get(Person, person_id), "password_changed", f"person:{person_id}",
                     {"after": "one_time_password"}, where)


def must_change_password(engine: Engine, person_id: int) -> bool:
    with read_session(engine) as s:
        acc = s.exec(select(Account).where(Account.person_id == person_id)).first()
    return bool(acc and acc.must_change_password)


def set_role(engine: Engine, admin: Person | None, person_id: int, role: str,
             where: str = "app") -> None:
    """Change a person's role, recorded in the audit log with the old and new role."""
    if role not in set(Role):
        raise RelaisError("Unknown role {role}.", role=role)
    with write_session(engine) as s:
        person = s.get(Person, person_id)
        if person is None or person.erased:
            raise RelaisError("This person does not exist.")
        old = person.role
        if old == role:
            return
        person.role, person.updated_at = role, utcnow()
        audit.record(s, admin, "role_changed", f"person:{person_id}",
                     {"from": old, "to": role}, where)
