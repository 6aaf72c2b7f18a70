"""The attacks of issue 16 as small worlds, each read the way the attacker read the demo."""

from __future__ import annotations

import random

from tests.disclosure.linalg import Ledger
from tests.disclosure.sim import AREAS, C1, C2, Person, World


def scores(rng: random.Random) -> dict[str, float]:
    return {a: float(rng.randint(0, 100)) for a in AREAS}


def people(spec: list[tuple[int, int, int]], rng: random.Random, modalities=None) -> list[Person]:  # noqa: ANN001
    """spec: (site_id, region_id, how many); ids numbered from 1."""
    out, pid = [], 1
    for site, region, n in spec:
        for _ in range(n):
            mods = modalities(pid) if modalities else ("face_to_face",)
            out.append(Person(pid, site, region, mods, {C1: scores(rng), C2: scores(rng)}))
            pid += 1
    return out


def over_time(read) -> Ledger:  # noqa: ANN001
    """Attack 1: a site read at 7 submitted, then at 8 (open campaign)."""
    rng = random.Random(1)
    w = World(people([(1, 1, 8), (2, 1, 6)], rng))
    ledger = Ledger(w.k)
    for p in w.people:
        w.submit(C1, p.pid)
    for pid in [*range(9, 15), *range(1, 8)]:
        w.submit(C2, pid)
    read(w, ledger)
    w.submit(C2, 8)
    read(w, ledger)
    return ledger


def after_erasure(read) -> Ledger:  # noqa: ANN001
    """Attack 2: one of a site's 7 trainers is erased; site profile and progress read after."""
    rng = random.Random(2)
    w = World(people([(1, 1, 7), (2, 1, 6)], rng))
    for p in w.people:
        w.submit(C1, p.pid)
        w.submit(C2, p.pid)
    w.closed[C2] = True
    w.erased.add(3)
    ledger = Ledger(w.k)
    read(w, ledger)
    return ledger


def progress(read) -> Ledger:  # noqa: ANN001
    """Attack 3: 6 paired, 6 before, 7 now at one site."""
    rng = random.Random(3)
    w = World(people([(1, 1, 7), (2, 1, 6)], rng))
    for p in w.people:
        if p.pid != 7:
            w.submit(C1, p.pid)
        w.submit(C2, p.pid)
    w.closed[C2] = True
    ledger = Ledger(w.k)
    read(w, ledger)
    return ledger


def slices(read) -> Ledger:  # noqa: ANN001
    """Attack 4: two modality slices of a site differ by one person (one inside the other)."""
    rng = random.Random(4)

    def mods(pid: int) -> tuple[str, ...]:
        if pid <= 5:
            return ("hybrid", "remote_sync")
        if pid == 6:
            return ("hybrid",)
        return ("face_to_face",)
    w = World(people([(1, 1, 12), (2, 1, 6)], rng, mods))
    for p in w.people:
        w.submit(C1, p.pid)
        w.submit(C2, p.pid)
    w.closed[C2] = True
    ledger = Ledger(w.k)
    read(w, ledger)
    return ledger


ATTACKS = {"over_time": over_time, "after_erasure": after_erasure, "progress": progress,
           "slices": slices}


def layer(w: World, ledger: Ledger) -> None:
    w.read(ledger)


def legacy(w: World, ledger: Ledger) -> None:
    w.read_legacy(ledger)


def champions_over_time(read) -> Ledger:  # noqa: ANN001
    """The champions map read at 7 then 8 trainers of a site who rate its strategy (open campaign)."""
    rng = random.Random(6)
    items = ("O-LEA-1", "O-LEA-2", "O-DEV-1", "O-INF-2")
    out = people([(1, 1, 8), (2, 1, 6)], rng)
    for p in out:
        p.shared = {c: {i: float(rng.randint(0, 4)) for i in items} for c in (C1, C2)}
        for c in (C1, C2):  # practice in two bands, so some density squares reach k
            p.scores[c]["overall"] = float(rng.choice((52, 57, 63)))
    w = World(out)
    ledger = Ledger(w.k)
    for p in w.people:
        w.submit(C1, p.pid)
    for pid in [*range(9, 15), *range(1, 8)]:
        w.submit(C2, pid)
    read(w, ledger)
    w.submit(C2, 8)
    read(w, ledger)
    return ledger


def rescored_between_reads(read, fresh: bool = False) -> Ledger:  # noqa: ANN001
    """A site read at 7, new weights for one area, one more submission, read again."""
    rng = random.Random(7)
    w = World(people([(1, 1, 8), (2, 1, 6)], rng))
    ledger = Ledger(w.k)
    for p in w.people:
        w.submit(C1, p.pid)
    for pid in [*range(9, 15), *range(1, 8)]:
        w.submit(C2, pid)
    read(w, ledger)
    w.rescore(fresh)
    w.submit(C2, 8)
    read(w, ledger)
    return ledger
