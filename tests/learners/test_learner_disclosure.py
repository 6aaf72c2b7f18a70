"""Learners' figures and the three-way gap never show a group under k, across reads and closing."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from disclosure.learners import decide, figure_key, learner_items, three_way
from disclosure.release import Release, gap_key

K = 5
ITEMS = ["L-01", "L-02"]


def answers_of(sizes: dict[tuple[int, int], int], start: int = 1, na_every: int = 0) -> pd.DataFrame:
    """Learners per (region, site), each answering both statements (some "I don't know")."""
    rows, rid = [], start
    for (region, site), n in sizes.items():
        for j in range(n):
            for item in ITEMS:
                if na_every and item == "L-02" and j % na_every == 0:
                    continue
                rows.append((rid, site, region, item, (rid + j) % 5))
            rid += 1
    return pd.DataFrame(rows, columns=["response_id", "site_id", "region_id", "item_id", "value"])


def units_of(sizes) -> pd.DataFrame:
    return pd.DataFrame([(s, r) for (r, s) in sizes], columns=["site_id", "region_id"])


def shown(rel, item, node):
    return len(rel.population(figure_key(item, node)))


def test_region_shows_small_sites_pooled_once_closed():
    sizes = {(1, 10): 7, (1, 11): 3, (1, 12): 3, (2, 20): 4}
    ans = answers_of(sizes)
    open_rel = decide(1, ans, ITEMS, [], closed=False, k=K)
    assert shown(open_rel, "L-01", "site:10") == 7
    assert shown(open_rel, "L-01", "site:11") == 0 and shown(open_rel, "L-01", "region:1") == 7
    closed = decide(1, ans, ITEMS, open_rel.new_rows, closed=True, k=K)
    # the region takes both small sites (6 >= k): shown at region level, never per site
    assert shown(closed, "L-01", "region:1") == 13
    assert shown(closed, "L-01", "site:11") == 0 and shown(closed, "L-01", "site:12") == 0
    # region 2's single site of 4 stays hidden; the organisation cannot add it alone (4 < k)
    assert shown(closed, "L-01", "region:2") == 0 and shown(closed, "L-01", "org") == 13
    frame = learner_items(closed, ans, ITEMS, units_of(sizes))
    row = frame[(frame["scope"] == "region") & (frame["region_id"] == 1) & (frame["item"] == "L-01")].iloc[0]
    assert row["n"] == 13 and not row["hidden"] and row["ci_low"] < row["mean"] < row["ci_high"]
    hidden = frame[frame["hidden"]]
    assert hidden[["n", "mean", "ci_low", "ci_high"]].isna().all().all()
    assert (frame.loc[~frame["hidden"], "n"] >= K).all()


def test_one_small_site_never_shown_by_difference():
    sizes = {(1, 10): 7, (1, 11): 3}
    rel = decide(1, answers_of(sizes), ITEMS, [], closed=True, k=K)
    assert shown(rel, "L-01", "region:1") == 7 and shown(rel, "L-01", "org") == 7


@pytest.mark.parametrize("seed", range(12))
def test_every_released_cell_holds_k_learners(seed):
    """Random organisations answered in several steps, read in between, then closed:
    in every statement's universe, each cell of the released populations has >= k people."""
    rng = np.random.default_rng(seed)
    n_sites = int(rng.integers(2, 7))
    final = {(int(rng.integers(1, 3)), 10 + s): int(rng.integers(0, 14)) for s in range(n_sites)}
    history, rid = [], 1
    steps = int(rng.integers(1, 4))
    parts = []
    for step in range(steps + 1):
        now = {key: int(round(n * (step + 1) / (steps + 1))) for key, n in final.items()}
        before = {key: int(round(n * step / (steps + 1))) for key, n in final.items()} if step else {}
        new = {key: now[key] - before.get(key, 0) for key in now}
        part = answers_of(new, start=rid, na_every=int(rng.integers(0, 4)))
        rid += sum(new.values())
        parts.append(part)
        ans = pd.concat(parts, ignore_index=True)
        closed = step == steps
        rel = decide(1, ans, ITEMS, history, closed=closed, k=K)
        history += rel.new_rows
    for item in ITEMS:
        present = set(ans.loc[ans["item_id"] == item, "response_id"])
        pops = [set(r.population) & present for r in history if r.figure.startswith(f"learner:{item}|")]
        # Venn cells of the released populations
        sig: dict[int, tuple] = {}
        for p in present:
            sig[p] = tuple(p in pop for pop in pops)
        cells: dict[tuple, int] = {}
        for p, s in sig.items():
            if any(s):
                cells[s] = cells.get(s, 0) + 1
        assert all(n >= K for n in cells.values()), (item, cells)


def _staff_release(pops: dict[tuple[str, str], list[int]]) -> Release:
    rel = Release(1, K, np.array(sorted({i for p in pops.values() for i in p}), dtype=np.int64), {}, {})
    for key, pop in pops.items():
        rel.current[key] = np.array(sorted(pop), dtype=np.int64)
    return rel


def test_three_way_gap_hides_sides_under_k():
    sizes = {(1, 10): 8, (1, 11): 6}
    ans = answers_of(sizes)
    lrel = decide(1, ans, ITEMS, [], closed=True, k=K)
    units = units_of(sizes)
    items = learner_items(lrel, ans, ITEMS, units)
    # managers: 2 + 4 people, shown only organisation-wide (the release layer pooled them);
    # trainers: 6 and 5, shown per site and overall
    managers = [100, 101, 102, 103, 104, 105]
    trainers10, trainers11 = list(range(200, 206)), list(range(300, 305))
    u = "gap:item:O-PED-2"
    rel = _staff_release({("manager", gap_key(u, "org")): managers,
                          ("trainer", gap_key(u, "org")): trainers10 + trainers11,
                          ("trainer", gap_key(u, "site:10")): trainers10,
                          ("trainer", gap_key(u, "site:11")): trainers11})
    people = pd.DataFrame(
        [(r, "manager", 10 if r < 102 else 11, "item", "O-PED-2", 75.0 - (r % 3) * 25) for r in managers]
        + [(r, "trainer", 10 if r < 300 else 11, "item", "O-PED-2", 25.0 + (r % 2) * 25)
           for r in trainers10 + trainers11],
        columns=["response_id", "role", "site_id", "kind", "key", "score"])
    frame = three_way(rel, people, lrel, items, {"L-01": "O-PED-2"}, units)
    org = frame[frame["scope"] == "org"].iloc[0]
    assert (org["n_managers"], org["n_trainers"], org["n_learners"]) == (6, 11, 14)
    assert not (org["hidden_managers"] or org["hidden_trainers"] or org["hidden_learners"])
    assert org["gap_lm"] == pytest.approx(org["mean_learners"] - org["mean_managers"])
    assert org["gap_lm_low"] < org["gap_lm"] < org["gap_lm_high"]
    site = frame[(frame["scope"] == "site") & (frame["site_id"] == 10)].iloc[0]
    assert site["hidden_managers"] and np.isnan(site["mean_managers"]) and np.isnan(site["gap_lm"])
    assert not site["hidden_trainers"] and not np.isnan(site["gap_lt"])
    # a region's staff side is the union of its shown sites: trainers yes, managers none
    region = frame[frame["scope"] == "region"].iloc[0]
    assert region["n_trainers"] == 11 and region["hidden_managers"]
    # nothing under k anywhere
    for side in ("managers", "trainers", "learners"):
        shown_n = frame.loc[~frame[f"hidden_{side}"], f"n_{side}"]
        assert (shown_n >= K).all()
        assert frame.loc[frame[f"hidden_{side}"], f"mean_{side}"].isna().all()
