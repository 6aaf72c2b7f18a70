"""Local repairs on a Draft: fill or dissolve small cohorts, insert leftovers.

Every move keeps the hard rules true (the Draft refuses the others), so a
repair can only raise covered need, never produce an invalid plan.
"""

from __future__ import annotations

from planning.draft import Draft


def _unplaced(draft: Draft, area: str | None = None) -> list[int]:
    """Learners with an uncovered need (on area), heaviest first."""
    items = [(w, pid) for (pid, a), w in draft.need.items()
             if (area is None or a == area) and (pid, a) not in draft.placed]
    return [pid for _, pid in sorted(items, key=lambda t: (-t[0], t[1]))]


def best_cohort(draft: Draft, pid: int, area: str, avoid_wave: int | None = None) -> int | None:
    """The open cohort on area that takes this learner most locally, if any."""
    best, best_key = None, None
    for idx in draft.by_area(area):
        if not draft.can_add(idx, pid):
            continue
        c = draft.cohorts[idx]
        if c.wave == avoid_wave:
            continue
        key = (draft.local(idx, pid), len(c.members) < draft.params.cohort_min,
               -len(c.members))
        if best_key is None or key > best_key:
            best, best_key = idx, key
    return best


def insert_unplaced(draft: Draft, chains: bool = True) -> int:
    """Put uncovered needs into open cohorts with room; returns how many."""
    done = 0
    for (pid, a), _ in sorted(draft.need.items(), key=lambda kv: (-kv[1], kv[0])):
        if (pid, a) in draft.placed:
            continue
        idx = best_cohort(draft, pid, a)
        if idx is None and chains:
            idx = _free_a_wave(draft, pid, a)
        if idx is not None:
            draft.add(idx, pid)
            done += 1
    return done


def _free_a_wave(draft: Draft, pid: int, area: str) -> int | None:
    """Ejection chain of length one: move the learner's other cohort to free a wave."""
    for idx in draft.by_area(area):
        c = draft.cohorts[idx]
        if len(c.members) >= draft.params.cohort_max or c.wave not in draft.busy[pid]:
            continue
        other = draft.busy[pid][c.wave]
        oc = draft.cohorts[other]
        if len(oc.members) <= draft.params.cohort_min:
            continue
        draft.remove(other, pid)
        alt = best_cohort(draft, pid, oc.area, avoid_wave=c.wave)
        if alt is not None and alt != other and draft.can_add(idx, pid):
            draft.add(alt, pid)
            return idx
        draft.add(other, pid)
    return None


def fix_small(draft: Draft) -> None:
    """Fill cohorts below the minimum from leftovers, else dissolve them."""
    p = draft.params
    for idx in draft.live():
        c = draft.cohorts[idx]
        if len(c.members) >= p.cohort_min:
            continue
        for pid in _unplaced(draft, c.area):
            if len(c.members) >= p.cohort_min:
                break
            if draft.can_add(idx, pid):
                draft.add(idx, pid)
        # Borrow from siblings on the same area that are above the minimum.
        for j in draft.by_area(c.area):
            if len(c.members) >= p.cohort_min:
                break
            cj = draft.cohorts[j]
            if j == idx:
                continue
            for pid in list(cj.members):
                if len(cj.members) <= p.cohort_min or len(c.members) >= p.cohort_min:
                    break
                draft.remove(j, pid)
                if draft.can_add(idx, pid):
                    draft.add(idx, pid)
                else:
                    draft.add(j, pid)
    for idx in draft.live():
        if len(draft.cohorts[idx].members) < p.cohort_min:
            draft.close(idx)
