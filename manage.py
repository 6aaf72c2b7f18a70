"""Command line for admins: `python manage.py migrate | demo | ...`."""

from __future__ import annotations

import argparse
import logging
import sys
import time

from i18n import RelaisError, Translator
from storage import queries
from storage.config import database_url
from storage.db import get_engine
from storage.migrate import upgrade


def cmd_migrate(_args: argparse.Namespace) -> int:
    upgrade(get_engine())
    print(f"migrated: {get_engine().url.render_as_string(hide_password=True)}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from demo.load import generate_and_load

    engine = get_engine()
    upgrade(engine)
    if not queries.is_empty(engine):
        if args.if_empty:
            print("demo: the database already holds an organisation; nothing loaded")
            return 0
        print("demo: the database is not empty; use a new DATABASE_URL or RELAIS_DATA_DIR",
              file=sys.stderr)
        return 2
    start = time.perf_counter()
    summary = generate_and_load(engine, size=args.size, seed=args.seed)
    from scoring.store import rescore_all  # stored area scores, as dashboards read them

    rescore_all(engine)
    print(f"demo loaded in {time.perf_counter() - start:.1f} s: {summary}")
    return 0


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING)
    parser = argparse.ArgumentParser(prog="manage.py", description="Relais administration")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="apply database migrations").set_defaults(func=cmd_migrate)
    demo = sub.add_parser("demo", help="load the fictitious demo organisation")
    demo.add_argument("--size", choices=["tiny", "default", "large"], default="default")
    demo.add_argument("--seed", type=int, default=7)
    demo.add_argument("--if-empty", action="store_true", help="do nothing if data exists")
    demo.set_defaults(func=cmd_demo)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except RelaisError as err:
        print(err.render(Translator().lang), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
