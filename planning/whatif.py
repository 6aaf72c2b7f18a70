"""What-if variants of a planned instance: more waves, larger cohorts, one more relay.

The variant is an ordinary instance; the planner page queues its solve as a job
(:mod:`planning.jobs`) like any other, so it is solved by a worker, never by the
web process.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from planning.inputs import monthly_waves, with_relay
from planning.model import Instance, Relay, Wave


def variant(instance: Instance, extra_waves: int, cohort_max: int,
            relay: Relay | None = None, today: dt.date | None = None) -> Instance:
    """instance with extra_waves more monthly waves after its last, cohort_max, and relay added."""
    last = instance.waves[-1].date if instance.waves else (today or dt.date.today())
    added = monthly_waves(last, int(extra_waves) + 1)[1:]  # the first is the last wave itself
    n = len(instance.waves)
    waves = instance.waves + tuple(Wave(n + k, w.date) for k, w in enumerate(added))
    out = replace(instance, waves=waves,
                  params=replace(instance.params, cohort_max=int(cohort_max)))
    return with_relay(out, relay) if relay is not None else out
