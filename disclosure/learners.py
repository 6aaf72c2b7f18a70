"""Learners' figures through the release rule, and the three-way perception gap.

Learners are separate people from trainers and managers, answering
anonymously through links, so their responses form populations of their own:
one universe per learners' statement (``learner:<item>``; "I don't know" is
outside it), decided with the same cell rule (:class:`disclosure.cells.Family`)
and recorded in ``learnerrelease`` (same append-only history as
``disclosurerelease``).  Keys are decided in the same order: sites (by id),
regions, the organisation.  A region or the organisation pools every learner
under it once the campaign is closed, so a region shows its learners where
its sites are too small to be shown; while it is open, a region shows the
union of its released sites (pooling early would freeze small sites' cells
for the rest of the campaign, as for trainers - see docs/disclosure.md).

The three-way gap sets, for each learners' statement that mirrors a shared
organisation statement, the managers', trainers' and learners' means side by
side (0-100, each with its 95 % t interval) and the gaps learners minus
managers and learners minus trainers (Welch intervals).  The managers' and
trainers' sides are read from the populations :mod:`disclosure.release`
released for that statement (``gap:item:<id>|org`` and ``|site:<id>``); a
region's side is the union of its sites' released populations, a sum of
figures already shown, so it discloses nothing new.  A side under k is
hidden (NaN), and so is every gap it is part of.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy.special import stdtrit

from disclosure.cells import Family
from disclosure.release import Release, Row, _groups, gap_key, region_key, site_key
from scoring.anonymity import check_k
from scoring.gaps import welch_interval

PREFIX = "learner:"
SIDES = ("managers", "trainers", "learners")
ITEM_COLUMNS = ["scope", "region_id", "site_id", "item", "n", "mean", "var", "ci_low", "ci_high", "hidden"]


def universe(item_id: str) -> str:
    return f"{PREFIX}{item_id}"


def figure_key(item_id: str, node: str) -> str:
    return f"{universe(item_id)}|{node}"


class LearnerRelease:
    """Released learners' populations of one campaign, per statement and node."""

    def __init__(self, campaign_id: int, k: int, response_ids: np.ndarray) -> None:
        self.campaign_id, self.k = campaign_id, check_k(k)
        self.ids = np.sort(np.asarray(response_ids, dtype=np.int64))
        self.families: dict[str, Family] = {}
        self.current: dict[str, np.ndarray] = {}
        self.new_rows: list[Row] = []

    def _pos(self, ids: np.ndarray) -> np.ndarray:
        ids = np.asarray(ids, dtype=np.int64)
        if not len(ids) or not len(self.ids):
            return np.empty(0, np.int64)
        pos = np.clip(np.searchsorted(self.ids, ids), 0, len(self.ids) - 1)
        return pos[self.ids[pos] == ids]

    def population(self, key: str) -> np.ndarray:
        return self.current.get(key, np.empty(0, np.int64))

    def offer(self, item_id: str, node: str, candidates: Sequence[tuple[np.ndarray, str]]) -> None:
        """Release the first acceptable candidate for a statement at a node, else keep the last."""
        fam, key = self.families[universe(item_id)], figure_key(item_id, node)
        last = self.population(key)
        for pop, reason in candidates:
            pop = np.unique(np.asarray(pop, dtype=np.int64))
            if not len(pop):
                continue
            if np.array_equal(pop, last):
                return
            pos = self._pos(pop)
            if fam.allows(pos):
                fam.add(pos)
                self.current[key] = pop
                self.new_rows.append(Row(self.campaign_id, "learner", key, tuple(pop.tolist()), reason))
                return


def decide(campaign_id: int, answers: pd.DataFrame, items: Sequence[str], history: Sequence[Row],
           closed: bool, k: int) -> LearnerRelease:
    """Replay the learners' history, then offer sites, regions and the organisation (module docstring).

    ``answers``: response_id, site_id, region_id, item_id, value (answered
    statements only, "I don't know" left out).
    """
    rel = LearnerRelease(campaign_id, k, answers["response_id"].unique() if len(answers) else [])
    for item in items:
        mine = answers[answers["item_id"] == item]
        rel.families[universe(item)] = Family(len(rel.ids), rel.k, np.isin(rel.ids, mine["response_id"]))
    for row in history:
        u = row.figure.split("|")[0]
        if u in rel.families:
            pop = np.asarray(row.population, dtype=np.int64)
            rel.families[u].add(rel._pos(np.unique(pop)))
            rel.current[row.figure] = np.unique(pop)
    for item in items:
        mine = answers[answers["item_id"] == item]
        ids = mine["response_id"].to_numpy(dtype=np.int64)
        sites = mine["site_id"].to_numpy(dtype=np.int64)
        regions = mine["region_id"].to_numpy(dtype=np.int64)
        site_pops = {}
        for sid, members in _groups(sites, ids).items():
            rel.offer(item, site_key(sid), [(members, "site")])
            site_pops[sid] = rel.population(figure_key(item, site_key(sid)))
        region_of = dict(zip(sites.tolist(), regions.tolist()))
        region_pops = []
        for rid, members in _groups(regions, ids).items():
            parts = [pop for sid, pop in site_pops.items() if region_of[sid] == rid]
            union = np.unique(np.concatenate(parts)) if parts else np.empty(0, np.int64)
            rel.offer(item, region_key(rid), ([(members, "pooled")] if closed else []) + [(union, "children")])
            region_pops.append(rel.population(figure_key(item, region_key(rid))))
        union = np.unique(np.concatenate(region_pops)) if region_pops else np.empty(0, np.int64)
        rel.offer(item, "org", ([(np.sort(ids), "pooled")] if closed else []) + [(union, "children")])
    return rel


def _stats(scores: np.ndarray, k: int) -> tuple[float, float, float, float, float, bool]:
    """n, mean, variance, interval of a released side; hidden under k."""
    n = len(scores)
    if n < k:
        return (np.nan,) * 5 + (True,)
    mean, var = float(np.mean(scores)), float(np.var(scores, ddof=1))
    half = _t975(n - 1) * np.sqrt(var / n)
    return float(n), mean, var, mean - half, mean + half, False


@lru_cache(maxsize=4096)
def _t975(df: int) -> float:
    """Student's t 97.5 % quantile (one SciPy call per group size, not per cell)."""
    return float(stdtrit(df, 0.975))


def _nodes(units: pd.DataFrame) -> list[tuple[str, str, int | None, int | None]]:
    out = [("org", "org", None, None)]
    out += [(region_key(r), "region", int(r), None) for r in sorted(units["region_id"].unique())]
    out += [(site_key(s), "site", int(r), int(s)) for s, r in
            sorted(zip(units["site_id"], units["region_id"]))]
    return out


class _Scores:
    """Scores by response id, looked up for a population with one searchsorted."""

    def __init__(self, ids: np.ndarray, scores: np.ndarray) -> None:
        order = np.argsort(ids, kind="stable")
        self.ids = np.asarray(ids, dtype=np.int64)[order]
        self.scores = np.asarray(scores, dtype=float)[order]

    def of(self, pop: np.ndarray) -> np.ndarray:
        if not len(self.ids) or not len(pop):
            return np.empty(0)
        pos = np.clip(np.searchsorted(self.ids, pop), 0, len(self.ids) - 1)
        return self.scores[pos[self.ids[pos] == pop]]


def learner_items(rel: LearnerRelease, answers: pd.DataFrame, items: Sequence[str],
                  units: pd.DataFrame) -> pd.DataFrame:
    """Learners' figure per statement and node over released populations (ITEM_COLUMNS)."""
    by_item = {}
    for item in items:
        mine = answers[answers["item_id"] == item]
        by_item[item] = _Scores(mine["response_id"].to_numpy(), mine["value"].to_numpy(dtype=float) * 25.0)
    rows = []
    for node, scope, rid, sid in _nodes(units):
        for item in items:
            values = by_item[item].of(rel.population(figure_key(item, node)))
            n, mean, var, low, high, hidden = _stats(values, rel.k)
            rows.append((scope, rid, sid, item, n, mean, var, low, high, hidden))
    return pd.DataFrame(rows, columns=ITEM_COLUMNS)


def _whole(value: object) -> int | None:
    """A region or site id as the nodes name it (None for the organisation or a region)."""
    return None if value is None or pd.isna(value) else int(value)


def _staff_scores(scores: _Scores, rel: Release, role: str, org_item: str,
                  node: str, site_nodes: list[str]) -> np.ndarray:
    """Scores of one role on a shared statement over its released population at a node."""
    u = f"gap:item:{org_item}"
    if node.startswith("region:"):
        parts = [rel.population(role, gap_key(u, s)) for s in site_nodes]
        pop = np.unique(np.concatenate(parts)) if parts else np.empty(0, np.int64)
    else:
        pop = rel.population(role, gap_key(u, node))
    return scores.of(np.asarray(pop, dtype=np.int64))


def three_way(rel: Release, people: pd.DataFrame, learner_rel: LearnerRelease,
              learners: pd.DataFrame, mirrored: dict[str, str], units: pd.DataFrame) -> pd.DataFrame:
    """The three-way gap per mirrored statement and node (module docstring).

    ``people``: per-person scores on shared statements as
    :func:`scoring.gaps._person_scores` gives them (kind 'item'); ``learners``:
    :func:`learner_items` of the learners' release.  Columns: scope,
    region_id, site_id, item, org_item, n/mean/ci_low/ci_high/hidden per side
    (``_managers``, ``_trainers``, ``_learners``), gap_lm, gap_lm_low,
    gap_lm_high, gap_lt, gap_lt_low, gap_lt_high.
    """
    people = people[people["kind"] == "item"]
    staff = {}
    for (role, key), group in people.groupby(["role", "key"]):
        staff[(role, key)] = _Scores(group["response_id"].to_numpy(), group["score"].to_numpy())
    empty = _Scores(np.empty(0, np.int64), np.empty(0))
    # one dict lookup per node and statement (a MultiIndex .loc per cell cost most of this table)
    lookup = {(r.scope, _whole(r.region_id), _whole(r.site_id), r.item): r
              for r in learners.itertuples(index=False)}
    sites_of = units.groupby("region_id")["site_id"].apply(lambda s: [site_key(x) for x in sorted(s)])
    rows = []
    for node, scope, rid, sid in _nodes(units):
        for item, org_item in mirrored.items():
            row = {"scope": scope, "region_id": rid, "site_id": sid, "item": item, "org_item": org_item}
            var = {}
            for side, role in (("managers", "manager"), ("trainers", "trainer")):
                scores = _staff_scores(staff.get((role, org_item), empty), rel, role, org_item, node,
                                       sites_of.get(rid, []) if scope == "region" else [])
                n, mean, v, low, high, hidden = _stats(scores, rel.k)
                row.update({f"n_{side}": n, f"mean_{side}": mean, f"ci_low_{side}": low,
                            f"ci_high_{side}": high, f"hidden_{side}": hidden})
                var[side] = v
            got = lookup.get((scope, rid, sid, item))
            hidden = got is None or bool(got.hidden)
            for col in ("n", "mean", "ci_low", "ci_high"):
                row[f"{col}_learners"] = np.nan if hidden else float(getattr(got, col))
            row["hidden_learners"] = hidden
            var["learners"] = np.nan if hidden else float(got.var)
            for name, side in (("lm", "managers"), ("lt", "trainers")):
                gap, low, high, _ = welch_interval(row["mean_learners"], var["learners"], row["n_learners"],
                                                   row[f"mean_{side}"], var[side], row[f"n_{side}"])
                row.update({f"gap_{name}": float(gap), f"gap_{name}_low": float(low),
                            f"gap_{name}_high": float(high)})
            rows.append(row)
    return pd.DataFrame(rows)
