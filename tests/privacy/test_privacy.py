"""Export, erasure, retention and consent withdrawal."""

import datetime as dt
import json

import pytest
from sqlalchemy import func, inspect, text
from sqlmodel import select

from accounts import signin
from privacy.consent import consenting, has_consented, set_consent, withdraw_consent
from privacy.erase import anonymise_expired, erase_person, export_person
from storage.db import read_session, write_session
from storage.models import (
    Answer, AuditLog, Invitation, Person, Region, Response, ResponseScore, Site,
)
from tests.privacy.helpers import add_response

SUBMITTED_SCORES = (select(func.count()).select_from(ResponseScore)
                    .join(Response, Response.id == ResponseScore.response_id)
                    .where(Response.status == "submitted"))
IDENTITY = ("Paulette", "Quintal-Zed", "paulette.qz@exemple.fr", "MAT-98765")


@pytest.fixture
def org(engine):
    with write_session(engine) as s:
        r = Region(code="R", name="Région")
        s.add(r)
        s.flush()
        site = Site(code="S", name="Site", region_id=r.id)
        s.add(site)
        s.flush()
        first, last, email, ext = IDENTITY
        p = Person(first_name=first, last_name=last, email=email, external_id=ext,
                   role="manager", site_id=site.id)
        admin = Person(first_name="Ada", last_name="Admin", email="ada@ex.fr", role="admin")
        others = [Person(first_name=f"T{i}", last_name="X", email=f"t{i}@ex.fr",
                         site_id=site.id) for i in range(5)]
        s.add_all([p, admin, *others])
        s.flush()
        ids = {"person": p.id, "admin": admin.id, "others": [o.id for o in others]}
    signin.set_password(engine, ids["person"], "a long password")
    signin.authenticate(engine, IDENTITY[2], "a long password")
    signin.authenticate(engine, IDENTITY[2], "wrong password")
    ids["response"] = add_response(engine, ids["person"])
    ids["draft"] = add_response(engine, ids["person"], status="draft")
    for other in ids["others"]:
        add_response(engine, other)
    set_consent(engine, ids["person"], True)
    return engine, ids


def dump_database(engine) -> str:
    """Every row of every table as text, to search for a trace."""
    out = []
    with engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            out += [repr(tuple(row)) for row in conn.execute(text(f'SELECT * FROM "{table}"'))]
    return "\n".join(out)


def test_export_holds_everything_but_secrets(org):
    engine, ids = org
    data = export_person(engine, ids["person"])
    blob = json.dumps(data)  # JSON-ready
    assert data["person"]["email"] == IDENTITY[2]
    assert {a["item"] for r in data["responses"] for a in r["answers"]} >= {"a1", "free"}
    assert data["consents"][0]["granted"] is True
    assert data["account"]["has_password"] is True
    assert {e["action"] for e in data["audit"]} >= {"sign_in", "sign_in_failed"}
    assert "argon2" not in blob and "token" not in blob and "a long password" not in blob
    with read_session(engine) as s:
        assert s.exec(select(AuditLog).where(AuditLog.action == "person_exported")).one()


def test_erasure_leaves_no_trace_and_keeps_aggregates(org):
    engine, ids = org
    with read_session(engine) as s:
        admin = s.get(Person, ids["admin"])
        before_scores = s.exec(SUBMITTED_SCORES).one()
        before_submitted = s.exec(select(func.count()).select_from(Response)
                                  .where(Response.status == "submitted")).one()
    counts = erase_person(engine, ids["person"], admin)
    assert counts["responses_kept_anonymous"] == 1 and counts["drafts_deleted"] == 1
    dump = dump_database(engine)
    for trace in IDENTITY + (f"Paul <{ids['person']}>", f"person:{ids['person']}"):
        assert trace not in dump, trace
    with read_session(engine) as s:
        assert not s.exec(select(Response).where(Response.person_id == ids["person"])).all()
        assert not s.exec(select(Answer).where(Answer.response_id == ids["response"])).all()
        kept = s.get(Response, ids["response"])
        assert kept.person_id is None and kept.status == "submitted" and kept.site_id
        # aggregates count the same respondents: the stored scores are all still there
        assert s.exec(SUBMITTED_SCORES).one() == before_scores
        assert s.exec(select(func.count()).select_from(Response)
                      .where(Response.status == "submitted")).one() == before_submitted
        assert not s.exec(select(Invitation).where(Invitation.person_id == ids["person"])).all()
        erased = s.get(Person, ids["person"])
        assert erased.erased and erased.role == "" and erased.site_id is None
    assert signin.authenticate(engine, IDENTITY[2], "a long password") is None
    data = export_person(engine, ids["person"])
    assert IDENTITY[2] not in json.dumps(data) and not data["responses"]


def test_retention_anonymises_only_old_closed_campaigns(org):
    engine, ids = org
    recent = add_response(engine, ids["others"][0], ends_on=dt.date(2026, 6, 30))
    running = add_response(engine, ids["others"][1], campaign_status="open",
                           ends_on=dt.date(2020, 1, 1))
    n = anonymise_expired(engine, days=365, today=dt.date(2026, 9, 1))
    assert n == 2 + 5  # the manager's submitted and draft, the five trainers' (all 2024)
    with read_session(engine) as s:
        assert s.get(Response, recent).person_id is not None
        assert s.get(Response, running).person_id is not None
        assert s.get(Response, ids["response"]).person_id is None
        assert s.exec(select(ResponseScore).where(
            ResponseScore.response_id == ids["response"])).one().score == 75.0
    assert anonymise_expired(engine, days=365, today=dt.date(2026, 9, 1)) == 0


def test_consent_withdrawal_takes_effect_at_once_everywhere(org):
    engine, ids = org
    assert has_consented(engine, ids["person"])
    withdraw_consent(engine, ids["person"])
    assert not has_consented(engine, ids["person"])
    assert ids["person"] not in consenting(engine)
    with read_session(engine) as s:
        entry = s.exec(select(AuditLog).where(AuditLog.action == "consent_withdrawn")).one()
    assert entry.detail["where"] == "link"


def test_audit_never_holds_passwords_or_answers(org):
    engine, ids = org
    temp = signin.reset_password(engine, None, IDENTITY[2])
    export_person(engine, ids["person"])
    with read_session(engine) as s:
        details = json.dumps([e.detail for e in s.exec(select(AuditLog)).all()]) + " ".join(
            e.target for e in s.exec(select(AuditLog)).all())
    for secret in ("a long password", "wrong password", temp, "Mon collègue Paul", "argon2"):
        assert secret not in details
    from storage.audit import record
    with write_session(engine) as s:
        entry = record(s, None, "export", "x", {"password": "p", "answers": [1], "rows": 3})
    assert entry.detail == {"rows": 3, "where": "app"}
