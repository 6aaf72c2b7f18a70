"""Export everything held about a person; erase a person; anonymise expired raw answers.

Erasure keeps each submitted response's stored area scores (ResponseScore), role
and site, unlinked from the person, so every figure (site profile, progress,
slices) keeps counting the same responses and nothing moves by one person
(see disclosure/); the raw answers, the profile, the invitations and the
person row's role and site go, so the response cannot be linked back.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String, cast, delete, or_, update
from sqlalchemy.engine import Engine
from sqlmodel import select

from i18n import RelaisError
from storage import audit
from storage.db import read_session, write_session
from storage.models import PersonTrade, SharedResult
from storage.models import (
    ActionPlan, Account, Answer, AuditLog, Campaign, CohortPlan, Consent, DisclosureRelease,
    Invitation, Person, Response, ResponseScore, Setting, SignInSession, Site, utcnow,
)

RETENTION_KEY = "retention"
DEFAULT_RETENTION_DAYS = 3 * 365
ERASED_LABEL = "erased person"


def _iso(value: object) -> object:
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value


def find_person(engine: Engine, email: str) -> Person | None:
    with read_session(engine) as s:
        return s.exec(select(Person).where(Person.email == email.strip().lower())).first()


def export_person(engine: Engine, person_id: int, actor: Person | None = None,
                  where: str = "app") -> dict:
    """Everything Relais holds about one person, JSON-ready (no password hash, no token)."""
    with read_session(engine) as s:
        person = s.get(Person, person_id)
        if person is None:
            raise RelaisError("This person does not exist.")
        site = s.get(Site, person.site_id) if person.site_id else None
        account = s.exec(select(Account).where(Account.person_id == person_id)).first()
        consents = s.exec(select(Consent).where(Consent.person_id == person_id)
                          .order_by(Consent.id)).all()
        invitations = s.exec(select(Invitation, Campaign.name)
                             .join(Campaign, Campaign.id == Invitation.campaign_id)
                             .where(Invitation.person_id == person_id)).all()
        responses = s.exec(select(Response, Campaign.name)
                           .join(Campaign, Campaign.id == Response.campaign_id)
                           .where(Response.person_id == person_id)).all()
        out_responses = []
        for resp, campaign in responses:
            answers = s.exec(select(Answer).where(Answer.response_id == resp.id)
                             .order_by(Answer.item_id)).all()
            scores = s.exec(select(ResponseScore)
                            .where(ResponseScore.response_id == resp.id)).all()
            out_responses.append({
                "campaign": campaign, "status": resp.status, "role": resp.role,
                "started_at": _iso(resp.started_at), "submitted_at": _iso(resp.submitted_at),
                "profile": resp.profile,
                "answers": [{"item": a.item_id, "value": a.value,
                             "not_applicable": a.not_applicable, "text": a.choice,
                             "saved_at": _iso(a.saved_at)} for a in answers],
                "area_scores": {sc.area: sc.score for sc in scores}})
        target = f"person:{person_id}"
        events = s.exec(select(AuditLog).where(or_(AuditLog.actor_id == person_id,
                                                   AuditLog.target == target))
                        .order_by(AuditLog.id)).all()
        data = {
            "person": {k: _iso(getattr(person, k)) for k in (
                "external_id", "email", "first_name", "last_name", "role", "language",
                "active", "erased", "created_at", "updated_at")},
            "site": site.name if site else None,
            "account": None if account is None else {
                "has_password": bool(account.password_hash),
                "last_sign_in_at": _iso(account.last_sign_in_at),
                "failed_attempts": account.failed_attempts},
            "consents": [{"kind": c.kind, "granted": c.granted, "at": _iso(c.at)}
                         for c in consents],
            "invitations": [{"campaign": name, "created_at": _iso(i.created_at),
                             "expires_at": _iso(i.expires_at), "revoked_at": _iso(i.revoked_at)}
                            for i, name in invitations],
            "responses": out_responses,
            "audit": [{"at": _iso(e.at), "action": e.action, "detail": e.detail}
                      for e in events],
        }
    with write_session(engine) as s:
        audit.record(s, actor, "person_exported", target, {}, where)
    return data


def _unlink_responses(s, response_ids: list[int]) -> None:  # noqa: ANN001
    if response_ids:
        s.exec(delete(Answer).where(Answer.response_id.in_(response_ids)))
        s.exec(update(Response).where(Response.id.in_(response_ids))
               .values(person_id=None, profile={}, idempotency_key=cast(Response.id, String) + ":anon"))


def erase_person(engine: Engine, person_id: int, actor: Person | None = None,
                 where: str = "app") -> dict[str, int]:
    """Remove a person's identity, raw answers, links, consents and account; keep scores."""
    with write_session(engine) as s:
        person = s.get(Person, person_id)
        if person is None or person.erased:
            raise RelaisError("This person does not exist.")
        if actor is not None and actor.id == person_id:
            raise RelaisError("You cannot erase yourself.")
        responses = s.exec(select(Response.id, Response.status)
                           .where(Response.person_id == person_id)).all()
        drafts = [rid for rid, status in responses if status != "submitted"]
        submitted = [rid for rid, status in responses if status == "submitted"]
        n_answers = len(s.exec(select(Answer.id).where(
            Answer.response_id.in_([r for r, _ in responses]))).all())
        if drafts:  # never counted in aggregates: nothing to keep
            s.exec(delete(ResponseScore).where(ResponseScore.response_id.in_(drafts)))
            s.exec(delete(Answer).where(Answer.response_id.in_(drafts)))
            s.exec(delete(Response).where(Response.id.in_(drafts)))
        _unlink_responses(s, submitted)
        now = utcnow()
        # no invitation may still tie the person to a campaign (and so to a response)
        s.exec(delete(Invitation).where(Invitation.person_id == person_id))
        s.exec(delete(Consent).where(Consent.person_id == person_id))
        s.exec(delete(Account).where(Account.person_id == person_id))
        s.exec(delete(SignInSession).where(SignInSession.person_id == person_id))
        s.exec(delete(PersonTrade).where(PersonTrade.person_id == person_id))
        for model, column in ((ActionPlan, ActionPlan.created_by),
                              (CohortPlan, CohortPlan.created_by),
                              (Setting, Setting.updated_by),
                              (DisclosureRelease, DisclosureRelease.viewer_id)):
            s.exec(update(model).where(column == person_id).values({column.key: None}))
        # the planner package (SciPy, OR-Tools) loads on use: every server imports this module
        # at start (retention), and an erasure is rare
        from planning.store import forget_person

        plans_changed = forget_person(s, person_id)
        # unlinked: a badge already downloaded stays valid unless revoked
        from recognition.badges import forget_person as forget_badges  # openbadgeslib: load on use

        forget_badges(s, person_id)
        from cascade.forget import leave_cascade  # requests, seats, attendance, led cohorts

        leave_cascade(s, person_id, where, erased=True)
        # The audit log keeps the events, not who they were about.
        s.exec(update(AuditLog).where(AuditLog.actor_id == person_id)
               .values(actor_id=None, actor_label=ERASED_LABEL))
        s.exec(update(AuditLog).where(AuditLog.target == f"person:{person_id}")
               .values(target=ERASED_LABEL))
        person.first_name = person.last_name = ""
        person.email = person.external_id = None
        # no role or site either: with them, an unlinked response could be matched back
        person.role, person.site_id = "", None
        person.active, person.erased, person.updated_at = False, True, now
        # figures computed before the erasure, shared by every server, are computed again
        s.exec(delete(SharedResult))
        counts = {"responses_kept_anonymous": len(submitted), "drafts_deleted": len(drafts),
                  "answers_deleted": n_answers, "plans_changed": plans_changed}
        audit.record(s, actor, "person_erased", ERASED_LABEL, counts, where)
        return counts


def retention_days(engine: Engine) -> int:
    with read_session(engine) as s:
        setting = s.get(Setting, RETENTION_KEY)
    return int((setting.value if setting else {}).get("days", DEFAULT_RETENTION_DAYS))


def anonymise_expired(engine: Engine, days: int | None = None, today: dt.date | None = None,
                      actor: Person | None = None, where: str = "cli") -> int:
    """Unlink and strip raw answers of closed campaigns that ended more than days ago."""
    days = retention_days(engine) if days is None else days
    cutoff = (today or utcnow().date()) - dt.timedelta(days=days)
    with write_session(engine) as s:
        ids = s.exec(select(Response.id).join(Campaign, Campaign.id == Response.campaign_id)
                     .where(Campaign.status == "closed", Campaign.ends_on < cutoff,
                            Response.person_id.is_not(None))).all()
        _unlink_responses(s, list(ids))
        if ids:
            audit.record(s, actor, "retention_anonymised", "", {"responses": len(ids),
                                                                "days": days}, where)
        return len(ids)
