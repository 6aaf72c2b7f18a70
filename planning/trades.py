"""Prefer cohorts within one trade: swap members between cohorts without losing anything else.

Peers of one trade (filière) learn most from each other, so the lead may ask
for cohorts that mix trades less.  This runs after any solver: it swaps two
learners between two cohorts of the same wave and area when

* each may join the other cohort (same reach rules as the solvers),
* the locality points of the two do not fall (coverage, hours and loads are
  unchanged by a swap: the same people learn the same areas in the same waves),
* and more members then share a trade with the rest of their cohort.

So the plan's lexicographic objective (planning.evaluate) never gets worse;
the trade preference only breaks ties.  Learners without a trade never count
as sharing one.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from planning.model import Cohort, Instance, Plan
from planning.evaluate import score
from planning.reach import can_join, focus_items, locality

MAX_ROUNDS = 50


def same_trade_pairs(members: tuple[int, ...], trade_of: dict[int, str]) -> int:
    """Pairs of members of one cohort who share a trade."""
    counts = Counter(trade_of[m] for m in members if trade_of.get(m))
    return sum(c * (c - 1) // 2 for c in counts.values())


def trade_mix(plan: Plan, trade_of: dict[int, str]) -> int:
    """Same-trade pairs over every cohort of a plan (higher: cohorts mix trades less)."""
    return sum(same_trade_pairs(c.members, trade_of) for c in plan.cohorts)


def prefer_same_trade(instance: Instance, plan: Plan, trade_of: dict[int, str]) -> Plan:
    """The plan with members swapped towards one trade per cohort (module docstring)."""
    if not trade_of or len(plan.cohorts) < 2:
        return plan
    p = instance.params
    relays = {r.person_id: r for r in instance.relays}
    learners = {lr.person_id: lr for lr in instance.learners}
    cohorts = [list(c.members) for c in plan.cohorts]
    groups: dict[tuple[int, str], list[int]] = {}
    for i, c in enumerate(plan.cohorts):
        groups.setdefault((c.wave_index, c.area), []).append(i)

    def gain(i: int, a: int, j: int, b: int) -> int:
        before = same_trade_pairs(tuple(cohorts[i]), trade_of) + same_trade_pairs(tuple(cohorts[j]), trade_of)
        ci = [b if m == a else m for m in cohorts[i]]
        cj = [a if m == b else m for m in cohorts[j]]
        return same_trade_pairs(tuple(ci), trade_of) + same_trade_pairs(tuple(cj), trade_of) - before

    for _ in range(MAX_ROUNDS):
        improved = False
        for members in groups.values():
            for x, i in enumerate(members):
                for j in members[x + 1:]:
                    ci, cj = plan.cohorts[i], plan.cohorts[j]
                    ri, rj = relays.get(ci.relay_id), relays.get(cj.relay_id)
                    if ri is None or rj is None:
                        continue
                    for a in list(cohorts[i]):
                        for b in list(cohorts[j]):
                            la, lb = learners.get(a), learners.get(b)
                            if la is None or lb is None or trade_of.get(a) == trade_of.get(b):
                                continue
                            if not (can_join(la, rj, cj.modality, p) and can_join(lb, ri, ci.modality, p)):
                                continue
                            now = locality(la, ri, ci.modality, p) + locality(lb, rj, cj.modality, p)
                            then = locality(la, rj, cj.modality, p) + locality(lb, ri, ci.modality, p)
                            if then < now or gain(i, a, j, b) <= 0:
                                continue
                            cohorts[i] = [b if m == a else m for m in cohorts[i]]
                            cohorts[j] = [a if m == b else m for m in cohorts[j]]
                            improved = True
                            break
                        else:
                            continue
                        break
        if not improved:
            break
    new: list[Cohort] = []
    for c, members in zip(plan.cohorts, cohorts):
        ms = tuple(sorted(members))
        if ms == tuple(sorted(c.members)):
            new.append(c)
        else:
            new.append(replace(c, members=ms, focus_items=focus_items(c.area, [learners[m] for m in ms])))
    stats = {**plan.stats, **score(instance, new), "same_trade_pairs": sum(
        same_trade_pairs(c.members, trade_of) for c in new)}
    return replace(plan, cohorts=new, stats=stats)
