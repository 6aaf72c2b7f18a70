"""What-if variants: more waves after the last, another cohort size, one more relay."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from planning.instances import generate
from planning.model import Relay, Wave
from planning.whatif import variant

BASE = generate("tiny", seed=3)
NEWCOMER = Relay(person_id=max(r.person_id for r in BASE.relays) + 1000, site_id=1, region_id=1,
                 areas=frozenset({"teaching"}), hours_per_month=6.0,
                 modalities=frozenset({"remote"}))


@pytest.mark.parametrize("extra,cmax,relay", [(0, 12, None), (2, 16, None), (1, 8, NEWCOMER)])
def test_variant_adds_waves_changes_the_size_and_adds_the_relay(extra, cmax, relay):
    v = variant(BASE, extra, cmax, relay)
    n = len(BASE.waves)
    assert v.waves[:n] == BASE.waves and len(v.waves) == n + extra
    assert [w.index for w in v.waves] == list(range(n + extra))
    last = BASE.waves[-1].date
    for k, w in enumerate(v.waves[n:], start=1):  # monthly, after the last wave
        assert (w.date.year - last.year) * 12 + w.date.month - last.month == k
    assert v.params == replace(BASE.params, cohort_max=cmax)
    assert v.learners == BASE.learners
    expected = sorted([*BASE.relays, *([relay] if relay else [])], key=lambda r: r.person_id)
    assert list(v.relays) == expected


def test_a_variant_of_an_instance_without_waves_starts_today():
    empty = replace(BASE, waves=())
    v = variant(empty, 2, 12, today=dt.date(2026, 1, 31))
    assert v.waves == (Wave(0, dt.date(2026, 2, 28)), Wave(1, dt.date(2026, 3, 28)))
