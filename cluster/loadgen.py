"""Virtual trainers and directors against a Relais URL, over Streamlit's own protocol.

A virtual trainer opens their personal link, presses "start", answers every section
(one answer per question, chosen at random among the options the page drew), waits a
realistic pause before each button, and submits. A virtual director signs in through
the demo buttons, opens the overview and changes its filters. Each click is timed from
the request sent to the run finished ("click-to-settled"). A trainer whose connection
drops (a server stopped) reconnects through the proxy and carries on from the page the
database gives back. Meanwhile each server's memory (RSS) and CPU are sampled from /proc.

Requests go only to loopback, and a run is bounded in users and in time.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import statistics
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import select

from cluster.protocol import (Client, ProtocolError, Run, number_value, string_value,
                              strings_value, trigger)
from storage.db import read_session, write_session
from storage.models import Campaign, Invitation, Person, Response
from survey.links import issue_link

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
MAX_USERS = 1000
MAX_SECONDS = 1800
ANSWERS = ("radio", "multiselect", "number_input")


class LoadError(ValueError):
    """A load test asked for something it may not do (not loopback, too many users)."""


def check_bounds(url: str, users: int, seconds: float) -> None:
    host = urlsplit(url).hostname or ""
    if host not in LOOPBACK:
        raise LoadError(f"the load generator only talks to loopback, not {host!r}")
    if not 0 < users <= MAX_USERS:
        raise LoadError(f"users must be between 1 and {MAX_USERS}")
    if not 0 < seconds <= MAX_SECONDS:
        raise LoadError(f"the time limit must be between 1 and {MAX_SECONDS} s")


def open_campaign(engine: Engine) -> int:
    with read_session(engine) as s:
        cid = s.exec(select(Campaign.id).where(Campaign.status == "open")
                     .order_by(Campaign.id.desc())).first()
    if cid is None:
        raise LoadError("no open campaign in this database")
    return cid


def issue_links(engine: Engine, n: int, campaign_id: int | None = None) -> list[tuple[int, str]]:
    """New personal links for n active trainers who have not answered the open campaign.

    Issuing a link replaces the person's previous one: run this on a demo or test
    database, never on a live organisation.
    """
    campaign_id = campaign_id or open_campaign(engine)
    with write_session(engine) as s:
        answered = select(Response.person_id).where(Response.campaign_id == campaign_id)
        pids = s.exec(select(Person.id).join(Invitation, Invitation.person_id == Person.id)
                      .where(Invitation.campaign_id == campaign_id, Person.role == "trainer",
                             Person.active, ~Person.id.in_(answered))
                      .order_by(Person.id).limit(n)).all()
        if len(pids) < n:
            raise LoadError(f"only {len(pids)} invited trainers have not answered campaign "
                            f"{campaign_id}; ask for fewer users or load a larger demo")
        return [(pid, issue_link(s, campaign_id, pid)) for pid in pids]


# --- measures -----------------------------------------------------------------------------
@dataclass
class Stats:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    submitted: set[int] = field(default_factory=set)
    reconnects: int = 0
    trainers: int = 0
    directors: int = 0
    directors_ok: int = 0

    def add(self, action: str, seconds: float) -> None:
        self.times[action].append(seconds)

    def all_times(self) -> list[float]:
        return [t for ts in self.times.values() for t in ts]


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


class Sampler:
    """RSS and CPU of processes, sampled every interval seconds from /proc."""

    def __init__(self, pids: dict[str, int], interval: float = 1.0):
        self.pids, self.interval = pids, interval
        self.peak: dict[str, float] = defaultdict(float)
        self.last: dict[str, float] = {}
        self._cpu0: dict[str, float] = {}
        self._t0 = 0.0
        self.cpu: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    @staticmethod
    def rss_mb(pid: int) -> float:
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1]) / 1024
        except OSError:
            pass
        return 0.0

    @staticmethod
    def cpu_seconds(pid: int) -> float:
        import os
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except OSError:
            return 0.0

    def _sample(self) -> None:
        for name, pid in self.pids.items():
            rss = self.rss_mb(pid)
            if rss:
                self.last[name] = rss
                self.peak[name] = max(self.peak[name], rss)
                cpu = self.cpu_seconds(pid)
                if cpu:
                    self.cpu[name] = cpu

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def __enter__(self) -> Sampler:
        self._t0 = time.perf_counter()
        self._cpu0 = {n: self.cpu_seconds(p) for n, p in self.pids.items()}
        self._sample()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()
        self.elapsed = time.perf_counter() - self._t0

    def cpu_percent(self, name: str) -> float:
        used = self.cpu.get(name, 0.0) - self._cpu0.get(name, 0.0)
        return 100 * used / max(self.elapsed, 1e-9)


# --- virtual users ------------------------------------------------------------------------
def _answer(widget, rng: random.Random):  # noqa: ANN001, ANN202
    p = widget.proto
    if widget.kind == "radio":
        options = list(p.options)
        # "does not apply" (last of a scale) now and then, as people do
        pick = rng.randrange(len(options) - 1) if len(options) > 2 and rng.random() < .9 \
            else rng.randrange(len(options))
        return string_value(widget, options[pick])
    if widget.kind == "multiselect":
        options = list(p.options)
        return strings_value(widget, rng.sample(options, k=min(len(options), rng.randint(1, 2))))
    lo = int(p.min) if p.has_min else 0
    hi = int(p.max) if p.has_max else lo + 40
    return number_value(widget, float(rng.randint(lo, min(hi, lo + 40))))


def _section(run: Run) -> str:
    """The section heading the page shows (the text after the progress line)."""
    texts = run.texts
    for i, text in enumerate(texts):
        if text.startswith(("Section ", "Section")) and i + 1 < len(texts):
            return texts[i + 1]
    return ""


@dataclass
class Trainer:
    person_id: int
    token: str
    base_url: str
    stats: Stats
    rng: random.Random
    pause: tuple[float, float] = (1.0, 3.0)
    timeout: float = 60.0
    sections_done: int = 0
    client: Client | None = None
    _cookies: dict = field(default_factory=dict)

    async def _open(self) -> Run:
        self.client = Client(self.base_url, timeout=self.timeout)
        self.client.cookies.update(self._cookies)  # the sticky cookie a browser keeps
        await self.client.connect()
        self._cookies = dict(self.client.cookies)
        run, secs = await self.client.run(page="questionnaire", query=f"t={self.token}")
        self.stats.add("open_link", secs)
        return run

    async def _click(self, action: str, states: list) -> Run:
        await asyncio.sleep(self.rng.uniform(*self.pause))
        run, secs = await self.client.run(states=states)
        self.stats.add(action, secs)
        if run.exception:
            raise ProtocolError(f"exception on the page: {run.exception[:200]}")
        return run

    async def step(self, run: Run) -> tuple[Run, bool]:
        """One click from the page run shows; returns the next page and whether done."""
        start = run.widget("start")
        if start is not None:
            return await self._click("start", [trigger(start)]), False
        fields = [w for w in run.widgets if w.kind in ANSWERS and w.form_id]
        button = run.widget("submit") or run.widget("next")
        if button is None or not fields:
            # the confirmation ("... envoyées" in French, "... submitted" in English)
            done = any(word in body for _, body in run.alerts
                       for word in ("ont été envoyées", "have been submitted"))
            if not done:
                raise ProtocolError(f"no question and no confirmation on the page: "
                                    f"{run.text()[:200]!r}")
            return run, True
        states = [_answer(w, self.rng) for w in fields] + [trigger(button)]
        before = _section(run)
        action = "submit" if button.key == "submit" else "next_section"
        after = await self._click(action, states)
        if button.key == "next" and _section(after) == before:
            self.stats.errors.append(f"trainer {self.person_id}: still on {before!r} after "
                                     f"Next: {after.text()[-200:]!r}")
        else:
            self.sections_done += 1
        return after, False

    async def play(self, deadline: float, kill_hook=None) -> None:  # noqa: ANN001
        self.stats.trainers += 1
        attempts = 0
        run: Run | None = None
        while time.monotonic() < deadline and attempts < 40:
            attempts += 1
            try:
                if run is None:
                    run = await self._open()
                run, done = await self.step(run)
                if kill_hook is not None:
                    await kill_hook(self)
                if done:
                    self.stats.submitted.add(self.person_id)
                    break
            except (ProtocolError, OSError, asyncio.TimeoutError) as err:
                self.stats.errors.append(f"trainer {self.person_id}: {type(err).__name__}: "
                                         f"{str(err)[:160]}")
                self.stats.reconnects += 1
                if self.client is not None:
                    await self.client.close()
                run = None
                await asyncio.sleep(1.0)
        if self.client is not None:
            await self.client.close()


async def _director_visit(client: Client, stats: Stats, rng: random.Random, changes: int,
                          pause: tuple[float, float]) -> None:
    await client.connect()
    run, secs = await client.run(page="home")
    stats.add("home", secs)
    button = run.widget("demo_director")
    if button is None:
        raise ProtocolError(f"no demo director button on the home page: {run.text()[:200]!r}")
    run, secs = await client.run(states=[trigger(button)])
    stats.add("sign_in", secs)
    if run.widget("sign_out") is None:
        raise ProtocolError(f"the demo sign-in did not sign in: {run.text()[:200]!r}")
    run, secs = await client.run(page="overview")
    stats.add("overview_open", secs)
    if run.widget("ov_region") is None:
        raise ProtocolError(f"overview not drawn (page not found: {run.page_not_found}): "
                            f"{run.text()[:160]!r}")
    for _ in range(changes):
        await asyncio.sleep(rng.uniform(*pause))
        key = rng.choice(["ov_region", "ov_modality"])
        box = run.widget(key)
        if box is None:
            raise ProtocolError(f"no {key} filter on the overview: {run.text()[:200]!r}")
        value = rng.choice(list(box.proto.options))
        run, secs = await client.run(states=[string_value(box, value)])
        stats.add("overview_filter", secs)
        if run.exception:
            raise ProtocolError(f"exception on the overview: {run.exception[:200]}")


async def director(base_url: str, stats: Stats, rng: random.Random, changes: int,
                   pause: tuple[float, float], timeout: float, attempts: int = 3) -> None:
    """Sign in (demo), open the overview, change filters; a dropped connection (its server
    stopped) starts again through the proxy, as a browser reconnecting does."""
    stats.directors += 1
    cookies: dict[str, str] = {}
    for _ in range(attempts):
        client = Client(base_url, timeout=timeout)
        client.cookies.update(cookies)
        try:
            await _director_visit(client, stats, rng, changes, pause)
            stats.directors_ok += 1
            return
        except (ProtocolError, OSError, asyncio.TimeoutError) as err:
            stats.errors.append(f"director: {type(err).__name__}: {str(err)[:160]}")
            stats.reconnects += 1
            cookies = dict(client.cookies)
            await asyncio.sleep(1.0)
        finally:
            await client.close()


async def run_load(base_url: str, links: list[tuple[int, str]], directors: int = 0,
                   seconds: float = 300, ramp: float = 10.0, pause: tuple[float, float] = (1.0, 3.0),
                   seed: int = 1, timeout: float = 60.0, kill_hook=None) -> Stats:  # noqa: ANN001
    """Play every trainer (started evenly over ramp seconds) and the directors."""
    check_bounds(base_url, len(links) + directors, seconds)
    stats = Stats()
    deadline = time.monotonic() + seconds
    rng = random.Random(seed)

    async def later(delay: float, coro):  # noqa: ANN001, ANN202
        await asyncio.sleep(delay)
        await coro

    tasks = []
    n = len(links) + directors
    for i, (pid, token) in enumerate(links):
        t = Trainer(pid, token, base_url, stats, random.Random(rng.random()), pause, timeout)
        tasks.append(later(ramp * i / n, t.play(deadline, kill_hook)))
    for j in range(directors):
        tasks.append(later(ramp * (len(links) + j) / n,
                           director(base_url, stats, random.Random(rng.random()), 4, pause,
                                    timeout)))
    await asyncio.wait_for(asyncio.gather(*tasks), seconds + timeout + 30)
    return stats


# --- database checks and report --------------------------------------------------------
@dataclass(frozen=True)
class Outcome:
    submitted: int  # responses submitted in the database, among the virtual trainers
    doubled: int  # trainers with more than one response in the campaign
    lost: int  # trainers the generator saw submitted but the database does not


def check_database(engine: Engine, person_ids: list[int], seen_submitted: set[int],
                   campaign_id: int | None = None) -> Outcome:
    campaign_id = campaign_id or open_campaign(engine)
    with read_session(engine) as s:
        rows = s.exec(select(Response.person_id, func.count(Response.id),
                             func.count(Response.submitted_at))
                      .where(Response.campaign_id == campaign_id,
                             Response.person_id.in_(person_ids))
                      .group_by(Response.person_id)).all()
    in_db = {pid for pid, _, sub in rows if sub}
    return Outcome(submitted=len(in_db), doubled=sum(1 for _, n, _ in rows if n > 1),
                   lost=len(seen_submitted - in_db))


def report(stats: Stats, outcome: Outcome, sampler: Sampler | None, users: int,
           prefix: str = "") -> list[str]:
    """Lines `name: value unit` (bench/run.py's format)."""
    p = prefix
    lines = [f"{p}trainers: {stats.trainers} users",
             f"{p}submitted_pct: {100 * outcome.submitted / max(users, 1):.1f} %",
             f"{p}lost: {outcome.lost} answers",
             f"{p}doubled: {outcome.doubled} responses",
             f"{p}errors: {len(stats.errors)} count",
             f"{p}reconnects: {stats.reconnects} count"]
    if stats.directors:
        lines.append(f"{p}directors_ok: {stats.directors_ok}/{stats.directors} users")
    every = stats.all_times()
    for name, values in sorted(stats.times.items()) + [("all_clicks", every)]:
        if values:
            lines += [f"{p}{name}_p50: {percentile(values, 50):.2f} s",
                      f"{p}{name}_p95: {percentile(values, 95):.2f} s",
                      f"{p}{name}_p99: {percentile(values, 99):.2f} s"]
    if sampler is not None:
        for name in sorted(sampler.pids):
            lines += [f"{p}{name}_rss_peak: {sampler.peak.get(name, 0):.0f} MB",
                      f"{p}{name}_cpu: {sampler.cpu_percent(name):.0f} %"]
    return lines


def utc_stamp() -> str:
    return dt.datetime.now(dt.UTC).strftime("%H:%M:%S")
