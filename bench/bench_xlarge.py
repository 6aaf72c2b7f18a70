"""Benchmark: the national-scale demo (``manage.py demo --size xlarge``: ~40,000 trainers,
1,000 sites, 13 regions, 4,000 managers, two campaigns).  Long: it builds the demo.

Every step runs in its own process, so its peak memory is its own.  Prints
``name: value unit`` lines:

- xlarge.build.<backend> / xlarge.build.<backend>.peak_memory: building the demo from
  nothing (generation, bulk inserts, stored scores) on SQLite, and on PostgreSQL when
  the bench's throwaway server runs (RELAIS_TEST_PG_URL);
- xlarge.db_to_site_region_scores: database -> every site's and region's guarded area
  scores of the latest campaign (target 1 s), median of 5, with the columnar reads
  (storage.bulk.FrameReader; on SQLite in reader processes, storage/sqlite_reader.py);
  .row_reads: the same through the app's driver's tuples, runs alternated with the first
  (.postgresql: the same on PostgreSQL);
- xlarge.publish: the worker's publisher preparing a publication slot of the open
  campaign (dashboards.published.publish: overview in French and English, learners'
  figures, region gaps), in a fresh process with nothing computed yet;
- xlarge.overview.first: pages/overview.py as the director in AppTest, in a fresh process,
  when no server has computed this version yet (what the first director pays when no
  worker prepared the slot);
- xlarge.overview.cold / .warm: the same page in another fresh process (a server that just
  started) once the version's figures are shared (targets 3 s and 0.5 s): its first run,
  then the median of 3 reruns;
- xlarge.champions.cold / .warm: pages/champions_map.py as the lead, first run in a fresh
  process and median of 3 reruns;
- xlarge.planner.by_region.total: one instance for the organisation, then one solve
  per region (the organisation's time limit shared between regions; target 120 s in
  all), with xlarge.planner.by_region.gap (1 - covered / proven bound, all regions).

The SQLite database is kept in var/bench/xlarge-7.db for the page steps.
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

from bench.common import CACHE  # noqa: E402

PLANNER_BUDGET_S = 120.0
SEED = 7


def _peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def step_build(url: str) -> dict:
    from demo.load import generate_and_load
    from storage.db import make_engine
    from storage.migrate import upgrade

    engine = make_engine(url)
    upgrade(engine)
    start = time.perf_counter()
    summary = generate_and_load(engine, size="xlarge", seed=SEED)
    took = time.perf_counter() - start
    engine.dispose()
    return {"s": took, "summary": str(summary)}


def step_scores(url: str) -> dict:
    from scoring.aggregate import organisation_aggregates, trainer_aggregates
    from scoring.data import campaign_ids, load_campaign
    from storage.db import make_engine

    engine = make_engine(url)
    cid = campaign_ids(engine)[-1]

    def once(columnar: bool) -> float:
        start = time.perf_counter()
        data = load_campaign(engine, cid, columnar=columnar)
        trainer_aggregates(data.scores, data.respondents, campaign_id=cid)
        organisation_aggregates(data.scores, data.respondents, campaign_id=cid)
        return time.perf_counter() - start

    once(True)  # imports, the drivers' libraries and SQLite's reader processes, once per process
    # alternated, so the machine's noise falls on both paths alike
    runs = [(once(True), once(False)) for _ in range(5)]
    return {"s": statistics.median(c for c, _ in runs), "rows_s": statistics.median(r for _, r in runs)}


def step_forget(url: str) -> dict:
    """No figure shared yet (storage.snapshots): the next step computes from the scores."""
    from storage import snapshots
    from storage.db import make_engine

    return {"forgotten": snapshots.clear(make_engine(url))}


def step_publish(url: str) -> dict:
    from dashboards.published import publish
    from storage.db import make_engine

    os.environ["RELAIS_PUBLISH_SECONDS"] = "3600"  # one slot for the bench's pages
    from dashboards.published import note_demand
    from scoring.data import campaign_ids

    engine = make_engine(url)
    for lang in ("fr", "en"):  # directors read the open campaign in both languages
        note_demand(engine, campaign_ids(engine)[-1], lang)
    start = time.perf_counter()
    done = publish(engine)
    return {"s": time.perf_counter() - start, "campaigns": len(done)}


def step_page(url: str, page: str, role: str) -> dict:
    from streamlit.testing.v1 import AppTest

    import i18n, pandas, sqlmodel, storage.queries, ui.context, ui.navigation  # noqa: E401, F401 - app.py's start-up imports
    from tests.ui.apptest import demo_viewer

    viewer = demo_viewer(url, role)
    at = AppTest.from_file(str(ROOT / "pages" / page), default_timeout=600)
    at.session_state["viewer"] = viewer
    at.session_state["lang"] = "fr"
    start = time.perf_counter()
    at.run()
    cold = time.perf_counter() - start
    if at.exception:
        raise RuntimeError(at.exception)
    warm = []
    for _ in range(3):
        start = time.perf_counter()
        at.run()
        warm.append(time.perf_counter() - start)
    return {"cold": cold, "warm": statistics.median(warm)}


def step_planner(url: str) -> dict:
    import datetime as dt
    from dataclasses import replace

    from planning.inputs import build_instance, monthly_waves
    from planning.model import Instance, Params
    from planning.solve import solve
    from scoring.data import campaign_ids
    from storage.db import make_engine

    engine = make_engine(url)
    start = time.perf_counter()
    cid = campaign_ids(engine)[-1]
    waves = monthly_waves(dt.date(2027, 1, 4), 3)
    whole = build_instance(engine, cid, Params(), waves)
    built = time.perf_counter() - start
    regions = sorted({r.region_id for r in whole.relays} | {lr.region_id for lr in whole.learners})
    objective = bound = 0.0
    worst = overrun = 0.0
    for n, region in enumerate(regions):
        # the organisation's budget left, shared by the regions left; each solve's own time
        # beyond its limit (model building, the second stage) is taken off the next ones
        left = PLANNER_BUDGET_S - (time.perf_counter() - start)
        limit = max(2.0, left / (len(regions) - n) - overrun)
        inst = Instance(tuple(r for r in whole.relays if r.region_id == region),
                        tuple(lr for lr in whole.learners if lr.region_id == region),
                        waves, replace(whole.params, time_limit_s=limit))
        began = time.perf_counter()
        plan = solve(inst)
        overrun = max(overrun, time.perf_counter() - began - limit)
        objective += plan.objective
        bound += max(plan.bound, plan.objective)
        worst = max(worst, plan.gap)
    total = time.perf_counter() - start
    return {"s": total, "build_s": built, "regions": len(regions),
            "relays": len(whole.relays), "learners": len(whole.learners),
            "gap": (bound - objective) / bound if bound else 0.0, "worst_gap": worst}


STEPS = {"build": step_build, "scores": step_scores, "page": step_page, "planner": step_planner,
         "forget": step_forget, "publish": step_publish}


class StepFailed(Exception):
    """A step's process failed; the others still run."""


def child(step: str, *args: str) -> dict:
    """Run one step in a fresh process; its result with the process's peak memory."""
    env = {**os.environ, "DATABASE_URL": args[0], "RELAIS_DEMO": "1"}
    proc = subprocess.run([sys.executable, __file__, "--step", step, *args], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    if proc.returncode != 0:
        tail = [x for x in proc.stderr.splitlines() if "ScriptRunContext" not in x][-12:]
        print(f"# step {step} {' '.join(args[1:])} failed (exit {proc.returncode}):", flush=True)
        for x in tail:
            print(f"#   {x}", flush=True)
        raise StepFailed(step)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def fresh_pg_url() -> str | None:
    admin = os.environ.get("RELAIS_TEST_PG_URL", "")
    if not admin or admin == "unavailable":
        return None
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"bench_xlarge_{os.getpid()}"
    eng = create_engine(make_url(admin), isolation_level="AUTOCOMMIT")
    with eng.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    eng.dispose()
    return make_url(admin).set(database=name).render_as_string(hide_password=False)


def line(name: str, value: float, unit: str, digits: int = 2) -> None:
    print(f"{name}: {value:.{digits}f} {unit}", flush=True)


def main() -> None:
    import multiprocessing

    print(f"# cores: {multiprocessing.cpu_count()}", flush=True)
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"xlarge-{SEED}.db"
    sqlite = f"sqlite:///{path}"
    if os.environ.get("RELAIS_XLARGE_REUSE") and path.exists():  # page steps only, no build
        print("# RELAIS_XLARGE_REUSE: the SQLite demo already built is used; no build", flush=True)
        backends, build = [("sqlite", sqlite)], []
    else:
        for p in CACHE.glob(f"xlarge-{SEED}.db*"):
            p.unlink()
        backends = [("sqlite", sqlite)]
        if (pg := fresh_pg_url()) is not None:
            backends.append(("postgresql", pg))
        build = backends
    for name, url in build:
        r = child("build", url)
        print(f"# {name}: {r['summary']}", flush=True)
        line(f"xlarge.build.{name}", r["s"], "s", 1)
        line(f"xlarge.build.{name}.peak_memory", r["peak_mb"], "MB", 0)
    for name, url in backends:
        r = child("scores", url)
        suffix = "" if name == "sqlite" else f".{name}"
        line(f"xlarge.db_to_site_region_scores{suffix}", r["s"], "s")
        line(f"xlarge.db_to_site_region_scores{suffix}.row_reads", r["rows_s"], "s")
        line(f"xlarge.db_to_site_region_scores{suffix}.peak_memory", r["peak_mb"], "MB", 0)
    failed = False
    from accounts.secrets import ensure_cookie_secret

    ensure_cookie_secret()  # as `make run` does: every process derives the same signing key
    os.environ["RELAIS_PUBLISH_SECONDS"] = "3600"  # one publication slot for every step below
    child("forget", sqlite)
    r = child("publish", sqlite)
    line("xlarge.publish", r["s"], "s")
    line("xlarge.publish.peak_memory", r["peak_mb"], "MB", 0)
    child("forget", sqlite)
    # first: nothing shared yet; cold: another fresh process once the figures are shared
    for label, page, role, first in (("overview", "overview.py", "director", True),
                                     ("overview", "overview.py", "director", False),
                                     ("champions", "champions_map.py", "lead", False)):
        try:
            r = child("page", sqlite, page, role)
        except StepFailed:
            failed = True
            continue
        if first:
            line(f"xlarge.{label}.first", r["cold"], "s")
            line(f"xlarge.{label}.first.peak_memory", r["peak_mb"], "MB", 0)
            continue
        line(f"xlarge.{label}.cold", r["cold"], "s")
        line(f"xlarge.{label}.warm", r["warm"], "s")
        line(f"xlarge.{label}.peak_memory", r["peak_mb"], "MB", 0)
    r = child("planner", sqlite)
    print(f"# planner: {r['regions']} regions, {r['relays']} relays, {r['learners']} learners; "
          f"instance built in {r['build_s']:.1f} s; worst region gap {r['worst_gap']:.3f}",
          flush=True)
    line("xlarge.planner.by_region.total", r["s"], "s", 1)
    line("xlarge.planner.by_region.gap", r["gap"], "ratio", 4)
    line("xlarge.planner.by_region.peak_memory", r["peak_mb"], "MB", 0)
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--step":
        result = STEPS[sys.argv[2]](*sys.argv[3:])
        result["peak_mb"] = _peak_mb()
        print(json.dumps(result))
    else:
        main()
