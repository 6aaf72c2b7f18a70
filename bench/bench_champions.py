"""Benchmark: the champions page on the LARGE demo, as the lead, in AppTest.

Uses the large demo database of bench/common.py (built once), then runs pages/champions_map.py: once cold (first run
in this process: imports, reads, guards) and, after one warm-up run, the
median of five warm reruns in one session (``warm``: cache hit per data
version) and of five new AppTest sessions (``warm_new_session``, which adds
AppTest's own set-up, about 0.7 s of component scanning).  Prints
``name: value unit`` lines.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import large_demo_url  # noqa: E402
from tests.demo_db import use_database  # noqa: E402
from tests.ui.apptest import demo_viewer, run_page  # noqa: E402

PAGE = "pages/champions_map.py"
WARM_RUNS = 5


def timed_run(viewer) -> float:  # noqa: ANN001
    start = time.perf_counter()
    at = run_page(PAGE, viewer, timeout=120)
    elapsed = time.perf_counter() - start
    if at.exception:
        raise RuntimeError(at.exception)
    return elapsed


def main() -> None:
    url = os.environ.get("RELAIS_BENCH_DB") or large_demo_url()  # built once, shared
    use_database(url)
    os.environ["RELAIS_DEMO"] = "1"
    viewer = demo_viewer(url, "lead")
    print(f"champions.page.cold: {timed_run(viewer):.2f} s")
    timed_run(viewer)  # warm-up
    fresh = [timed_run(viewer) for _ in range(WARM_RUNS)]
    # a rerun in the same session, as when the lead changes a widget (no new AppTest set-up)
    at = run_page(PAGE, viewer, timeout=120)
    reruns = []
    for _ in range(WARM_RUNS):
        start = time.perf_counter()
        at.run()
        reruns.append(time.perf_counter() - start)
    print(f"champions.page.warm: {statistics.median(reruns):.2f} s")
    print(f"champions.page.warm_new_session: {statistics.median(fresh):.2f} s")


if __name__ == "__main__":
    main()
