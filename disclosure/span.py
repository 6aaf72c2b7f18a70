"""The exact span check: the release rule's fallback where the cell rule refuses.

The cell rule (:mod:`disclosure.cells`) is sufficient, not necessary. An
attendee group taking two people from each of many released sites cuts every
site's cell into a part under k and is refused, although releasing its sum
lets nobody derive a person's value or a sum over fewer than k people. This
module answers the question itself.

Released figures in a universe are sums over populations: rows ``1_P`` of a
0/1 matrix ``M`` whose columns are people. What an attacker can derive is the
row span of ``M``. Every vector of the span is constant on the Venn cells of
the populations, so the columns are the cells, each with its number of
people. **A leak is a nonzero vector v of the span whose support, counted in
people, is under k** (a person's value, a sum or any other combination over
1 to k-1 people; stricter than "a 0/1 vector").

Such a v is 0 on every *big* cell (k people or more). So let

    W = { v in span(M) : v = 0 on every big cell } = { M_small^T c : M_big^T c = 0 },

vectors living on the small cells only; dim W = rank(M) - rank(M_big). There
is no leak if and only if every nonzero vector of W has support of at least k
people. A nonzero vector's support contains the support of a *circuit*
(a nonzero vector of W of minimal support), and a circuit's support is no
larger in people, so it is enough to check the circuits. W splits into
independent blocks (connected components of a basis' nonzero pattern); in a
block of dimension d, every circuit vanishes on some d - 1 columns whose
basis columns are independent, and is determined up to scale by them. So:

* d = 0 (no small cell, or no combination reaches the small cells without
  touching a big one): safe;
* otherwise the circuits of each block are enumerated from its (d-1)-subsets
  of columns, as long as their number stays within ``BUDGET`` (else the
  check refuses: conservative), and the population is refused if one has
  fewer than k people.

Arithmetic. Ranks and circuits are computed modulo two primes near 2^31 with
int64 numpy (products stay under 2^62, so no overflow), never in floating
point. Modulo p, a rational nonzero entry can only turn into 0, so a support
found modulo p is never larger than the rational one (a false alarm refuses:
conservative). A rank modulo p can only be lower than over the rationals,
when p divides every minor of that size; the check computes dim W modulo both
primes and refuses when they disagree. Both would have to divide the same
nonzero integer minors for a wrong answer to go unnoticed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import combinations

import numpy as np

PRIMES = (2_147_483_647, 2_147_483_629)
BUDGET = 20_000  # (d-1)-subsets enumerated at most, over all blocks of W
MAX_ENTRIES = 4_000_000  # rows x cells of the matrix eliminated at most (else refuse)


@dataclass(frozen=True)
class Verdict:
    """The span check's answer: safe, and why (``smallest``: the least support found, in people)."""

    safe: bool
    reason: str
    smallest: int | None = None
    dim: int = 0


def _rref(a: np.ndarray, p: int) -> tuple[np.ndarray, list[int]]:
    """Reduced row echelon form of a modulo p (columns in order), and its pivot columns."""
    a = a % p
    m, n = a.shape
    r, pivots = 0, []
    for c in range(n):
        if r == m:
            break
        nz = np.flatnonzero(a[r:, c])
        if not len(nz):
            continue
        i = r + int(nz[0])
        if i != r:
            a[[r, i]] = a[[i, r]]
        inv = pow(int(a[r, c]), p - 2, p)
        a[r, c:] = (a[r, c:] * inv) % p
        col = a[:, c].copy()
        col[r] = 0
        rows = np.flatnonzero(col)
        if len(rows):  # entries < p < 2^31: products < 2^62
            a[np.ix_(rows, np.arange(c, n))] = (
                a[np.ix_(rows, np.arange(c, n))] - col[rows, None] * a[r, c:][None, :]) % p
        pivots.append(c)
        r += 1
    return a[:r], pivots


def _small_basis(matrix: np.ndarray, big: np.ndarray, p: int) -> np.ndarray:
    """A basis of W (rows, over the small columns), modulo p."""
    order = np.r_[np.flatnonzero(big), np.flatnonzero(~big)]
    reduced, pivots = _rref(matrix[:, order], p)
    n_big = int(big.sum())
    keep = [i for i, c in enumerate(pivots) if c >= n_big]  # no pivot on a big cell: 0 there
    return reduced[keep][:, n_big:]


def _blocks(basis: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """(rows, columns) of the connected components of the basis' nonzero pattern."""
    d, n = basis.shape
    parent = list(range(d + n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, j in zip(*np.nonzero(basis)):
        a, b = find(int(i)), find(d + int(j))
        if a != b:
            parent[a] = b
    groups: dict[int, tuple[list[int], list[int]]] = {}
    for x in range(d + n):
        rows, cols = groups.setdefault(find(x), ([], []))
        (rows if x < d else cols).append(x if x < d else x - d)
    return [(np.array(r, dtype=np.int64), np.array(c, dtype=np.int64))
            for r, c in groups.values() if r]


def _null_vector(cols: np.ndarray, p: int) -> np.ndarray | None:
    """y (length d) with y^T cols = 0, when cols (d x (d-1)) has rank d-1; else None."""
    d = cols.shape[0]
    reduced, pivots = _rref(cols.T.copy(), p)
    if len(pivots) != d - 1:
        return None
    free = next(c for c in range(d) if c not in pivots)
    y = np.zeros(d, dtype=np.int64)
    y[free] = 1
    for row, c in zip(reduced, pivots):
        y[c] = (-row[free]) % p
    return y


def _connected_sets(neighbours: list[set[int]], order: list[int], size: int):
    """Connected sets of ``size`` rows (rows sharing a column are neighbours), each once."""
    rank = {v: i for i, v in enumerate(order)}
    seen: set[frozenset[int]] = set()

    def grow(current: frozenset[int], frontier: set[int]):
        if len(current) == size:
            if current not in seen:
                seen.add(current)
                yield sorted(current, key=rank.__getitem__)
            return
        for nxt in sorted(frontier, key=rank.__getitem__):
            bigger = current | {nxt}
            if len(bigger) < size or bigger not in seen:
                yield from grow(bigger, (frontier | neighbours[nxt]) - bigger)

    for start in order:
        yield from grow(frozenset({start}), set(neighbours[start]))


def _inverse(a: np.ndarray, p: int) -> np.ndarray:
    """a^(p-2) mod p, elementwise (the inverse of nonzero entries)."""
    out, base, e = np.ones_like(a), a % p, p - 2
    while e:
        if e & 1:
            out = (out * base) % p
        base, e = (base * base) % p, e >> 1
    return out


def _leak_in_block(sub: np.ndarray, weight: np.ndarray, k: int, p: int,
                   work: list[int], budget: int) -> tuple[bool | None, int | None]:
    """Search one block of W (rows: a reduced basis, identity on its pivot columns) for a
    nonzero vector of fewer than k people. (True: found, None: over budget; least support seen).

    A vector v = y^T sub has v = y_i on row i's pivot column, so its support holds the
    pivots of Y = {i : y_i != 0}; a leak has people(pivots of Y) < k, which bounds Y.
    A minimal leak's Y is connected (rows sharing a column), else one part alone is a
    smaller leak. For a given Y of s rows, v may keep at most r = k - 1 - people(pivots of Y)
    people among the other columns the rows touch; so a leak exists iff removing some set E
    of those columns of at most r people leaves columns of rank < s (then a y orthogonal to
    them gives v within pivots(Y) and E). With s = 2, y = (1, t) and the best t is read off
    the columns' ratios directly.
    """
    d = sub.shape[0]
    pivot = np.array([int(np.flatnonzero(row)[0]) for row in sub])
    pp = weight[pivot]
    other = np.setdiff1d(np.arange(sub.shape[1]), pivot)
    nz = sub != 0
    neighbours = [set(np.flatnonzero((nz & nz[i]).any(axis=1)).tolist()) - {i} for i in range(d)]
    order = np.argsort(-pp, kind="stable").tolist()
    smallest = None

    def seen(support: int) -> None:
        nonlocal smallest
        smallest = support if smallest is None else min(smallest, support)

    for s in range(1, d + 1):
        if int(np.sort(pp)[:s].sum()) >= k:
            break
        for ys in _connected_sets(neighbours, order, s):
            head = int(pp[ys].sum())
            if head >= k:
                continue
            work[0] += 1
            if work[0] > budget:
                return None, smallest
            rows = sub[ys]
            cols = other[rows[:, other].any(axis=0)]
            w = weight[cols]
            if s == 1:
                seen(head + int(w.sum()))
            elif s == 2:
                a, b = rows[0, cols], rows[1, cols]
                ok = (a != 0) & (b != 0)  # a + t b = 0 for t = -a/b, a nonzero t
                t = (-a[ok] * _inverse(b[ok], p)) % p
                killed = 0
                if len(t):
                    values, where = np.unique(t, return_inverse=True)
                    killed = int(np.bincount(where.ravel(), weights=w[ok]).max())
                seen(head + int(w.sum()) - killed)
            else:
                room = k - 1 - head
                light = [j for j in range(len(cols)) if w[j] <= room]
                for size in range(0, room + 1):
                    for drop in combinations(light, size):
                        if int(w[list(drop)].sum()) > room:
                            continue
                        work[0] += 1
                        if work[0] > budget:
                            return None, smallest
                        keep = np.setdiff1d(np.arange(len(cols)), drop)
                        if len(_rref(rows[:, cols[keep]].copy(), p)[1]) < s:
                            seen(head + int(w[list(drop)].sum()))
                            break
            if smallest is not None and smallest < k:
                return True, smallest
    return False, smallest


def check(rows: list[np.ndarray], sizes: np.ndarray, k: int, budget: int = BUDGET) -> Verdict:
    """Whether the sums over these populations (each an array of cell indices) leak.

    ``sizes``: people per cell (cells of the populations' Venn diagram, or any
    finer partition). Safe when no nonzero combination of the sums is
    supported on fewer than k people (module docstring).
    """
    sizes = np.asarray(sizes, dtype=np.int64)
    n = len(sizes)
    matrix = np.zeros((len(rows), n), dtype=np.int64)
    for i, r in enumerate(rows):
        matrix[i, np.asarray(r, dtype=np.int64)] = 1
    used = matrix.any(axis=0) & (sizes > 0)
    matrix, sizes = matrix[:, used], sizes[used]
    # larger small cells first: the basis' pivots fall on them, which bounds the search most
    by_size = np.argsort(-sizes, kind="stable")
    matrix, sizes = np.unique(matrix[:, by_size], axis=0), sizes[by_size]
    small = sizes < k
    if not small.any():
        return Verdict(True, "no small cell")
    if matrix.size > MAX_ENTRIES:
        return Verdict(False, "too large")
    bases = [_small_basis(matrix, ~small, p) for p in PRIMES]
    if bases[0].shape[0] != bases[1].shape[0]:
        return Verdict(False, "arithmetic")
    basis, p = bases[0], PRIMES[0]
    d = basis.shape[0]
    if d == 0:
        return Verdict(True, "no combination on small cells alone")
    people = sizes[small]
    work, smallest = [0], None
    for rows_, cols in _blocks(basis):
        found, least = _leak_in_block(basis[np.ix_(rows_, cols)], people[cols], k, p, work, budget)
        if least is not None:
            smallest = least if smallest is None else min(smallest, least)
        if found is None:
            return Verdict(False, "over budget", smallest, d)
        if found:
            return Verdict(False, "leak", smallest, d)
    return Verdict(True, "no combination under k", smallest, d)
