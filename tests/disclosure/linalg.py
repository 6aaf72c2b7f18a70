"""What an attacker can derive from released figures, with exact rational linear algebra.

Each released figure is a linear equation over per-person unknowns: a mean
over a population, times its (shown) n, is the sum of the population's
values; a paired change is the sum of after-values minus before-values of
the same people; a count per level or band is a sum of 0/1 unknowns.  The
attacker knows the right-hand sides; what they can derive is exactly the
row space of those equations.  A person's value (or a group's sum) is
derivable if and only if its indicator vector lies in the row space.

:class:`Ledger` keeps the equations per universe and answers that question
exactly (Fractions, no floating point): it reports an individual or a group
of 1 to k-1 unknowns whose sum is derivable.  Groups are searched among the
classes of unknowns no equation tells apart (every vector of the row space
is constant on such a class, so a derivable group is a union of classes):
every class smaller than k, and every union of two of them still under k.
"""

from __future__ import annotations

from collections import defaultdict
from fractions import Fraction
from itertools import combinations


class Basis:
    """An incrementally reduced row-echelon basis over the rationals (rows are {unknown: coeff})."""

    def __init__(self) -> None:
        self.rows: dict[object, dict[object, Fraction]] = {}  # pivot -> row with 1 at pivot

    def reduce(self, vec: dict[object, Fraction]) -> dict[object, Fraction]:
        vec = {u: Fraction(c) for u, c in vec.items() if c}
        changed = True
        while changed:
            changed = False
            for pivot in [u for u in vec if u in self.rows]:
                c = vec.get(pivot)
                if not c:
                    continue
                for u, r in self.rows[pivot].items():
                    vec[u] = vec.get(u, Fraction(0)) - c * r
                    if not vec[u]:
                        del vec[u]
                changed = True
        return vec

    def add(self, vec: dict[object, Fraction]) -> bool:
        rest = self.reduce(vec)
        if not rest:
            return False
        pivot = min(rest, key=repr)
        scale = rest[pivot]
        row = {u: c / scale for u, c in rest.items()}
        for other in self.rows.values():  # keep the basis fully reduced on pivots
            c = other.get(pivot)
            if c:
                for u, r in row.items():
                    other[u] = other.get(u, Fraction(0)) - c * r
                    if not other[u]:
                        del other[u]
        self.rows[pivot] = row
        return True

    def spans(self, vec: dict[object, Fraction]) -> bool:
        return not self.reduce(vec)


class Ledger:
    """Released equations per universe, and the exact check of what they give away."""

    def __init__(self, k: int) -> None:
        self.k = k
        self.rows: dict[str, list[dict[object, int]]] = defaultdict(list)
        self.seen: dict[str, set] = defaultdict(set)

    def add(self, universe: str, plus: set, minus: set = frozenset(), why: str = "") -> None:
        """A released sum over plus minus a sum over minus (unknowns are any hashable ids)."""
        if not plus and not minus:
            return
        key = (frozenset(plus), frozenset(minus))
        if key in self.seen[universe]:
            return
        self.seen[universe].add(key)
        row = {u: 1 for u in plus}
        row.update({u: -1 for u in minus})
        self.rows[universe].append(row)

    def leaks(self) -> list[tuple[str, tuple]]:
        """(universe, unknowns) of every individual or group under k whose sum is derivable."""
        found = []
        for universe, rows in self.rows.items():
            basis = Basis()
            for row in rows:
                basis.add(row)
            signature: dict[object, list] = defaultdict(list)
            for i, row in enumerate(rows):
                for u, c in row.items():
                    signature[u].append((i, c))
            classes: dict[tuple, list] = defaultdict(list)
            for u, sig in signature.items():
                classes[tuple(sig)].append(u)
            small = [tuple(sorted(c, key=repr)) for c in classes.values() if len(c) < self.k]
            for group in small:
                if basis.spans({u: 1 for u in group}):
                    found.append((universe, group))
            for a, b in combinations(small, 2):
                if len(a) + len(b) < self.k:
                    if basis.spans({u: 1 for u in (*a, *b)}):
                        found.append((universe, a + b))
                    elif basis.spans({**{u: 1 for u in a}, **{u: -1 for u in b}}):
                        found.append((universe, a + b))  # e.g. one person's change
            # a single person inside a larger class can never be isolated (the row space is
            # constant on the class); inside a small class, check each person too
            for group in small:
                for u in group if len(group) > 1 else ():
                    if basis.spans({u: 1}):
                        found.append((universe, (u,)))
        return found
