"""Benchmark: the exact span check on the large demo's measured effect (issue 18 item 5, issue 16).

Prints ``name: value unit`` lines:

- disclosure.span.demo_loop: the first cascade simulated on a copy of the large demo
  (planner, invitations, attendance, badges; cascade.demo_loop), once;
- disclosure.span.releases: both campaigns' figures decided and recorded, once;
- disclosure.span_check: the time spent in the span check (disclosure.span.check)
  while the area effects go through the layer, and how many checks ran;
- disclosure.span.effect_guarded: the whole guard of the area effects (replays included);
- disclosure.span.shown_areas: areas whose effect is shown, of those with a cohort.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import figure, large_demo_url  # noqa: E402


def main() -> None:
    import disclosure.span as span
    from cascade.demo_loop import simulate
    from disclosure.effect import guarded, scores_of
    from disclosure.store import history, releases
    from recognition import service
    from recognition.effect import effects
    from scoring.data import load_campaign
    from storage.db import make_engine, read_session

    folder = Path(tempfile.mkdtemp(prefix="bench-span-"))
    os.environ.setdefault("RELAIS_BADGE_KEY", str(folder / "badge_key.pem"))
    source = large_demo_url().removeprefix("sqlite:///")
    shutil.copy(source, folder / "large.db")
    engine = make_engine(f"sqlite:///{folder / 'large.db'}")
    start = time.perf_counter()
    simulate(engine, seed=7, time_limit_s=10.0)
    figure("disclosure.span.demo_loop", time.perf_counter() - start, "s", 1)
    before, after = load_campaign(engine, 1), load_campaign(engine, 2)
    start = time.perf_counter()
    releases(engine, after, before)
    figure("disclosure.span.releases", time.perf_counter() - start, "s", 2)
    frame = service.attendance(engine)
    raw = effects(frame, scores_of(before), scores_of(after))
    with read_session(engine) as s:
        h1, h2 = history(s, before.campaign_id), history(s, after.campaign_id)
    spent, calls = [0.0], [0]
    check = span.check

    def timed(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        t0 = time.perf_counter()
        try:
            return check(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - t0
            calls[0] += 1

    span.check = timed
    start = time.perf_counter()
    shown, _ = guarded(raw, before, after, h1, h2, 5)
    total = time.perf_counter() - start
    span.check = check
    print(f"disclosure.span_check: {spent[0]:.2f} s ({calls[0]} checks)")
    figure("disclosure.span.effect_guarded", total, "s", 2)
    cohorts = [e for e in raw if e.n_attended >= 5]
    figure("disclosure.span.shown_areas", sum(e.shown for e in shown), f"of {len(cohorts)}", 0)
    engine.dispose()
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
