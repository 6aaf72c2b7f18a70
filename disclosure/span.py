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
people. So:

* dim W = 0 (no small cell, or no combination reaches the small cells without
  touching a big one): safe;
* otherwise W is reduced (heaviest small cells first) and split into
  independent blocks, and each block is searched for a vector of fewer than
  k people by the rows it uses (:func:`_leak_in_block`: one row, two rows by
  the columns' ratios, three or more through the kernel left when the few
  columns a leak may keep are removed, searched the same way). The work is
  capped by ``BUDGET``; over it the check refuses (conservative).
* rows known to be released already (``known_safe``): a leak must use a new
  row, so when the new rows leave dim W unchanged nothing is searched.

Arithmetic. Ranks and vectors are computed modulo two primes near 2^31 with
int64 numpy (products stay under 2^62, so no overflow), never in floating
point. Modulo p, a rational nonzero entry can only turn into 0, so a support
found modulo p is never larger than the rational one (a false alarm refuses:
conservative). A rank modulo p can only be lower than over the rationals,
when p divides every minor of that size; the check computes dim W modulo both
primes and refuses when they disagree. Both would have to divide the same
nonzero integer minors for a wrong answer to go unnoticed.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np

PRIMES = (2_147_483_647, 2_147_483_629)
BUDGET = 20_000  # search steps at most (row pairs, kernels, column sets), over all blocks
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
            a[rows, c:] = (a[rows, c:] - col[rows, None] * a[r, c:][None, :]) % p
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


def _distinct(matrix: np.ndarray) -> np.ndarray:
    """Indices of the first occurrence of each distinct 0/1 row, in order."""
    seen: dict[bytes, int] = {}
    for i, row in enumerate(np.packbits(matrix.astype(bool), axis=1)):
        seen.setdefault(row.tobytes(), i)
    return np.array(sorted(seen.values()), dtype=np.int64)


def _inverse(a: np.ndarray, p: int) -> np.ndarray:
    """The inverses modulo p of nonzero entries (one pow per distinct value)."""
    values, where = np.unique(a % p, return_inverse=True)
    inv = np.array([pow(int(v), p - 2, p) for v in values], dtype=np.int64)
    return inv[where.ravel()].reshape(a.shape)


def _kernel(a: np.ndarray, p: int) -> np.ndarray:
    """A basis (rows) of { y : y^T a = 0 } modulo p."""
    d = a.shape[0]
    if a.shape[1] == 0:
        return np.eye(d, dtype=np.int64)
    reduced, pivots = _rref(a.T.copy(), p)
    free = [c for c in range(d) if c not in set(pivots)]
    out = np.zeros((len(free), d), dtype=np.int64)
    for i, f in enumerate(free):
        out[i, f] = 1
        for row, c in zip(reduced, pivots):
            out[i, c] = (-row[f]) % p
    return out


def _light(basis: np.ndarray, weight: np.ndarray, k: int, p: int, work: list[int],
           budget: int) -> tuple[bool | None, int | None]:
    """Whether the span of basis' rows holds a nonzero vector whose support weighs under k.

    (True / False / None: over budget; the least weight seen.) The rows are reduced with
    the heaviest columns first, split into independent blocks, and each block searched.
    """
    by_weight = np.argsort(-weight, kind="stable")
    reduced, _ = _rref(basis[:, by_weight], p)
    weight = weight[by_weight]
    smallest = None
    for rows, cols in _blocks(reduced):
        found, least = _leak_in_block(reduced[np.ix_(rows, cols)], weight[cols], k, p, work, budget)
        if least is not None:
            smallest = least if smallest is None else min(smallest, least)
        if found is not False:
            return found, smallest
    return False, smallest


def _leak_in_block(sub: np.ndarray, weight: np.ndarray, k: int, p: int,
                   work: list[int], budget: int) -> tuple[bool | None, int | None]:
    """Search one block of W (rows: a reduced basis, identity on its pivot columns) for a
    nonzero vector of fewer than k people. (True: found, None: over budget; least support seen).

    A vector v = y^T sub equals y_i on row i's pivot column, so its support is the pivots
    of Y = {i : y_i != 0} plus the other columns where y^T sub is not 0 (the set E).
    A leak has people(pivots of Y) + people(E) < k. One row (|Y| = 1): v is the row.
    Two rows: y = (1, t), and the t that cancels the most people is read off the
    columns' ratios. Three rows or more: people(E) <= k - 4, and y lies in the kernel
    K_E = { y : y^T sub = 0 outside the pivots and E }; so for every such E the
    lightest nonzero vector of K_E (weighted by the pivots' people) is computed.
    """
    d = sub.shape[0]
    pivot = np.array([int(np.flatnonzero(row)[0]) for row in sub])
    pp = weight[pivot]
    other = np.setdiff1d(np.arange(sub.shape[1]), pivot)
    touches = sub[:, other] != 0
    smallest = None

    def seen(support: int) -> None:
        nonlocal smallest
        smallest = support if smallest is None else min(smallest, support)

    for i in range(d):  # one row
        seen(int(pp[i] + weight[other[touches[i]]].sum()))
    if smallest < k:
        return True, smallest
    if not len(other):  # vectors on the pivots alone: none lighter than its lightest row
        return False, smallest
    # two rows: y = (1, t) with t != 0; column c vanishes iff t = -a_c / b_c (a_c, b_c != 0)
    w_o = weight[other].astype(np.int64)
    own = touches.astype(np.int64) @ w_o  # people each row touches outside the pivots
    shared = (touches * w_o).astype(np.int64) @ touches.T.astype(np.int64)
    inv = _inverse(sub[:, other], p)
    for i in range(d - 1):
        js = np.arange(i + 1, d)
        js = js[(pp[i] + pp[js] < k) & (shared[i, js] > 0)]
        if not len(js):
            continue
        work[0] += len(js)
        if work[0] > budget:
            return None, smallest
        both = touches[i][None, :] & touches[js]  # (pairs x columns)
        jj, cc = np.nonzero(both)
        t = (-sub[i, other[cc]] * inv[js[jj], cc]) % p
        key = jj.astype(np.int64) * p + t
        uniq, where = np.unique(key, return_inverse=True)
        sums = np.bincount(where.ravel(), weights=w_o[cc])
        killed = np.zeros(len(js), dtype=np.int64)
        np.maximum.at(killed, uniq // p, sums.astype(np.int64))
        support = pp[i] + pp[js] + own[i] + own[js] - shared[i, js] - killed
        seen(int(support.min()))
        if smallest < k:
            return True, smallest
    if d < 3 or int(np.sort(pp)[:3].sum()) >= k:
        return False, smallest
    room = k - 1 - int(np.sort(pp)[:3].sum())  # people E may hold with three rows or more
    # one elimination of [sub outside the pivots | I] gives K_E for E empty (rows whose left
    # part is 0) and for every single column c: K_c = K_0 + y_c when y_c^T sub is e_c there
    n_o = len(other)
    reduced, pivots = _rref(np.concatenate([sub[:, other], np.eye(d, dtype=np.int64)], axis=1), p)
    k0 = reduced[[i for i, c in enumerate(pivots) if c >= n_o]][:, n_o:]
    kernels = [(k0, 0)] if len(k0) else []
    for i, c in enumerate(pivots):
        if c < n_o and weight[other[c]] <= room and np.count_nonzero(reduced[i, :n_o]) == 1:
            kernels.append((np.vstack([k0, reduced[i, n_o:][None, :]]), int(weight[other[c]])))
    for kernel, extra in kernels:  # a smaller problem of the same kind, on the pivots' weights
        found, least = _light(kernel, pp, k - extra, p, work, budget)
        if least is not None:
            seen(least + extra)
        if found is not False:
            return found, smallest
    # sets E of two columns or more (only when k is set above 5 or pivots are light)
    light = [c for c in range(n_o) if weight[other[c]] <= room]
    for size in range(2, room + 1):
        for drop in combinations(light, size):
            extra = int(weight[other[list(drop)]].sum())
            if extra > room:
                continue
            work[0] += 1
            if work[0] > budget:
                return None, smallest
            kernel = _kernel(sub[:, np.delete(other, list(drop))], p)
            if not len(kernel):
                continue
            found, least = _light(kernel, pp, k - extra, p, work, budget)
            if least is not None:
                seen(least + extra)
            if found is not False:
                return found, smallest
    return False, smallest


def check(rows: list[np.ndarray], sizes: np.ndarray, k: int, budget: int = BUDGET,
          known_safe: int = 0) -> Verdict:
    """Whether the sums over these populations (each an array of cell indices) leak.

    ``sizes``: people per cell (cells of the populations' Venn diagram, or any
    finer partition). Safe when no nonzero combination of the sums is
    supported on fewer than k people (module docstring).

    ``known_safe``: the first rows were already released (checked safe); only the others
    are new. Then a leak must be a new vector of W: when the new rows leave dim W as it was
    with the first rows alone (on the same cells), W is the old rows' and nothing can leak
    (each of its vectors is a combination of old figures, which isolates nobody).
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
    matrix, sizes = matrix[:, by_size], sizes[by_size]
    distinct = _distinct(matrix)  # first occurrences, in order: the old rows come first
    old = matrix[distinct[distinct < known_safe]] if known_safe else None
    matrix = matrix[distinct]
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
    if old is not None and all(_small_basis(old, ~small, q).shape[0] == b.shape[0]
                               for q, b in zip(PRIMES, bases)):
        return Verdict(True, "nothing new on small cells", dim=d)
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
