"""The exact span check (disclosure/span.py) and its place in the release rule.

The check must agree with a brute force over every small set of cells (exact
rational ranks); in the layer it must accept what the cell rule refuses only
when nothing under k is derivable, and once a link holds a cell under k every
later check there must be the span check (the cell rule would wrongly accept).
"""

from __future__ import annotations

from fractions import Fraction
from itertools import combinations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from disclosure.cells import Family
from disclosure.release import Release, Row, _linked, _replay
from disclosure.span import check

K = 5
AREAS = ("area:teaching", "area:overall")


def _rank(rows: list[list[Fraction]]) -> int:
    rows = [r[:] for r in rows if any(r)]
    rank, col = 0, 0
    width = len(rows[0]) if rows else 0
    while rank < len(rows) and col < width:
        pivot = next((i for i in range(rank, len(rows)) if rows[i][col]), None)
        if pivot is None:
            col += 1
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for i in range(len(rows)):
            if i != rank and rows[i][col]:
                f = rows[i][col] / rows[rank][col]
                rows[i] = [a - f * b for a, b in zip(rows[i], rows[rank])]
        rank, col = rank + 1, col + 1
    return rank


def brute_leak(rows: list[list[int]], sizes: list[int], k: int) -> bool:
    """A nonzero combination supported on a set T of cells of fewer than k people exists iff
    dropping T's columns lowers the rank (exact rationals, every such T)."""
    n = len(sizes)
    matrix = [[Fraction(int(c in set(r))) for c in range(n)] for r in rows]
    full = _rank(matrix)
    for size in range(1, n + 1):
        for cells in combinations(range(n), size):
            if sum(sizes[c] for c in cells) >= k:
                continue
            rest = [[v for c, v in enumerate(row) if c not in cells] for row in matrix]
            if _rank(rest) < full:
                return True
    return False


@pytest.mark.parametrize("rows, sizes, safe", [
    # two released sites of 30, attendees 3 + 3, comparators the other 27 + 27
    ([[0, 2], [1, 3], [0, 1, 2, 3], [0, 1], [2, 3]], [3, 3, 27, 27], True),
    ([[0, 1], [0]], [10, 2], False),                    # attendees = a site minus two people
    ([[0], [0, 1]], [10, 1], False),                    # two groups differing by one person
    ([[0, 1], [0, 2]], [6, 1, 5], True),               # differing by one out, five in: no sum <k
    # two released sites of 8; the group is their union minus 3 people (2 + 1)
    ([[0, 1], [2, 3], [0, 2]], [6, 2, 7, 1], False),
    ([[0, 1], [2, 3], [0, 2]], [6, 2, 7, 3], True),     # the complement holds 5: fine
    ([[0, 1, 2]], [1, 1, 1], False),                     # one population of 3
])
def test_hand_made(rows, sizes, safe):
    assert check([np.array(r) for r in rows], np.array(sizes), K).safe is safe
    assert brute_leak(rows, sizes, K) is (not safe)


@settings(max_examples=80, deadline=None)
@given(st.integers(2, 7).flatmap(lambda n: st.tuples(
    st.lists(st.integers(1, 7), min_size=n, max_size=n),
    st.lists(st.lists(st.integers(0, n - 1), min_size=1, max_size=n), min_size=1, max_size=6),
    st.sampled_from([3, 5]))))
def test_agrees_with_the_brute_force(case):
    sizes, rows, k = case
    rows = [sorted(set(r)) for r in rows]
    verdict = check([np.array(r) for r in rows], np.array(sizes), k)
    assert verdict.reason not in ("over budget", "too large", "arithmetic")
    assert verdict.safe is (not brute_leak(rows, sizes, k))


# --- in the layer: a Release over one role's responses 0..n-1 --------------------------------

def release(n: int, history: list[Row] = (), no_overall: tuple[int, ...] = ()) -> Release:
    ids = np.arange(n, dtype=np.int64)
    overall = np.ones(n, dtype=bool)
    overall[list(no_overall)] = False
    families = {"trainer": [Family(n, K), Family(n, K, overall)], "manager": []}
    universes = {"trainer": list(AREAS), "manager": []}
    rel = Release(1, K, ids, families, universes, linked=_linked(ids, families, universes, K))
    _replay(rel, list(history))
    return rel


def offered(rel: Release, key: str, pop, span: bool) -> bool:
    pop = np.asarray(pop, dtype=np.int64)
    only = {u: pop for u in AREAS}
    if not rel.allows("trainer", pop, only, span=span):
        return False
    rel.record("trainer", key, pop, "test", only)
    return True


SITES = {1: range(0, 10), 2: range(10, 20), 3: range(20, 30), 4: range(30, 40)}


def with_sites(no_overall: tuple[int, ...] = ()) -> Release:
    rel = release(40, no_overall=no_overall)
    for sid, members in SITES.items():  # like the pattern filter, leave rare patterns out
        assert offered(rel, f"site:{sid}", [p for p in members if p not in no_overall], span=False)
    assert offered(rel, "org", [p for p in range(40) if p not in no_overall], span=False)
    return rel


SPREAD = [0, 1, 10, 11, 20, 30, 31]  # 2 + 2 + 1 + 2 attendees from four released sites


def test_spread_attendees_refused_by_cells_accepted_by_span():
    rel = with_sites()
    assert not rel.allows("trainer", np.array(SPREAD), {u: np.array(SPREAD) for u in AREAS})
    assert offered(rel, "effect:teaching|attended", SPREAD, span=True)
    assert rel.tainted("trainer", "area")


@pytest.mark.parametrize("group", [
    list(range(0, 8)),                    # site 1 minus two people
    [*range(0, 9), *range(10, 19)],       # sites 1 and 2 minus one person each
    [*range(0, 9), *range(10, 17)],       # their complement in the union: 1 + 3 people
])
def test_groups_that_give_a_small_sum_are_refused(group):
    rel = with_sites()
    assert not offered(rel, "effect:teaching|attended", group, span=True)


def test_two_groups_differing_by_one_person():
    rel = with_sites()
    assert offered(rel, "effect:teaching|attended", SPREAD, span=True)
    assert not offered(rel, "effect:assessment|attended", [*SPREAD, 21], span=True)


def test_after_a_span_release_the_cell_rule_is_never_trusted():
    # site 1 minus its two attendees cuts no cell any more (it is a cell of 8), so the cell
    # rule accepts it; but site 1 minus it is the two attendees' sum
    rel = with_sites()
    assert offered(rel, "effect:teaching|attended", SPREAD, span=True)
    rest = np.arange(2, 10)
    only = {u: rest for u in AREAS}
    assert all(f.allows(rest) for f in rel.families["trainer"])  # the cell rule alone: yes
    assert not rel.allows("trainer", rest, only)  # span=False: still the span check, no
    assert not rel.allows("trainer", rest, only, span=True)
    # a harmless later population is still accepted through the span check
    assert offered(rel, "slice:a", [*range(10, 20), *range(20, 30)], span=False)


def test_replay_gives_the_same_decisions():
    rel = with_sites()
    assert offered(rel, "effect:teaching|attended", SPREAD, span=True)
    rows = [Row(1, "trainer", key[1], tuple(int(x) for x in pop), "test")
            for key, pop in rel.current.items()]
    again = release(40, rows)
    assert again.tainted("trainer", "area")
    for pop in (np.arange(2, 10), np.array([*SPREAD, 21]), np.arange(0, 8)):
        only = {u: pop for u in AREAS}
        assert again.allows("trainer", pop, only) is rel.allows("trainer", pop, only) is False
    ok = np.array([*range(10, 30)])
    assert again.allows("trainer", ok, {u: ok for u in AREAS})


def test_a_rare_presence_pattern_inside_the_group_is_refused():
    # one attendee has no overall score (the tree left them out, as the pattern filter does):
    # the group's overall and teaching sums cover different people, and a weighted difference
    # gives that person's teaching score; split by presence pattern, they are a cell of one
    rel = with_sites(no_overall=(0,))
    assert not offered(rel, "effect:teaching|attended", SPREAD, span=True)

