"""Shared by benchmarks: the large demo organisation, built once and reused."""

from __future__ import annotations

import resource
import statistics
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "var" / "bench"


def large_demo_url(seed: int = 7) -> str:
    """URL of a SQLite file holding the large demo (4,000 trainers, 400 managers)."""
    return demo_url("large", seed)


def demo_url(size: str, seed: int = 7) -> str:
    """URL of a SQLite file holding the demo of that size, built once in var/bench."""
    from demo.load import generate_and_load
    from storage.db import make_engine
    from storage.migrate import upgrade

    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"{size}-{seed}.db"
    ready = CACHE / f"{size}-{seed}.ready"
    url = f"sqlite:///{path}"
    if not ready.exists():
        for p in CACHE.glob(f"{size}-{seed}.db*"):
            p.unlink()
        engine = make_engine(url)
        upgrade(engine)
        generate_and_load(engine, size=size, seed=seed)
        engine.dispose()
        ready.touch()
    engine = make_engine(url)
    upgrade(engine)  # a file built before a new migration gets it (cheap when at head)
    engine.dispose()
    return url


def median_time(fn: Callable[[], object], runs: int = 5) -> float:
    """Median wall time of fn over runs."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peak_rss_mb() -> float:
    """This process's peak resident memory, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def figure(name: str, value: float, unit: str, digits: int = 2) -> None:
    print(f"{name}: {value:.{digits}f} {unit}", flush=True)
