"""Benchmark the cohort planner on the seeded instances; prints `name: value unit`."""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from planning.greedy import greedy_plan  # noqa: E402
from planning.instances import generate  # noqa: E402
from planning.monolithic import monolithic_plan  # noqa: E402
from planning.rules import check_plan  # noqa: E402
from planning.solve import solve  # noqa: E402


def line(name: str, value: object, unit: str) -> None:
    """One figure in the `name: value unit` format read by `make bench`."""
    print(f"{name}: {value} {unit}".rstrip(), flush=True)


def main() -> None:
    """Small instance, then the large one with the three methods."""
    small = generate("small", seed=0)
    t = time.perf_counter()
    plan = solve(small)
    line("planner.small.time", round(time.perf_counter() - t, 2), "s")
    line("planner.small.status", plan.status, "")
    large = generate("large", seed=0)
    t = time.perf_counter()
    dec = solve(large)
    dec_s = time.perf_counter() - t
    assert not check_plan(large, dec), "decomposed plan breaks a rule"
    line("planner.large.decomposed.time", round(dec_s, 1), "s")
    line("planner.large.decomposed.coverage", round(dec.stats["coverage"], 4), "ratio")
    line("planner.large.decomposed.objective", round(dec.objective, 2), "pts")
    line("planner.large.decomposed.locality", dec.stats["locality"], "pts")
    t = time.perf_counter()
    gre = greedy_plan(large)
    line("planner.large.greedy.time", round(time.perf_counter() - t, 2), "s")
    line("planner.large.greedy.objective", round(gre.objective, 2), "pts")
    mono = monolithic_plan(large, time_limit=120.0, workers=2)
    assert not check_plan(large, mono), "monolithic plan breaks a rule"
    line("planner.large.monolithic120.time", mono.stats.get("time_s", 0), "s")
    line("planner.large.monolithic120.status", mono.status, "")
    line("planner.large.monolithic120.objective", round(mono.objective, 2), "pts")
    line("planner.large.monolithic120.bound", round(mono.bound, 2), "pts")
    ratio = dec.objective / mono.objective if mono.objective else float("inf")
    line("planner.large.decomposed_vs_monolithic", round(ratio, 3), "x")
    line("planner.large.decomposed_vs_greedy", round(dec.objective / gre.objective, 3), "x")
    bound = min(dec.bound, mono.bound) if mono.bound else dec.bound
    line("planner.large.upper_bound", round(bound, 2), "pts")
    line("planner.large.gap_to_bound", round(100 * (bound - dec.objective) / bound, 3), "%")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    line("planner.peak_memory", round(peak), "MB")


if __name__ == "__main__":
    main()
