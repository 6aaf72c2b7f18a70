"""The schema, constraints and SQLite settings, on both databases."""

import datetime as dt

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from storage.db import read_session, write_session
from storage.models import (
    Answer, Campaign, Person, QuestionnaireVersion, Region, Response, Site, utcnow,
)

TABLES = {"region", "site", "person", "account", "campaign", "questionnaireversion",
          "invitation", "response", "answer", "responsescore", "consent", "auditlog",
          "actionplan", "planaction", "setting", "cohortplan", "disclosurerelease", "alembic_version"}


def seed(session):
    region = Region(code="BRE", name="Bretagne")
    session.add(region)
    session.flush()
    site = Site(code="RNS", name="Rennes", region_id=region.id)
    session.add(site)
    session.flush()
    person = Person(first_name="Élise", last_name="Le Goff", email="elise@example.fr",
                    site_id=site.id)
    qv = QuestionnaireVersion(key="trainer", version=1, checksum="a" * 64, definition={"k": 1})
    session.add_all([person, qv])
    session.flush()
    camp = Campaign(name="Référence", starts_on=dt.date(2025, 10, 1), ends_on=dt.date(2025, 11, 1),
                    trainer_qv_id=qv.id, organisation_qv_id=qv.id)
    session.add(camp)
    session.flush()
    return site, person, qv, camp


def test_migrations_create_every_table(engine):
    assert TABLES <= set(inspect(engine).get_table_names())


def test_round_trip_keeps_accents_json_and_utc(engine):
    with write_session(engine) as s:
        site, person, qv, camp = seed(s)
        resp = Response(campaign_id=camp.id, person_id=person.id, questionnaire_version_id=qv.id,
                        role="trainer", site_id=site.id, idempotency_key="k1",
                        profile={"modalities": ["hybrid"]})
        s.add(resp)
        s.flush()
        s.add(Answer(response_id=resp.id, item_id="T-ENG-1", value=3))
        s.add(Answer(response_id=resp.id, item_id="T-ENG-2", not_applicable=True))
    with read_session(engine) as s:
        p = s.exec(select(Person)).one()
        assert p.first_name == "Élise"
        r = s.exec(select(Response)).one()
        assert r.profile == {"modalities": ["hybrid"]}
        assert r.started_at.tzinfo is not None
        assert abs((utcnow() - r.started_at).total_seconds()) < 60
        values = {a.item_id: (a.value, a.not_applicable) for a in s.exec(select(Answer))}
        assert values == {"T-ENG-1": (3, False), "T-ENG-2": (None, True)}


@pytest.mark.parametrize("dupe", ["email", "idempotency_key", "answer_item"])
def test_unique_constraints_refuse_duplicates(engine, dupe):
    with write_session(engine) as s:
        site, person, qv, camp = seed(s)
        resp = Response(campaign_id=camp.id, person_id=person.id, questionnaire_version_id=qv.id,
                        role="trainer", site_id=site.id, idempotency_key="k1")
        s.add(resp)
        s.flush()
        s.add(Answer(response_id=resp.id, item_id="T-1", value=1))
        resp_id = resp.id
    with pytest.raises(IntegrityError):
        with write_session(engine) as s:
            if dupe == "email":
                s.add(Person(first_name="A", last_name="B", email="elise@example.fr"))
            elif dupe == "idempotency_key":
                s.add(Response(campaign_id=1, person_id=None, questionnaire_version_id=1,
                               role="trainer", idempotency_key="k1"))
            else:
                s.add(Answer(response_id=resp_id, item_id="T-1", value=2))
    with read_session(engine) as s:  # the failed write changed nothing
        assert len(s.exec(select(Person)).all()) == 1
        assert s.exec(select(Answer)).one().value == 1


def test_foreign_keys_are_enforced(engine):
    with pytest.raises(IntegrityError):
        with write_session(engine) as s:
            s.add(Site(code="X", name="Nowhere", region_id=999))


def test_sqlite_runs_wal_with_foreign_keys_and_busy_timeout(sqlite_engine):
    with sqlite_engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_write_session_rolls_back_on_error(engine):
    with pytest.raises(RuntimeError):
        with write_session(engine) as s:
            s.add(Region(code="X", name="Temp"))
            s.flush()
            raise RuntimeError("boom")
    with read_session(engine) as s:
        assert s.exec(select(Region)).all() == []
