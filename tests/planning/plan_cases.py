"""Hand-made tiny instances for planner tests."""

from __future__ import annotations

import datetime as dt

from planning.model import Instance, Learner, Params, Relay, Wave

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
