"""Who may sit in which cohort: capacities, scopes, modalities, locality.

Shared by the rules checker and every solver, so that they agree on the model.
The rules defined here once:

* hours: a relay's ``hours_per_month`` bounds the cohorts they lead in each
  calendar month, over every wave that falls in it (:func:`month_capacity`,
  :func:`waves_by_month`), and ``max_cohorts_per_relay_per_wave`` each wave;
* modalities: a relay leads only the modalities they offered and the params
  allow (:func:`allowed_modalities`);
* who may join: face to face, only people in scope (same region or same site);
  a hybrid cohort's face-to-face part likewise, and people out of scope join
  it remotely only when remote cohorts across the organisation are allowed
  *and* its relay offered remote teaching (:func:`takes_remote`); a remote
  cohort, anyone (:func:`can_join`);
* one place a wave: a person is in at most one cohort a wave, leading or
  learning; a relay who leads in a wave learns in no cohort of it
  (:func:`leaders`: the relays who can lead at all).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable

from planning.model import IN_PERSON, Cohort, Instance, Learner, Params, Relay

LOCAL_SITE = 2
LOCAL_REGION = 1
LOCAL_REMOTE = 0
MAX_LOCALITY = LOCAL_SITE


def month_of(date: dt.date) -> dt.date:
    """The calendar month of a date, as its first day."""
    return date.replace(day=1)


def waves_by_month(instance: Instance) -> dict[dt.date, tuple[int, ...]]:
    """Calendar month (its first day) -> the indices of the waves that fall in it."""
    out: dict[dt.date, list[int]] = defaultdict(list)
    for w in sorted(instance.waves, key=lambda w: (w.date, w.index)):
        out[month_of(w.date)].append(w.index)
    return {m: tuple(ws) for m, ws in out.items()}


def month_capacity(relay: Relay, params: Params) -> int:
    """Cohorts a relay's monthly hours allow in one calendar month, whatever its waves."""
    if params.hours_per_cohort <= 0:
        return max(0, params.max_cohorts_per_relay_total)
    return max(0, math.floor(relay.hours_per_month / params.hours_per_cohort + 1e-9))


def per_wave_capacity(relay: Relay, params: Params) -> int:
    """Cohorts a relay can lead in one wave (hours budget and wave cap)."""
    return max(0, min(params.max_cohorts_per_relay_per_wave, month_capacity(relay, params)))


def total_capacity(relay: Relay, instance: Instance) -> int:
    """Cohorts a relay can lead over the whole horizon (waves, months and total caps)."""
    p = instance.params
    per_wave, per_month = per_wave_capacity(relay, p), month_capacity(relay, p)
    horizon = sum(min(per_month, per_wave * len(ws)) for ws in waves_by_month(instance).values())
    return max(0, min(p.max_cohorts_per_relay_total, horizon))


def leaders(instance: Instance) -> frozenset[int]:
    """Relays who can lead at least one cohort (capacity, a modality and an area in scope)."""
    p = instance.params
    return frozenset(r.person_id for r in instance.relays
                     if total_capacity(r, instance) > 0 and allowed_modalities(r, p)
                     and relay_areas(r, p))


def allowed_modalities(relay: Relay, params: Params) -> tuple[str, ...]:
    """Modalities this relay may lead under the params, in preference order."""
    out = []
    if "face_to_face" in relay.modalities:
        out.append("face_to_face")
    if params.allow_hybrid and "hybrid" in relay.modalities:
        out.append("hybrid")
    if params.allow_remote and "remote" in relay.modalities:
        out.append("remote")
    return tuple(out)


def relay_areas(relay: Relay, params: Params) -> tuple[str, ...]:
    """Areas the relay masters that are in the plan's scope, sorted."""
    return tuple(sorted(relay.areas & params.areas_in_scope))


def scope_key(site_id: int | None, region_id: int | None, params: Params) -> int | None:
    """The site or region that bounds face-to-face gatherings."""
    return site_id if params.face_to_face_scope == "site" else region_id


def in_scope(learner: Learner, relay: Relay, params: Params) -> bool:
    """True when the learner can meet the relay in person."""
    if params.face_to_face_scope == "site":
        return learner.site_id == relay.site_id
    return learner.region_id == relay.region_id


def takes_remote(relay: Relay, modality: str, params: Params) -> bool:
    """True when the relay's cohort of this modality may take people out of scope (remotely).

    A remote cohort always may (leading it needs ``allow_remote`` and remote offered:
    :func:`allowed_modalities`); a hybrid one only when remote cohorts across the
    organisation are allowed and the relay offered remote teaching; face to face never.
    """
    if modality == "remote":
        return True
    return modality == "hybrid" and params.allow_remote and "remote" in relay.modalities


def can_join(learner: Learner, relay: Relay, modality: str, params: Params) -> bool:
    """True when the modality lets this learner sit in this relay's cohort."""
    if learner.person_id == relay.person_id:
        return False
    return in_scope(learner, relay, params) or takes_remote(relay, modality, params)


def locality(learner: Learner, relay: Relay, modality: str, params: Params) -> int:
    """Locality points of a member: 2 same site in person, 1 in scope in person, 0 remote."""
    if modality not in IN_PERSON or not in_scope(learner, relay, params):
        return LOCAL_REMOTE
    return LOCAL_SITE if learner.site_id == relay.site_id else LOCAL_REGION


def needed_pairs(instance: Instance) -> dict[tuple[int, str], float]:
    """(learner, area) -> weight for every need in the plan's scope."""
    scope = instance.params.areas_in_scope
    return {
        (lr.person_id, a): float(w)
        for lr in instance.learners
        for a, w in lr.needs.items()
        if a in scope and w > 0
    }


def need_int(weight: float) -> int:
    """Integer need points used by the CP-SAT models (hundredths)."""
    return max(1, round(weight * 100))


def cohort_place(relay: Relay, modality: str) -> tuple[int | None, int | None]:
    """(site_id, region_id) where a cohort meets; None for remote ones."""
    if modality == "remote":
        return None, None
    return relay.site_id, relay.region_id


def focus_items(cohort_area: str, members: Iterable[Learner], top: int = 3) -> tuple[str, ...]:
    """Items most members are weak on (count, then mean rank, then id)."""
    count: dict[str, int] = {}
    ranks: dict[str, int] = {}
    for lr in members:
        for rank, item in enumerate(lr.weak_items.get(cohort_area, ())):
            count[item] = count.get(item, 0) + 1
            ranks[item] = ranks.get(item, 0) + rank
    order = sorted(count, key=lambda i: (-count[i], ranks[i] / count[i], i))
    return tuple(order[:top])


def make_cohort(
    relay: Relay, area: str, modality: str, wave: int, members: Iterable[Learner]
) -> Cohort:
    """A cohort with its meeting place and focus items filled in."""
    members = list(members)
    site, region = cohort_place(relay, modality)
    return Cohort(
        relay_id=relay.person_id, area=area, modality=modality, site_id=site,
        region_id=region, wave_index=wave,
        members=tuple(sorted(m.person_id for m in members)),
        focus_items=focus_items(area, members),
    )
