"""`manage.py serve --replicas N` and `manage.py loadtest`: the cluster's commands."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
import threading

from i18n import RelaisError


def _engine_and_url():  # noqa: ANN202
    from storage.config import database_url
    from storage.db import get_engine
    from storage.migrate import upgrade

    url = database_url()
    engine = get_engine(url)
    upgrade(engine)
    return engine, url


def _need_postgres(url: str, replicas: int) -> None:
    if replicas > 1 and url.startswith("sqlite"):
        raise RelaisError("Several servers need one shared PostgreSQL database: set "
                          "DATABASE_URL to a postgresql+psycopg:// URL (SQLite is for one "
                          "server, `make run`).")


def cmd_serve(args: argparse.Namespace) -> int:
    from accounts.secrets import ensure_cookie_secret
    from cluster.run import Cluster

    _, url = _engine_and_url()
    _need_postgres(url, args.replicas)
    ensure_cookie_secret()  # one secret file read by every server started here
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with Cluster(url, args.replicas, port=args.port, bind=args.address) as cluster:
        print(f"  Relais on {args.replicas} servers behind HAProxy: {cluster.url}")
        for s in cluster.servers:
            print(f"    {s.name}: {s.url} (pid {s.proc.pid})")
        print(f"  logs and haproxy.cfg in {cluster.logdir}; Ctrl-C stops everything", flush=True)
        try:
            while not stop.wait(1):
                dead = [s.name for s in cluster.servers if not s.alive]
                if len(dead) == len(cluster.servers):
                    print("every server has stopped", file=sys.stderr)
                    return 1
        except KeyboardInterrupt:
            pass
    return 0


def cmd_loadtest(args: argparse.Namespace) -> int:
    from accounts.demo import demo_sign_in_allowed
    from cluster import loadgen
    from cluster.run import Cluster

    engine, url = _engine_and_url()
    if not demo_sign_in_allowed(engine):
        raise RelaisError("The load test replaces trainers' personal links: it runs only on "
                          "the demo organisation (`manage.py demo`), never on real data.")
    try:
        loadgen.check_bounds(args.url or "http://127.0.0.1", args.users + args.directors,
                             args.seconds)
        links = loadgen.issue_links(engine, args.users)
    except loadgen.LoadError as err:
        print(f"loadtest: {err}", file=sys.stderr)
        return 2

    def play(base: str, pids: dict[str, int]) -> loadgen.Stats:
        with loadgen.Sampler(pids) as sampler:
            stats = asyncio.run(loadgen.run_load(
                base, links, directors=args.directors, seconds=args.seconds, ramp=args.ramp,
                pause=(args.pause_min, args.pause_max)))
        outcome = loadgen.check_database(engine, [p for p, _ in links], stats.submitted)
        print("\n".join(loadgen.report(stats, outcome, sampler, len(links))))
        for line in stats.errors[:10]:
            print(f"# {line}")
        return stats

    if args.url:
        play(args.url, {})
        return 0
    _need_postgres(url, args.replicas)
    with Cluster(url, args.replicas) as cluster:
        print(f"# {args.replicas} servers behind {cluster.url}", flush=True)
        play(cluster.url, cluster.pids())
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    serve = sub.add_parser("serve", help="run N servers behind HAProxy on PostgreSQL "
                           "(DATABASE_URL)")
    serve.add_argument("--replicas", type=int, default=2)
    serve.add_argument("--port", type=int, default=8500, help="the proxy's port")
    serve.add_argument("--address", default="127.0.0.1",
                       help="the proxy's address (0.0.0.0 only behind HTTPS)")
    serve.set_defaults(func=cmd_serve)
    load = sub.add_parser("loadtest", help="virtual trainers and directors over Streamlit's "
                          "protocol (demo database, loopback only)")
    load.add_argument("--users", type=int, default=20, help="virtual trainers")
    load.add_argument("--directors", type=int, default=2)
    load.add_argument("--seconds", type=float, default=300, help="time limit")
    load.add_argument("--ramp", type=float, default=10, help="seconds over which users arrive")
    load.add_argument("--pause-min", type=float, default=1.0)
    load.add_argument("--pause-max", type=float, default=3.0)
    load.add_argument("--replicas", type=int, default=2, help="servers to start (without --url)")
    load.add_argument("--url", help="an already running Relais on loopback (default: start "
                      "a cluster on DATABASE_URL)")
    load.set_defaults(func=cmd_loadtest)
