"""Typed values of the training-of-trainers cohort planner (no solver here).

Vocabulary: a *relay* (consenting champion) leads a *cohort* of colleagues,
the *learners*, on one competence *area* during one *wave* (one wave a month).

Modalities of a cohort, as enforced by :mod:`planning.rules`:

* ``face_to_face`` — every member is *in scope* of the relay: same region
  (``Params.face_to_face_scope == "region"``) or same site (``"site"``).
* ``remote`` — members from anywhere; needs ``Params.allow_remote`` and a relay
  who declared ``remote``.
* ``hybrid`` — meets in person at the relay's site: in-scope members attend
  in person; people out of scope may join remotely only when
  ``Params.allow_remote`` holds *and* the relay declared ``remote`` too
  (:func:`planning.reach.takes_remote`).  Needs ``Params.allow_hybrid`` and a
  relay who declared ``hybrid``.

Waves and hours: a person is in at most one cohort a wave, leading or
learning; a relay's ``hours_per_month`` holds per calendar month over every
wave in it (see :mod:`planning.reach`).

Objective, lexicographic (see :mod:`planning.evaluate`): (1) covered weighted
need; (2) locality: a member attending in person at the cohort's site counts
2, elsewhere in scope in person 1, remotely 0; (3) fair load: smallest
maximum number of cohorts led by one relay.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from i18n import N_

AREAS: tuple[str, ...] = (
    "engagement", "resources", "teaching", "assessment", "empowerment", "facilitation",
)
MODALITIES: tuple[str, ...] = ("face_to_face", "remote", "hybrid")
IN_PERSON: frozenset[str] = frozenset({"face_to_face", "hybrid"})

# Why a (learner, area) need was left out of the plan; English msgids.
NO_RELAY = N_("No relay masters this area within reach")
NO_CAPACITY = N_("Not enough capacity in the waves")
TOO_FEW = N_("Too few learners nearby to fill a cohort")
REASONS: tuple[str, ...] = (NO_RELAY, NO_CAPACITY, TOO_FEW)


@dataclass(frozen=True)
class Relay:
    """A consenting champion who can lead cohorts on the areas they master."""

    person_id: int
    site_id: int
    region_id: int
    areas: frozenset[str]
    hours_per_month: float
    modalities: frozenset[str]


@dataclass(frozen=True)
class Learner:
    """A trainer with weighted needs per area and their weakest items per area."""

    person_id: int
    site_id: int
    region_id: int
    needs: dict[str, float]
    weak_items: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Wave:
    """One monthly wave of cohorts."""

    index: int
    date: dt.date


@dataclass(frozen=True)
class Params:
    """Rules and solver settings chosen by the digital-engineering lead."""

    cohort_min: int = 6
    cohort_max: int = 12
    max_cohorts_per_relay_per_wave: int = 1
    max_cohorts_per_relay_total: int = 4
    hours_per_cohort: float = 6.0
    face_to_face_scope: str = "region"
    allow_remote: bool = True
    allow_hybrid: bool = True
    target_level: str = "B1"
    areas_in_scope: frozenset[str] = frozenset(AREAS)
    time_limit_s: float = 60.0
    seed: int = 0


@dataclass(frozen=True)
class Instance:
    """Everything a solver needs: who leads, who learns, when, and the rules."""

    relays: tuple[Relay, ...]
    learners: tuple[Learner, ...]
    waves: tuple[Wave, ...]
    params: Params = Params()


@dataclass(frozen=True)
class Cohort:
    """One relay leading some learners on one area during one wave."""

    relay_id: int
    area: str
    modality: str
    site_id: int | None
    region_id: int | None
    wave_index: int
    members: tuple[int, ...]
    focus_items: tuple[str, ...] = ()


@dataclass(frozen=True)
class LeftOut:
    """A (learner, area) need the plan does not cover, with a reason msgid."""

    person_id: int
    area: str
    reason_code: str


@dataclass
class Plan:
    """A solver's (or a person's) answer with its quality figures."""

    cohorts: list[Cohort]
    left_out: list[LeftOut] = field(default_factory=list)
    stats: dict[str, float | int | str] = field(default_factory=dict)
    objective: float = 0.0
    bound: float = 0.0
    gap: float = 0.0
    status: str = "UNKNOWN"
    method: str = ""
    message: str = ""
    message_params: dict[str, object] = field(default_factory=dict)
