"""One definition of the rules: the Draft (greedy, decomposition, repair) agrees with
check_plan on random instances, move by move, in both directions.

A random walk opens cohorts and seats learners on the micro instances of test_exact.py
(relays who also learn, hybrid relays with or without remote teaching, two waves in one
month). Before each move the Draft's answer (``can_open``, ``can_add``) is compared with
what the checker says of the plan after the move: allowed exactly when the move breaks no
rule (a cohort below the minimum size aside: it is still being filled).
"""

from __future__ import annotations

import random

from planning.draft import Draft
from planning.model import Plan
from planning.reach import make_cohort
from planning.rules import check_plan
from test_exact import micro, micro3

FILLING = {"too_small"}  # a cohort being filled is below the minimum: not a broken move


def broken(draft: Draft, extra=None) -> set[str]:
    """Kinds of rules the draft's plan (plus one more cohort) breaks, filling aside."""
    cohorts = [make_cohort(c.relay, c.area, c.modality, c.wave,
                           [draft.learners[m] for m in c.members])
               for c in draft.cohorts if c is not None]
    if extra is not None:
        cohorts.append(extra)
    return {v.kind for v in check_plan(draft.instance, Plan(cohorts=cohorts))} - FILLING


def walk(seed: int, refused: set[str]) -> tuple[int, int]:
    """A random walk of moves on one micro instance; (cohorts opened, learners seated)."""
    inst = (micro if seed % 2 else micro3)(seed)
    rng = random.Random(seed)
    draft = Draft(inst)
    opens = adds = 0
    for _ in range(60):
        if rng.random() < 0.3 or not draft.live():
            r = rng.choice(inst.relays)
            options = draft.options(r)
            if not options:
                continue
            area, mo = rng.choice(options)
            w = rng.choice(draft.waves)
            after = broken(draft, make_cohort(r, area, mo, w, []))
            assert draft.can_open(r.person_id, w) == (not after), (seed, r, w, after)
            refused |= after
            if not after:
                draft.open(r.person_id, area, mo, w)
                opens += 1
        else:
            idx = rng.choice(draft.live())
            c = draft.cohorts[idx]
            pid = rng.choice([pid for (pid, a) in draft.need if a == c.area] or [None])
            if pid is None or (pid, c.area) in draft.placed:
                continue
            c.members.append(pid)  # try the move, ask the checker, undo it
            after = broken(draft)
            c.members.pop()
            assert draft.can_add(idx, pid) == (not after), (seed, c, pid, after)
            refused |= after
            if not after:
                draft.add(idx, pid)
                adds += 1
        assert broken(draft) == set()
    return opens, adds


def test_draft_moves_agree_with_the_checker():
    refused: set[str] = set()
    moves = [walk(seed, refused) for seed in range(300)]
    assert sum(o for o, _ in moves) >= 300 and sum(a for _, a in moves) >= 300
    # The walk meets the rules of issue 23 among the moves refused.
    assert {"lead_and_learn_same_wave", "hybrid_out_of_scope", "hours_per_month"} <= refused
