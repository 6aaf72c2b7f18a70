"""Benchmark: sign-in under a parallel attack, and the per-run session check.

For SQLite and (with RELAIS_TEST_PG_URL) PostgreSQL: wall time of 24 simultaneous wrong
passwords on one account (threads), how many of them were checked against the hash
(the rest refused by the lock before any argon2 work), and the median time of
``sessions.check`` (run at every page run of a signed-in person). Prints
``name: value unit`` lines.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlmodel import select  # noqa: E402

from accounts import sessions, signin  # noqa: E402
from storage.db import make_engine, read_session, write_session  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import AuditLog, Person  # noqa: E402

PARALLEL = 24


def bench(kind: str, url: str) -> None:
    engine = make_engine(url)
    upgrade(engine)
    with write_session(engine) as s:
        person = Person(first_name="Ada", last_name="A", email="ada@ex.fr", role="admin")
        s.add(person)
        s.flush()
        pid = person.id
    signin.set_password(engine, pid, "correct horse battery")
    barrier = threading.Barrier(PARALLEL)

    def attempt(i: int) -> None:
        barrier.wait()
        signin.authenticate(engine, "ada@ex.fr", f"wrong guess {i:03d}", client=f"10.1.0.{i}")

    start = time.perf_counter()
    with ThreadPoolExecutor(PARALLEL) as pool:
        list(pool.map(attempt, range(PARALLEL)))
    wall = time.perf_counter() - start
    with read_session(engine) as s:
        checked = sum(1 for e in s.exec(select(AuditLog).where(
            AuditLog.action == "sign_in_failed")).all() if e.detail.get("reason") == "bad_password")
    print(f"signin.parallel_{PARALLEL}_wrong.{kind}: {wall:.2f} s")
    print(f"signin.parallel_{PARALLEL}_wrong_checked.{kind}: {checked} attempts")

    sid, _ = sessions.start(engine, pid, "password")
    runs = []
    for _ in range(50):
        t0 = time.perf_counter()
        assert sessions.check(engine, sid)
        runs.append((time.perf_counter() - t0) * 1000)
    print(f"sessions.check_median.{kind}: {statistics.median(runs):.2f} ms")
    engine.dispose()


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        bench("sqlite", f"sqlite:///{Path(folder) / 'signin.db'}")
    if os.environ.get("RELAIS_TEST_PG_URL", "") not in ("", "unavailable"):
        from tests.conftest import fresh_pg_url

        bench("postgresql", fresh_pg_url())
    else:
        print("signin.postgresql: skipped (no RELAIS_TEST_PG_URL)")


if __name__ == "__main__":
    main()
