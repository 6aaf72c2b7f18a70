"""Hand-made tiny instances for planner tests, and how the exact model's tests solve them."""

from __future__ import annotations

import datetime as dt

from planning.exact import exact_plan
from planning.model import Instance, Learner, Params, Relay, Wave
from planning.rules import check_plan

WAVES = (Wave(0, dt.date(2026, 9, 1)), Wave(1, dt.date(2026, 10, 1)))


def relay(pid: int, region: int = 0, site: int = 0, areas=("teaching",),
          mods=("face_to_face",), hours: float = 12.0) -> Relay:
    """A relay with sensible defaults."""
    return Relay(pid, site, region, frozenset(areas), hours, frozenset(mods))


def learners(first: int, count: int, region: int = 0, site: int = 0,
             needs: dict | None = None) -> tuple[Learner, ...]:
    """count learners needing teaching (weight 1) unless told otherwise."""
    needs = needs or {"teaching": 1.0}
    return tuple(Learner(first + k, site, region, dict(needs),
                         {a: ("t.1", "t.2", "t.3") for a in needs}) for k in range(count))


def instance(relays, people, waves=WAVES, **params) -> Instance:
    """An instance with short time limits."""
    return Instance(tuple(relays), tuple(people), tuple(waves),
                    Params(time_limit_s=10.0, **params))


# CP-SAT with one or two workers could not prove generate("tiny", 1) in 20 s where four
# workers prove it in 0.1 s (measured while writing test_exact.py): proofs are asked with four.
WORKERS = 4


def exact(inst: Instance, **kw):
    """exact_plan with short limits; OPTIMAL ends every hand case in well under a second."""
    kw.setdefault("time_limit", 10.0)
    kw.setdefault("workers", WORKERS)
    return exact_plan(inst, **kw)


def assert_proven(inst: Instance, plan) -> None:
    """Valid, and the whole lexicographic optimum proven."""
    assert check_plan(inst, plan) == []
    assert plan.stats["stages_proven"] == 3
    assert plan.stats["lexicographic_optimal"] is True
    assert plan.status == "OPTIMAL"
