"""Reissue of badges that name another address than RELAIS_PUBLIC_URL, on SQLite and PostgreSQL,
checked with openbadgeslib's verifier as the other badge tests."""

from __future__ import annotations

import pytest
from openbadgeslib.ob3 import OB3VerificationError, OB3Verifier
from sqlmodel import select

from i18n import RelaisError
from manage import main as manage
from recognition import badges, reissue
from recognition.tables import BadgeSuperseded
from storage.db import read_session
from storage.models import AuditLog
from tests.recognition.test_badges import AREAS, attendance, key, people  # noqa: F401

NEW = "https://relais.example.org"


def test_old_address_badges_are_reissued_once_and_the_old_ones_revoked(engine, key, monkeypatch,  # noqa: F811
                                                                      tmp_path, capsys):
    monkeypatch.delenv("RELAIS_PUBLIC_URL", raising=False)
    relay, learner, other = people(engine)
    badges.issue_badges(engine, attendance(relay, [learner, other]), key, "Org", AREAS)
    (old,) = badges.badges_of(engine, learner)
    assert reissue.named_status_url(old.token) == "https://relais.invalid/badges/status/revocation"
    badges.revoke(engine, badges.badges_of(engine, other)[0].id, None)  # revoked: left alone

    monkeypatch.setenv("RELAIS_PUBLIC_URL", NEW + "/")
    monkeypatch.setenv("RELAIS_BADGE_KEY", str(tmp_path / "var" / "badge_key.pem"))
    monkeypatch.setattr("manage.get_engine", lambda url=None: engine)
    assert manage(["reissue-badges"]) == 0
    assert capsys.readouterr().out.startswith("2 badge(s) reissued")
    assert reissue.reissue(engine, key, AREAS) == 0  # idempotent

    (new,) = badges.badges_of(engine, learner)  # what the link page offers for download
    assert new.id == old.id and new.credential_id != old.credential_id
    assert reissue.named_status_url(new.token) == f"{NEW}/badges/status/revocation"
    status = badges.status_list(engine, key)

    def fetch(url: str) -> bytes:  # a verifier reaching the address the badge names
        if url != badges.status_url():
            raise OB3VerificationError(f"cannot reach {url}")
        return status.encode()

    cred = OB3Verifier.for_issuer_did(key.did).verify(new.token, check_status=True,
                                                     download=fetch)
    assert cred.id == new.credential_id and "7 h" in str(cred.achievement.name)
    with pytest.raises(RelaisError, match="revoked"):  # the old copy no longer passes
        badges.verify(old.token, key, status)
    with pytest.raises(OB3VerificationError):  # nor can it be checked at its own address
        OB3Verifier.for_issuer_did(key.did).verify(old.token, check_status=True, download=fetch)
    with read_session(engine) as s:
        gone = s.exec(select(BadgeSuperseded)).all()
        logged = s.exec(select(AuditLog).where(AuditLog.action == "badge_reissued")).all()
    assert {g.credential_id for g in gone} >= {old.credential_id} and len(gone) == 2
    assert len(logged) == 2
    # a badge issued afterwards takes a bit no old credential holds
    late = people(engine, 1)[0]
    badges.issue_badges(engine, attendance(relay, [late]).assign(cohort_id="8-b", plan_id=8),
                        key, "Org", AREAS)
    (fresh,) = badges.badges_of(engine, late)
    assert fresh.status_index not in {g.status_index for g in gone}
    assert badges.verify(fresh.token, key, badges.status_list(engine, key))
