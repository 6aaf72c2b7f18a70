"""Answering a questionnaire: draft responses saved section by section, submitted once.

Answer values, per item type: scale -> int 0..4 or :data:`NA` ("does not apply
to my job"); boolean -> bool; integer -> int; single -> choice id; multi ->
list of choice ids; ``None`` -> not answered.

A save carries only what the person changed, each change with the revision of
the answer their screen showed (:func:`save_changes`): no save can erase an
answer it does not name, and a stale screen cannot overwrite a newer answer.
Every save is one transaction (``write_session``: BEGIN IMMEDIATE on SQLite,
the response row locked FOR UPDATE on PostgreSQL), so a save either lands
whole or not at all, and a submitted response is never changed again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from i18n import N_, RelaisError
from scoring.store import score_and_store
from storage.db import read_session, write_session
from storage.models import Answer, Consent, Response, utcnow
from survey.links import LinkContext
from survey.schema import Item, Questionnaire, Section
from survey.versions import answering_questionnaire

NA = "na"
BOOL_MARK = "bool"
CONSENT_ITEM = "consent_named"
CONSENT_KIND = "named_to_lead"
AnswerValue = int | bool | str | list | None


class AlreadySubmitted(RelaisError):
    """The response is submitted: its answers are read-only."""


class Incomplete(RelaisError):
    """Required answers are missing; ``section_index`` is the first section to fix."""

    def __init__(self, section_index: int, errors: dict[str, RelaisError]):
        super().__init__(N_("Some required answers are missing."))
        self.section_index = section_index
        self.errors = errors


@dataclass
class ResponseState:
    """A response as the answering page needs it."""

    response_id: int
    status: str
    current_section: int
    questionnaire_version_id: int
    answers: dict[str, AnswerValue] = field(default_factory=dict)
    revisions: dict[str, int] = field(default_factory=dict)

    @property
    def submitted(self) -> bool:
        return self.status == "submitted"


def idempotency_key(campaign_id: int, person_id: int, qv_id: int) -> str:
    """One key per person, campaign and questionnaire version: a second start finds the first."""
    return hashlib.sha256(f"{campaign_id}:{person_id}:{qv_id}".encode()).hexdigest()


def start_or_resume(engine: Engine, ctx: LinkContext) -> ResponseState:
    """The person's response in this campaign, created as a draft if none exists."""
    state = _existing(engine, ctx)
    if state is not None:
        return state
    try:
        with write_session(engine) as s:
            if _find(s, ctx) is None:
                s.add(Response(campaign_id=ctx.campaign_id, person_id=ctx.person_id,
                               questionnaire_version_id=ctx.questionnaire_version_id,
                               role=ctx.role, site_id=ctx.site_id,
                               idempotency_key=idempotency_key(
                                   ctx.campaign_id, ctx.person_id,
                                   ctx.questionnaire_version_id)))
    except IntegrityError:
        pass  # another tab or request created it first: the unique key kept one
    return _existing(engine, ctx)


def _find(s: Session, ctx: LinkContext) -> Response | None:
    # any version: a response keeps the version it was started on
    return s.exec(select(Response).where(Response.campaign_id == ctx.campaign_id,
                                         Response.person_id == ctx.person_id)
                  .order_by(Response.id)).first()


def _existing(engine: Engine, ctx: LinkContext) -> ResponseState | None:
    with read_session(engine) as s:
        r = _find(s, ctx)
        if r is None:
            return None
        return _state(s, r)


def existing_state(engine: Engine, ctx: LinkContext) -> ResponseState | None:
    """The person's response in this campaign, or None before they start."""
    return _existing(engine, ctx)


def load_state(engine: Engine, response_id: int) -> ResponseState:
    with read_session(engine) as s:
        return _state(s, s.get(Response, response_id))


def _state(s: Session, r: Response) -> ResponseState:
    rows = s.exec(select(Answer).where(Answer.response_id == r.id)).all()
    return ResponseState(r.id, r.status, r.current_section, r.questionnaire_version_id,
                         {a.item_id: _decode(a) for a in rows},
                         {a.item_id: a.revision for a in rows})


def questionnaire_for(engine: Engine, response_id: int) -> Questionnaire:
    """The questionnaire a response is answered on (its frozen version plus custom items)."""
    with read_session(engine) as s:
        r = s.get(Response, response_id)
        return answering_questionnaire(s, r.questionnaire_version_id, r.campaign_id)


def _read_answers(s: Session, response_id: int) -> dict[str, AnswerValue]:
    rows = s.exec(select(Answer).where(Answer.response_id == response_id)).all()
    return {a.item_id: _decode(a) for a in rows}


def _decode(a: Answer) -> AnswerValue:
    # booleans are stored as 0/1 with choice "bool" so they read back as True/False
    if a.choice == BOOL_MARK:
        return bool(a.value)
    if a.not_applicable:
        return NA
    if a.choice is not None:
        try:
            return json.loads(a.choice)
        except ValueError:
            return a.choice
    return a.value


def _encode(item: Item, value: AnswerValue) -> dict:
    """Answer columns for a value, or RelaisError naming the item when it does not fit."""
    bad = RelaisError(N_("The answer to question {item} is not valid."), item=item.id)
    if item.type == "scale":
        if value == NA and item.allow_na:
            return {"value": None, "not_applicable": True, "choice": None}
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 4:
            raise bad
        return {"value": value, "not_applicable": False, "choice": None}
    if item.type == "boolean":
        if not isinstance(value, bool):
            raise bad
        return {"value": int(value), "not_applicable": False, "choice": BOOL_MARK}
    if item.type == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            raise bad
        if not item.min <= value <= item.max:
            raise RelaisError(N_("Enter a number between {min} and {max}."),
                              min=item.min, max=item.max)
        return {"value": value, "not_applicable": False, "choice": None}
    ids = {c.id for c in item.choices}
    if item.type == "single":
        if value not in ids:
            raise bad
        return {"value": None, "not_applicable": False, "choice": json.dumps(value)}
    if not isinstance(value, list) or not set(value) <= ids:
        raise bad
    return {"value": None, "not_applicable": False, "choice": json.dumps(sorted(set(value)))}


def is_visible(item: Item, answers: Mapping[str, AnswerValue]) -> bool:
    """Whether a question is shown, given the answers (``show_if`` needs a "yes")."""
    return item.show_if is None or answers.get(item.show_if) is True



def _missing(value: AnswerValue) -> bool:
    return value is None or value == [] or value == ""


def validate_section(section: Section, answers: Mapping[str, AnswerValue]) -> dict[str, RelaisError]:
    """Item id -> message for each required, visible question without a valid answer."""
    errors: dict[str, RelaisError] = {}
    for item in section.items:
        if not is_visible(item, answers):
            continue
        value = answers.get(item.id)
        if _missing(value):
            if item.required:
                errors[item.id] = RelaisError(N_("Please answer this question."))
            continue
        try:
            _encode(item, value)
        except RelaisError as err:
            errors[item.id] = err
    return errors


def _lock(s: Session, response_id: int) -> Response:
    r = s.exec(select(Response).where(Response.id == response_id).with_for_update()).first()
    if r is None:
        raise RelaisError(N_("This response does not exist."))
    return r


@dataclass(frozen=True)
class Change:
    """One answer a person changed on their screen.

    ``value`` is the new answer (``None``: they cleared it themselves); ``base``
    is the revision of the stored answer their screen showed when they changed it
    (``None``: no answer was stored then).
    """

    item_id: str
    value: AnswerValue
    base: int | None


@dataclass
class SaveResult:
    """What a save left in the database, item by item.

    ``revisions``: item -> revision now stored (``None``: no answer stored), for
    every item the save touched or refused; ``stale``: item -> the newer stored
    answer that was kept because the change was based on an older revision;
    ``cleared``: items removed with a question that hides them (the person
    answered "no" to the question they depend on).
    """

    revisions: dict[str, int | None] = field(default_factory=dict)
    stale: dict[str, AnswerValue] = field(default_factory=dict)
    cleared: list[str] = field(default_factory=list)


def save_changes(engine: Engine, response_id: int, changes: list[Change],
                 current_section: int | None = None) -> SaveResult:
    """Store the answers a person changed, in one transaction, and where they are.

    The save rule that keeps every given answer: a save carries only the
    answers that changed, never a whole section, so nothing it does not name
    can be erased; and each change names the revision it was based on, so a
    change made on a screen older than the stored answer (another tab, a
    delayed request) leaves the newer answer in place and reports it in
    ``stale``. An answer is removed only by the person clearing it (value
    ``None``), or, for questions shown only after a "yes", by that "yes" being
    taken back. Values that do not fit raise RelaisError naming the question,
    and nothing is written; a submitted response raises AlreadySubmitted.
    """
    result = SaveResult()
    # Everything that needs no lock first (the questionnaire, the values' checks), so
    # the write transaction, which others wait for, holds only reads by key and writes.
    with read_session(engine) as s:
        r = s.get(Response, response_id)
        if r is None:
            raise RelaisError(N_("This response does not exist."))
        q = answering_questionnaire(s, r.questionnaire_version_id, r.campaign_id)
    items = {it.id: it for sec in q.sections for it in sec.items}
    encoded: dict[str, dict | None] = {}
    for ch in changes:
        item = items.get(ch.item_id)
        if item is None:
            raise RelaisError(N_("Unknown question {item}."), item=ch.item_id)
        encoded[ch.item_id] = None if _missing(ch.value) else _encode(item, ch.value)
    with write_session(engine) as s:
        r = _lock(s, response_id)
        if r.status == "submitted":
            raise AlreadySubmitted(N_("Your answers have already been submitted; they can no "
                                      "longer be changed."))
        stored = {a.item_id: a for a in s.exec(select(Answer).where(
            Answer.response_id == response_id, Answer.item_id.in_(list(encoded)))).all()}
        seq = r.answer_seq + 1
        now = utcnow()
        rows, removed = [], []
        for ch in changes:
            current = stored.get(ch.item_id)
            current_rev = current.revision if current is not None else None
            if current_rev != ch.base:
                current_value = _decode(current) if current is not None else None
                if current_value != (None if _missing(ch.value) else ch.value):
                    result.stale[ch.item_id] = current_value
                result.revisions[ch.item_id] = current_rev
                continue
            if encoded[ch.item_id] is None:
                removed.append(ch.item_id)
                result.revisions[ch.item_id] = None
            else:
                rows.append({"response_id": response_id, "item_id": ch.item_id,
                             "saved_at": now, "revision": seq, **encoded[ch.item_id]})
                result.revisions[ch.item_id] = seq
            if items[ch.item_id].type == "boolean" and ch.value is not True:
                # questions shown only after "yes" go with the "yes"
                result.cleared += [it.id for it in items.values() if it.show_if == ch.item_id]
        removed += [i for i in result.cleared if i not in result.revisions]
        for i in result.cleared:
            result.revisions.setdefault(i, None)
        if removed:
            s.execute(delete(Answer).where(Answer.response_id == response_id,
                                           Answer.item_id.in_(removed)))
        if rows:
            ins = (sqlite_insert if s.bind.dialect.name == "sqlite" else pg_insert)(Answer)
            s.execute(ins.values(rows).on_conflict_do_update(
                index_elements=["response_id", "item_id"],
                set_={c: ins.excluded[c] for c in ("value", "not_applicable", "choice",
                                                    "saved_at", "revision")}))
        if rows or removed:
            r.answer_seq = seq
        if current_section is not None:
            r.current_section = max(0, min(current_section, len(q.sections) - 1))
        r.updated_at = now
    return result


def set_position(engine: Engine, response_id: int, current_section: int) -> None:
    """Remember the section the person is on (answers untouched)."""
    save_changes(engine, response_id, [], current_section)


def save_section(engine: Engine, response_id: int, section_id: str,
                 answers: Mapping[str, AnswerValue], current_section: int | None = None) -> None:
    """Store the given answers of a section (scripts, imports, tests); never removes one.

    Missing values (``None``, empty) are skipped, not cleared: a bulk save cannot
    know whether its caller saw an answer, so only :func:`save_changes` with a
    change to ``None`` removes one. Values that do not fit raise RelaisError.
    """
    with read_session(engine) as s:
        r = s.get(Response, response_id)
        if r is None:
            raise RelaisError(N_("This response does not exist."))
        q = answering_questionnaire(s, r.questionnaire_version_id, r.campaign_id)
        revisions = {a.item_id: a.revision for a in s.exec(
            select(Answer).where(Answer.response_id == response_id)).all()}
    section = next((x for x in q.sections if x.id == section_id), None)
    if section is None:
        raise RelaisError(N_("Unknown section {section}."), section=section_id)
    changes = [Change(it.id, answers[it.id], revisions.get(it.id)) for it in section.items
               if not _missing(answers.get(it.id)) and is_visible(it, answers)]
    save_changes(engine, response_id, changes, current_section)


@dataclass(frozen=True)
class SubmitOutcome:
    response_id: int
    submitted_at: object
    newly_submitted: bool


def submit(engine: Engine, response_id: int) -> SubmitOutcome:
    """Mark a complete draft submitted, with its profile, consent and area scores; idempotent.

    A second call (double click, second tab, retried request) changes nothing
    and returns the first submission.  Incomplete if a required answer is missing.
    """
    with write_session(engine) as s:
        r = _lock(s, response_id)
        if r.status == "submitted":
            return SubmitOutcome(r.id, r.submitted_at, False)
        q = answering_questionnaire(s, r.questionnaire_version_id, r.campaign_id)
        answers = _read_answers(s, r.id)
        for index, section in enumerate(q.sections):
            errors = validate_section(section, answers)
            if errors:
                raise Incomplete(index, errors)
        now = utcnow()
        r.profile = {it.id: answers[it.id] for s_ in q.sections if s_.kind == "profile"
                     for it in s_.items if it.id in answers
                     and not it.id.startswith("custom_")}
        r.status, r.submitted_at, r.updated_at = "submitted", now, now
        if isinstance(answers.get(CONSENT_ITEM), bool) and r.person_id is not None:
            before = s.exec(select(Consent.granted).where(Consent.person_id == r.person_id,
                                                          Consent.kind == CONSENT_KIND)
                            .order_by(Consent.id.desc())).first()
            s.add(Consent(person_id=r.person_id, kind=CONSENT_KIND,
                          granted=answers[CONSENT_ITEM], campaign_id=r.campaign_id, at=now))
            if before and not answers[CONSENT_ITEM]:  # a withdrawal: plans naming them need review
                from planning.store import flag_withdrawal

                flag_withdrawal(s, r.person_id)
        s.flush()
        score_and_store(s, r.questionnaire_version_id, [r.id])
        return SubmitOutcome(r.id, now, True)


def withdraw_named_consent(engine: Engine, person_id: int) -> None:
    """The person takes back their consent to be named to the digital-engineering lead."""
    from privacy.consent import withdraw_consent

    withdraw_consent(engine, person_id)


def named_consent(engine: Engine, person_id: int) -> bool | None:
    """The consent to be named currently in force (None if never given)."""
    with read_session(engine) as s:
        row = s.exec(select(Consent.granted).where(Consent.person_id == person_id,
                                                   Consent.kind == CONSENT_KIND)
                     .order_by(Consent.id.desc())).first()
        return row
