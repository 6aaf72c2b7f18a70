"""Benchmark: the disclosure layer's own cost on the large demo (4,000+ trainers, two campaigns).

Prints ``name: value unit`` lines:

- disclosure.release_check.first: deciding and recording every release of
  the latest campaign and the one before it (sites, regions, organisation,
  modality slices, paired progress), from an empty history - the first read
  after an upgrade;
- disclosure.release_check.warm: the same once the history is recorded
  (replay and check, nothing new to record), median of 5 - what a new data
  version (a submission, an erasure) costs the first page that reads it;
- disclosure.release_check.unchanged: a read on data already decided (the
  fingerprint matches: the history's populations, no check), median of 5 -
  what a cold page pays when nothing changed;
- disclosure.release_rows: rows the first check recorded.

The overview's cold and warm times with the layer are
``dashboards.overview.cold`` / ``.warm`` (bench_dashboards.py: the page
reads its figures through the layer).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import large_demo_url  # noqa: E402


def main() -> None:
    from sqlalchemy import delete

    from disclosure.store import DECIDED, releases
    from scoring.data import campaign_ids, load_campaign
    from storage.db import make_engine, write_session
    from storage.models import DisclosureRelease

    engine = make_engine(large_demo_url())
    ids = campaign_ids(engine)
    cur, prev = load_campaign(engine, ids[-1]), load_campaign(engine, ids[-2])
    with write_session(engine) as s:
        s.exec(delete(DisclosureRelease))
    start = time.perf_counter()
    releases(engine, cur, prev)
    first = time.perf_counter() - start
    with write_session(engine) as s:
        rows = s.exec(DisclosureRelease.__table__.select().where(
            DisclosureRelease.figure != DECIDED)).all()
    warm, unchanged = [], []
    for _ in range(5):
        with write_session(engine) as s:  # forget the fingerprint: decide again
            s.exec(delete(DisclosureRelease).where(DisclosureRelease.figure == DECIDED))
        start = time.perf_counter()
        releases(engine, cur, prev)
        warm.append(time.perf_counter() - start)
        start = time.perf_counter()
        releases(engine, cur, prev)
        unchanged.append(time.perf_counter() - start)
    print(f"disclosure.release_check.first: {first:.2f} s")
    print(f"disclosure.release_check.warm: {statistics.median(warm):.2f} s")
    print(f"disclosure.release_check.unchanged: {statistics.median(unchanged):.2f} s")
    print(f"disclosure.release_rows: {len(rows)} rows")
    engine.dispose()


if __name__ == "__main__":
    main()
