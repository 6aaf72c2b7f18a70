"""A trainer's personal result: levels per area, three strengths, three priorities.

Read from the stored area scores of the submitted response (the same numbers
every dashboard uses); the next step of an area is the ``next_step`` text of
the weakest answered item of that area.  Only the link's owner sees it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import select

from i18n import Translator
from scoring.levels import level_name, level_of_score
from scoring.store import questionnaire_of
from storage.db import read_session
from storage.models import Answer, Response, ResponseScore

TOP = 3


@dataclass(frozen=True)
class AreaResult:
    area: str
    name: str
    score: float | None
    level: str | None
    level_name: str
    next_step: str


@dataclass(frozen=True)
class PersonalResult:
    response_id: int
    title: str
    overall_score: float | None
    overall_level: str | None
    overall_level_name: str
    areas: tuple[AreaResult, ...]
    strengths: tuple[AreaResult, ...]
    priorities: tuple[AreaResult, ...]


def personal_result(engine: Engine, response_id: int, lang: str) -> PersonalResult | None:
    """The result of a submitted response in lang (None when it is not submitted)."""
    t = Translator(lang)
    with read_session(engine) as s:
        r = s.get(Response, response_id)
        if r is None or r.status != "submitted":
            return None
        q = questionnaire_of(s, r.questionnaire_version_id)
        scores = {row.area: row.score for row in s.exec(
            select(ResponseScore).where(ResponseScore.response_id == response_id)).all()}
        answers = {a.item_id: a for a in s.exec(
            select(Answer).where(Answer.response_id == response_id)).all()}
    names = {a.id: a.name.get(lang) for a in q.areas}
    areas = []
    for area_id in q.area_ids():
        score = _clean(scores.get(area_id))
        level = level_of_score(score)
        weakest = sorted((a for a in (answers.get(it.id) for it in q.area_items()
                                      if it.area == area_id)
                          if a is not None and not a.not_applicable and a.value is not None),
                         key=lambda a: (a.value, a.item_id))
        step = ""
        if weakest:
            item = q.item(weakest[0].item_id)
            step = item.next_step.get(lang) if item.next_step else ""
        areas.append(AreaResult(area_id, names[area_id], score, level,
                                t(level_name(level)) if level else t("No score"), step))
    overall = _clean(scores.get("overall"))
    level = level_of_score(overall)
    ranked = sorted((a for a in areas if a.score is not None), key=lambda a: -a.score)
    strengths = tuple(ranked[:TOP])
    priorities = tuple(a for a in reversed(ranked) if a not in strengths)[:TOP]
    return PersonalResult(response_id, q.title.get(lang), overall, level,
                          t(level_name(level)) if level else t("No score"), tuple(areas),
                          strengths, priorities)


def _clean(score: float | None) -> float | None:
    return None if score is None or math.isnan(score) else float(score)
