"""The release rule on its own: which populations a family accepts, and replay = step by step."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from disclosure.cells import Family

K = 5


@pytest.mark.parametrize("released, candidate, ok", [
    ([], range(5), True),                       # a first group of k
    ([], range(4), False),                      # under k
    ([range(7)], range(8), False),              # one newcomer: 8 - 7 would be them
    ([range(7)], range(12), True),              # five newcomers: a step
    ([range(12)], range(6), True),              # 6 | 6
    ([range(12)], range(8), False),             # 8 | 4 cuts off four
    ([range(12), range(6)], range(6, 12), True),  # the other half adds nothing
    ([range(10)], [], True),                    # nothing to show
    ([range(6)], range(6), True),               # the same again
])
def test_family_accepts_only_cells_of_k(released, candidate, ok):
    fam = Family(20, K)
    for pop in released:
        fam.add(np.array(list(pop)))
    assert fam.allows(np.array(list(candidate), dtype=np.int64)) is ok


def test_absent_responses_are_outside_every_population():
    present = np.ones(20, bool)
    present[3] = False  # no score in this area
    fam = Family(20, K, present)
    fam.add(np.arange(6))  # in truth 5 responses
    assert not fam.allows(np.arange(7))  # 5 -> 6: one newcomer
    assert fam.allows(np.arange(11))


def _partition(fam: Family) -> set[frozenset[int]]:
    return {frozenset(c.tolist()) for c in fam.cells()}


@given(st.lists(st.lists(st.integers(0, 29), max_size=30), max_size=12),
       st.lists(st.booleans(), min_size=30, max_size=30))
def test_replay_by_signature_gives_the_same_cells(populations, present):
    step, loaded = Family(30, K, np.array(present)), Family(30, K, np.array(present))
    sig = np.zeros(30, dtype=np.uint64)
    rng = np.random.default_rng(1)
    for pop in populations:
        idx = np.unique(np.array(pop, dtype=np.int64))
        step.add(idx)
        np.add.at(sig, idx, rng.integers(1, 2**63, dtype=np.uint64))
    loaded.load(sig)
    assert _partition(step) == _partition(loaded)
    probe = np.arange(0, 30, 2)
    assert step.allows(probe) == loaded.allows(probe)
