"""SQLModel tables: the whole schema of Relais.

Every table change goes through an Alembic migration (storage/migrations).
Times are timezone-aware UTC (``utcnow()``); SQLModel's UTCDateTime refuses naive ones.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Optional

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> dt.datetime:
    """Current time, timezone-aware in UTC (the storage convention)."""
    return dt.datetime.now(dt.UTC)


class Role(StrEnum):
    trainer = "trainer"
    manager = "manager"
    director = "director"
    lead = "lead"  # digital-engineering lead
    admin = "admin"


class CampaignStatus(StrEnum):
    draft = "draft"
    open = "open"
    closed = "closed"


class ResponseStatus(StrEnum):
    draft = "draft"
    submitted = "submitted"


class Region(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=40)
    name: str = Field(max_length=120)


class Site(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=40)
    name: str = Field(max_length=160)
    city: str = Field(default="", max_length=120)
    region_id: int = Field(foreign_key="region.id", index=True)


class Person(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    external_id: Optional[str] = Field(default=None, unique=True, max_length=80)
    email: Optional[str] = Field(default=None, unique=True, max_length=254)
    first_name: str = Field(max_length=120)
    last_name: str = Field(max_length=120)
    role: str = Field(default=Role.trainer, max_length=20, index=True)
    site_id: Optional[int] = Field(default=None, foreign_key="site.id", index=True)
    language: str = Field(default="fr", max_length=5)
    active: bool = Field(default=True)
    erased: bool = Field(default=False)
    created_at: dt.datetime = Field(default_factory=utcnow)
    updated_at: dt.datetime = Field(default_factory=utcnow)


class Account(SQLModel, table=True):
    """Staff credentials; trainers have none (they use personal links)."""

    id: Optional[int] = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", unique=True)
    password_hash: Optional[str] = Field(default=None, max_length=255)
    failed_attempts: int = Field(default=0)
    locked_until: Optional[dt.datetime] = None
    last_sign_in_at: Optional[dt.datetime] = None
    must_change_password: bool = Field(default=False)


class DatabaseOrigin(SQLModel, table=True):
    """How this database was filled: one row of kind 'demo' when the demo generator built it.

    The demo sign-in is offered only on such a database, and only while it holds no person
    beyond those the generator wrote (``max_person_id``).
    """

    id: Optional[int] = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20)  # demo
    max_person_id: int = 0
    created_at: dt.datetime = Field(default_factory=utcnow)


class SignInThrottle(SQLModel, table=True):
    """Recent failed sign-ins per client, keyed by a keyed hash of its address (never the
    address itself, never joined to answers); rows older than the window are deleted."""

    key_hash: str = Field(primary_key=True, max_length=64)
    window_start: dt.datetime = Field(default_factory=utcnow)
    failures: int = 0


class SignInSession(SQLModel, table=True):
    """A staff sign-in that survives reloads: the browser holds an opaque token in an
    HttpOnly cookie, the database only its SHA-256. Ended at sign-out, expiry or deactivation."""

    id: Optional[int] = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    via: str = Field(max_length=20)  # password | oidc
    token_hash: Optional[str] = Field(default=None, unique=True, max_length=64)
    # one-time code the browser trades for the cookie (hash only), valid for seconds
    handoff_hash: Optional[str] = Field(default=None, unique=True, max_length=64)
    handoff_expires_at: Optional[dt.datetime] = None
    # OIDC: hash of issuer, subject and issue time, so one provider sign-in gives one session
    oidc_key: Optional[str] = Field(default=None, index=True, max_length=64)
    created_at: dt.datetime = Field(default_factory=utcnow)
    last_seen_at: dt.datetime = Field(default_factory=utcnow)
    expires_at: dt.datetime
    ended_at: Optional[dt.datetime] = None


class QuestionnaireVersion(SQLModel, table=True):
    """A frozen copy of a questionnaire file as a campaign used it."""

    __table_args__ = (UniqueConstraint("key", "version"), UniqueConstraint("key", "checksum"))
    id: Optional[int] = Field(default=None, primary_key=True)
    key: str = Field(max_length=40)  # trainer | organisation
    version: int
    checksum: str = Field(max_length=64)
    definition: dict = Field(sa_column=Column(JSON, nullable=False))
    created_at: dt.datetime = Field(default_factory=utcnow)


class Campaign(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(max_length=160)
    starts_on: dt.date
    ends_on: dt.date
    status: str = Field(default=CampaignStatus.draft, max_length=20)
    trainer_qv_id: int = Field(foreign_key="questionnaireversion.id")
    organisation_qv_id: int = Field(foreign_key="questionnaireversion.id")
    custom_items: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: dt.datetime = Field(default_factory=utcnow)


class Invitation(SQLModel, table=True):
    """A personal link: only the SHA-256 of its token is stored."""

    __table_args__ = (UniqueConstraint("campaign_id", "person_id"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    token_hash: str = Field(unique=True, max_length=64)
    created_at: dt.datetime = Field(default_factory=utcnow)
    expires_at: Optional[dt.datetime] = None
    revoked_at: Optional[dt.datetime] = None


class Response(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("campaign_id", "person_id", "questionnaire_version_id"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    person_id: Optional[int] = Field(default=None, foreign_key="person.id", index=True)
    questionnaire_version_id: int = Field(foreign_key="questionnaireversion.id")
    # respondent's role and site at answering time, kept when a person is erased
    role: str = Field(max_length=20)
    site_id: Optional[int] = Field(default=None, foreign_key="site.id", index=True)
    status: str = Field(default=ResponseStatus.draft, max_length=20, index=True)
    idempotency_key: str = Field(unique=True, max_length=64)
    current_section: int = Field(default=0)
    # sequence of answer saves: each save takes the next number (see Answer.revision)
    answer_seq: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    started_at: dt.datetime = Field(default_factory=utcnow)
    updated_at: dt.datetime = Field(default_factory=utcnow)
    submitted_at: Optional[dt.datetime] = None
    # profile answers the scoring needs, copied at submission for fast reads
    profile: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class Answer(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("response_id", "item_id"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    response_id: int = Field(foreign_key="response.id", ondelete="CASCADE", index=True)
    item_id: str = Field(max_length=60)
    value: Optional[int] = None  # 0..4 for scale items, or an integer answer
    not_applicable: bool = Field(default=False)
    choice: Optional[str] = Field(default=None, max_length=2000)  # JSON list / text answers
    saved_at: dt.datetime = Field(default_factory=utcnow)
    # the response's answer_seq of the save that wrote this answer; a save based on an
    # older revision cannot change it (survey.answering.save_changes)
    revision: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class ResponseScore(SQLModel, table=True):
    """Area scores of one submitted response, stored at submission time."""

    response_id: int = Field(foreign_key="response.id", ondelete="CASCADE", primary_key=True)
    area: str = Field(max_length=40, primary_key=True)
    score: Optional[float] = None
    n_applicable: int = 0
    n_items: int = 0


class Consent(SQLModel, table=True):
    """Consent history; the latest row per person and kind is in force."""

    id: Optional[int] = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    kind: str = Field(max_length=40)  # named_to_lead
    granted: bool
    campaign_id: Optional[int] = Field(default=None, foreign_key="campaign.id")
    at: dt.datetime = Field(default_factory=utcnow)


class AuditLog(SQLModel, table=True):
    """Append-only record of sensitive events, in UTC; never passwords or answers."""

    id: Optional[int] = Field(default=None, primary_key=True)
    at: dt.datetime = Field(default_factory=utcnow, index=True)
    actor_id: Optional[int] = Field(default=None, foreign_key="person.id")
    actor_label: str = Field(default="", max_length=254)
    action: str = Field(max_length=60, index=True)
    target: str = Field(default="", max_length=254)
    detail: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class ActionPlan(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    campaign_id: Optional[int] = Field(default=None, foreign_key="campaign.id")
    site_id: Optional[int] = Field(default=None, foreign_key="site.id")  # None: organisation
    title: str = Field(max_length=200)
    created_by: Optional[int] = Field(default=None, foreign_key="person.id")
    created_at: dt.datetime = Field(default_factory=utcnow)
    updated_at: dt.datetime = Field(default_factory=utcnow)


class PlanAction(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="actionplan.id", ondelete="CASCADE", index=True)
    focus_area: str = Field(default="", max_length=40)
    title: str = Field(max_length=300)
    owner: str = Field(default="", max_length=160)
    due_on: Optional[dt.date] = None
    status: str = Field(default="todo", max_length=20)  # todo | doing | done
    indicator: str = Field(default="", max_length=300)
    created_at: dt.datetime = Field(default_factory=utcnow)
    updated_at: dt.datetime = Field(default_factory=utcnow)


class Setting(SQLModel, table=True):
    """Organisation-wide settings editable in the app (k, thresholds, rules, texts)."""

    key: str = Field(primary_key=True, max_length=80)
    value: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated_at: dt.datetime = Field(default_factory=utcnow)
    updated_by: Optional[int] = Field(default=None, foreign_key="person.id")


class CohortPlan(SQLModel, table=True):
    """A training-of-trainers plan: parameters and cohorts as JSON, draft or published."""

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(max_length=160)
    status: str = Field(default="draft", max_length=20)
    params: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    plan: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_by: Optional[int] = Field(default=None, foreign_key="person.id")
    created_at: dt.datetime = Field(default_factory=utcnow)
    updated_at: dt.datetime = Field(default_factory=utcnow)
    published_at: Optional[dt.datetime] = None


class DisclosureRelease(SQLModel, table=True):
    """A population released for one figure of a campaign (see disclosure/): what is shown from now on.

    Rows are only ever added: the latest row per (campaign, role, figure) is what
    the figure shows, and every row ever written constrains what may be released next.
    """

    id: Optional[int] = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    role: str = Field(max_length=20)
    figure: str = Field(max_length=160)  # org | region:3 | site:12 | site:12|modality:hybrid | paired:...
    n: int = 0
    population: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))  # response ids
    reason: str = Field(default="", max_length=20)
    released_at: dt.datetime = Field(default_factory=utcnow)
    viewer_id: Optional[int] = Field(default=None, foreign_key="person.id")  # whose read triggered it


Index("ix_response_campaign_status", Response.campaign_id, Response.status)


# --- org_model (issue 20) ---
class OrgModel(SQLModel, table=True):
    """The organisation's declared pedagogical model and who produces digital resources.

    One row for the whole organisation (scope "org", site_id None) and optionally one per
    site (scope "site:<id>") that overrides it; questionnaire v2 scores against it.
    """

    id: Optional[int] = Field(default=None, primary_key=True)
    scope: str = Field(unique=True, max_length=40)  # org | site:<id>
    site_id: Optional[int] = Field(default=None, foreign_key="site.id", index=True)
    pedagogy: str = Field(max_length=20)  # enriched | blended | distance
    production: str = Field(max_length=20)  # trainers | team | both
    updated_at: dt.datetime = Field(default_factory=utcnow)
    updated_by: Optional[int] = Field(default=None, foreign_key="person.id")


# --- badges (recognition, issue 18) ---
from sqlalchemy import Text  # noqa: E402


class Badge(SQLModel, table=True):
    """An Open Badges 3.0 credential issued for a cohort led or completed.

    The signed credential is kept so the person can download it again; the
    signing key is never in the database (recognition.keys). ``status_index``
    is the credential's bit in the organisation's revocation list. Erasure
    unlinks the person and drops the stored copy, but the bit stays: a badge
    already downloaded remains valid unless the lead revokes it.
    """

    __table_args__ = (UniqueConstraint("person_id", "plan_id", "cohort_id", "role"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    person_id: Optional[int] = Field(default=None, foreign_key="person.id", index=True)
    role: str = Field(max_length=20)  # learner | relay
    area: str = Field(max_length=40)
    cohort_id: str = Field(max_length=80)
    plan_id: int
    hours: float = 0.0
    credential_id: str = Field(unique=True, max_length=80)
    status_index: int = Field(unique=True)
    token: Optional[str] = Field(default=None, sa_column=Column(Text, nullable=True))
    issued_at: dt.datetime = Field(default_factory=utcnow)
    revoked_at: Optional[dt.datetime] = None
    revoked_by: Optional[int] = Field(default=None, foreign_key="person.id")
    revoke_reason: str = Field(default="", max_length=300)
# --- cascade ---
from cascade.models import (  # noqa: E402,F401  (tables of issue 18, in their own module)
    CascadeAttendance, CascadeCohort, CascadeRequest, CascadeSeat, CascadeSession,
)
# --- learners ---
class LearnerLink(SQLModel, table=True):
    """A learners' link for one site (and optionally one cohort) in a campaign: anonymous,
    shared by a whole group, never tied to a person. Only the SHA-256 of its token is kept."""

    id: Optional[int] = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    site_id: int = Field(foreign_key="site.id", index=True)
    cohort: str = Field(default="", max_length=120)
    token_hash: str = Field(unique=True, max_length=64)
    created_by: Optional[int] = Field(default=None, foreign_key="person.id")
    created_at: dt.datetime = Field(default_factory=utcnow)
    closed_at: Optional[dt.datetime] = None
    closed_by: Optional[int] = Field(default=None, foreign_key="person.id")


class LearnerResponse(SQLModel, table=True):
    """One learner's anonymous answers through a link; device_hash is an HMAC of the link and
    a random device cookie (one answer per device and link), never an address or a name."""

    __table_args__ = (UniqueConstraint("link_id", "device_hash"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    link_id: int = Field(foreign_key="learnerlink.id", index=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    site_id: int = Field(foreign_key="site.id", index=True)
    device_hash: str = Field(max_length=64)
    questionnaire_version: int = 1
    submitted_at: dt.datetime = Field(default_factory=utcnow)


class LearnerAnswer(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("response_id", "item_id"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    response_id: int = Field(foreign_key="learnerresponse.id", ondelete="CASCADE", index=True)
    item_id: str = Field(max_length=60)
    value: Optional[int] = None  # 0..4; None with not_applicable ("I don't know")
    not_applicable: bool = Field(default=False)


class LearnerThrottle(SQLModel, table=True):
    """Recent answers per learners' link, keyed by an HMAC of the link (rows live one window)."""

    key_hash: str = Field(primary_key=True, max_length=64)
    window_start: dt.datetime = Field(default_factory=utcnow)
    count: int = 0


class LearnerRelease(SQLModel, table=True):
    """A released population of learners' responses for one figure (see disclosure/learners.py);
    rows are only ever added, like DisclosureRelease, in a separate table because learners'
    responses are a separate population with ids of their own."""

    id: Optional[int] = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    figure: str = Field(max_length=160)  # learner:L-03|site:12 | ...|region:2 | ...|org
    n: int = 0
    population: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    reason: str = Field(default="", max_length=20)
    released_at: dt.datetime = Field(default_factory=utcnow)
    viewer_id: Optional[int] = Field(default=None, foreign_key="person.id")
# --- trades_official (issue 20 items 5 and 7) ---
class PersonTrade(SQLModel, table=True):
    """The trade (filière) a person teaches, from the roster; absent when the roster has none."""

    person_id: int = Field(foreign_key="person.id", primary_key=True)
    trade: str = Field(max_length=40, index=True)  # a code of data/trades.yaml
    updated_at: dt.datetime = Field(default_factory=utcnow)


class CampaignOfficialPosition(SQLModel, table=True):
    """A campaign whose site managers answer the organisation questionnaire as their site's
    official, named position (stated on their privacy notice before they answer)."""

    campaign_id: int = Field(foreign_key="campaign.id", primary_key=True)
    enabled: bool = Field(default=False)
    set_at: dt.datetime = Field(default_factory=utcnow)
    set_by: Optional[int] = Field(default=None, foreign_key="person.id")
# --- solve jobs (scale) ---
class SolveJob(SQLModel, table=True):
    """A planner solve waiting for, or run by, a worker process (see planning/jobs.py).

    The job carries its own input (the instance as JSON) and, once done, the plan as
    JSON, so any server's worker can take it and any server's page can show the result.
    """

    id: Optional[int] = Field(default=None, primary_key=True)
    campaign_id: Optional[int] = Field(default=None, foreign_key="campaign.id")
    status: str = Field(default="queued", max_length=20)  # queued|running|done|failed|cancelled
    progress: float = 0.0  # 0..1, the share of the time limit spent
    cancel_requested: bool = False
    attempts: int = 0
    instance: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    result: Optional[dict] = Field(default=None, sa_column=Column(JSON, nullable=True))
    error: str = Field(default="", max_length=300)  # an English msgid, rendered by the page
    error_params: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    requested_by: Optional[int] = Field(default=None, foreign_key="person.id")
    worker_id: str = Field(default="", max_length=120)
    created_at: dt.datetime = Field(default_factory=utcnow)
    started_at: Optional[dt.datetime] = None
    heartbeat_at: Optional[dt.datetime] = None
    finished_at: Optional[dt.datetime] = None


Index("ix_solvejob_status_id", SolveJob.status, SolveJob.id)
# --- sessions and badge reissue (h-sessions, issue 18) ---
from recognition.tables import BadgeSuperseded  # noqa: E402,F401
# --- results shared by every server (scale, issue 21) ---
class SharedResult(SQLModel, table=True):
    """A guarded figure computed once per data version and read by every server (see
    storage/snapshots.py): the payload is signed with a key that never enters the database."""

    key: str = Field(primary_key=True, max_length=64)  # sha256 of kind and inputs
    kind: str = Field(max_length=40)
    created_at: dt.datetime = Field(default_factory=utcnow, index=True)
    payload: bytes
    mac: str = Field(max_length=64)  # HMAC-SHA256 of the payload
