"""Greedy baseline: wave by wave, each relay opens its most valuable cohort.

Two passes: first in-person cohorts (face to face, hybrid with in-scope
members only), then remote and hybrid cohorts for whoever is left. A cohort's
value is the weighted need of its best ``cohort_max`` candidates; it opens
only with at least ``cohort_min`` of them.  Also used to extend a plan built
by the decomposition with the capacity it left unused.
"""

from __future__ import annotations

import time
from collections import defaultdict

from planning.draft import Draft
from planning.evaluate import finish
from planning.model import Instance, Plan
from planning.reach import in_scope, scope_key, takes_remote
from planning.repair import insert_unplaced


def _pools(draft: Draft) -> tuple[dict, dict]:
    """Unplaced needs by area and by (area, scope), heaviest first."""
    by_area: dict[str, list[int]] = defaultdict(list)
    by_scope: dict[tuple, list[int]] = defaultdict(list)
    for (pid, a), w in sorted(draft.need.items(), key=lambda kv: (-kv[1], kv[0])):
        if (pid, a) in draft.placed:
            continue
        lr = draft.learners[pid]
        by_area[a].append(pid)
        by_scope[(a, scope_key(lr.site_id, lr.region_id, draft.params))].append(pid)
    return by_area, by_scope


def _candidates(draft: Draft, pool: list[int], relay, area: str, modality: str, wave: int,
                local_only: bool) -> list[int]:
    """Best members for a would-be cohort: heaviest need, local first on ties."""
    p = draft.params
    out: list[int] = []
    for pid in pool:
        if (pid, area) in draft.placed or wave in draft.busy[pid] or pid == relay.person_id:
            continue
        if draft.load_wave.get((pid, wave), 0) > 0:  # leads a cohort of this wave
            continue
        if (local_only or not takes_remote(relay, modality, p)) and not in_scope(
                draft.learners[pid], relay, p):
            continue
        out.append(pid)
        if len(out) >= 3 * p.cohort_max:
            break
    if modality != "remote":
        out.sort(key=lambda m: (-draft.need[(m, area)],
                                -int(draft.learners[m].site_id == relay.site_id)))
    return out[: p.cohort_max]


def greedy_extend(draft: Draft) -> None:
    """Open new cohorts with the capacity the draft has left."""
    p = draft.params
    for phase in ("in_person", "remote"):
        by_area, by_scope = _pools(draft)
        relays = sorted(draft.relays.values(),
                        key=lambda r: (len(draft.options(r)), r.person_id))
        for w in draft.waves:
            for r in relays:
                while draft.can_open(r.person_id, w):
                    best, best_val = None, (0.0, 0)
                    for a, m in draft.options(r):
                        if phase == "in_person" and m == "remote":
                            continue
                        if phase == "remote" and m == "face_to_face":
                            continue
                        local = phase == "in_person"
                        key = (a, scope_key(r.site_id, r.region_id, p))
                        wide = takes_remote(r, m, p) and not local
                        pool = by_area[a] if wide else by_scope[key]
                        cands = _candidates(draft, pool, r, a, m, w, local)
                        if len(cands) < p.cohort_min:
                            continue
                        val = (sum(draft.need[(c, a)] for c in cands),
                               -["face_to_face", "hybrid", "remote"].index(m))
                        if best is None or val > best_val:
                            best, best_val = (a, m, cands), val
                    if best is None:
                        break
                    a, m, cands = best
                    idx = draft.open(r.person_id, a, m, w)
                    for pid in cands:
                        draft.add(idx, pid)


def greedy_plan(instance: Instance) -> Plan:
    """The greedy baseline plan with the trivial bound (all needs covered)."""
    start = time.perf_counter()
    draft = Draft(instance)
    greedy_extend(draft)
    insert_unplaced(draft)
    cohorts = draft.to_cohorts()
    total = sum(draft.need.values())
    return finish(instance, cohorts, bound=total, status="FEASIBLE", method="greedy",
                  extra={"time_s": round(time.perf_counter() - start, 3)})
