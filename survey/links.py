"""Personal links: one unguessable token per invited person and campaign.

Only the SHA-256 of a token is stored, so a link cannot be rebuilt from the
database: exporting links for a mail merge issues fresh tokens (the old links
of those people stop working).  ``resolve`` turns a token into a
:class:`LinkContext` or raises a :class:`LinkError` whose ``reason`` says why
the link cannot be used (unknown, expired, revoked, wrong campaign, campaign
not open).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import secrets
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from i18n import N_, RelaisError
from reports.safe import neutralise
from storage.db import read_session, write_session
from storage.models import Campaign, Invitation, Person, Response, Site, utcnow


class LinkError(RelaisError):
    """A personal link that cannot be used; ``reason`` is a stable code for tests and logs."""

    def __init__(self, reason: str, message: str, **params: object):
        super().__init__(message, **params)
        self.reason = reason


@dataclass(frozen=True)
class LinkContext:
    """Who a valid link belongs to and which campaign it opens."""

    invitation_id: int
    campaign_id: int
    campaign_name: str
    campaign_open: bool
    person_id: int
    first_name: str
    last_name: str
    role: str
    site_id: int | None
    language: str
    questionnaire_version_id: int


def token_hash(token: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_link(session: Session, campaign_id: int, person_id: int,
               expires_at: dt.datetime | None = None) -> str:
    """A new token for person in campaign (replacing any previous link); returns the token."""
    token = secrets.token_urlsafe(32)
    inv = session.exec(select(Invitation).where(Invitation.campaign_id == campaign_id,
                                                Invitation.person_id == person_id)).first()
    if inv is None:
        inv = Invitation(campaign_id=campaign_id, person_id=person_id, token_hash="")
        session.add(inv)
    inv.token_hash = token_hash(token)
    inv.created_at = utcnow()
    inv.revoked_at = None
    if expires_at is not None:
        inv.expires_at = expires_at
    session.flush()
    return token


def resolve(engine: Engine, token: str | None, campaign_id: int | None = None,
            now: dt.datetime | None = None) -> LinkContext:
    """The context of a valid link, or LinkError saying why it cannot be used."""
    now = now or utcnow()
    if not token or len(token) > 200:
        raise LinkError("unknown", N_("This link is not valid. Check that you copied the whole "
                                      "link from your invitation, or ask your training "
                                      "coordinator for a new one."))
    with read_session(engine) as s:
        row = s.exec(select(Invitation, Campaign, Person)
                     .join(Campaign, Campaign.id == Invitation.campaign_id)
                     .join(Person, Person.id == Invitation.person_id)
                     .where(Invitation.token_hash == token_hash(token))).first()
        if row is None or not row[2].active or row[2].erased:
            raise LinkError("unknown", N_("This link is not valid. Check that you copied the "
                                          "whole link from your invitation, or ask your "
                                          "training coordinator for a new one."))
        inv, camp, person = row
        if campaign_id is not None and camp.id != campaign_id:
            raise LinkError("other_campaign", N_("This link belongs to another campaign. Use "
                                                 "the link from your latest invitation."))
        if inv.revoked_at is not None:
            raise LinkError("revoked", N_("This link has been withdrawn. Ask your training "
                                          "coordinator for a new one."))
        if inv.expires_at is not None and _aware(inv.expires_at) <= now:
            raise LinkError("expired", N_("This link expired on {date}. Ask your training "
                                          "coordinator for a new one."),
                            date=_aware(inv.expires_at).date().isoformat())
        submitted = s.exec(select(func.count()).select_from(Response).where(
            Response.campaign_id == camp.id, Response.person_id == person.id,
            Response.status == "submitted")).one()
        if camp.status != "open" and not submitted:
            raise LinkError("closed", N_("This campaign is not open for answers (it is closed "
                                         "or has not started yet)."))
        qv_id = camp.trainer_qv_id if person.role == "trainer" else camp.organisation_qv_id
        return LinkContext(
            invitation_id=inv.id, campaign_id=camp.id, campaign_name=camp.name,
            campaign_open=camp.status == "open", person_id=person.id,
            first_name=person.first_name, last_name=person.last_name, role=person.role,
            site_id=person.site_id, language=person.language, questionnaire_version_id=qv_id)


def recheck(engine: Engine, token: str | None, ctx: LinkContext,
            now: dt.datetime | None = None) -> LinkContext:
    """The link behind an already open page, resolved again before it writes or serves a file.

    A page resolves its link when it is drawn; a callback or a deferred download runs
    later, after an admin may have withdrawn the link, issued a new one (the old token no
    longer matches), deactivated or erased the person, or after the link expired. Raises
    the same LinkError as :func:`resolve`; a token that now opens another invitation is
    refused as unknown.
    """
    fresh = resolve(engine, token, ctx.campaign_id, now)
    if (fresh.invitation_id, fresh.person_id) != (ctx.invitation_id, ctx.person_id):
        raise LinkError("unknown", N_("This link is not valid. Check that you copied the whole "
                                      "link from your invitation, or ask your training "
                                      "coordinator for a new one."))
    return fresh


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def revoke(engine: Engine, campaign_id: int, person_id: int) -> bool:
    """Withdraw a person's link for a campaign; False when they had none."""
    with write_session(engine) as s:
        inv = s.exec(select(Invitation).where(Invitation.campaign_id == campaign_id,
                                              Invitation.person_id == person_id)).first()
        if inv is None:
            return False
        inv.revoked_at = utcnow()
        return True


def export_links_csv(engine: Engine, campaign_id: int, base_url: str,
                     person_ids: list[int] | None = None,
                     expires_at: dt.datetime | None = None) -> str:
    """CSV (semicolon, UTF-8) of fresh links for the chosen invited people (default: all).

    Columns: last_name, first_name, email, site, link, expires_at.  Issuing
    replaces the previous link of each person exported.
    """
    base = base_url.rstrip("/")
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["last_name", "first_name", "email", "site", "link", "expires_at"])
    with write_session(engine) as s:
        q = (select(Invitation, Person, Site).join(Person, Person.id == Invitation.person_id)
             .join(Site, Site.id == Person.site_id, isouter=True)
             .where(Invitation.campaign_id == campaign_id, Person.active, ~Person.erased)
             .order_by(Person.last_name, Person.first_name, Person.id))
        if person_ids is not None:
            q = q.where(Invitation.person_id.in_(person_ids))
        for inv, person, site in s.exec(q).all():
            token = issue_link(s, campaign_id, person.id, expires_at)
            exp = inv.expires_at.date().isoformat() if inv.expires_at else ""
            writer.writerow([neutralise("" if v is None else str(v)) for v in (
                person.last_name, person.first_name, person.email or "",
                site.name if site else "", f"{base}/questionnaire?t={token}", exp)])
    return out.getvalue()


def completion_by_site(engine: Engine, campaign_id: int) -> pd.DataFrame:
    """Per site: invited, started (a response exists), submitted.

    Columns: site_id, site, invited, started, submitted.  Counts of who
    answered, not of what they answered: admins need them for reminders.
    """
    frame = _status_frame(engine, campaign_id)
    if frame.empty:
        return pd.DataFrame(columns=["site_id", "site", "invited", "started", "submitted"])
    frame["started"] = frame["status"].isin(["draft", "submitted"])
    frame["submitted"] = frame["status"].eq("submitted")
    out = (frame.groupby(["site_id", "site"], dropna=False)
           .agg(invited=("person_id", "size"), started=("started", "sum"),
                submitted=("submitted", "sum")).reset_index())
    return out.sort_values("site").reset_index(drop=True)


def not_answered(engine: Engine, campaign_id: int, site_id: int | None = None) -> pd.DataFrame:
    """Invited people who have not submitted (for reminders).

    Columns: person_id, last_name, first_name, email, site, status (none | draft).
    """
    frame = _status_frame(engine, campaign_id)
    frame = frame[frame["status"] != "submitted"]
    if site_id is not None:
        frame = frame[frame["site_id"] == site_id]
    cols = ["person_id", "last_name", "first_name", "email", "site", "status"]
    return frame[cols].sort_values(["site", "last_name", "first_name"]).reset_index(drop=True)


def _status_frame(engine: Engine, campaign_id: int) -> pd.DataFrame:
    with read_session(engine) as s:
        best = (select(Response.person_id, func.max(Response.status).label("status"))
                .where(Response.campaign_id == campaign_id)
                .group_by(Response.person_id).subquery())
        rows = s.exec(
            select(Person.id, Person.last_name, Person.first_name, Person.email, Site.id,
                   Site.name, best.c.status)
            .join(Invitation, Invitation.person_id == Person.id)
            .join(Site, Site.id == Person.site_id, isouter=True)
            .join(best, best.c.person_id == Person.id, isouter=True)
            .where(Invitation.campaign_id == campaign_id, Person.active, ~Person.erased)).all()
    frame = pd.DataFrame(rows, columns=["person_id", "last_name", "first_name", "email",
                                        "site_id", "site", "status"])
    frame["status"] = frame["status"].fillna("none").astype(object)
    frame["site"] = frame["site"].fillna("—")
    return frame
