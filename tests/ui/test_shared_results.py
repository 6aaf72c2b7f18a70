"""A server that starts (empty caches) reads the overview another server computed, from the
database, instead of rebuilding it from the scores; a change the figures depend on makes
every server compute afresh (storage.snapshots through ui.data, ui.learners_view, ui.official)."""

import time

import pytest
import streamlit as st
from sqlalchemy import select, update

import scoring.data
import ui.data
from storage import snapshots
from storage.db import make_engine, read_session, write_session
from storage.models import SharedResult, Site
from tests.demo_db import use_database
from tests.ui.apptest import demo_viewer, run_page


@pytest.fixture(autouse=True)
def _demo(demo_url):
    use_database(demo_url)


@pytest.fixture
def loads(monkeypatch):
    """Counts campaigns read from the stored scores (what a figure built afresh starts with)."""
    calls = []
    real = scoring.data.load_campaign

    def counted(engine, campaign_id):  # noqa: ANN001
        calls.append(campaign_id)
        return real(engine, campaign_id)

    monkeypatch.setattr(ui.data, "load_campaign", counted)
    return calls


def new_server() -> None:
    """What a server that just started has: no figure in memory."""
    st.cache_data.clear()
    st.cache_resource.clear()


def shown(at) -> list[tuple[str, str]]:  # noqa: ANN001
    return [(m.label, m.value) for m in at.metric]


def test_a_new_server_reads_the_overview_instead_of_computing_it(demo_url, loads):
    viewer = demo_viewer(demo_url, "director")
    new_server()
    first = run_page("pages/overview.py", viewer)
    assert not first.exception, first.exception
    engine = make_engine(demo_url)
    try:
        with read_session(engine) as s:
            kinds = set(s.execute(select(SharedResult.kind)).scalars())
        assert {"overview", "learners", "region_gaps"} <= kinds

        new_server()
        loads.clear()
        second = run_page("pages/overview.py", viewer)
        assert not second.exception, second.exception
        assert loads == []  # nothing rebuilt from the scores
        assert shown(second) == shown(first)

        # a site renamed: figures carry site names, so every server computes afresh
        with write_session(engine) as s:
            site = s.execute(select(Site).order_by(Site.id)).scalars().first()
            site_id, city = site.id, site.city
            s.execute(update(Site).where(Site.id == site_id).values(city=city + " (annexe)"))
        try:
            new_server()
            third = run_page("pages/overview.py", viewer)
            assert not third.exception, third.exception
            assert loads  # computed from the scores again
        finally:
            with write_session(engine) as s:
                s.execute(update(Site).where(Site.id == site_id).values(city=city))
    finally:
        engine.dispose()
        new_server()


def test_english_is_shared_apart_from_french(demo_url, loads):
    """The language is part of what a shared overview is for: area names differ."""
    from scoring.data import campaign_ids, load_campaign
    from tests.ui.apptest import texts

    viewer = demo_viewer(demo_url, "director")
    engine = make_engine(demo_url)
    try:
        q = load_campaign(engine, campaign_ids(engine)[-1]).trainer_questionnaire
        new_server()
        fr = run_page("pages/overview.py", viewer, lang="fr")
        new_server()
        en = run_page("pages/overview.py", viewer, lang="en")
        assert not fr.exception and not en.exception
        with read_session(engine) as s:
            assert len(s.execute(select(SharedResult.key).where(SharedResult.kind == "overview")).all()) >= 2
    finally:
        engine.dispose()
        new_server()
    english = {a.name.en for a in q.areas} - {a.name.fr for a in q.areas}
    assert english and any(name in texts(en) for name in english)
    assert not any(name in texts(fr) for name in english)


def test_the_worker_prepares_the_slot_a_director_then_reads(demo_url, loads, monkeypatch):
    """With scores published on a clock, the worker's publisher computes the slot's default
    views; a director's first page on a server that just started computes nothing: the
    publisher and the pages build the same keys (dashboards.published)."""
    from dashboards import published

    monkeypatch.setenv("RELAIS_PUBLISH_SECONDS", "3600")  # one slot for the whole test
    engine = make_engine(demo_url)
    try:
        with write_session(engine) as s:  # nothing left from the other tests
            s.execute(SharedResult.__table__.delete())
        from dashboards.units import campaigns

        table = campaigns(engine)
        cid = int(table.loc[table["status"] == "open", "campaign_id"].iloc[0])
        assert published.publish(engine) == []  # nobody reads it: nothing prepared
        published.note_demand(engine, cid, "fr")
        assert published.publish(engine) == [cid]
        with read_session(engine) as s:
            kinds = sorted(s.execute(select(SharedResult.kind)).scalars())
        assert kinds.count("overview") == 1  # French only: nobody read it in English
        published.note_demand(engine, cid, "en")  # an English-speaking director too
        assert published.publish(engine) == [cid]
        with read_session(engine) as s:
            kinds = sorted(s.execute(select(SharedResult.kind)).scalars())
        assert kinds.count("overview") == 2 and {"learners", "region_gaps", "publication"} <= set(kinds)
        done = [cid]
        assert published.publish(engine) == done  # a second pass reads them back
        with read_session(engine) as s:
            assert sorted(s.execute(select(SharedResult.kind)).scalars()) == kinds
        viewer = demo_viewer(demo_url, "director")
        for lang in ("fr", "en"):
            new_server()
            loads.clear()
            at = run_page("pages/overview.py", viewer, lang=lang)
            assert not at.exception, at.exception
            assert loads == []  # nothing rebuilt from the scores: the publisher's figures
        with write_session(engine) as s:  # what pages read is what the publisher prepares
            s.execute(SharedResult.__table__.delete().where(SharedResult.kind == "demand"))
        new_server()
        assert not published.demanded(engine, cid, "en")
        assert not run_page("pages/overview.py", viewer, lang="en").exception
        assert published.demanded(engine, cid, "en") and not published.demanded(engine, cid, "fr")
    finally:
        engine.dispose()
        new_server()


def test_every_server_shows_the_same_version_within_a_slot(demo_url, monkeypatch):
    """The slot's version is read once for the cluster: a server reading after a submission
    in the same slot still shows what the first one showed."""
    from dashboards import published

    monkeypatch.setenv("RELAIS_PUBLISH_SECONDS", "60")
    first, second = make_engine(demo_url), make_engine(demo_url)
    try:
        from dashboards.units import campaigns

        table = campaigns(first)
        cid = int(table.loc[table["status"] == "open", "campaign_id"].iloc[0])
        now = 1_900_000_020.0  # inside a slot no other test uses
        seen = published.published_version(first, cid, now=now)
        real = published.data_version
        monkeypatch.setattr(published, "data_version", lambda *_: ("a submission later",))
        assert published.published_version(second, cid, now=now + 30) == seen
        assert published.published_version(second, cid, now=now + 60) == ("a submission later",)
        monkeypatch.setattr(published, "data_version", real)
        monkeypatch.setenv("RELAIS_PUBLISH_SECONDS", "0")
        assert published.publish(first) == []  # every submission publishes: no slot to prepare
    finally:
        first.dispose()
        second.dispose()


def clear_shared(engine) -> None:  # noqa: ANN001
    with write_session(engine) as s:
        s.execute(SharedResult.__table__.delete())


def await_worker(engine, timeout: float) -> None:  # noqa: ANN001
    from dashboards import published

    deadline = time.monotonic() + timeout
    while not published.worker_alive(engine) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert published.worker_alive(engine), "the worker never beat"


@pytest.fixture
def worker(demo_url, monkeypatch):
    """The worker's publisher, in a thread of this process (the pages' requests, its
    heartbeat); every process of a deployment shares the signing key."""
    import threading

    from dashboards import published

    monkeypatch.setattr(snapshots, "key_is_shared", lambda: True)
    engine = make_engine(demo_url)
    clear_shared(engine)
    stop = threading.Event()
    thread = threading.Thread(target=published.publish_forever, args=(engine, stop.is_set), daemon=True)
    thread.start()
    await_worker(engine, 10)
    yield engine
    stop.set()
    thread.join(10)
    clear_shared(engine)
    engine.dispose()
    new_server()


def test_a_page_has_the_worker_compute_what_it_misses(demo_url, loads, worker):
    """At a peak, a director's first overview must not hold the web process (and its
    trainers) for seconds: the page asks the worker and waits."""
    viewer = demo_viewer(demo_url, "director")
    new_server()
    at = run_page("pages/overview.py", viewer, timeout=120)
    assert not at.exception, at.exception
    assert loads == []  # the web process read no campaign: the worker built every figure
    with read_session(worker) as s:
        kinds = set(s.execute(select(SharedResult.kind)).scalars())
    assert {"overview", "learners", "region_gaps"} <= kinds and "request" not in kinds


def test_when_the_worker_fails_the_page_computes_itself(demo_url, loads, worker, monkeypatch):
    from dashboards import published

    def broken(self, campaign_id, version):  # noqa: ANN001
        raise RuntimeError("the worker's database read failed")

    monkeypatch.setattr(published.Inputs, "campaign", broken)
    new_server()
    at = run_page("pages/overview.py", demo_viewer(demo_url, "director"), timeout=120)
    assert not at.exception, at.exception
    assert loads  # computed here after the worker dropped the request
    with read_session(worker) as s:
        assert "request" not in set(s.execute(select(SharedResult.kind)).scalars())


def _serve_in_child(url: str) -> None:
    """The worker's publisher in a forked process: a process of its own (its interpreter lock,
    its memory, its database connections) that signs with the parent's key, as a deployment's
    worker shares the servers' cookie secret."""
    from dashboards import published
    from storage.db import get_engine

    get_engine.cache_clear()  # the parent's pools stay the parent's
    published._KEPT.clear()
    published.publish_forever(make_engine(url))


def test_a_worker_in_another_process_computes_for_the_page(demo_url, loads, monkeypatch):
    """The delegation across processes: heartbeats, signed requests and signed results go
    through the database between the page's process and a worker's."""
    import multiprocessing

    from dashboards import published

    # a key of this process's own (as without a secrets file), drawn now and inherited by the
    # worker below: the same key in both, whatever this machine's .streamlit/secrets.toml holds
    monkeypatch.setattr(snapshots, "_cookie_secret", lambda: None)
    monkeypatch.setattr(snapshots, "key_is_shared", lambda: True)
    snapshots._signing_key.cache_clear()
    snapshots._signing_key()
    engine = make_engine(demo_url)
    clear_shared(engine)
    child = multiprocessing.get_context("fork").Process(target=_serve_in_child, args=(demo_url,),
                                                       daemon=True)
    child.start()
    try:
        await_worker(engine, 20)
        new_server()
        at = run_page("pages/overview.py", demo_viewer(demo_url, "director"), timeout=120)
        assert not at.exception, at.exception
        assert loads == []  # this process read no campaign: the other one built the figures
        assert shown(at)  # and the page shows them
        with read_session(engine) as s:
            kinds = set(s.execute(select(SharedResult.kind)).scalars())
        assert {"overview", "learners", "region_gaps"} <= kinds and "request" not in kinds
    finally:
        child.terminate()
        child.join(10)
        clear_shared(engine)
        engine.dispose()
        new_server()
        snapshots._signing_key.cache_clear()  # the next test derives it as this machine does
