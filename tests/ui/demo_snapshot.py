"""Undo what a link-page test did to the shared demo database: its new responses, consents,
deactivations and expiries, so the pool of trainers who have not answered never runs dry."""

from __future__ import annotations

import pytest
from sqlalchemy import delete
from sqlmodel import select

from storage.db import make_engine, read_session, write_session
from storage.models import Consent, Invitation, Person, Response


@pytest.fixture
def restore_demo(demo_url):
    """Snapshot what link tests change; put it back afterwards."""
    eng = make_engine(demo_url)
    with read_session(eng) as s:
        responses = set(s.exec(select(Response.id)).all())
        consents = set(s.exec(select(Consent.id)).all())
        inactive = set(s.exec(select(Person.id).where(~Person.active)).all())
        expiring = set(s.exec(select(Invitation.id).where(Invitation.expires_at.is_not(None)))
                       .all())
    yield
    with write_session(eng) as s:
        new = [r for r in s.exec(select(Response.id)).all() if r not in responses]
        if new:
            s.execute(delete(Response).where(Response.id.in_(new)))  # answers, scores cascade
        s.execute(delete(Consent).where(Consent.id.not_in(consents or {-1})))
        for person in s.exec(select(Person).where(~Person.active)).all():
            if person.id not in inactive:
                person.active = True
        for inv in s.exec(select(Invitation).where(Invitation.expires_at.is_not(None))).all():
            if inv.id not in expiring:
                inv.expires_at = None
    eng.dispose()
