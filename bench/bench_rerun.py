"""Server time of each rerun of the trainer's pages (issue #21), on ONE server.

The peak-load run's click-to-settled is mostly the server's work per rerun, multiplied by
the sessions that wait for the same Python process. This bench starts one Relais server
(SQLite, the large demo) whose script runs are timed from inside (wall and CPU time of the
script thread, SQL statements, full garbage collections after the run), then plays over
Streamlit's own protocol (cluster/loadgen.py):

- one trainer alone (link -> start -> every section -> submit): the server time of a rerun
  with nobody else on the server (``survey.rerun_server_ms_p50`` ...);
- 20 trainers and 1 director at once (arriving over 10 s, 1-3 s before each click):
  click-to-settled p50/p95 as the generator sees it, and the trainers' rerun figures
  under that load (``survey20.*``).

Run: python bench/bench_rerun.py  (the large SQLite demo is built once in var/bench).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TRAINERS = 20


def serve(out: str, argv: list[str]) -> None:
    """Streamlit's own `streamlit run serve.py`, with each script run measured.

    SIGUSR1 writes the runs so far to out (JSON)."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine
    from streamlit.runtime.scriptrunner import script_runner as sr
    from streamlit.web import cli

    local = threading.local()
    runs: list[dict] = []
    collections: list[float] = []

    @event.listens_for(Engine, "before_cursor_execute")
    def _count(*_args) -> None:  # noqa: ANN002
        if getattr(local, "queries", None) is not None:
            local.queries += 1

    original = sr.ScriptRunner._run_script

    def timed(self, rerun_data, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        local.queries = 0
        wall, cpu = time.perf_counter(), time.thread_time()
        try:
            return original(self, rerun_data, *args, **kwargs)
        finally:
            runs.append({"trainer": "t=" in (rerun_data.query_string or ""),
                         "ms": 1000 * (time.perf_counter() - wall),
                         "cpu_ms": 1000 * (time.thread_time() - cpu), "queries": local.queries})
            local.queries = None

    sr.ScriptRunner._run_script = timed
    real_gc = sr.gc

    class CountingGC:  # Streamlit's gc.collect(2) after each run, when runner.postScriptGC
        def __getattr__(self, name: str):  # noqa: ANN204
            return getattr(real_gc, name)

        def collect(self, *args):  # noqa: ANN002, ANN202
            start = time.perf_counter()
            try:
                return real_gc.collect(*args)
            finally:
                collections.append(1000 * (time.perf_counter() - start))

    sr.gc = CountingGC()

    def dump(*_args) -> None:  # noqa: ANN002
        Path(out).write_text(json.dumps({"runs": runs, "gc_ms": collections}))

    signal.signal(signal.SIGUSR1, dump)
    sys.argv = ["streamlit", "run", "serve.py", *argv]
    cli.main()


def pct(values: list[float], q: float) -> float:
    from cluster.loadgen import percentile

    return percentile(values, q) if values else 0.0


def read_runs(proc: subprocess.Popen, out: Path) -> dict:
    out.unlink(missing_ok=True)
    proc.send_signal(signal.SIGUSR1)
    for _ in range(100):
        if out.exists():
            try:
                return json.loads(out.read_text())
            except ValueError:
                pass
        time.sleep(0.1)
    raise RuntimeError("the measured server wrote no figures")


def print_runs(prefix: str, runs: list[dict], gc_ms: list[float]) -> None:
    from bench.common import figure

    trainer = [r for r in runs if r["trainer"]]
    figure(f"{prefix}.reruns", len(trainer), "runs", 0)
    figure(f"{prefix}.rerun_server_ms_p50", pct([r["ms"] for r in trainer], 50), "ms", 0)
    figure(f"{prefix}.rerun_server_ms_p95", pct([r["ms"] for r in trainer], 95), "ms", 0)
    figure(f"{prefix}.rerun_cpu_ms_p50", pct([r["cpu_ms"] for r in trainer], 50), "ms", 0)
    figure(f"{prefix}.rerun_sql_queries_p50", pct([r["queries"] for r in trainer], 50),
           "queries", 0)
    figure(f"{prefix}.full_gc_after_run_ms_total", sum(gc_ms), "ms", 0)


def main() -> int:
    from bench.common import demo_url
    from cluster import loadgen
    from cluster.run import free_port, wait_http
    from storage.db import make_engine

    url = demo_url("large")
    engine = make_engine(url)
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="relais-bench-rerun-") as tmp:
        out = Path(tmp) / "runs.json"
        log = (Path(tmp) / "server.log").open("w")
        proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--serve", str(out),
             "--server.port", str(port), "--server.address", "127.0.0.1",
             "--server.headless", "true", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"],
            cwd=ROOT, env={**os.environ, "DATABASE_URL": url}, stdout=log,
            stderr=subprocess.STDOUT, start_new_session=True)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_http(base + "/_stcore/health", proc)
            # warm: the process's first run imports the app
            asyncio.run(loadgen.run_load(base, loadgen.issue_links(engine, 1), seconds=120,
                                         ramp=0.1, pause=(0.1, 0.2)))
            seen = read_runs(proc, out)
            skip, skip_gc = len(seen["runs"]), len(seen["gc_ms"])
            alone = asyncio.run(loadgen.run_load(base, loadgen.issue_links(engine, 1),
                                                 seconds=120, ramp=0.1, pause=(0.3, 0.5)))
            seen = read_runs(proc, out)
            print_runs("survey", seen["runs"][skip:], seen["gc_ms"][skip_gc:])
            figure_errors = len(alone.errors)
            skip, skip_gc = len(seen["runs"]), len(seen["gc_ms"])
            links = loadgen.issue_links(engine, TRAINERS)
            stats = asyncio.run(loadgen.run_load(base, links, directors=1, seconds=300,
                                                 ramp=10, pause=(1.0, 3.0)))
            seen = read_runs(proc, out)
            print_runs(f"survey{TRAINERS}", seen["runs"][skip:], seen["gc_ms"][skip_gc:])
            outcome = loadgen.check_database(engine, [p for p, _ in links], stats.submitted)
            from bench.common import figure

            trainer_clicks = [v for name, values in stats.times.items()
                              if not name.startswith(("overview", "home", "sign_in"))
                              for v in values]
            figure(f"survey{TRAINERS}.trainer_click_p50", pct(trainer_clicks, 50), "s")
            figure(f"survey{TRAINERS}.trainer_click_p95", pct(trainer_clicks, 95), "s")
            for name in ("overview_open", "overview_filter"):
                if stats.times.get(name):
                    figure(f"survey{TRAINERS}.{name}_p50", pct(stats.times[name], 50), "s")
            figure(f"survey{TRAINERS}.submitted_pct", 100 * outcome.submitted / len(links), "%", 1)
            figure(f"survey{TRAINERS}.errors", len(stats.errors) + figure_errors, "count", 0)
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(30)
            log.close()
    engine.dispose()
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--serve":
        serve(sys.argv[2], sys.argv[3:])
    else:
        sys.exit(main())
