"""Anonymity guard: hand-worked tables and an attacker who subtracts."""

from __future__ import annotations

from itertools import product

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.anonymity import apply_guard, check_k, guard_tree


@pytest.mark.parametrize("k", [0, 1, 2, 2.5])
def test_k_below_three_is_refused(k):
    with pytest.raises(ValueError):
        check_k(k)


@pytest.mark.parametrize(
    ("sizes", "k", "expected_hidden"),
    [
        ([10, 8, 6], 5, [False, False, False]),     # all large enough
        ([10, 8, 3], 5, [False, True, True]),       # 3 alone is derivable: hide the 8 too
        ([10, 4, 3], 5, [False, True, True]),       # 4 + 3 = 7 >= 5: enough
        ([12, 3], 5, [True, True]),                 # only sibling left must go
        ([6, 5, 5, 1], 5, [False, True, False, True]),  # smallest visible 5, first in order
        ([7], 5, [False]),                          # single child equals its parent
        ([9, 0], 5, [False, True]),                 # an empty group hides nothing else
        ([4, 4, 4], 3, [False, False, False]),
        ([4, 4, 2], 3, [True, False, True]),   # tie: first in frame order
    ],
)
def test_secondary_suppression(sizes, k, expected_hidden):
    frame = pd.DataFrame({"parent": "R", "n": sizes, "mean": 50.0})
    out = apply_guard(frame, value_cols=["mean"], parent_cols=["parent"], k=k)
    assert out["hidden"].tolist() == expected_hidden
    assert out.loc[out["hidden"], "mean"].isna().all()
    assert out.loc[out["hidden"], "n"].isna().all()
    assert (out.loc[~out["hidden"], "mean"] == 50.0).all()


@pytest.mark.parametrize(
    ("n", "parent_n", "expected_hidden"),
    [
        (6, 8, True),     # complement of 2 people
        (6, 6, False),    # complement empty
        (6, 11, False),   # complement of 5
        (5, 9, True),
    ],
)
def test_complement_rule_for_overlapping_slices(n, parent_n, expected_hidden):
    frame = pd.DataFrame({"site": ["S"], "n": [n], "pn": [parent_n]})
    out = apply_guard(frame, parent_cols=["site"], parent_n="pn", k=5, partition=False)
    assert out["hidden"].tolist() == [expected_hidden]


def test_hidden_parent_hides_children():
    frame = pd.DataFrame({"p": ["A", "A"], "n": [9, 9], "ph": [True, True]})
    out = apply_guard(frame, parent_cols=["p"], parent_hidden="ph")
    assert out["hidden"].all()


def _tree_frame(regions: list[list[int]]) -> pd.DataFrame:
    """Org, region and site rows for one area from site sizes per region."""
    rows = [{"region_id": None, "site_id": None, "n": sum(map(sum, regions))}]
    for r, sites in enumerate(regions):
        rows.append({"region_id": f"R{r}", "site_id": None, "n": sum(sites)})
        rows += [{"region_id": f"R{r}", "site_id": f"S{r}.{s}", "n": n} for s, n in enumerate(sites)]
    frame = pd.DataFrame(rows)
    frame["area"] = "teaching"
    return frame


def _sumset(options: list[set[int]]) -> set[int]:
    return {sum(c) for c in product(*options)} if options else {0}


def _breaches(regions: list[list[int]], visible: dict, k: int) -> list[str]:
    """Groups of 1..k-1 people an attacker recovers from the visible counts."""
    true_n = {"org": sum(map(sum, regions))}
    children: dict[str, list[str]] = {"org": []}
    for r, sites in enumerate(regions):
        children["org"].append(f"R{r}")
        true_n[f"R{r}"] = sum(sites)
        children[f"R{r}"] = [f"S{r}.{s}" for s in range(len(sites))]
        for s, n in enumerate(sites):
            true_n[f"S{r}.{s}"] = n
            children[f"S{r}.{s}"] = []
    known = dict(visible)
    changed = True
    while changed:  # derive nodes from parents and siblings, or from all children
        changed = False
        for node, kids in children.items():
            if kids and node not in known and all(c in known for c in kids):
                known[node] = sum(known[c] for c in kids)
                changed = True
            if node in known and kids:
                unknown = [c for c in kids if c not in known]
                if len(unknown) == 1:
                    known[unknown[0]] = known[node] - sum(known[c] for c in kids if c in known)
                    changed = True

    def remainders(node: str) -> set[int]:
        """Every uncovered count the attacker can leave inside node."""
        opts = _sumset([remainders(c) for c in children[node]]) if children[node] else {true_n[node]}
        return opts | ({0} if node in known else set())

    found = [f"{node}={n}" for node, n in known.items() if 1 <= n < k]
    for node in known:
        if children[node]:
            rest = _sumset([remainders(c) for c in children[node]])
            found += [f"{node}-visible={r}" for r in rest if 1 <= r < k]
    return found


@settings(max_examples=300, deadline=None)
@given(
    regions=st.lists(st.lists(st.integers(0, 14), min_size=1, max_size=4), min_size=1, max_size=4),
    k=st.integers(3, 7),
)
def test_attacker_never_recovers_a_small_group(regions, k):
    frame = _tree_frame(regions)
    out = guard_tree(frame, value_cols=[], k=k)
    visible = {}
    for row in out.itertuples():
        if not row.hidden:
            node = row.site_id if isinstance(row.site_id, str) else row.region_id
            visible[node if isinstance(node, str) else "org"] = int(row.n)
    assert _breaches(regions, visible, k) == []
    assert (out["n"].dropna() >= k).all()


def test_guard_tree_hand_worked():
    # Region R0: sites 8, 3 -> both hidden; region R1: 6 -> visible; org 17.
    frame = _tree_frame([[8, 3], [6]])
    out = guard_tree(frame, k=5)
    hidden = dict(zip(out["site_id"].fillna(out["region_id"]).fillna("org"), out["hidden"]))
    assert hidden == {"org": False, "R0": False, "S0.0": True, "S0.1": True, "R1": False, "S1.0": False}


def test_guard_tree_missing_parent_row_hides():
    frame = _tree_frame([[8, 9]]).iloc[[0, 2, 3]]
    out = guard_tree(frame, k=5)
    assert out["hidden"].tolist() == [False, True, True]
