"""Plausible answers for one campaign, driven by each site's culture and each trainer.

A trainer's answers follow their latent practice (theta) plus per-area and
per-item offsets; they progress between campaigns, faster where the site has
a strategy. Managers rate their organisation a little higher than their
trainers do, which gives the dashboards a real perception gap to show.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from demo.organisation import DemoPerson, DemoSite

NA_SHARE = 0.04
ELEMENT_OFFSET = {"leadership": 0.02, "pedagogy": 0.0, "development": -0.06, "evaluation": -0.04,
                  "content": 0.0, "collaboration": -0.02, "infrastructure": 0.06}
MODALITIES = ("face_to_face", "hybrid", "remote_sync", "remote_async")


@dataclass
class DemoResponse:
    person_key: int
    questionnaire: str  # trainer | organisation
    status: str  # draft | submitted
    current_section: int
    started_at: dt.datetime
    submitted_at: dt.datetime | None
    answers: list[tuple[str, int | None, bool, str | None]] = field(default_factory=list)
    profile: dict = field(default_factory=dict)


@dataclass(frozen=True)
class QuestionnaireShape:
    """What the generator needs to know of a questionnaire's items."""

    practice: tuple[tuple[str, str, bool], ...]  # (item id, area, is a sharing item)
    perception: tuple[tuple[str, str], ...]  # (item id, org element) asked to trainers
    n_sections: int
    areas: tuple[str, ...]


def shape_of(questionnaire) -> QuestionnaireShape:  # noqa: ANN001
    """Read a survey.schema.Questionnaire into the generator's shape."""
    practice, perception = [], []
    for section in questionnaire.sections:
        for item in section.items:
            if item.type != "scale":
                continue
            if getattr(item, "area", None):
                practice.append((item.id, item.area, "sharing" in (item.tags or ())))
            elif getattr(item, "element", None):
                perception.append((item.id, item.element))
    return QuestionnaireShape(tuple(practice), tuple(perception), len(questionnaire.sections),
                              tuple(a.id for a in questionnaire.areas))


def _scale(rng: np.random.Generator, latent: np.ndarray, noise: float) -> np.ndarray:
    return np.clip(np.rint(4 * latent + rng.normal(0, noise, latent.shape)), 0, 4).astype(int)


def _with_na(rng: np.random.Generator, ids, values) -> list[tuple[str, int | None, bool, None]]:  # noqa: ANN001
    na = rng.random(len(ids)) < NA_SHARE
    return [(i, None if n else int(v), bool(n), None) for i, v, n in zip(ids, values, na)]


class AnswerModel:
    """Draws answers for trainers and managers; call with campaign index 0, 1, ..."""

    def __init__(self, rng: np.random.Generator, trainer_q: QuestionnaireShape,
                 org_items: tuple[tuple[str, str], ...]):
        self.rng, self.tq, self.org_items = rng, trainer_q, org_items
        self.item_offset = {i: float(rng.normal(0, 0.06)) for i, _, _ in trainer_q.practice}
        self.growth: dict[int, float] = {}

    def theta(self, person: DemoPerson, site: DemoSite, campaign: int) -> float:
        """Latent practice at a campaign: trainers grow, faster with a site strategy."""
        if person.key not in self.growth:
            self.growth[person.key] = float(0.02 + 0.13 * site.strategy
                                            + self.rng.normal(0, 0.04))
        return person.theta + campaign * self.growth[person.key]

    def trainer(self, person: DemoPerson, site: DemoSite, campaign: int,
                strategy: float) -> tuple[list, dict]:
        """Scale answers (practice + perception) and the profile of one trainer."""
        th = self.theta(person, site, campaign)
        ids = [i for i, _, _ in self.tq.practice]
        latent = np.array([
            (0.5 * th + 0.5 * person.sharer + 0.03 * campaign) if sharing
            else th + person.area_offsets.get(area, 0.0) + self.item_offset[i]
            for i, area, sharing in self.tq.practice])
        answers = _with_na(self.rng, ids, _scale(self.rng, latent, 0.55))
        p_ids = [i for i, _ in self.tq.perception]
        p_latent = np.array([strategy - 0.08 + ELEMENT_OFFSET.get(e, 0) for _, e in self.tq.perception])
        answers += _with_na(self.rng, p_ids, _scale(self.rng, p_latent, 0.7))
        return answers, self._profile(person, th)

    def _profile(self, person: DemoPerson, th: float) -> dict:
        rng = self.rng
        probs = {"face_to_face": 0.92, "hybrid": 0.35 + 0.4 * th,
                 "remote_sync": 0.2 + 0.45 * th, "remote_async": 0.15 + 0.45 * th}
        modalities = [m for m in MODALITIES if rng.random() < probs[m]] or ["face_to_face"]
        willing = bool(rng.random() < 0.08 + 0.75 * np.clip((th - 0.45) / 0.4, 0, 1))
        strong = sorted(self.tq.areas, key=lambda a: -person.area_offsets.get(a, 0))
        return {
            "modalities": modalities,
            "years_practice": int(np.clip(rng.gamma(2.2, 5.0), 0, 40)),
            "relay_willing": willing,
            "relay_hours": int(rng.integers(2, 13)) if willing else 0,
            "relay_areas": strong[: int(rng.integers(1, 4))] if willing else [],
            "consent_named": bool(rng.random() < (0.8 if willing else 0.3)),
        }

    def manager(self, strategy: float) -> list:
        """Organisation answers of one manager (a little more optimistic than trainers)."""
        ids = [i for i, _ in self.org_items]
        latent = np.array([strategy + 0.06 + ELEMENT_OFFSET.get(e, 0) + self.rng.normal(0, 0.1)
                           for _, e in self.org_items])
        return _with_na(self.rng, ids, _scale(self.rng, latent, 0.5))
