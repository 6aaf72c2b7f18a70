"""Seeded generator of planner instances, from the tiny demo to the large bench.

Realism knobs: regions and sites of uneven sizes; relays master 2–3 areas
(engagement, resources and teaching far more often than assessment or
empowerment), give 4–12 h a month, mostly face to face; learners need 1–3
areas, more often the ones few relays master; need weight = gap x the site's
strategic weight.  Some relays are also learners on areas they do not master.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import numpy as np

from planning.model import AREAS, Instance, Learner, Params, Relay, Wave

MASTERY = {"engagement": 0.7, "resources": 0.6, "teaching": 0.5,
           "assessment": 0.07, "empowerment": 0.06, "facilitation": 0.15}
NEED = {"engagement": 0.25, "resources": 0.3, "teaching": 0.35,
        "assessment": 0.55, "empowerment": 0.5, "facilitation": 0.4}
ITEMS_PER_AREA = 6


@dataclass(frozen=True)
class Size:
    """Population figures of a generated organisation."""

    trainers: int
    learners: int
    relays: int
    regions: int
    sites: int
    waves: int


SIZES = {
    "tiny": Size(trainers=60, learners=40, relays=5, regions=2, sites=4, waves=2),
    "small": Size(trainers=240, learners=150, relays=15, regions=3, sites=12, waves=3),
    "medium": Size(trainers=1000, learners=700, relays=70, regions=6, sites=30, waves=4),
    "large": Size(trainers=4000, learners=3000, relays=300, regions=13, sites=110, waves=6),
}


def _pick_areas(rng: np.random.Generator, probs: dict[str, float], lo: int, hi: int) -> list[str]:
    """lo..hi distinct areas drawn with the given relative probabilities."""
    k = int(rng.integers(lo, hi + 1))
    p = np.array([probs[a] for a in AREAS])
    return [str(a) for a in rng.choice(AREAS, size=k, replace=False, p=p / p.sum())]


def generate(size: str | Size = "small", seed: int = 0, params: Params | None = None) -> Instance:
    """A reproducible instance of the named size ('tiny', 'small', 'medium', 'large')."""
    s = SIZES[size] if isinstance(size, str) else size
    rng = np.random.default_rng(seed)
    site_region = np.sort(np.concatenate([
        np.arange(s.regions), rng.integers(0, s.regions, max(0, s.sites - s.regions))]))
    site_weight = rng.pareto(2.0, s.sites) + 0.5
    strategy = np.round(rng.uniform(0.6, 1.4, s.sites), 2)
    trainer_site = rng.choice(s.sites, size=s.trainers, p=site_weight / site_weight.sum())
    ids = np.arange(1, s.trainers + 1)
    relay_idx = rng.choice(s.trainers, size=s.relays, replace=False)
    # Learners are drawn among all trainers, so some relays are learners too.
    learner_idx = rng.choice(s.trainers, size=s.learners, replace=False)
    relays = []
    for i in sorted(relay_idx):
        mods = {"face_to_face"} if rng.random() < 0.9 else set()
        if rng.random() < 0.4 or not mods:
            mods.add("remote")
        if rng.random() < 0.25:
            mods.add("hybrid")
        site = int(trainer_site[i])
        relays.append(Relay(
            person_id=int(ids[i]), site_id=site, region_id=int(site_region[site]),
            areas=frozenset(_pick_areas(rng, MASTERY, 2, 3)),
            hours_per_month=float(rng.choice([4, 5, 6, 6, 8, 10, 12])), modalities=frozenset(mods)))
    mastered = {r.person_id: r.areas for r in relays}
    learners = []
    for i in sorted(learner_idx):
        pid, site = int(ids[i]), int(trainer_site[i])
        probs = {a: (0.0 if a in mastered.get(pid, ()) else NEED[a]) for a in AREAS}
        areas = _pick_areas(rng, probs, 1, min(3, sum(v > 0 for v in probs.values())))
        needs = {a: round(float(rng.uniform(0.2, 1.0)) * float(strategy[site]), 2) for a in areas}
        weak = {a: tuple(f"{a[:3]}.{int(k)}" for k in rng.permutation(ITEMS_PER_AREA)[:3] + 1)
                for a in areas}
        learners.append(Learner(pid, site, int(site_region[site]), needs, weak))
    start = dt.date(2026, 9, 1)
    waves = tuple(Wave(w, dt.date(start.year + (start.month + w - 1) // 12,
                                  (start.month + w - 1) % 12 + 1, 1)) for w in range(s.waves))
    return Instance(tuple(relays), tuple(learners), waves, params or Params(seed=seed))


def with_params(instance: Instance, **changes: object) -> Instance:
    """The same people with some params changed."""
    return replace(instance, params=replace(instance.params, **changes))
