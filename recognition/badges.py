"""Badges for the cascade: an Open Badges 3.0 credential per cohort led or completed.

Who gets one, from the cascade's attendance frame (person_id, role, area,
cohort_id, plan_id, hours, attended, campaign_id; one row per person and
session or per person and cohort):

* a relay who led a cohort: any attended ``relay`` row; hours are the
  attended sessions' hours;
* a trainer who completed one: ``learner`` rows attended for at least
  ``min_share`` of the cohort's sessions (all, by default); hours likewise.

Each badge is a JWT-VC signed by ``openbadgeslib`` with the organisation's
key (:mod:`recognition.keys`), naming the area and the hours in the
person's language. It carries a Bitstring Status List entry: revoking a
badge sets its bit, and :func:`status_list` signs the list anew, so the
library's verifier (``check_status=True``) rejects it. A person's erasure or
consent withdrawal does not revoke their badges: the credential they hold
stays valid unless the lead revokes it.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from urllib.parse import urlsplit
from dataclasses import dataclass

import pandas as pd
from openbadgeslib.ob3 import (
    Achievement,
    IdentityObject,
    Issuer,
    OB3VerificationError,
    OB3Verifier,
    OpenBadgeCredential,
    build_status_list_credential,
    sign_status_list_credential,
    status_entry,
)
from sqlalchemy import func, text, update
from sqlalchemy.engine import Engine
from sqlmodel import select

from i18n import N_, RelaisError, Translator
from recognition.effect import check_attendance
from recognition.keys import ALGORITHM, OrgKey, key_path, load_key
from recognition.tables import BadgeSuperseded
from storage import audit
from storage.db import read_session, write_session
from storage.models import Badge, Person, utcnow

MAX_FILE_BYTES = 2_000_000  # a badge file (JWT or SVG) is a few kilobytes
STATUS_BITS = 131_072  # 16 KiB list: room for that many badges
PURPOSE = "revocation"
STATUS_PATH = f"/badges/status/{PURPOSE}"  # served by serve.py on every server
STATUS_TTL_MS = 300_000  # the list's refresh hint (Bitstring Status List ttl) and HTTP max-age
STATUS_MEDIA_TYPE = "application/vc+jwt"  # a JWT-secured credential (W3C VC-JOSE-COSE)
ROLES = ("learner", "relay")


def public_url() -> str:
    """The address verifiers reach Relais at (RELAIS_PUBLIC_URL), written into each badge."""
    return os.environ.get("RELAIS_PUBLIC_URL", "https://relais.invalid").rstrip("/")


def status_url() -> str:
    """Where the signed revocation list is served: the app's own STATUS_PATH route."""
    return f"{public_url()}{STATUS_PATH}"


def eligible(attendance: pd.DataFrame, min_share: float = 1.0) -> pd.DataFrame:
    """person_id, role, area, cohort_id, plan_id, hours: one row per badge earned."""
    att = check_attendance(attendance)
    att = att[att["role"].isin(ROLES)]
    keys = ["person_id", "role", "area", "cohort_id", "plan_id"]
    att = att.assign(done_hours=att["hours"].where(att["attended"], 0.0))
    g = att.groupby(keys, as_index=False).agg(
        sessions=("attended", "size"), attended=("attended", "sum"), hours=("done_hours", "sum")
    )
    share = g["attended"] / g["sessions"]
    led = (g["role"] == "relay") & (g["attended"] > 0)
    completed = (g["role"] == "learner") & (share >= min_share - 1e-9)
    out = g[led | completed][keys + ["hours"]]
    return out.astype({"person_id": "int64", "plan_id": "int64", "cohort_id": str}).reset_index(
        drop=True
    )


def _hours(value: float) -> str:
    return f"{value:g}"


def achievement_text(role: str, area_name: str, hours: float, lang: str) -> tuple[str, str]:
    """(name, description) of the badge in the person's language."""
    t = Translator(lang)
    if role == "relay":
        name = t(N_("Relay trainer: {area} ({hours} h)"), area=area_name, hours=_hours(hours))
        text = t(
            N_("Led a training-of-trainers cohort on {area}, {hours} hours of sessions."),
            area=area_name,
            hours=_hours(hours),
        )
    else:
        name = t(N_("Trained in {area} ({hours} h)"), area=area_name, hours=_hours(hours))
        text = t(
            N_("Completed a training-of-trainers cohort on {area}, {hours} hours of sessions."),
            area=area_name,
            hours=_hours(hours),
        )
    return name, text


def credential(
    badge: Badge, person: Person, key: OrgKey, issuer_name: str, area_name: str, lang: str
) -> OpenBadgeCredential:
    """The OB 3.0 credential of a stored badge (not yet signed)."""
    name, text = achievement_text(badge.role, area_name, badge.hours, lang)
    achievement = Achievement(
        id=f"{public_url()}/badges/achievement/{badge.role}/{badge.area}",
        name=name,
        description=text,
        criteria_narrative=text,
        achievement_type="Badge",
        tags=[badge.area, badge.role],
    )
    identifiers = (
        [IdentityObject.create(person.email, salt=badge.credential_id)] if person.email else []
    )
    return OpenBadgeCredential(
        issuer=Issuer(id=key.did, name=issuer_name),
        recipient_id=None,
        achievement=achievement,
        id=badge.credential_id,
        issuance_date=badge.issued_at,
        identifiers=identifiers,
        credential_status=[status_entry(status_url(), PURPOSE, badge.status_index)],
    )


def next_status_index(session) -> int:  # noqa: ANN001
    """The first status bit not used by any badge, current or superseded (call under the lock)."""
    used = [int(session.exec(select(func.coalesce(func.max(col), -1))).one())
            for col in (Badge.status_index, BadgeSuperseded.status_index)]
    return max(used) + 1


def lock_badges(session, engine: Engine) -> None:  # noqa: ANN001
    """Serialise writers of status bits: SQLite's write lock already does; PostgreSQL needs the
    table's lock (readers are not blocked)."""
    if engine.dialect.name == "postgresql":
        session.exec(text("LOCK TABLE badge IN EXCLUSIVE MODE"))


def issue_badges(
    engine: Engine,
    attendance: pd.DataFrame,
    key: OrgKey,
    issuer_name: str,
    area_names: dict[str, dict[str, str]],
    min_share: float = 1.0,
) -> int:
    """Sign and store the badges earned and not yet issued; the number issued.

    ``area_names``: area -> {lang: name}. Erased or unknown people get none.
    """
    todo = eligible(attendance, min_share)
    if todo.empty:
        return 0
    signer = key.signer()
    issued = 0
    with write_session(engine) as s:
        lock_badges(s, engine)  # two leads issuing at once would take the same status bits
        have = {(b.person_id, b.plan_id, b.cohort_id, b.role) for b in s.exec(select(Badge)).all()}
        next_index = next_status_index(s)
        people = {
            p.id: p
            for p in s.exec(
                select(Person).where(Person.id.in_([int(x) for x in todo["person_id"].unique()]))
            ).all()
        }
        for row in todo.itertuples(index=False):
            person = people.get(int(row.person_id))
            key_ = (int(row.person_id), int(row.plan_id), str(row.cohort_id), row.role)
            if person is None or person.erased or key_ in have:
                continue
            if next_index >= STATUS_BITS:
                raise RelaisError("The badge status list is full ({n} badges).", n=STATUS_BITS)
            badge = Badge(
                person_id=person.id,
                role=row.role,
                area=row.area,
                cohort_id=str(row.cohort_id),
                plan_id=int(row.plan_id),
                hours=float(row.hours),
                credential_id=f"urn:uuid:{uuid.uuid4()}",
                status_index=next_index,
            )
            lang = person.language if person.language in ("fr", "en") else "fr"
            names = area_names.get(row.area, {})
            cred = credential(badge, person, key, issuer_name, names.get(lang, row.area), lang)
            badge.token = signer.sign(cred)
            s.add(badge)
            next_index += 1
            issued += 1
    return issued


def badges_of(engine: Engine, person_id: int) -> list[Badge]:
    """A person's badges, newest first (revoked ones included, marked)."""
    with read_session(engine) as s:
        return list(
            s.exec(
                select(Badge)
                .where(Badge.person_id == person_id)
                .order_by(Badge.issued_at.desc(), Badge.id.desc())
            ).all()
        )


def all_badges(engine: Engine) -> pd.DataFrame:
    """Every badge: id, person_id, first_name, last_name, role, area, cohort_id, plan_id,
    hours, issued_at, revoked_at."""
    with read_session(engine) as s:
        rows = s.exec(
            select(
                Badge.id,
                Badge.person_id,
                Person.first_name,
                Person.last_name,
                Badge.role,
                Badge.area,
                Badge.cohort_id,
                Badge.plan_id,
                Badge.hours,
                Badge.issued_at,
                Badge.revoked_at,
            )
            .join(Person, Person.id == Badge.person_id, isouter=True)
            .order_by(Badge.id)
        ).all()
    return pd.DataFrame(
        rows,
        columns=[
            "id",
            "person_id",
            "first_name",
            "last_name",
            "role",
            "area",
            "cohort_id",
            "plan_id",
            "hours",
            "issued_at",
            "revoked_at",
        ],
    )


def revoke(engine: Engine, badge_id: int, actor: Person | None, reason: str = "") -> Badge:
    """Set the badge's revocation bit (idempotent); audited."""
    with write_session(engine) as s:
        badge = s.get(Badge, badge_id)
        if badge is None:
            raise RelaisError("There is no badge number {id}.", id=badge_id)
        if badge.revoked_at is None:
            badge.revoked_at = utcnow()
            badge.revoked_by = actor.id if actor is not None else None
            badge.revoke_reason = reason[:300]
            s.add(badge)
            audit.record(
                s,
                actor,
                "badge_revoked",
                f"badge:{badge.id}",
                {"area": badge.area, "role": badge.role},
            )
        s.flush()
        s.refresh(badge)
        s.expunge(badge)
        return badge


def status_list(engine: Engine, key: OrgKey, valid_days: int = 7) -> str:
    """The signed revocation list (a BitstringStatusListCredential JWT) for status_url()."""
    with read_session(engine) as s:
        revoked = s.exec(select(Badge.status_index).where(Badge.revoked_at.is_not(None))).all()
        # credentials replaced by a reissue (recognition.reissue) are revoked too
        revoked = [*revoked, *s.exec(select(BadgeSuperseded.status_index)).all()]
    now = dt.datetime.now(dt.UTC)
    vc = build_status_list_credential(
        key.did,
        status_url(),
        PURPOSE,
        [int(i) for i in revoked],
        size_bits=STATUS_BITS,
        issued=now,
        valid_until=now + dt.timedelta(days=valid_days),
        ttl=STATUS_TTL_MS,
    )
    return sign_status_list_credential(vc, key.private_pem, ALGORITHM)


def served_status_list(engine: Engine) -> str | None:
    """The list as served over HTTP at STATUS_PATH: signed now from the database's revoked
    rows, so every server answers alike and a revocation shows on the next request. None
    while the organisation has no signing key (then no badge exists to check)."""
    path = key_path()
    if not path.exists():
        return None
    return status_list(engine, load_key(path, create=False))


def read_token(data: bytes) -> str:
    """The JWT of a downloaded badge: the .jwt itself or an SVG with the credential baked in."""
    text = data.decode("utf-8", errors="replace").strip()
    if text.startswith("<"):
        try:
            return OB3Verifier.extract_token_from_svg(data)
        except Exception as err:  # noqa: BLE001 - any unreadable image is the same problem for the user
            raise RelaisError("This image holds no badge.") from err
    if text.count(".") != 2:
        raise RelaisError(
            "This file is not a badge (neither a signed credential nor a badge image)."
        )
    return text


@dataclass(frozen=True)
class Checked:
    """What a valid badge says."""

    credential_id: str
    name: str
    description: str
    issuer: str
    issued_on: dt.datetime | None


def verify(token: str, key: OrgKey, status_jwt: str) -> Checked:
    """Check a badge with the library's verifier, offline: signature, issuer, revocation list.

    The verifier is anchored to the organisation's did:key; the status list is
    the one given (as served at status_url()), itself signed with the same key.
    A badge issued while RELAIS_PUBLIC_URL named another address still names this
    list (same path; the URL was written by this key), so it is checked against it.
    """
    verifier = OB3Verifier.for_issuer_did(key.did)

    def download(url: str) -> bytes:
        if urlsplit(url).path != STATUS_PATH:
            raise OB3VerificationError(f"unknown status list {url}")
        return status_jwt.encode()

    try:
        cred = verifier.verify(token, check_status=True, verify_status_list=True, download=download)
    except OB3VerificationError as err:
        message = str(err)
        if "status" in message and "is set" in message:
            raise RelaisError("This badge was revoked by the organisation.") from err
        raise RelaisError("This badge is not valid: {reason}", reason=message) from err
    return Checked(
        str(cred.id),
        str(cred.achievement.name),
        cred.achievement.description,
        cred.issuer.name,
        cred.issuance_date,
    )


def forget_person(session, person_id: int) -> int:  # noqa: ANN001
    """Erasure: unlink the person's badges and drop the stored copies; the status bits stay."""
    result = session.exec(
        update(Badge).where(Badge.person_id == person_id).values(person_id=None, token=None)
    )
    session.exec(update(Badge).where(Badge.revoked_by == person_id).values(revoked_by=None))
    return int(result.rowcount or 0)


_SVG = """<svg xmlns="http://www.w3.org/2000/svg" width="320" height="320" viewBox="0 0 320 320"
 role="img"><title>{title}</title>
<circle cx="160" cy="160" r="150" fill="#1d4e89"/><circle cx="160" cy="160" r="128" fill="#fff"/>
<text x="160" y="150" font-family="sans-serif" font-size="22" text-anchor="middle"
 fill="#1d4e89">{line1}</text>
<text x="160" y="185" font-family="sans-serif" font-size="18" text-anchor="middle"
 fill="#333333">{line2}</text>
</svg>"""


def badge_svg(token: str, title: str, area_name: str, hours: float) -> bytes:
    """A badge image with the signed credential baked in (OB 3.0 SVG baking, the library's own)."""
    from xml.sax.saxutils import escape

    from openbadgeslib import baking

    image = _SVG.format(
        title=escape(title), line1=escape(area_name[:24]), line2=f"{hours:g} h"
    ).encode()
    return baking.bake_svg(
        image, token, element=baking.SVG_ELEMENT_OB3, namespace=baking.SVG_NS_OB3
    )
