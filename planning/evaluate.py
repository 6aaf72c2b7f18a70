"""Score a plan the same way for every solver, explain who is left out.

The lexicographic objective is turned into one integer for CP-SAT by
:func:`combined_weights`: ``K * need + F * locality + (Lmax - max_load)``
with ``F > Lmax`` and ``K > F * (2 * pairs + 1)``, so one hundredth of need
outweighs every possible locality and fairness difference, and one locality
point outweighs every fairness difference (strict dominance, not a tuning).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from planning.model import (
    IN_PERSON, NO_CAPACITY, NO_RELAY, TOO_FEW, Cohort, Instance, LeftOut, Plan,
)
from planning.reach import (
    LOCAL_SITE, MAX_LOCALITY, allowed_modalities, in_scope, locality, need_int, needed_pairs,
    relay_areas, scope_key, takes_remote, total_capacity,
)


def combined_weights(instance: Instance) -> tuple[int, int, int]:
    """(K, F, Lmax): multipliers giving strict lexicographic dominance."""
    lmax = max((total_capacity(r, instance) for r in instance.relays), default=0)
    f = lmax + 1
    pairs = len(needed_pairs(instance))
    k = f * (MAX_LOCALITY * pairs + 1) + 1
    return k, f, lmax


def combined_value(instance: Instance, cohorts: list[Cohort]) -> int:
    """The plan's single integer score under the strict-dominance weights."""
    k_w, f_w, lmax = combined_weights(instance)
    need = needed_pairs(instance)
    covered = covered_pairs(cohorts)
    stats = score(instance, cohorts)
    units = sum(need_int(w) for p, w in need.items() if p in covered)
    return k_w * units + f_w * int(stats["locality"]) + (lmax - int(stats["max_load"]))


def covered_pairs(plan_cohorts: Iterable[Cohort]) -> set[tuple[int, str]]:
    """(learner, area) pairs placed in some cohort."""
    return {(m, c.area) for c in plan_cohorts for m in c.members}


def score(instance: Instance, cohorts: list[Cohort]) -> dict[str, float]:
    """Coverage, locality and load figures of a list of cohorts."""
    need = needed_pairs(instance)
    learners = {lr.person_id: lr for lr in instance.learners}
    relays = {r.person_id: r for r in instance.relays}
    covered = {p for p in covered_pairs(cohorts) if p in need}
    total_need = sum(need.values())
    loc = Counter()
    for c in cohorts:
        r = relays.get(c.relay_id)
        for m in c.members:
            lr = learners.get(m)
            if r is None or lr is None:
                continue
            loc[locality(lr, r, c.modality, instance.params)] += 1
    load = Counter(c.relay_id for c in cohorts)
    covered_need = sum(need[p] for p in covered)
    return {
        "covered_need": round(covered_need, 6),
        "total_need": round(total_need, 6),
        "coverage": round(covered_need / total_need, 6) if total_need else 1.0,
        "pairs_covered": len(covered),
        "pairs_needed": len(need),
        "pair_coverage": round(len(covered) / len(need), 6) if need else 1.0,
        "cohorts": len(cohorts),
        "members_same_site": loc[LOCAL_SITE],
        "members_in_region": loc[1],
        "members_remote": loc[0],
        "locality": sum(k * v for k, v in loc.items()),
        "max_load": max(load.values(), default=0),
        "mean_load": round(sum(load.values()) / len(load), 3) if load else 0.0,
        "relays_used": len(load),
    }


def reasons(instance: Instance, cohorts: list[Cohort]) -> list[LeftOut]:
    """Each uncovered need with the first reason that explains it."""
    p = instance.params
    need = needed_pairs(instance)
    covered = covered_pairs(cohorts)
    learners = {lr.person_id: lr for lr in instance.learners}
    able = [r for r in instance.relays if total_capacity(r, instance) > 0]
    by_area: dict[str, int] = Counter(a for (_, a) in need)
    by_scope: dict[tuple[str, int | None], int] = Counter(
        (a, scope_key(learners[l].site_id, learners[l].region_id, p)) for (l, a) in need
    )
    relay_ids = {r.person_id for r in able}
    cache: dict[tuple, tuple[bool, bool]] = {}
    out: list[LeftOut] = []
    for (l, a) in sorted(need):
        if (l, a) in covered:
            continue
        lr = learners[l]
        key = (a, lr.site_id, lr.region_id, l if l in relay_ids else None)
        if key not in cache:
            cache[key] = _reach(instance, able, lr, a)
        reach_remote, reach_f2f = cache[key]
        if not (reach_remote or reach_f2f):
            code = NO_RELAY
        elif reach_remote:
            code = NO_CAPACITY if by_area[a] >= p.cohort_min else TOO_FEW
        else:
            nearby = by_scope[(a, scope_key(lr.site_id, lr.region_id, p))]
            code = NO_CAPACITY if nearby >= p.cohort_min else TOO_FEW
        out.append(LeftOut(person_id=l, area=a, reason_code=code))
    return out


def _reach(instance: Instance, able: list, lr, area: str) -> tuple[bool, bool]:
    """(reachable remotely, reachable face to face) for a learner on an area."""
    p = instance.params
    reach_remote = reach_f2f = False
    for r in able:
        if area not in relay_areas(r, p) or r.person_id == lr.person_id:
            continue
        mods = allowed_modalities(r, p)
        if any(takes_remote(r, mo, p) for mo in mods):
            reach_remote = True
        if set(mods) & IN_PERSON and in_scope(lr, r, p):
            reach_f2f = True
    return reach_remote, reach_f2f


def finish(
    instance: Instance, cohorts: list[Cohort], *, bound: float, status: str, method: str,
    extra: dict | None = None,
) -> Plan:
    """A Plan with objective, left-out reasons, stats and gap to the bound."""
    stats = score(instance, cohorts)
    stats.update(extra or {})
    objective = float(stats["covered_need"])
    # No plan covers more than the total need: a master stopped early can report a
    # looser bound, which would show a gap on a plan that covers every need.
    bound = min(max(bound, objective), max(float(stats["total_need"]), objective))
    gap = (bound - objective) / bound if bound > 0 else 0.0
    left = reasons(instance, cohorts)
    stats["left_out"] = len(left)
    order = sorted(cohorts, key=lambda c: (c.wave_index, c.relay_id, c.area))
    return Plan(
        cohorts=order, left_out=left, stats=stats,
        objective=objective, bound=round(bound, 6), gap=round(gap, 6),
        status=status, method=method,
    )
