"""Frozen questionnaire versions and a campaign's custom items.

A campaign points at stored :class:`QuestionnaireVersion` rows; changing a
questionnaire's content stores a new version (``ensure_version``) and only new
responses use it: each response keeps the version it was started on.  A
campaign may add up to :data:`MAX_CUSTOM_ITEMS` unscored items (scale or single
choice, French and English text), shown as one extra section; they are frozen
once anyone has answered.
"""

from __future__ import annotations

import json

from pydantic import ValidationError
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from i18n import N_, RelaisError
from scoring.store import questionnaire_of
from storage.db import read_session, write_session
from storage.models import Campaign, QuestionnaireVersion, Response
from storage.questionnaires import ensure_version
from survey.schema import Item, Questionnaire, Section

MAX_CUSTOM_ITEMS = 10
CUSTOM_SECTION_ID = "custom"
CUSTOM_PREFIX = "custom_"


def set_questionnaire(engine: Engine, campaign_id: int,
                      questionnaire: Questionnaire) -> QuestionnaireVersion:
    """Point a campaign at this content, as a new version if it changed."""
    with write_session(engine) as s:
        camp = s.get(Campaign, campaign_id)
        qv = ensure_version(s, questionnaire)
        if questionnaire.key == "trainer":
            camp.trainer_qv_id = qv.id
        else:
            camp.organisation_qv_id = qv.id
        return qv


def validate_custom_items(raw: list[dict]) -> list[Item]:
    """Custom items checked with the questionnaire's Item model; RelaisError on the first fault."""
    if len(raw) > MAX_CUSTOM_ITEMS:
        raise RelaisError(N_("A campaign can have at most {max} custom questions, not {n}."),
                          max=MAX_CUSTOM_ITEMS, n=len(raw))
    items, seen = [], set()
    for n, data in enumerate(raw, start=1):
        try:
            item = Item.model_validate({**data, "required": data.get("required", False)})
        except ValidationError as exc:
            err = exc.errors()[0]
            detail = err.get("ctx", {}).get("msgid") or err.get("msg", "")
            raise RelaisError(N_("Custom question {n}: {problem}"), n=n,
                              problem=RelaisError(detail, **{
                                  k: v for k, v in err.get("ctx", {}).items() if k != "msgid"}))
        if item.type not in ("scale", "single"):
            raise RelaisError(N_("Custom question {n}: only scale and single-choice questions "
                                 "are allowed."), n=n)
        if item.area or item.element:
            raise RelaisError(N_("Custom question {n}: custom questions are not scored and "
                                 "have no area."), n=n)
        if not item.id.startswith(CUSTOM_PREFIX) or item.id in seen:
            raise RelaisError(N_("Custom question {n}: its id must start with {prefix} and "
                                 "be unique."), n=n, prefix=CUSTOM_PREFIX)
        seen.add(item.id)
        items.append(item)
    return items


def set_custom_items(engine: Engine, campaign_id: int, raw: list[dict]) -> list[Item]:
    """Replace a campaign's custom items; refused once anyone has started answering."""
    items = validate_custom_items(raw)
    with write_session(engine) as s:
        started = s.exec(select(func.count()).select_from(Response)
                         .where(Response.campaign_id == campaign_id)).one()
        if started:
            raise RelaisError(N_("People have started answering this campaign: its custom "
                                 "questions can no longer change."))
        camp = s.get(Campaign, campaign_id)
        camp.custom_items = [it.model_dump(mode="json", exclude_none=True) for it in items]
    return items


def custom_items(engine: Engine, campaign_id: int) -> list[Item]:
    with read_session(engine) as s:
        camp = s.get(Campaign, campaign_id)
        return [Item.model_validate(d) for d in (camp.custom_items or [])]


# (id of the parsed questionnaire, custom items as JSON) -> (that questionnaire, the result);
# the parsed questionnaires live as long as the process (scoring.store), and each entry
# holds its own, so an id is never reused for another one while its entry exists.
_WITH_CUSTOM: dict[tuple[int, str], tuple[Questionnaire, Questionnaire]] = {}


def answering_questionnaire(session: Session, qv_id: int, campaign_id: int) -> Questionnaire:
    """The frozen questionnaire plus the campaign's custom section (before the profile).

    Built once per questionnaire checksum and custom items (both read on each call, so a
    change made through any server is used at once), not on every rerun.
    """
    q = questionnaire_of(session, qv_id)
    raw = session.execute(select(Campaign.custom_items)
                          .where(Campaign.id == campaign_id)).scalar_one()
    if not raw:
        return q
    key = (id(q), json.dumps(raw, sort_keys=True))
    if key not in _WITH_CUSTOM:
        if len(_WITH_CUSTOM) > 256:  # a handful of campaigns in practice; stay bounded
            _WITH_CUSTOM.clear()
        _WITH_CUSTOM[key] = (q, _with_custom(q, raw))
    return _WITH_CUSTOM[key][1]


def _with_custom(q: Questionnaire, raw: list[dict]) -> Questionnaire:
    extra = [Item.model_validate(d) for d in raw]
    section = Section(id=CUSTOM_SECTION_ID, kind="profile",
                      title={"fr": "Questions de votre organisme",
                             "en": "Questions from your organisation"},
                      estimated_minutes=max(0.5, 0.3 * len(extra)), items=tuple(extra))
    sections = list(q.sections)
    at = len(sections) - 1 if sections[-1].kind == "profile" else len(sections)
    sections.insert(at, section)
    return q.model_copy(update={"sections": tuple(sections)})
