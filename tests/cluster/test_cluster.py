"""Two servers behind HAProxy on PostgreSQL, driven over Streamlit's protocol (issue #21).

20 virtual trainers answer the whole questionnaire and submit while 2 virtual directors
filter the overview. Meanwhile one more trainer answers two sections, then the server
holding their session is killed (SIGKILL): the trainer comes back through the proxy with
the same cookie, lands on the other server, finds the section where they were with the
answers they had confirmed, and finishes. Every trainer on the killed server goes
through the same reconnection. The database is then read: everyone submitted, nobody has
two responses, no section answer confirmed before the kill is missing.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import random
import time
import urllib.request

import pytest
from sqlmodel import select

from cluster import loadgen
from cluster.protocol import Client, trigger
from cluster.run import Cluster
from planning import jobs
from planning.inputs import build_instance, monthly_waves
from planning.model import Params
from storage.db import make_engine, read_session
from storage.models import Answer, Response
from tests.conftest import fresh_pg_url
from tests.recognition.test_status_http import check_behind_proxy

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

USERS = 20


@pytest.fixture(scope="module")
def pg_demo() -> str:
    from demo.load import generate_and_load
    from storage.migrate import upgrade

    url = fresh_pg_url()
    engine = make_engine(url)
    upgrade(engine)
    generate_and_load(engine, size="default", seed=7)
    engine.dispose()
    return url


async def _answer_sections(client: Client, token: str, n: int) -> str:
    """Open the link, start, answer n sections; returns the heading of the one shown."""
    rng = random.Random(5)
    run, _ = await client.run(page="questionnaire", query=f"t={token}")
    run, _ = await client.run(states=[trigger(run.widget("start"))])
    for _ in range(n):
        fields = [w for w in run.widgets if w.kind in loadgen.ANSWERS and w.form_id]
        run, _ = await client.run(states=[loadgen._answer(w, rng) for w in fields]
                                  + [trigger(run.widget("next"))])
    return loadgen._section(run)


def _answered_items(engine, person_id: int) -> set[str]:  # noqa: ANN001
    with read_session(engine) as s:
        return set(s.exec(select(Answer.item_id).join(Response, Response.id == Answer.response_id)
                          .where(Response.person_id == person_id,
                                 Response.campaign_id == loadgen.open_campaign(engine))).all())


def test_two_servers_lose_nothing_and_resume_after_a_crash(pg_demo, tmp_path):  # noqa: ANN001
    engine = make_engine(pg_demo)
    links = loadgen.issue_links(engine, USERS + 1)
    (resumer_id, resumer_token), crowd = links[0], links[1:]
    seen: dict[str, object] = {}

    with Cluster(pg_demo, 2, logdir=tmp_path) as cluster:
        with urllib.request.urlopen(cluster.url + "/", timeout=30) as page:
            headers = page.headers
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert headers["Set-Cookie"].startswith("RELAIS_SRV=s")  # the sticky cookie
        # the badges' revocation list, from every server and through the proxy
        check_behind_proxy(cluster, engine)
        # a planner solve queued meanwhile is taken by one of the cluster's workers
        solve = jobs.enqueue(engine, build_instance(
            engine, loadgen.open_campaign(engine), Params(time_limit_s=3),
            monthly_waves(dt.date(2027, 1, 11), 2)))

        async def resumer() -> None:
            first = Client(cluster.url)
            await first.connect()
            seen["heading_before"] = await _answer_sections(first, resumer_token, 2)
            seen["items_before"] = _answered_items(engine, resumer_id)
            seen["server_before"] = first.server_cookie
            await asyncio.to_thread(cluster.stop_server, first.server_cookie)
            await first.close()
            again = Client(cluster.url)
            again.cookies.update(first.cookies)  # the browser still holds the dead server's
            await again.connect()
            run, _ = await again.run(page="questionnaire", query=f"t={resumer_token}")
            seen["heading_after"] = loadgen._section(run)
            seen["server_after"] = again.server_cookie
            await again.close()
            stats = loadgen.Stats()
            trainer = loadgen.Trainer(resumer_id, resumer_token, cluster.url, stats,
                                      random.Random(9), pause=(0.2, 0.5))
            await trainer.play(time.monotonic() + 150)
            seen["resumer_stats"] = stats

        async def everyone() -> loadgen.Stats:
            crowd_run = loadgen.run_load(cluster.url, crowd, directors=2, seconds=150,
                                         ramp=8, pause=(0.3, 1.0), seed=3)
            stats, _ = await asyncio.gather(crowd_run, resumer())
            return stats

        with loadgen.Sampler(cluster.pids()) as sampler:
            # a thread of its own: an earlier test in this process (Playwright's sync API) may
            # have left an event loop set on the main thread, where asyncio.run refuses to run
            with concurrent.futures.ThreadPoolExecutor(1) as pool:
                stats = pool.submit(asyncio.run, everyone()).result()
        outcome = loadgen.check_database(engine, [p for p, _ in crowd], stats.submitted)
        print("\n".join(loadgen.report(stats, outcome, sampler, len(crowd))))
        deadline = time.monotonic() + 120
        while not jobs.get(engine, solve).finished and time.monotonic() < deadline:
            time.sleep(1)
        solved = jobs.get(engine, solve)

    assert solved.status == jobs.DONE, solved  # solves run off the web servers
    # the crowd: all submitted, nobody twice, nothing seen submitted that the DB lacks
    assert outcome.submitted == USERS, (outcome, stats.errors[:10])
    assert outcome.doubled == 0 and outcome.lost == 0
    assert stats.directors_ok == 2, stats.errors
    # the trainer whose server was killed: back on the other one, where they were
    assert seen["server_after"] and seen["server_after"] != seen["server_before"]
    assert seen["heading_before"] and seen["heading_after"] == seen["heading_before"]
    assert seen["items_before"] <= _answered_items(engine, resumer_id)
    assert len(seen["items_before"]) >= 5  # two sections' worth were confirmed before the kill
    resumer_outcome = loadgen.check_database(engine, [resumer_id], seen["resumer_stats"].submitted)
    assert resumer_outcome.submitted == 1 and resumer_outcome.doubled == 0, \
        seen["resumer_stats"].errors
    engine.dispose()
