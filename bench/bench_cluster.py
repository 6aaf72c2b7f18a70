"""Campaign peak on several servers (issue #21): the protocol-level load generator
(cluster/loadgen.py) against servers behind HAProxy on PostgreSQL.

Figures:
- 200 virtual trainers over 2 servers (arriving over a minute, 2-5 s of reading before
  each click, with 4 directors filtering the overview): % submitted, lost, doubled, and
  click-to-settled p50/p95/p99 (target: 100 %, 0, 0, p95 under 2 s);
- memory of one server per idle session (link opened, nothing clicked) and per active
  session (two sections answered);
- the most simultaneous trainers one server holds with p95 under 2 s (steps 5, 10, 20,
  40, 80; each trainer answers three sections);
- the machine's core count: the generator and the servers share it.

The 200-trainer run is bounded at 10 minutes: a trainer who has not submitted by then
counts as not submitted. RELAIS_BENCH_CLUSTER_URL may name a PostgreSQL database that
already holds the large demo (loading it takes minutes).

Needs PostgreSQL (RELAIS_TEST_PG_URL, started by scripts/bench.sh) and HAProxy.
"""

from __future__ import annotations

import asyncio
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import figure  # noqa: E402
from cluster import loadgen  # noqa: E402
from cluster.protocol import Client, trigger  # noqa: E402
from cluster.run import Cluster  # noqa: E402
from storage.db import make_engine  # noqa: E402

TRAINERS = 200
DIRECTORS = 4
STEPS = (5, 10, 20, 40, 80)


def pg_demo(size: str) -> str:
    from demo.load import generate_and_load
    from storage.migrate import upgrade
    from tests.conftest import fresh_pg_url

    url = fresh_pg_url()
    engine = make_engine(url)
    upgrade(engine)
    start = time.perf_counter()
    generate_and_load(engine, size=size, seed=7)
    engine.dispose()
    print(f"# demo {size} loaded into PostgreSQL in {time.perf_counter() - start:.0f} s")
    return url


def peak(url: str, logdir: Path) -> None:
    engine = make_engine(url)
    links = loadgen.issue_links(engine, TRAINERS)
    with Cluster(url, 2, logdir=logdir) as cluster:
        with loadgen.Sampler(cluster.pids()) as sampler:
            stats = asyncio.run(loadgen.run_load(cluster.url, links, directors=DIRECTORS,
                                                 seconds=600, ramp=60, pause=(2.0, 5.0)))
        outcome = loadgen.check_database(engine, [p for p, _ in links], stats.submitted)
    for line in loadgen.report(stats, outcome, sampler, len(links), prefix="peak200_"):
        print(line, flush=True)
    for line in stats.errors[:5]:
        print(f"# {line}")
    engine.dispose()


async def _hold(base: str, links: list[tuple[int, str]], sections: int) -> list[Client]:
    """Open each link (and answer `sections` sections); keep the tabs open."""
    clients = []
    rng = random.Random(3)
    for _, token in links:
        client = Client(base, timeout=120)
        await client.connect()
        run, _ = await client.run(page="questionnaire", query=f"t={token}")
        if sections:
            run, _ = await client.run(states=[trigger(run.widget("start"))])
        for _ in range(sections):
            fields = [w for w in run.widgets if w.kind in loadgen.ANSWERS and w.form_id]
            run, _ = await client.run(states=[loadgen._answer(w, rng) for w in fields]
                                      + [trigger(run.widget("next"))])
        clients.append(client)
    return clients


def memory(url: str, logdir: Path) -> None:
    n = 20
    engine = make_engine(url)
    links = loadgen.issue_links(engine, 2 * n + 1)
    warm_link, idle_links, active_links = links[:1], links[1:n + 1], links[n + 1:]
    with Cluster(url, 1, logdir=logdir) as cluster:
        pid = cluster.servers[0].proc.pid

        async def measure() -> tuple[float, float, float]:
            warm = await _hold(cluster.url, warm_link, 0)  # imports and caches warm
            for c in warm:
                await c.close()
            await asyncio.sleep(2)
            base = loadgen.Sampler.rss_mb(pid)
            idle = await _hold(cluster.url, idle_links, 0)
            await asyncio.sleep(2)
            with_idle = loadgen.Sampler.rss_mb(pid)
            active = await _hold(cluster.url, active_links, 2)
            await asyncio.sleep(2)
            with_active = loadgen.Sampler.rss_mb(pid)
            for c in idle + active:
                await c.close()
            return base, with_idle, with_active

        base, with_idle, with_active = asyncio.run(measure())
    figure("server_rss_base", base, "MB", 0)
    figure("memory_per_idle_session", 1024 * (with_idle - base) / n, "KB", 0)
    figure("memory_per_active_session", 1024 * (with_active - with_idle) / n, "KB", 0)
    engine.dispose()


def capacity(url: str, logdir: Path) -> None:
    engine = make_engine(url)
    held = 0
    with Cluster(url, 1, logdir=logdir) as cluster:
        for users in STEPS:
            links = loadgen.issue_links(engine, users)
            stats = asyncio.run(_partial(cluster.url, links, 3))
            p95 = loadgen.percentile(stats.all_times(), 95)
            print(f"#   one server, {users} trainers at once: p95 {p95:.2f} s, "
                  f"errors {len(stats.errors)}", flush=True)
            if p95 >= 2.0 or stats.errors:
                break
            held = users
    figure("one_server_max_trainers_p95_under_2s", held, "users", 0)
    engine.dispose()


async def _partial(base: str, links: list[tuple[int, str]], sections: int) -> loadgen.Stats:
    """Every trainer starts at once (within 2 s) and answers `sections` sections."""
    stats = loadgen.Stats()
    loadgen.check_bounds(base, len(links), 300)

    async def one(i: int, pid: int, token: str) -> None:
        await asyncio.sleep(2 * i / len(links))
        t = loadgen.Trainer(pid, token, base, stats, random.Random(i), pause=(1.0, 3.0),
                            timeout=120)
        try:
            run = await t._open()
            for _ in range(sections + 1):  # start, then the sections
                run, _ = await t.step(run)
        except (loadgen.ProtocolError, OSError, asyncio.TimeoutError) as err:
            stats.errors.append(f"{type(err).__name__}: {err}")
        finally:
            if t.client is not None:
                await t.client.close()

    await asyncio.wait_for(asyncio.gather(*(one(i, p, tok) for i, (p, tok) in enumerate(links))),
                           300)
    return stats


def main() -> int:
    if not os.environ.get("RELAIS_TEST_PG_URL") or os.environ["RELAIS_TEST_PG_URL"] == "unavailable":
        print("# no PostgreSQL (RELAIS_TEST_PG_URL): cluster figures skipped")
        return 1
    figure("machine_cores", os.cpu_count() or 0, "cores", 0)
    from accounts.secrets import ensure_cookie_secret

    # as `make run` and `manage.py serve` do: one secret for every server and worker, so the
    # figures one computes are read by the others (storage.snapshots)
    ensure_cookie_secret()
    # RELAIS_BENCH_CLUSTER_URL: a PostgreSQL database already holding the large demo
    # (loading it takes minutes); the run uses trainers who have not answered yet
    url = os.environ.get("RELAIS_BENCH_CLUSTER_URL") or pg_demo("large")
    with tempfile.TemporaryDirectory(prefix="relais-bench-cluster-") as tmp:
        start = time.perf_counter()
        peak(url, Path(tmp) / "peak")
        print(f"# peak run took {time.perf_counter() - start:.0f} s", flush=True)
        memory(url, Path(tmp) / "memory")
        capacity(url, Path(tmp) / "capacity")
    return 0


if __name__ == "__main__":
    sys.exit(main())
