"""Decomposition: aggregated master, then waves and learners, then repair.

1. :func:`planning.master.solve_master` chooses how many cohorts each relay
   leads per (area, modality) and how many seats each (site, area) group gets.
2. Realisation spreads each relay's cohorts over the waves so that cohorts of
   one area fall in as many different waves as possible, then seats the
   chosen learners, most-constrained first, honouring the master's quotas.
3. Repair fills or dissolves small cohorts, re-seats leftovers (with a
   one-step ejection chain) and lets the greedy use any capacity left.
4. The greedy baseline's plan is kept instead when it is better (a master
   stopped by the clock can answer poorly): never worse than the baseline.
"""

from __future__ import annotations

import time
from collections import defaultdict

from planning.draft import Draft
from planning.evaluate import combined_value, finish
from planning.greedy import greedy_extend, greedy_plan
from planning.master import MasterResult, solve_master
from planning.model import Instance, Plan
from planning.reach import scope_key
from planning.repair import best_cohort, fix_small, insert_unplaced


def _open_cohorts(draft: Draft, res: MasterResult) -> dict[tuple, list[int]]:
    """Open the master's cohorts, each in the least crowded wave for its area."""
    p = draft.params
    crowd: dict[tuple, int] = defaultdict(int)
    seats: dict[tuple, int] = defaultdict(int)
    for (g, kind), v in res.inflow.items():
        seats[kind] += v
    for kind, v in res.remote_in.items():
        seats[kind] += v
    opened: dict[tuple, list[int]] = defaultdict(list)
    # Relays with the most cohorts first: they have the least freedom on waves.
    order = sorted(res.counts.items(), key=lambda kv: (-draft.cap_total[kv[0][0]], kv[0]))
    for kind, count in order:
        rid, area, mo = kind
        r = draft.relays[rid]
        where = scope_key(r.site_id, r.region_id, p) if mo == "face_to_face" else None
        sizes = [seats[kind] // count + (1 if k < seats[kind] % count else 0)
                 for k in range(count)]
        for size in sizes:
            waves = [w for w in draft.waves if draft.can_open(rid, w)]
            if not waves:
                break
            w = min(waves, key=lambda w: (crowd[(area, where, w)], crowd[(area, None, w)],
                                          draft.load_wave[(rid, w)], w))
            crowd[(area, where, w)] += 1
            crowd[(area, None, w)] += 1
            opened[kind].append(draft.open(rid, area, mo, w, target=size))
    return opened


def _seat(draft: Draft, res: MasterResult, opened: dict[tuple, list[int]]) -> None:
    """Seat the master's chosen learners, following its quotas when possible."""
    quota = dict(res.inflow)
    pool = dict(res.pool_out)
    remote_left = dict(res.remote_in)
    areas_of: dict[int, int] = defaultdict(int)
    for pid, _ in res.chosen:
        areas_of[pid] += 1
    # Relays who lead too first: the waves they lead in are closed to them.
    order = sorted(res.chosen, key=lambda pa: (pa[0] not in draft.relays, -areas_of[pa[0]],
                                               -draft.need[pa], pa))
    for pid, area in order:
        g = (draft.learners[pid].site_id, area)
        best, best_key = None, None
        for kind, idxs in opened.items():
            if kind[1] != area:
                continue
            via_group = quota.get((g, kind), 0) > 0
            via_pool = pool.get(g, 0) > 0 and remote_left.get(kind, 0) > 0
            if not (via_group or via_pool):
                continue
            for idx in idxs:
                if not draft.can_add(idx, pid):
                    continue
                c = draft.cohorts[idx]
                key = (len(c.members) < c.target, via_group, draft.local(idx, pid))
                if best_key is None or key > best_key:
                    best, best_key = (idx, kind, via_group), key
        if best is None:
            idx = best_cohort(draft, pid, area)
            if idx is not None:
                draft.add(idx, pid)
            continue
        idx, kind, via_group = best
        draft.add(idx, pid)
        if via_group:
            quota[(g, kind)] -= 1
        else:
            pool[g] -= 1
            remote_left[kind] -= 1


def realise(instance: Instance, res: MasterResult) -> Draft:
    """A valid draft plan built from the master's answer."""
    draft = Draft(instance)
    opened = _open_cohorts(draft, res)
    _seat(draft, res, opened)
    insert_unplaced(draft)
    fix_small(draft)
    insert_unplaced(draft)
    greedy_extend(draft)
    insert_unplaced(draft)
    fix_small(draft)
    insert_unplaced(draft)
    return draft


def decomposed_plan(instance: Instance, time_limit: float | None = None,
                    workers: int = 2) -> Plan:
    """Master + realisation + repair; the master's bound proves the gap."""
    start = time.perf_counter()
    limit = instance.params.time_limit_s if time_limit is None else time_limit
    res = solve_master(instance, time_limit=0.8 * limit, workers=workers)
    master_s = time.perf_counter() - start
    if res.status not in ("OPTIMAL", "FEASIBLE"):  # no answer in time: the greedy's plan
        total = sum(Draft(instance).need.values())
        return finish(instance, greedy_plan(instance).cohorts, bound=total, status="FEASIBLE",
                      method="decomposed",
                      extra={"master_status": res.status, "kept_greedy": True})
    draft = realise(instance, res)
    cohorts = draft.to_cohorts()
    # A master stopped early may give a poor answer (seen on generate("large", 1) with the
    # machine loaded): the greedy baseline costs a fraction of a second, keep the better.
    greedy = greedy_plan(instance).cohorts
    kept_greedy = combined_value(instance, greedy) > combined_value(instance, cohorts)
    if kept_greedy:
        cohorts = greedy
    plan = finish(instance, cohorts, bound=res.bound, status="FEASIBLE",
                  method="decomposed",
                  extra={"master_status": res.status, "master_s": round(master_s, 3),
                         "kept_greedy": kept_greedy,
                         "time_s": round(time.perf_counter() - start, 3)})
    # OPTIMAL means proven on the dominant criterion (covered need); whether
    # locality and load are proven too is told by stats["lexicographic_optimal"].
    # A zero gap to a valid bound is itself the proof, whatever the master's status.
    if plan.gap <= 1e-9:
        plan.status = "OPTIMAL"
    plan.stats["lexicographic_optimal"] = bool(
        res.status == "OPTIMAL" and combined_value(instance, plan.cohorts) >= res.combined_bound)
    return plan
