"""Learners' links and answers: anonymous, one answer per device and link, rate-limited.

A learners' link opens the learners' questionnaire for one site (and,
optionally, one cohort) of a campaign.  It names nobody: no personal link,
no account, no name.  Only the SHA-256 of its token is stored, as for
personal links.  Admins and directors create and close links; a closed or
unknown link gets a clear message and changes nothing.

One answer per device and link: the browser holds a random device token (a
cookie set by the page); the database keeps only an HMAC of the link and that
token, under the deployment's secret (the key of accounts.throttle), so it
cannot be turned back into a device nor joined to anything else.  Clearing
cookies gets round it, which is why each link is also rate-limited: at most
``MAX_PER_MINUTE`` answers per link and minute, counted by one atomic upsert
keyed by an HMAC of the link.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import secrets
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import case, delete, func, literal
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from accounts.throttle import client_key
from i18n import N_, RelaisError
from storage import audit
from storage.db import read_session, write_session
from storage.models import (Campaign, LearnerAnswer, LearnerLink, LearnerResponse, LearnerThrottle,
                            Person, Site, utcnow)
from survey.learner_questionnaire import LearnerQuestionnaire, default

WINDOW = dt.timedelta(minutes=1)
# A class answering together behind one link: generous, but a script filling the form in a
# loop is stopped within the minute.
MAX_PER_MINUTE = int(os.environ.get("RELAIS_LEARNER_MAX_PER_MINUTE", "40"))
ROUTE = "learners"  # the page's URL path: /learners?l=<token>


class LearnerLinkError(RelaisError):
    """A learners' link that cannot be used now; ``reason`` is a stable code for tests and logs."""

    def __init__(self, reason: str, message: str, **params: object):
        super().__init__(message, **params)
        self.reason = reason


@dataclass(frozen=True)
class LearnerLinkContext:
    link_id: int
    campaign_id: int
    site_id: int
    site_name: str
    cohort: str


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def device_key(link_id: int, device_token: str) -> str:
    """The stored form of a device for one link (HMAC under the deployment's secret)."""
    return client_key(f"learner-device:{link_id}:{device_token}")


def _actor(s: Session, actor_id: int | None) -> Person | None:
    return s.get(Person, actor_id) if actor_id is not None else None


def create_link(engine: Engine, campaign_id: int, site_id: int, cohort: str = "",
                actor_id: int | None = None) -> str:
    """A new learners' link for a site (and cohort) of a campaign; returns its token (shown once)."""
    cohort = (cohort or "").strip()
    if len(cohort) > 120:
        raise RelaisError("The cohort name is longer than {n} characters.", n=120)
    token = secrets.token_urlsafe(24)
    with write_session(engine) as s:
        if s.get(Campaign, campaign_id) is None:
            raise RelaisError("Unknown campaign {id}.", id=campaign_id)
        if s.get(Site, site_id) is None:
            raise RelaisError("Unknown site {id}.", id=site_id)
        link = LearnerLink(campaign_id=campaign_id, site_id=site_id, cohort=cohort,
                           token_hash=token_hash(token), created_by=actor_id)
        s.add(link)
        s.flush()
        audit.record(s, _actor(s, actor_id), "learner_link_created", f"learnerlink:{link.id}",
                     {"campaign_id": campaign_id, "site_id": site_id})
    return token


def close_link(engine: Engine, link_id: int, actor_id: int | None = None) -> None:
    """Close a learners' link: from now on it accepts no answer (answers given stay)."""
    with write_session(engine) as s:
        link = s.get(LearnerLink, link_id)
        if link is None:
            raise RelaisError("Unknown learners' link {id}.", id=link_id)
        if link.closed_at is not None:
            raise RelaisError("The learners' link {id} is already closed.", id=link_id)
        link.closed_at, link.closed_by = utcnow(), actor_id
        audit.record(s, _actor(s, actor_id), "learner_link_closed", f"learnerlink:{link_id}")


def links_table(engine: Engine, campaign_id: int) -> pd.DataFrame:
    """Links of a campaign: link_id, site_id, site, cohort, created_at, closed_at, answers."""
    with read_session(engine) as s:
        counts = (select(LearnerResponse.link_id, func.count().label("answers"))
                  .group_by(LearnerResponse.link_id).subquery())
        rows = s.exec(select(LearnerLink.id, LearnerLink.site_id, Site.name, LearnerLink.cohort,
                             LearnerLink.created_at, LearnerLink.closed_at, counts.c.answers)
                      .join(Site, Site.id == LearnerLink.site_id)
                      .join(counts, counts.c.link_id == LearnerLink.id, isouter=True)
                      .where(LearnerLink.campaign_id == campaign_id)
                      .order_by(Site.name, LearnerLink.cohort, LearnerLink.id)).all()
    frame = pd.DataFrame(rows, columns=["link_id", "site_id", "site", "cohort", "created_at",
                                        "closed_at", "answers"])
    frame["answers"] = frame["answers"].fillna(0).astype(int)
    return frame


_UNKNOWN = N_("This learners' link is not valid. Check that you copied the whole link, or ask "
              "your training centre for the current one.")


def resolve(engine: Engine, token: str | None) -> LearnerLinkContext:
    """The site and campaign behind a usable learners' link, or LearnerLinkError saying why not."""
    if not token or len(token) > 200:
        raise LearnerLinkError("unknown", _UNKNOWN)
    with read_session(engine) as s:
        return _resolve(s, token)


def _resolve(s: Session, token: str) -> LearnerLinkContext:
    row = s.exec(select(LearnerLink, Campaign, Site)
                 .join(Campaign, Campaign.id == LearnerLink.campaign_id)
                 .join(Site, Site.id == LearnerLink.site_id)
                 .where(LearnerLink.token_hash == token_hash(token))).first()
    if row is None:
        raise LearnerLinkError("unknown", _UNKNOWN)
    link, camp, site = row
    if link.closed_at is not None:
        raise LearnerLinkError("closed", N_("This learners' link ({site}) has been closed: it no "
                                            "longer accepts answers. Thank you all the same!"),
                               site=site.name)
    if camp.status != "open":
        raise LearnerLinkError("campaign", N_("This questionnaire is not open for answers (the "
                                              "campaign is closed or has not started yet)."))
    return LearnerLinkContext(link.id, camp.id, site.id, site.name, link.cohort)


def already_answered(engine: Engine, token: str | None, device_token: str | None) -> bool:
    """Has this device already answered through this link?"""
    if not token or not device_token:
        return False
    with read_session(engine) as s:
        link_id = s.exec(select(LearnerLink.id).where(LearnerLink.token_hash == token_hash(token))).first()
        if link_id is None:
            return False
        return s.exec(select(LearnerResponse.id).where(
            LearnerResponse.link_id == link_id,
            LearnerResponse.device_hash == device_key(link_id, device_token))).first() is not None


def check_answers(q: LearnerQuestionnaire, answers: dict[str, int | None]) -> list[str]:
    """Ids of statements left unanswered (None is "I don't know"; a missing key is unanswered).

    A value outside 0..4 or an unknown statement is bad input and raises."""
    known = {i.id for i in q.items}
    for item_id, value in answers.items():
        if item_id not in known:
            raise RelaisError("Unknown statement {item}.", item=item_id)
        if value is not None and (not isinstance(value, int) or not 0 <= value <= 4):
            raise RelaisError("Statement {item}: the answer must be one of the five steps.", item=item_id)
    return [i.id for i in q.items if i.id not in answers]


def _reserve(s: Session, link_id: int, now: dt.datetime) -> bool:
    """Count one answer for the link's current minute; False when over the limit."""
    if s.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    table = LearnerThrottle.__table__
    cutoff = now - WINDOW
    s.execute(delete(LearnerThrottle).where(LearnerThrottle.window_start < cutoff - WINDOW))
    fresh = table.c.window_start < literal(cutoff, table.c.window_start.type)
    stmt = insert(LearnerThrottle).values(key_hash=client_key(f"learner-link:{link_id}"),
                                          window_start=now, count=1)
    stmt = stmt.on_conflict_do_update(index_elements=["key_hash"], set_={
        "count": case((fresh, 1), else_=table.c.count + 1),
        "window_start": case((fresh, literal(now, table.c.window_start.type)),
                             else_=table.c.window_start),
    }).returning(table.c.count)
    return s.execute(stmt).scalar_one() <= MAX_PER_MINUTE


def submit(engine: Engine, token: str | None, device_token: str, answers: dict[str, int | None],
           q: LearnerQuestionnaire | None = None, now: dt.datetime | None = None) -> int:
    """Save one learner's answers through a link in one transaction; returns the response id.

    Raises LearnerLinkError (unknown or closed link, campaign not open, already
    answered on this device, too many answers this minute) or RelaisError (bad
    or missing answers); nothing is written then.
    """
    q = q or default()
    now = now or utcnow()
    missing = check_answers(q, answers)
    if missing:
        raise RelaisError("Please answer every statement (or choose \"I don't know\"): {items}.",
                          items=", ".join(missing))
    if not device_token or len(device_token) > 200:
        raise LearnerLinkError("device", N_("Your browser did not keep the page's cookie; allow "
                                            "cookies for this site and try again."))
    if not token or len(token) > 200:
        raise LearnerLinkError("unknown", _UNKNOWN)
    try:
        with write_session(engine) as s:
            ctx = _resolve(s, token)
            device = device_key(ctx.link_id, device_token)
            if s.exec(select(LearnerResponse.id).where(LearnerResponse.link_id == ctx.link_id,
                                                       LearnerResponse.device_hash == device)).first():
                raise LearnerLinkError("answered", N_("Answers were already sent from this device "
                                                      "with this link. Thank you!"))
            if not _reserve(s, ctx.link_id, now):
                raise _busy()
            resp = LearnerResponse(link_id=ctx.link_id, campaign_id=ctx.campaign_id,
                                   site_id=ctx.site_id, device_hash=device,
                                   questionnaire_version=q.version, submitted_at=now)
            s.add(resp)
            s.flush()
            s.add_all([LearnerAnswer(response_id=resp.id, item_id=item_id, value=value,
                                     not_applicable=value is None)
                       for item_id, value in answers.items()])
            rid = resp.id
    except IntegrityError as err:  # the same device, twice at once: the second loses
        raise LearnerLinkError("answered", N_("Answers were already sent from this device with "
                                              "this link. Thank you!")) from err
    return rid


def _busy() -> LearnerLinkError:
    # raised inside the transaction: the count taken by _reserve is rolled back with it
    return LearnerLinkError("busy", N_("Many answers are arriving through this link right now. "
                                       "Please wait a minute and send again: your answers are "
                                       "still on the screen."))
