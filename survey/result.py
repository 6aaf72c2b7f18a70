"""A trainer's personal result: levels per area, three strengths, three priorities.

Read from the stored area scores of the submitted response (the same numbers
every dashboard uses); the next step of an area is the next step of the weakest
answered item of that area that has one: the chosen option's own ``next_step``
(questionnaire v2), else the item's (v1).  Under a declared organisation model
(v2), items the model leaves out are skipped and answers are weighed against the
model's ceilings, as in the scores; ``model_notes`` explains it.  The three
priorities are the weakest areas that have a next step.  Only the link's owner sees it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import select

from i18n import Translator
from scoring.levels import level_name, level_of_score
from scoring.org_model import (PEDAGOGIES, PRODUCTIONS, Model, adjusted_value, item_effects,
                               model_for_site, rules_for)
from scoring.store import questionnaire_of
from storage.db import read_session
from storage.models import Answer, Response, ResponseScore
from survey.schema import Item, Questionnaire

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
    model_notes: tuple[str, ...] = ()


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
        model = model_for_site(s, r.site_id) if q.models else None
    rules = rules_for(q, model)
    left_out, ceilings = item_effects(rules)
    names = {a.id: a.name.get(lang) for a in q.areas}
    areas = []
    for area_id in q.area_ids():
        score = _clean(scores.get(area_id))
        level = level_of_score(score)
        steps = sorted((adjusted_value(a.value, ceilings.get(a.item_id)), a.item_id, step)
                       for a in (answers.get(it.id) for it in q.area_items()
                                 if it.area == area_id and it.id not in left_out)
                       if a is not None and not a.not_applicable and a.value is not None
                       for step in [_step(q.item(a.item_id), a.value, lang)] if step)
        step = steps[0][2] if steps else ""
        areas.append(AreaResult(area_id, names[area_id], score, level,
                                t(level_name(level)) if level else t("No score"), step))
    overall = _clean(scores.get("overall"))
    level = level_of_score(overall)
    ranked = sorted((a for a in areas if a.score is not None), key=lambda a: -a.score)
    strengths = tuple(ranked[:TOP])
    priorities = tuple(a for a in reversed(ranked) if a not in strengths and a.next_step)[:TOP]
    return PersonalResult(response_id, q.title.get(lang), overall, level,
                          t(level_name(level)) if level else t("No score"), tuple(areas),
                          strengths, priorities, model_notes(q, model, rules, lang))


def _step(item: Item, value: int, lang: str) -> str:
    """The next step from a chosen option: the option's own (v2), else the item's (v1)."""
    options = item.options or ()
    if 0 <= value < len(options) and options[value].next_step is not None:
        return options[value].next_step.get(lang)
    return item.next_step.get(lang) if item.next_step else ""


def model_notes(q: Questionnaire, model: Model | None, rules: tuple, lang: str) -> tuple[str, ...]:
    """Sentences saying which model the result was scored against and what that changed."""
    if model is None or not q.models:
        return ()
    t = Translator(lang)
    head = t("Scored against your site's model: {pedagogy}; digital resources produced by: "
             "{production}.", pedagogy=t(PEDAGOGIES[model.pedagogy]),
             production=t(PRODUCTIONS[model.production]))
    if not rules:
        return (head, t("This model changes nothing in how your answers are scored."))
    return (head, *(rule.why.get(lang) for rule in rules))


def _clean(score: float | None) -> float | None:
    return None if score is None or math.isnan(score) else float(score)
