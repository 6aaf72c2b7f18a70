"""Benchmark: the director's overview on the large demo (4,000+ trainers, 400 managers, two campaigns).

Prints ``name: value unit`` lines:

- dashboards.db_to_site_region_scores: database -> every site's and region's
  guarded area scores (load_campaign + trainer and organisation aggregates),
  median of 5;
- dashboards.overview.cold: first AppTest run of pages/overview.py as the
  director in a fresh process that has imported what app.py imports at
  start (Streamlit, pandas, storage, ui.context) - so the page's own imports
  (Altair, SciPy, dashboards), the database read, the build and the charts
  count - median over 3 fresh processes (each first draws a one-line script, so that
  Streamlit's bare-mode warning, which a served app never shows, is not counted);
- dashboards.overview.cold_cpu: CPU time (time.process_time, every thread of the
  process) of that first run, median over the same 3 processes - less noisy than
  wall time when the machine is shared;
- dashboards.overview.warm: later runs in the same process, cache warm, median of 5;
- dashboards.app_peak_memory: peak resident memory of those processes (max);
- dashboards.overview_after_cascade.* and dashboards.app_peak_memory_after_cascade: the
  same on a copy of the large demo after its simulated first cascade (built once in
  var/bench), where the overview also guards the cohorts' measured effect (the span check).

The large demo is bench.common's (built once, kept in var/bench).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import large_demo_url  # noqa: E402

CHILD = r"""
import json, os, resource, statistics, sys, time
sys.path.insert(0, os.environ["RELAIS_ROOT"])
from streamlit.testing.v1 import AppTest
import pandas, sqlmodel, i18n, storage.queries, ui.context, ui.navigation  # what app.py loads at start
from tests.ui.apptest import demo_viewer
viewer = demo_viewer(os.environ["DATABASE_URL"], "director")
script = os.path.join(os.environ["RELAIS_ROOT"], "pages", "overview.py")

def once():
    at = AppTest.from_file(script, default_timeout=120)
    at.session_state["viewer"] = viewer
    at.session_state["lang"] = "fr"
    start, cpu = time.perf_counter(), time.process_time()
    at.run()
    took, cpu = time.perf_counter() - start, time.process_time() - cpu
    assert not at.exception, at.exception
    return took, cpu

# Streamlit's bare-mode warning walks the whole stack with its sources (inspect.stack(), about
# 0.7 s) on the first element drawn in a process without a runtime: a served app never pays
# it, so a one-line script pays it here, before the page is timed
AppTest.from_string("import streamlit as st\nst.write('')").run()
cold, cold_cpu = once()
warm = [once()[0] for _ in range(5)]
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"cold": cold, "cold_cpu": cold_cpu, "warm": statistics.median(warm), "peak_mb": peak}))
"""


def db_to_scores(url: str) -> float:
    from scoring.aggregate import organisation_aggregates, trainer_aggregates
    from scoring.data import campaign_ids, load_campaign
    from storage.db import make_engine

    engine = make_engine(url)
    cid = campaign_ids(engine)[-1]
    times = []
    for _ in range(5):
        start = time.perf_counter()
        data = load_campaign(engine, cid)
        trainer_aggregates(data.scores, data.respondents, campaign_id=cid)
        organisation_aggregates(data.scores, data.respondents, campaign_id=cid)
        times.append(time.perf_counter() - start)
    engine.dispose()
    return statistics.median(times)


def after_cascade(url: str) -> str:
    """A copy of the large demo after its simulated first cascade (cascade.demo_loop), built
    once in var/bench: its overview also guards the cohorts' measured effect."""
    import shutil

    from bench.common import CACHE
    from cascade.demo_loop import simulate
    from storage.db import make_engine

    path, ready = CACHE / "large-7-cascade.db", CACHE / "large-7-cascade.ready"
    os.environ.setdefault("RELAIS_BADGE_KEY", str(CACHE / "bench_badge_key.pem"))
    if not ready.exists():
        shutil.copy(url.removeprefix("sqlite:///"), path)
        engine = make_engine(f"sqlite:///{path}")
        simulate(engine, seed=7, time_limit_s=10.0)
        engine.dispose()
        ready.touch()
    return f"sqlite:///{path}"


def overview(url: str, name: str) -> None:
    env = {**os.environ, "DATABASE_URL": url, "RELAIS_ROOT": str(ROOT), "RELAIS_DEMO": "1"}
    runs = []
    for _ in range(3):
        out = subprocess.run([sys.executable, "-c", CHILD], cwd=ROOT, env=env, check=True,
                             capture_output=True, text=True).stdout
        runs.append(json.loads(out.strip().splitlines()[-1]))
    print(f"{name}.cold: {statistics.median(r['cold'] for r in runs):.2f} s")
    print(f"{name}.cold_cpu: {statistics.median(r['cold_cpu'] for r in runs):.2f} s")
    print(f"{name}.warm: {statistics.median(r['warm'] for r in runs):.2f} s")
    print(f"{name.replace('overview', 'app_peak_memory')}: {max(r['peak_mb'] for r in runs):.0f} MB",
          flush=True)


def main() -> None:
    url = large_demo_url()
    print(f"dashboards.db_to_site_region_scores: {db_to_scores(url):.2f} s", flush=True)
    overview(url, "dashboards.overview")
    # the same page once the organisation has run a cascade: the effect is guarded too
    overview(after_cascade(url), "dashboards.overview_after_cascade")


if __name__ == "__main__":
    main()
