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
        self._sizes = [int(np.count_nonzero(self.present))]  # responses per cell id (present only)

    def _members(self, population: np.ndarray) -> np.ndarray:
        idx = np.unique(np.asarray(population, dtype=np.int64))
        return idx[self.present[idx]]

    def allows(self, population: np.ndarray) -> bool:
        """True when releasing a sum over these responses keeps every released cell at 0 or >= k."""
        idx = self._members(population)
        if not len(idx):
            return True
        cells, inside = np.unique(self.cell[idx], return_counts=True)
        for c, n_in in zip(cells.tolist(), inside.tolist()):
            if n_in < self.k:
                return False
            if c != UNRELEASED:
                n_out = self.size_of(c) - n_in
                if 0 < n_out < self.k:
                    return False
        return True

    def size_of(self, cell: int) -> int:
        return self._sizes[cell]

    def add(self, population: np.ndarray) -> None:
        """Record a released population (call only after :meth:`allows`, or to replay history)."""
        idx = self._members(population)
        if not len(idx):
            return
        for c in np.unique(self.cell[idx]).tolist():
            part = idx[self.cell[idx] == c]
            if c == UNRELEASED or len(part) < self._sizes[c]:
                self.cell[part] = len(self._sizes)
                self._sizes[c] -= len(part)
                self._sizes.append(len(part))

    def cells(self) -> list[np.ndarray]:
        """The released cells, each as an array of responses (for tests and explanations)."""
        ids = self.cell[self.present]
        where = np.flatnonzero(self.present)
        return [where[ids == c] for c in np.unique(ids).tolist() if c != UNRELEASED]
