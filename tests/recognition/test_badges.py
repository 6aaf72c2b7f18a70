"""Badges: issued from attendance, verified and revoked with openbadgeslib's verifier.

Database tests run on SQLite and PostgreSQL.
"""

from __future__ import annotations

import base64
import json
import stat
import uuid

import pandas as pd
import pytest
from openbadgeslib.ob3 import OB3VerificationError, OB3Verifier
from sqlmodel import select

from i18n import RelaisError
from manage import main as manage
from privacy.erase import erase_person
from recognition import badges
from recognition.keys import load_key
from storage.db import read_session, write_session
from storage.models import AuditLog, Badge, Person

AREAS = {"assessment": {"fr": "Évaluation", "en": "Assessment"}}


def people(engine, n: int = 3) -> list[int]:  # noqa: ANN001
    with write_session(engine) as s:
        tag = uuid.uuid4().hex[:8]
        rows = [
            Person(
                first_name=f"P{i}",
                last_name="T",
                email=f"p{i}.{tag}@example.org",
                language="en" if i % 2 else "fr",
            )
            for i in range(n)
        ]
        s.add_all(rows)
        s.flush()
        return [p.id for p in rows]


def attendance(relay: int, learners: list[int], absent: list[int] = ()) -> pd.DataFrame:  # noqa: ANN001
    rows = []
    for session in (1, 2):
        rows.append(
            {
                "person_id": relay,
                "role": "relay",
                "area": "assessment",
                "cohort_id": "7-a",
                "plan_id": 7,
                "hours": 3.5,
                "attended": True,
                "campaign_id": 1,
            }
        )
        for p in learners:
            rows.append(
                {
                    "person_id": p,
                    "role": "learner",
                    "area": "assessment",
                    "cohort_id": "7-a",
                    "plan_id": 7,
                    "hours": 3.5,
                    "attended": True,
                    "campaign_id": 1,
                }
            )
        for p in absent:
            rows.append(
                {
                    "person_id": p,
                    "role": "learner",
                    "area": "assessment",
                    "cohort_id": "7-a",
                    "plan_id": 7,
                    "hours": 3.5,
                    "attended": session == 1,
                    "campaign_id": 1,
                }
            )
    return pd.DataFrame(rows)


@pytest.fixture
def key(tmp_path):  # noqa: ANN001
    return load_key(tmp_path / "var" / "badge_key.pem")


def test_key_is_made_once_outside_the_database_and_private(tmp_path):
    path = tmp_path / "var" / "badge_key.pem"
    first = load_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_key(path).did == first.did  # not replaced on the next use
    assert first.did.startswith("did:key:z6Mk")  # Ed25519


def test_missing_key_is_a_clear_error_when_not_created(tmp_path):
    with pytest.raises(RelaisError, match="does not exist"):
        load_key(tmp_path / "none.pem", create=False)


def test_eligibility_relay_led_learner_completed():
    frame = badges.eligible(attendance(1, [2], absent=[3]))
    got = {(r.person_id, r.role, r.hours) for r in frame.itertuples()}
    assert got == {(1, "relay", 7.0), (2, "learner", 7.0)}
    assert frame["cohort_id"].map(type).eq(str).all()
    half = badges.eligible(attendance(1, [2], absent=[3]), min_share=0.5)
    assert (3, "learner", 3.5) in {(r.person_id, r.role, r.hours) for r in half.itertuples()}


def payload(token: str) -> dict:
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def test_issue_verify_revoke(engine, key):  # noqa: ANN001
    relay, learner, absent = people(engine)
    assert (
        badges.issue_badges(engine, attendance(relay, [learner], [absent]), key, "Org", AREAS) == 2
    )
    # issuing again gives nothing new
    assert (
        badges.issue_badges(engine, attendance(relay, [learner], [absent]), key, "Org", AREAS) == 0
    )
    (mine,) = badges.badges_of(engine, learner)
    assert badges.badges_of(engine, absent) == []
    body = payload(mine.token)
    assert body["issuer"]["id"] == key.did
    # the learner's language (fr for an even index), area and hours in the badge's name
    assert body["credentialSubject"]["achievement"]["name"] in (
        "Formé·e en Évaluation (7 h)",
        "Trained in Assessment (7 h)",
    )
    assert "@example.org" not in mine.token  # only a salted hash of the email

    # the library's verifier alone, offline (did:key resolves without a network)
    cred = OB3Verifier.for_issuer_did(key.did).verify(mine.token)
    assert cred.id == mine.credential_id
    status = badges.status_list(engine, key)
    checked = badges.verify(mine.token, key, status)
    assert "7 h" in checked.name

    lead = people(engine, 1)[0]
    with read_session(engine) as s:
        actor = s.get(Person, lead)
    badges.revoke(engine, mine.id, actor, "attendance entered by mistake")
    status = badges.status_list(engine, key)
    with pytest.raises(RelaisError, match="revoked"):
        badges.verify(mine.token, key, status)
    with pytest.raises(OB3VerificationError):
        OB3Verifier.for_issuer_did(key.did).verify(
            mine.token, check_status=True, download=lambda url: status.encode()
        )
    # the relay's badge is untouched by the learner's revocation
    (led,) = badges.badges_of(engine, relay)
    assert badges.verify(led.token, key, status).name == "Formateur·rice relais : Évaluation (7 h)"
    with read_session(engine) as s:
        assert (
            s.exec(select(AuditLog).where(AuditLog.action == "badge_revoked")).first() is not None
        )


def test_a_forged_or_altered_badge_fails(engine, key, tmp_path):  # noqa: ANN001
    relay, learner, _ = people(engine)
    badges.issue_badges(engine, attendance(relay, [learner]), key, "Org", AREAS)
    (mine,) = badges.badges_of(engine, learner)
    status = badges.status_list(engine, key)
    head, body, sig = mine.token.split(".")
    data = payload(mine.token)
    data["credentialSubject"]["achievement"]["name"] = "Trained in Assessment (700 h)"
    forged = ".".join(
        [head, base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("="), sig]
    )
    with pytest.raises(RelaisError, match="not valid"):
        badges.verify(forged, key, status)
    other = load_key(tmp_path / "other.pem")
    with pytest.raises(RelaisError, match="not valid"):
        badges.verify(mine.token, other, badges.status_list(engine, other))


def test_badge_stays_valid_after_erasure_unless_revoked(engine, key):  # noqa: ANN001
    relay, learner, _ = people(engine)
    badges.issue_badges(engine, attendance(relay, [learner]), key, "Org", AREAS)
    (mine,) = badges.badges_of(engine, learner)
    erase_person(engine, learner)
    assert badges.badges_of(engine, learner) == []
    with read_session(engine) as s:
        row = s.get(Badge, mine.id)
        assert row.person_id is None and row.token is None
    # the copy the person downloaded still verifies
    assert (
        badges.verify(mine.token, key, badges.status_list(engine, key)).credential_id
        == mine.credential_id
    )


def test_verify_badge_command(engine, key, tmp_path, monkeypatch, capsys):  # noqa: ANN001
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("RELAIS_BADGE_KEY", str(tmp_path / "var" / "badge_key.pem"))
    from storage import db

    db.get_engine.cache_clear()
    monkeypatch.setattr("manage.get_engine", lambda url=None: engine)
    relay, learner, _ = people(engine)
    badges.issue_badges(engine, attendance(relay, [learner]), key, "Org", AREAS)
    (mine,) = badges.badges_of(engine, learner)
    file = tmp_path / "badge.jwt"
    file.write_text(mine.token)
    assert manage(["verify-badge", str(file)]) == 0
    assert "valid" in capsys.readouterr().out
    badges.revoke(engine, mine.id, None)
    assert manage(["verify-badge", str(file)]) == 2
    assert "révoqué" in capsys.readouterr().err
    image = tmp_path / "badge.svg"
    image.write_bytes(badges.badge_svg(mine.token, "Badge", "Évaluation", 7))
    assert badges.read_token(image.read_bytes()) == mine.token
    assert manage(["verify-badge", str(image)]) == 2  # still revoked, read from the image
    capsys.readouterr()
    junk = tmp_path / "junk.txt"
    junk.write_text("hello")
    assert manage(["verify-badge", str(junk)]) == 2
    assert "pas un badge" in capsys.readouterr().err


def test_two_issuers_at_once_give_each_badge_once(engine, key):  # noqa: ANN001
    from concurrent.futures import ThreadPoolExecutor

    ids = people(engine, 12)
    frame = attendance(ids[0], ids[1:])
    with ThreadPoolExecutor(2) as pool:
        counts = list(
            pool.map(lambda _: badges.issue_badges(engine, frame, key, "Org", AREAS), range(2))
        )
    assert sum(counts) == 12
    with read_session(engine) as s:
        rows = s.exec(select(Badge)).all()
    assert len(rows) == 12 and len({b.status_index for b in rows}) == 12


def test_verify_badge_refuses_a_missing_or_huge_file(tmp_path, capsys):  # noqa: ANN001
    assert manage(["verify-badge", str(tmp_path / "nope.jwt")]) == 2
    assert "Il n'y a pas de fichier" in capsys.readouterr().err
    big = tmp_path / "big.jwt"
    big.write_bytes(b"a" * (badges.MAX_FILE_BYTES + 1))
    assert manage(["verify-badge", str(big)]) == 2
    assert "trop gros" in capsys.readouterr().err
