"""Which responses each figure of a campaign is computed from: the release decision.

A *figure key* names a population: ``org``, ``region:3``, ``site:12``, a
modality slice ``site:12|modality:hybrid``, or the paired people of a
progress table ``paired:site:12`` (per role).  For every key, the release
keeps the population last released; a new population replaces it only when
:class:`disclosure.cells.Family` accepts it in every universe of the role
(each area's scores, and with them the levels).  Keys are decided in one
fixed order - sites, then regions, then the organisation, then the slices -
over the whole organisation at once, so a cell hidden in one view is hidden
in every view, whatever the viewer's filter.

Candidates, per key and role:

* a site: every submitted response of the site;
* a region or the organisation: every submitted response under it when
  leftovers may be pooled (the campaign is closed, or the role is
  ``manager``, whose sites rarely reach k), else the union of its children's
  released populations (pooling small sites' people early into a region's
  cell would freeze their site for the rest of the campaign);
* a slice: the node's released population that teaches the modality (or,
  after every modality slice, that belongs to a trade: ``site:12|trade:care``).

A rejected candidate leaves the last released population in place (or the
figure hidden when there is none).  So during an open campaign a site's
scores move in steps of at least k new people, while participation counts,
which are not about anyone's answers, stay live.

Decisions are pure: :func:`decide` takes the history and returns the new
rows to record; :mod:`disclosure.store` reads and writes them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from disclosure.cells import Family
from scoring.anonymity import check_k

if TYPE_CHECKING:
    from disclosure.span import Verdict

MODALITIES = ("face_to_face", "hybrid", "remote_sync", "remote_async")
AREA, GAP, TD = "area:", "gap:", "td:"
XV = "xv:"  # shared-items scores of a cross-version comparison (disclosure.versions)
TOP_DOWN = TD + "index"  # the universe of each person's top-down value (disclosure.topdown)
# presence-only universes, one per organisation area with a shared statement: the managers who
# answered one of its non-shared statements (scoring.data.unshared_areas).  No figure is a sum
# over them; they are offered with the areas (their names start with AREA) so that, in the joint
# family, a cell never mixes managers whose area score has a term no shown statement has with
# managers whose score is made of shown statements only (docs/disclosure.md)
FORM = AREA + "~form:"
# the same for each shared statement a manager answered and their site's declared model leaves out
# of their score (scoring.data.CampaignData.left_out): inside a cell, the managers whose scores
# are made of shown statements only then use the same statements
LEFT_OUT = AREA + "~out:"
ROLES = ("trainer", "manager")


def sorted_unique(values: Iterable[int] | np.ndarray) -> np.ndarray:
    """Response ids sorted and without repeats, as int64: np.unique, skipped when they already are
    (recorded populations and most candidates are; a decision handles thousands of them)."""
    ids = np.asarray(values if isinstance(values, np.ndarray) else list(values), dtype=np.int64).ravel()
    if len(ids) > 1 and not (ids[1:] > ids[:-1]).all():
        return np.unique(ids)
    return ids


@dataclass(frozen=True)
class Row:
    """One recorded release: this population is what the figure key shows from now on."""

    campaign_id: int
    role: str
    figure: str
    population: tuple[int, ...]  # response ids, sorted
    reason: str = ""


def link_of(role: str, universe: str) -> str:
    """The group of universes whose unknowns are functions of the same answers (one joint family).

    A trainer's perception of an element is the weighted mean of their
    answers to its statements, and their top-down value the mean of those
    perceptions: the statements, elements and top-down index are one link
    ("perception").  Their overall score is the mean of their area scores:
    the areas are another ("area"); a trainer's areas are not computed from
    the perception statements.  A manager's area scores are the organisation
    elements, computed from the very statements the gaps show one by one,
    and their top-down value the mean of three of them: one link ("all").
    """
    if role == "manager":
        return "all"
    # shared-items scores of a cross-version comparison are computed from the same item
    # answers as the area scores: one link with them
    return "area" if universe.startswith((AREA, XV)) else "perception"


def pattern_free(role: str, universe: str) -> bool:
    """True when a person's value in the universe is the same linear form of their answers
    whichever other universes of its link they have a value in (disclosure.span): a trainer's
    area score (not the overall score, a mean of the areas present), one statement's answer.
    A manager's area scores are elements computed from the statements they answered: no."""
    if universe.startswith(GAP + "item:"):
        return True
    return role == "trainer" and universe.startswith(AREA) and universe != AREA + "overall"


EFFECT = "effect:"  # the cohorts' effect on one area (disclosure.effect): in that area only


def site_key(site_id: object) -> str:
    return f"site:{int(site_id)}"


def region_key(region_id: object) -> str:
    return f"region:{int(region_id)}"


def node_key(region_id: object | None, site_id: object | None) -> str:
    """The figure key of the organisation, a region or a site."""
    if site_id is not None and not pd.isna(site_id):
        return site_key(site_id)
    if region_id is not None and not pd.isna(region_id):
        return region_key(region_id)
    return "org"


def slice_key(node: str, modality: str) -> str:
    return f"{node}|modality:{modality}"


@dataclass
class Release:
    """Released populations of one campaign, and the families that decided them."""

    campaign_id: int
    k: int
    response_ids: np.ndarray  # every submitted response of the campaign, sorted
    families: dict[str, list[Family]]  # role -> one family per universe (area)
    universes: dict[str, list[str]]  # role -> area of each family
    current: dict[tuple[str, str], np.ndarray] = field(default_factory=dict)  # (role, key) -> ids
    # (role, link) -> one joint family over the universes whose unknowns are linked (link_of)
    linked: dict[tuple[str, str], Family] = field(default_factory=dict)
    pattern_cache: dict = field(default_factory=dict, repr=False)  # see _patterns
    new_rows: list[Row] = field(default_factory=list)
    cross: object = None  # disclosure.versions.CrossVersion when compared across versions
    # role -> every population released so far (positions) with the universes it was released in:
    # the rows of the exact span check (disclosure.span), which needs the populations, not the cells
    released: dict[str, list[tuple[frozenset, np.ndarray]]] = field(default_factory=dict)
    taint: dict[tuple[str, str], bool] = field(default_factory=dict, repr=False)  # see tainted

    def index(self, ids: Iterable[int]) -> np.ndarray:
        """Positions of response ids in this campaign (ids not in it are dropped)."""
        ids = np.asarray(ids if isinstance(ids, np.ndarray) else list(ids), dtype=np.int64).ravel()
        if not len(self.response_ids) or not len(ids):
            return np.empty(0, dtype=np.int64)
        pos = np.clip(np.searchsorted(self.response_ids, ids), 0, len(self.response_ids) - 1)
        return pos[self.response_ids[pos] == ids]

    def population(self, role: str, key: str) -> np.ndarray:
        """Response ids a figure is computed from (empty: the figure is hidden)."""
        return self.current.get((role, key), np.empty(0, dtype=np.int64))

    def _pairs(self, role: str, idx: np.ndarray, per_universe: dict[str, np.ndarray] | None):
        """(family, positions) for every universe a figure touches (all, or those named)."""
        for fam, _, pos in self._triples(role, idx, per_universe):
            yield fam, pos

    def _triples(self, role: str, idx: np.ndarray, per_universe: dict[str, np.ndarray] | None):
        """(family, universe, positions) for every universe a figure touches (all, or those named)."""
        for fam, u in zip(self.families[role], self.universes[role]):
            if per_universe is None:
                yield fam, u, idx
            elif u in per_universe:
                yield fam, u, self.index(per_universe[u])

    def _linked_parts(self, role: str, idx: np.ndarray,
                      per_universe: dict[str, np.ndarray] | None) -> dict[str, list[np.ndarray]]:
        """link -> the populations a figure releases in the link's joint family: in each
        universe it touches, the people of its population who have a value there."""
        parts: dict[str, list[np.ndarray]] = {}
        for fam, u, pos in self._triples(role, idx, per_universe):
            if (role, link_of(role, u)) in self.linked:
                parts.setdefault(link_of(role, u), []).append(pos[fam.present[pos]])
        return parts

    def allows(self, role: str, population: np.ndarray,
               per_universe: dict[str, np.ndarray] | None = None, span: bool = False) -> bool:
        """True when a sum over population (or per universe, over per_universe[u]) may be released:
        in each universe on its own, and in the joint family of the universes linked to it.

        The cell rule decides while every released cell of the link holds 0 or at least k
        people. ``span``: where it refuses, ask the exact span check (disclosure.span) instead.
        Once a link holds a cell under k (a population the span check accepted), the cell
        rule proves nothing there any more: a population it accepts must also pass the span
        check. Without ``span`` the cell rule still refuses first (taking a cell under k
        whole is then no cut), so the tree, slices and gaps keep their steps of k.
        """
        idx = self.index(population)
        by_link: dict[str, list[tuple[Family, str, np.ndarray]]] = {}
        for fam, u, pos in self._triples(role, idx, per_universe):
            by_link.setdefault(link_of(role, u), []).append((fam, u, pos))
        for link, items in by_link.items():
            tainted = self.tainted(role, link)
            if not span and not self._cells_allow(role, link, items, whole=tainted):
                return False  # the cell rule refuses (a cell under k taken whole is no cut)
            if not tainted and (not span or self._cells_allow(role, link, items)):
                continue
            if not self.span_check(role, link, [(frozenset({u}), pos) for _, u, pos in items]).safe:
                return False
        return True

    def _cells_allow(self, role: str, link: str, items: list[tuple[Family, str, np.ndarray]],
                     whole: bool = False) -> bool:
        """The cell rule: in each universe, and in the link's joint family."""
        if not all(fam.allows(pos, whole) for fam, _, pos in items):
            return False
        joint = self.linked.get((role, link))
        parts = [pos[fam.present[pos]] for fam, _, pos in items]
        return joint is None or joint.allows_all(parts, whole)

    def _link_families(self, role: str, link: str) -> list[tuple[Family, str]]:
        return [(f, u) for f, u in zip(self.families.get(role, []), self.universes.get(role, []))
                if link_of(role, u) == link]

    def tainted(self, role: str, link: str) -> bool:
        """True when a released cell of the link (a universe or the joint family) is under k."""
        if (role, link) not in self.taint:
            fams = [f for f, _ in self._link_families(role, link)]
            if (role, link) in self.linked:
                fams.append(self.linked[(role, link)])
            self.taint[(role, link)] = any(
                bool(((f._sizes[1:] > 0) & (f._sizes[1:] < self.k)).any()) for f in fams)
        return self.taint[(role, link)]

    def span_check(self, role: str, link: str,
                   extra: Sequence[tuple[frozenset, np.ndarray]] = ()) -> "Verdict":
        """The exact span check of a link's released populations, with extra ones (positions).

        A figure of universe u over P is a sum over the people of P with a value in u of a
        per-person linear form. Inside a link, a person's forms in its universes are related
        (the overall score is a weighted mean of the areas present, an element a weighted mean
        of the statements answered), and how depends only on which universes the person has a
        value in: their *presence pattern*. Write every form of a pattern on one basis of
        independent forms: a combination of released figures then gives, for each basis form,
        a per-person coefficient in the span of the vectors 1_(P & present in u) for universes
        whose form is the same whatever the pattern (a trainer's area score, one statement's
        answer: :func:`pattern_free`) and 1_(P & pattern) for the others. So the check runs
        on those rows: any leak of the linked figures is a leak there. Splitting by pattern
        only adds rows (more conservative), and where everyone has the same pattern it
        changes nothing.
        """
        from disclosure.span import Verdict, check

        fams = self._link_families(role, link)
        if not fams:
            return Verdict(True, "no universe")
        col = {u: j for j, (_, u) in enumerate(fams)}
        pres = np.stack([f.present for f, _ in fams], axis=1)
        rows, n_old, split_by, seen = [], 0, [], set()
        n_released = len(self.released.get(role, []))

        def keep(kept: np.ndarray, split: bool) -> None:
            if len(kept) > 1 and not (kept[1:] > kept[:-1]).all():
                kept = np.unique(kept)
            key = (kept.tobytes(), split)  # the history repeats populations: one row each
            if len(kept) and key not in seen:
                seen.add(key)
                rows.append(kept)
                split_by.append(split)

        for i, (unis, pos) in enumerate([*self.released.get(role, []), *extra]):
            if len(pos):
                free = [u for u in unis if u in col and pattern_free(role, u)]
                for u in free:  # the form does not depend on the pattern: one row
                    keep(pos[pres[pos, col[u]]], False)
                js = [col[u] for u in unis if u in col and u not in free]
                if js:
                    keep(pos[pres[pos][:, js].any(axis=1)], True)
            if i < n_released:
                n_old = len(rows)
        if not rows:
            return Verdict(True, "nothing released")
        touched = np.unique(np.concatenate(rows))
        member = np.zeros((len(touched), len(rows)), dtype=bool)
        for j, pos in enumerate(rows):
            member[np.searchsorted(touched, pos), j] = True
        _, pattern = np.unique(pres[touched], axis=0, return_inverse=True)
        pattern = np.asarray(pattern, dtype=np.int64).ravel()
        key = np.concatenate([np.packbits(member, axis=1),
                              pattern.astype(">i8").view(np.uint8).reshape(-1, 8)], axis=1)
        _, cell = np.unique(key, axis=0, return_inverse=True)
        cell = np.asarray(cell, dtype=np.int64).ravel()
        sizes = np.bincount(cell)
        cell_pattern = np.zeros(len(sizes), dtype=np.int64)
        cell_pattern[cell] = pattern
        split, old = [], 0
        for i, pos in enumerate(rows):
            cells = np.unique(cell[np.searchsorted(touched, pos)])
            if not split_by[i]:
                split.append(cells)
            for pat in np.unique(cell_pattern[cells]) if split_by[i] else ():
                split.append(cells[cell_pattern[cells] == pat])
            if i < n_old:
                old = len(split)
        # everything released before passed a check: only the extra rows can make a leak
        return check(split, sizes, self.k, known_safe=old)

    def _add(self, role: str, population: np.ndarray, per_universe: dict[str, np.ndarray] | None) -> None:
        idx = self.index(population)
        same: dict[bytes, tuple[set, np.ndarray]] = {}
        for fam, u, pos in self._triples(role, idx, per_universe):
            fam.add(pos)
            same.setdefault(np.unique(pos).tobytes(), (set(), np.unique(pos)))[0].add(u)
            self.taint.pop((role, link_of(role, u)), None)  # a cell under k may have appeared
        for unis, pos in same.values():
            self.released.setdefault(role, []).append((frozenset(unis), pos))
        for link, pops in self._linked_parts(role, idx, per_universe).items():
            for pos in pops:
                self.linked[(role, link)].add(pos)

    def _set(self, role: str, key: str, population: np.ndarray, reason: str, new: bool) -> None:
        pop = sorted_unique(population)
        self.current[(role, key)] = pop
        if new:
            self.new_rows.append(Row(self.campaign_id, role, key, tuple(int(x) for x in pop), reason))

    def record(self, role: str, key: str, population: np.ndarray, reason: str,
               per_universe: dict[str, np.ndarray] | None = None, new: bool = True) -> None:
        """Make population the one key shows, and add it to the role's families."""
        self._add(role, population, per_universe)
        self._set(role, key, population, reason, new)

    def pattern_filtered(self, role: str, population: np.ndarray, names: Sequence[str]) -> np.ndarray:
        """population without the people whose presence pattern over the universes named (which
        of them they have a value in) is shared by fewer than k people of it.

        Releasing every universe over one population cuts it by presence
        pattern in the joint family: one person who answered "not applicable"
        where everyone else answered would be a cell of one.  Leaving such
        people out of these figures (they stay in no released cell of them)
        lets the others' figures be shown.  People with no value in any of
        the universes are kept: they are in none of the populations.
        """
        codes = self._patterns(role, tuple(names))
        pop = sorted_unique(population)
        idx = self.index(pop)
        if codes is None or not len(idx):
            return pop
        mine = codes[idx]  # small whole numbers: one per pattern
        keep = (np.bincount(mine)[mine] >= self.k) | (mine == 0)
        return self.response_ids[idx[keep]]

    def _patterns(self, role: str, names: tuple[str, ...]) -> np.ndarray | None:
        """Each response's presence pattern over the universes named, as a number (0: none)."""
        cache = self.pattern_cache
        if (role, names) not in cache:
            wanted = set(names)
            fams = [f for f, u in zip(self.families.get(role, []), self.universes.get(role, [])) if u in wanted]
            if len(fams) < 2:
                cache[(role, names)] = None
            else:
                bits = np.stack([f.present for f in fams], axis=1)
                _, inverse = np.unique(bits, axis=0, return_inverse=True)
                codes = np.asarray(inverse, dtype=np.int64).ravel() + 1
                cache[(role, names)] = np.where(bits.any(axis=1), codes, 0)
        return cache[(role, names)]

    def scored(self, role: str) -> list[str]:
        """The role's area universes: a node's scores and levels (its population's release)."""
        return [u for u in self.universes[role] if u.startswith(AREA)]

    def _linked_universes(self, role: str, names: Sequence[str]) -> list[str]:
        """Every universe of the role linked to one of names (see :func:`link_of`).

        The pattern of :meth:`offer_group` spans them: a manager left out of the elements for
        an N/A is left out of their areas too, or the two populations would differ by them."""
        links = {link_of(role, u) for u in names}
        return [u for u in self.universes.get(role, []) if link_of(role, u) in links]

    def offer(self, role: str, key: str, candidates: Sequence[tuple[np.ndarray, str]],
              universes: Sequence[str] | None = None) -> None:
        """Release the first candidate the rule accepts in the universes (default: the areas);
        otherwise keep what was released."""
        names = self.scored(role) if universes is None else universes
        self.offer_group(role, {u: key for u in names}, candidates, single=key)

    def offer_group(self, role: str, keys: dict[str, str], candidates: Sequence[tuple[np.ndarray, str]],
                    single: str | None = None) -> None:
        """Release one population for every figure key of a group of linked universes
        (universe -> key; ``single``: one key for all), or keep every key as it was.

        Each candidate is tried without the people whose presence pattern
        over the linked universes is shared by fewer than k of it
        (:meth:`pattern_filtered`), then as it is.  All the universes move together, so
        inside a released cell everyone has a value in the same universes, and
        a figure computed from others (an element from its statements, the
        overall score from the areas) has the same form for all of them.
        """
        names = list(keys)
        pattern = None
        shown = {single} if single is not None else set(keys.values())
        last = [self.population(role, k) for k in shown]
        for pop, reason in candidates:
            pop = sorted_unique(pop)
            if not len(pop):
                continue
            if all(len(pop) == len(p) and np.array_equal(pop, p) for p in last):
                return  # nothing new to show
            if pattern is None:  # most offers stop above: work the pattern out only when needed
                pattern = self._linked_universes(role, names)
            # the filtered candidate first: had the whole population passed on the universes
            # offered here (a manager's areas), its cells would still hold the people the linked
            # universes (their statements) must leave out, and those could never be released
            filtered = self.pattern_filtered(role, pop, pattern)
            tried = [filtered, pop] if 0 < len(filtered) < len(pop) else [pop]
            for cand in tried:
                if all(len(cand) == len(p) and np.array_equal(cand, p) for p in last):
                    return  # nothing new to show
                only = {u: cand for u in names}
                if self.allows(role, cand, only):
                    self._add(role, cand, only)
                    for key in sorted(shown):
                        self._set(role, key, cand, reason, True)
                    return


def _families(respondents: pd.DataFrame, presence: pd.DataFrame, ids: np.ndarray,
              k: int) -> tuple[dict[str, list[Family]], dict[str, list[str]]]:
    """One family per role and universe; a response without a value in a universe is absent from it."""
    families: dict[str, list[Family]] = {}
    universes: dict[str, list[str]] = {}
    roles = respondents[["response_id", "role"]]
    joined = presence.merge(roles, on="response_id")
    for role in ROLES:
        mine = joined[joined["role"] == role]
        fams, names = [], []
        for universe, group in sorted(mine.groupby("universe"), key=lambda g: str(g[0])):
            fams.append(Family(len(ids), k, np.isin(ids, group["response_id"].astype(np.int64).to_numpy())))
            names.append(str(universe))
        families[role], universes[role] = fams, names
    return families, universes


def _linked(ids: np.ndarray, families: dict[str, list[Family]], universes: dict[str, list[str]],
            k: int) -> dict[tuple[str, str], Family]:
    """One joint family per role and link: responses with a value in any of its universes."""
    out: dict[tuple[str, str], Family] = {}
    for role, fams in families.items():
        present: dict[str, np.ndarray] = {}
        for fam, u in zip(fams, universes[role]):
            link = link_of(role, u)
            present[link] = present.get(link, np.zeros(len(ids), dtype=bool)) | fam.present
        for link, mask in present.items():
            out[(role, link)] = Family(len(ids), k, mask)
    return out


def decide(
    campaign_id: int, respondents: pd.DataFrame, presence: pd.DataFrame, history: Sequence[Row],
    closed: bool, k: int,
) -> Release:
    """Replay the history of releases, then offer every figure key a new population (module docstring).

    ``respondents`` holds the submitted responses (response_id, role,
    site_id, region_id, modalities); ``presence`` which response has a value
    in which universe (response_id, universe: an area, a shared item, ...);
    ``history`` every row recorded for this campaign, oldest first.
    """
    k = check_k(k)
    ids = np.sort(respondents["response_id"].astype(np.int64).to_numpy())
    families, universes = _families(respondents, presence, ids, k)
    rel = Release(campaign_id, k, ids, families, universes, linked=_linked(ids, families, universes, k))
    _replay(rel, history)
    for role in ROLES:
        people = respondents[respondents["role"] == role]
        pool = closed or role == "manager"
        _offer_tree(rel, role, people, pool)
        if role == "trainer":
            _offer_slices(rel, role, people)
            _offer_trade_slices(rel, role, people)
        _offer_gaps(rel, role, people)
    return rel


def gap_key(universe: str, node: str) -> str:
    """The figure key of one perception-gap statement or element at a node."""
    return f"{universe}|{node}"


def _offer_gaps(rel: Release, role: str, people: pd.DataFrame) -> None:
    """Each gap statement and element at the organisation, each site and each region, and the
    top-down index at the organisation and each site, each in its own universe.

    Its candidate is the node's released population (whoever of it answered);
    a statement many answered "not applicable" stays on its last release
    without holding back the node's scores.  The top-down universe
    (``td:index``: a manager's mean over the strategy elements, a trainer's
    perception of them) is offered after the gaps, in the same way.
    """
    keys = tree_keys(people)
    sites = [k for k in keys if k.startswith("site:")]
    # regions last (issue 20): each universe is its own family, so offering them after the
    # organisation and the sites leaves those decisions as they were
    gap_nodes = ["org", *sites, *[k for k in keys if k.startswith("region:")]]
    gaps = [u for u in rel.universes[role] if u.startswith(GAP)]
    top = [u for u in rel.universes[role] if u.startswith(TD)]
    # a node's statements, elements and top-down index are functions of the same answers:
    # they are released together, over one population, or all keep their last release
    for node in gap_nodes:
        names = gaps + (top if not node.startswith("region:") else [])
        if names:
            rel.offer_group(role, {u: gap_key(u, node) for u in names},
                            [(rel.population(role, node), "gap")])


def _replay(rel: Release, history: Sequence[Row]) -> None:
    """Rebuild the families from every recorded row (see Family.load) and the current populations."""
    keys = np.random.default_rng(20261126)
    rel.taint.clear()
    for role, families in rel.families.items():
        names = rel.universes[role]
        areas = frozenset(u for u in names if u.startswith(AREA))
        crossed = frozenset(u for u in names if u.startswith((AREA, XV)))
        kept = rel.released.setdefault(role, [])
        zero = np.zeros(len(rel.response_ids), dtype=np.uint64)
        base, own, cross = zero.copy(), {}, zero.copy()
        for row in history:
            if row.role != role:
                continue
            pop = sorted_unique(row.population)
            rel.current[(role, row.figure)] = pop
            # a node, slice or paired row was checked in the area universes; a gap row in its own;
            # a cross-version row (xv:...) in the area universes and the shared-items ones
            key = keys.integers(1, 2**63, dtype=np.uint64)
            separate = row.figure.startswith((GAP, TD))
            effect = row.figure.startswith(EFFECT)  # sums of one area's scores: that universe
            head = row.figure.split("|")[0]
            universe = AREA + head[len(EFFECT):] if effect else head
            target = own.setdefault(universe, zero.copy()) if separate or effect else base
            where = rel.index(pop)  # pop is sorted and unique already
            np.add.at(target, where, key)
            if row.figure.startswith(XV):
                np.add.at(cross, where, key)
            kept.append((frozenset({universe}) if separate or effect
                         else crossed if row.figure.startswith(XV) else areas, where))
        columns: dict[str, list[np.ndarray]] = {}
        for fam, universe in zip(families, rel.universes[role]):
            if universe.startswith(XV):
                sig = cross
            elif universe.startswith(AREA):  # with the effect rows of this area (uint64 sums wrap)
                sig = base + own.get(universe, zero)
            else:
                sig = own.get(universe, zero)
            fam.load(sig)
            # in the joint family a release is its population in each universe, value holders only
            columns.setdefault(link_of(role, universe), []).append(np.where(fam.present, sig, np.uint64(0)))
        for link, cols in columns.items():
            fam = rel.linked.get((role, link))
            if fam is None:
                continue
            table = np.stack(cols, axis=1)
            _, inverse = np.unique(table, axis=0, return_inverse=True)
            sig = np.asarray(inverse, dtype=np.uint64).ravel() + np.uint64(1)
            fam.load(np.where(table.any(axis=1), sig, np.uint64(0)))


def _groups(keys: np.ndarray, ids: np.ndarray) -> dict[int, np.ndarray]:
    """Response ids per key value, keys sorted (one argsort instead of a pandas groupby)."""
    if not len(keys):
        return {}
    order = np.argsort(keys, kind="stable")
    bounds = np.flatnonzero(np.diff(keys[order])) + 1
    return {int(keys[order][start]): np.sort(ids[order][start:stop])
            for start, stop in zip(np.r_[0, bounds], np.r_[bounds, len(keys)])}


def _offer_tree(rel: Release, role: str, people: pd.DataFrame, pool: bool) -> None:
    people = people[people["site_id"].notna()]
    ids = people["response_id"].to_numpy(dtype=np.int64)
    sites = people["site_id"].to_numpy(dtype=np.int64)
    regions = people["region_id"].to_numpy(dtype=np.int64)
    for sid, members in _groups(sites, ids).items():
        rel.offer(role, site_key(sid), [(members, "site")])
    site_region = dict(zip(sites.tolist(), regions.tolist()))
    released = {}
    for rid, members in _groups(regions, ids).items():
        children = [rel.population(role, site_key(s)) for s in sorted(set(site_region)) if site_region[s] == rid]
        union = np.unique(np.concatenate(children)) if children else np.empty(0, np.int64)
        rel.offer(role, region_key(rid), ([(members, "pooled")] if pool else []) + [(union, "children")])
        released[rid] = rel.population(role, region_key(rid))
    union = np.unique(np.concatenate(list(released.values()))) if released else np.empty(0, np.int64)
    rel.offer(role, "org", ([(np.sort(ids), "pooled")] if pool else []) + [(union, "children")])


def tree_keys(people: pd.DataFrame) -> list[str]:
    """Figure keys of the tree in decision order: sites, regions, organisation."""
    people = people[people["site_id"].notna()]
    return ([site_key(s) for s in sorted(people["site_id"].unique())]
            + [region_key(r) for r in sorted(people["region_id"].unique())] + ["org"])


def _offer_slices(rel: Release, role: str, people: pd.DataFrame) -> None:
    teaches = {m: set(people.loc[people["modalities"].map(lambda v, m=m: m in (v or ())),
                                 "response_id"].astype(int)) for m in MODALITIES}
    _offer_member_slices(rel, role, people, [(slice_key, m, teaches[m]) for m in MODALITIES])


def trade_key(node: str, trade: str) -> str:
    return f"{node}|trade:{trade}"


def _offer_trade_slices(rel: Release, role: str, people: pd.DataFrame) -> None:
    """Trade slices, after every modality slice: the same rule, so a trade slice never
    differs from a node, a modality slice or another trade by fewer than k people."""
    if "trade" not in people:
        return
    known = people[people["trade"].notna() & (people["trade"].astype(str) != "")]
    groups = [(trade_key, str(t), set(g["response_id"].astype(int)))
              for t, g in sorted(known.groupby("trade"), key=lambda x: str(x[0]))]
    _offer_member_slices(rel, role, people, groups)


def _offer_member_slices(rel: Release, role: str, people: pd.DataFrame, groups) -> None:  # noqa: ANN001
    """Offer, per group (key function, label, members), a slice of every node of the tree."""
    placed = people[people["site_id"].notna()].drop_duplicates("site_id")
    parent_of = {site_key(s): region_key(r) for s, r in zip(placed["site_id"], placed["region_id"])}
    parent_of.update({region_key(r): "org" for r in placed["region_id"]})
    for make_key, label, chosen in groups:
        members = np.sort(np.fromiter(chosen, dtype=np.int64))
        children: dict[str, list[np.ndarray]] = {}
        for node in tree_keys(people):
            pop = rel.population(role, node)
            key = make_key(node, label)
            # a region's or the organisation's slice falls back on its released sub-slices
            parts = children.get(node, [])
            union = np.unique(np.concatenate(parts)) if parts else np.empty(0, np.int64)
            rel.offer(role, key, [(pop[np.isin(pop, members, assume_unique=True)], "slice"),
                                  (union, "children")])
            parent = parent_of.get(node)
            if parent is not None:
                children.setdefault(parent, []).append(rel.population(role, key))
