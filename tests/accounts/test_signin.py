"""Sign-in: argon2id parameters, one answer for every failure, lock-out, resets, roles, audit."""

import datetime as dt
import time

import pytest
from argon2 import Type, extract_parameters
from sqlmodel import select

from accounts import passwords, signin
from i18n import RelaisError
from storage.db import read_session, write_session
from storage.models import Account, AuditLog, Person, Region, Site

PASSWORD = "correct horse battery"


def add_people(engine):
    with write_session(engine) as s:
        r = Region(code="R1", name="Région 1")
        s.add(r)
        s.flush()
        site = Site(code="S1", name="Site 1", region_id=r.id)
        s.add(site)
        s.flush()
        people = {
            "manager": Person(email="manon@ex.fr", first_name="Manon", last_name="M",
                              role="manager", site_id=site.id),
            "admin": Person(email="ada@ex.fr", first_name="Ada", last_name="A", role="admin"),
            "trainer": Person(email="theo@ex.fr", first_name="Théo", last_name="T",
                              role="trainer", site_id=site.id),
        }
        s.add_all(people.values())
        s.flush()
        ids = {k: p.id for k, p in people.items()}
    for key in ids:
        signin.set_password(engine, ids[key], PASSWORD)
    return ids


def test_hash_is_argon2id_with_at_least_owasp_parameters():
    params = extract_parameters(passwords.hash_password(PASSWORD))
    assert params.type is Type.ID
    assert params.memory_cost >= 19_456 and params.time_cost >= 2 and params.parallelism == 1


def test_short_password_is_refused():
    with pytest.raises(RelaisError):
        passwords.hash_password("short")


def test_right_password_signs_in_and_is_audited(engine):
    ids = add_people(engine)
    person = signin.authenticate(engine, " Manon@EX.fr ", PASSWORD)
    assert person is not None and person.id == ids["manager"]
    with read_session(engine) as s:
        entry = s.exec(select(AuditLog).where(AuditLog.action == "sign_in")).one()
    assert entry.actor_id == ids["manager"] and entry.detail["where"] == "app"
    assert PASSWORD not in str(entry.detail)


@pytest.mark.parametrize("email,password", [
    ("manon@ex.fr", "wrong password!"),      # known email, wrong password
    ("nobody@ex.fr", PASSWORD),               # unknown email
    ("theo@ex.fr", PASSWORD),                 # a trainer: links only, no sign-in
    ("", ""),
])
def test_every_failure_is_the_same_none(engine, email, password):
    add_people(engine)
    assert signin.authenticate(engine, email, password) is None


def test_unknown_email_costs_an_argon2_verify_like_a_wrong_password(sqlite_engine):
    """Same order of time: an unknown email is not answered faster than a wrong password."""
    add_people(sqlite_engine)

    def median(email):
        runs = []
        for _ in range(5):
            start = time.perf_counter()
            signin.authenticate(sqlite_engine, email, "not the password")
            runs.append(time.perf_counter() - start)
        return sorted(runs)[2]

    known, unknown = median("ada@ex.fr"), median("ghost@ex.fr")
    # Both include one argon2 verify (tens of ms); a shortcut would be 10x faster.
    assert unknown > known / 3 and known > unknown / 3


def test_lock_out_grows_and_refuses_even_the_right_password(engine):
    ids = add_people(engine)
    now = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
    for _ in range(signin.FREE_ATTEMPTS):
        assert signin.authenticate(engine, "ada@ex.fr", "bad guess 123", now=now) is None
    # locked: the right password is refused during the lock
    assert signin.authenticate(engine, "ada@ex.fr", PASSWORD,
                               now=now + dt.timedelta(seconds=10)) is None
    # after the lock, the right password works and resets the counter
    later = now + signin.FIRST_LOCK + dt.timedelta(seconds=1)
    assert signin.authenticate(engine, "ada@ex.fr", PASSWORD, now=later) is not None
    with read_session(engine) as s:
        acc = s.exec(select(Account).where(Account.person_id == ids["admin"])).one()
        actions = [a.action for a in s.exec(select(AuditLog)).all()]
    assert acc.failed_attempts == 0 and acc.locked_until is None
    assert "locked_out" in actions


@pytest.mark.parametrize("failures,expected", [
    (0, None), (4, None), (5, dt.timedelta(seconds=30)), (6, dt.timedelta(seconds=60)),
    (8, dt.timedelta(seconds=240)), (30, dt.timedelta(minutes=15)),
])
def test_lock_duration_grows_then_caps(failures, expected):
    assert signin.lock_duration(failures) == expected


def test_admin_reset_gives_a_working_one_time_password(engine):
    ids = add_people(engine)
    with read_session(engine) as s:
        admin = s.get(Person, ids["admin"])
    temp = signin.reset_password(engine, admin, "manon@ex.fr")
    assert signin.authenticate(engine, "manon@ex.fr", PASSWORD) is None
    assert signin.authenticate(engine, "manon@ex.fr", temp) is not None
    with read_session(engine) as s:
        acc = s.exec(select(Account).where(Account.person_id == ids["manager"])).one()
        entries = s.exec(select(AuditLog).where(AuditLog.action == "password_reset")).all()
    assert acc.must_change_password
    assert len(entries) == 1 and temp not in str(entries[0].detail) + entries[0].target
    with pytest.raises(RelaisError):
        signin.reset_password(engine, admin, "theo@ex.fr")  # trainers have no password


def test_role_change_is_audited_with_old_and_new_role(engine):
    ids = add_people(engine)
    signin.set_role(engine, None, ids["trainer"], "manager")
    with read_session(engine) as s:
        entry = s.exec(select(AuditLog).where(AuditLog.action == "role_changed")).one()
        assert s.get(Person, ids["trainer"]).role == "manager"
    assert entry.detail["from"] == "trainer" and entry.detail["to"] == "manager"
    with pytest.raises(RelaisError):
        signin.set_role(engine, None, ids["trainer"], "pope")


def test_oidc_email_maps_to_staff_only(engine):
    add_people(engine)
    assert signin.staff_for_verified_email(engine, "ADA@ex.fr").role == "admin"
    assert signin.staff_for_verified_email(engine, "theo@ex.fr") is None
    assert signin.staff_for_verified_email(engine, "x@y.z") is None
