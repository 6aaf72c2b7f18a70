"""Reissue badges that name another address than RELAIS_PUBLIC_URL (``manage.py reissue-badges``).

Badges issued before the public address was set name ``https://relais.invalid`` as their
revocation list: a verifier cannot fetch it, so it cannot tell whether they were revoked.
For every valid badge (not revoked, still held by a person) whose credential names another
list address than :func:`recognition.badges.status_url`, a fresh credential is signed with
the right address and a new status bit; the badge row then holds it (so the link page's
download gives the new one), and the old credential's bit goes to ``badgesuperseded``, which
sets it in the revocation list. Running it again changes nothing.
"""

from __future__ import annotations

import base64
import json
import uuid

from sqlalchemy.engine import Engine
from sqlmodel import select

from recognition import badges
from recognition.keys import OrgKey
from recognition.tables import BadgeSuperseded
from storage import audit
from storage.db import write_session
from storage.models import Badge, Person, utcnow


def claims(token: str) -> dict:
    """The unverified payload of a JWT credential (to read what it names, not to trust it)."""
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def named_status_url(token: str) -> str:
    """The revocation list address a credential names ('' when it names none)."""
    status = claims(token).get("credentialStatus") or []
    if isinstance(status, dict):
        status = [status]
    return next((str(e.get("statusListCredential", "")) for e in status if isinstance(e, dict)), "")


def _issuer_name(token: str, default: str) -> str:
    issuer = claims(token).get("issuer")
    return str(issuer.get("name") or default) if isinstance(issuer, dict) else default


def reissue(engine: Engine, key: OrgKey, area_names: dict[str, dict[str, str]],
            issuer_name: str = "Relais", actor: Person | None = None) -> int:
    """Sign a fresh credential for every outdated badge and revoke the old one; how many."""
    want = badges.status_url()
    done = 0
    signer = key.signer()
    with write_session(engine) as s:
        badges.lock_badges(s, engine)
        rows = s.exec(select(Badge, Person).join(Person, Person.id == Badge.person_id)
                      .where(Badge.revoked_at.is_(None), Badge.token.is_not(None))
                      .order_by(Badge.id)).all()
        next_index = badges.next_status_index(s)
        for badge, person in rows:
            old_url = named_status_url(badge.token)
            if old_url == want or person.erased:
                continue
            s.add(BadgeSuperseded(badge_id=badge.id, credential_id=badge.credential_id,
                                  status_index=badge.status_index, status_url=old_url[:300]))
            s.flush()  # the old bit is recorded before the row takes a new one
            issuer = _issuer_name(badge.token, issuer_name)
            old_id = badge.credential_id
            badge.credential_id = f"urn:uuid:{uuid.uuid4()}"
            badge.status_index, badge.issued_at = next_index, utcnow()
            lang = person.language if person.language in ("fr", "en") else "fr"
            area = area_names.get(badge.area, {}).get(lang, badge.area)
            badge.token = signer.sign(badges.credential(badge, person, key, issuer, area, lang))
            s.add(badge)
            audit.record(s, actor, "badge_reissued", f"badge:{badge.id}",
                         {"old": old_id, "new": badge.credential_id, "status_url": want})
            next_index += 1
            done += 1
    return done
