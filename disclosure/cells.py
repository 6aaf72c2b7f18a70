"""The release rule, exactly: every released population is a union of cells of at least k people.

A *universe* is one kind of per-person unknown (a campaign's trainers'
scores in one area, their level, ...), indexed by response.  Every figure
the app releases in a universe is a sum (a mean times its n, or a count per
level) over a *population* of responses.  Take the cells of the family of
released populations - the classes of responses that belong to exactly the
same released populations (a Venn diagram).  Every released sum, and so
every linear combination of released sums, is constant on each cell.  If
every cell that lies in at least one released population holds at least
``k`` responses, a linear combination of released figures can only ever
give a sum over whole cells: never one person's value, never a sum over a
group of 1 to k-1 people.

:class:`Family` keeps that partition for one universe and accepts a new
population only when it keeps the property: each cell it cuts must fall
into two parts of 0 or at least k.  Responses in no released population
are one free cell ("unreleased") whose size does not matter, since no
released figure touches it; a new population may take from it only a part
of at least k.  That one rule gives the release steps of an open campaign
(a site's figures move when at least k new people joined it), the
suppression of small or overlapping slices and of small differences
between views, and the same answer whichever page asks first.
"""

from __future__ import annotations

import numpy as np

UNRELEASED = 0


class Family:
    """The cells of the populations released so far in one universe (responses 0..size-1)."""

    def __init__(self, size: int, k: int, present: np.ndarray | None = None) -> None:
        self.k = int(k)
        self.cell = np.zeros(size, dtype=np.int64)
        # responses without a value in this universe (e.g. no score in an area) are outside
        # every population: a figure over P is in truth a figure over P & present
        self.present = np.ones(size, dtype=bool) if present is None else np.asarray(present, bool)
        self._sizes = np.array([np.count_nonzero(self.present)], dtype=np.int64)  # per cell id

    def _members(self, population: np.ndarray) -> np.ndarray:
        idx = np.asarray(population, dtype=np.int64)
        if len(idx) > 1 and not (idx[1:] > idx[:-1]).all():
            idx = np.unique(idx)
        return idx[self.present[idx]]

    def allows(self, population: np.ndarray, whole: bool = False) -> bool:
        """True when releasing a sum over these responses keeps every released cell at 0 or >= k.

        ``whole``: a released cell under k (left by the span check, disclosure.span) taken
        whole is no cut; only the span check can say whether the population is safe then.
        """
        idx = self._members(population)
        if not len(idx):
            return True
        cells, inside = np.unique(self.cell[idx], return_counts=True)
        small = inside < self.k
        if whole:
            small &= (cells == UNRELEASED) | (inside < self._sizes[cells])
        if small.any():
            return False
        outside = self._sizes[cells] - inside
        outside[cells == UNRELEASED] = 0
        return not ((outside > 0) & (outside < self.k)).any()

    def load(self, signature: np.ndarray) -> None:
        """Set the cells from each response's membership signature (0: in no population).

        Replaying a long history population by population costs one pass per
        population and universe; a signature (a sum of one random 64-bit key
        per population a response is in) gives the same cells in one pass.
        """
        sig = np.where(self.present, np.asarray(signature, dtype=np.uint64), np.uint64(0))
        uniq, inverse = np.unique(sig, return_inverse=True)
        ids = inverse.astype(np.int64) + (0 if uniq[0] == 0 else 1)
        self.cell = np.where(sig == 0, UNRELEASED, ids)
        self._sizes = np.bincount(self.cell[self.present], minlength=int(self.cell.max(initial=0)) + 1)
        self._sizes = self._sizes.astype(np.int64)

    def copy(self) -> "Family":
        """An independent copy (to try several populations together, see Release.allows)."""
        out = Family.__new__(Family)
        out.k, out.cell, out.present, out._sizes = self.k, self.cell.copy(), self.present, self._sizes.copy()
        return out

    def allows_all(self, populations: list[np.ndarray], whole: bool = False) -> bool:
        """True when releasing every one of these populations together keeps the rule.

        Adding them one by one and checking each against the cells so far is
        the same as checking the final cells: every intermediate cell is a
        union of final cells, so it holds 0 or at least k when they do.
        """
        distinct, seen = [], set()
        for pop in populations:
            key = np.asarray(pop, dtype=np.int64).tobytes()
            if key not in seen:
                seen.add(key)
                distinct.append(pop)
        if len(distinct) <= 1:
            return all(self.allows(p, whole) for p in distinct)
        trial = self.copy()
        for pop in distinct:
            if not trial.allows(pop, whole):
                return False
            trial.add(pop)
        return True

    def size_of(self, cell: int) -> int:
        return int(self._sizes[cell])

    def add(self, population: np.ndarray) -> None:
        """Record a released population (call only after :meth:`allows`, or to replay history)."""
        idx = self._members(population)
        if not len(idx):
            return
        cells, inverse, inside = np.unique(self.cell[idx], return_inverse=True, return_counts=True)
        split = (cells == UNRELEASED) | (inside < self._sizes[cells])
        if not split.any():
            return
        new = np.arange(len(self._sizes), len(self._sizes) + int(split.sum()))
        mapping = cells.copy()
        mapping[split] = new
        self.cell[idx] = mapping[inverse]
        self._sizes[cells[split]] -= inside[split]
        self._sizes = np.concatenate([self._sizes, inside[split]])

    def cells(self) -> list[np.ndarray]:
        """The released cells, each as an array of responses (for tests and explanations)."""
        ids = self.cell[self.present]
        where = np.flatnonzero(self.present)
        return [where[ids == c] for c in np.unique(ids).tolist() if c != UNRELEASED]
