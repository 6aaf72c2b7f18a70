"""Results shared by every server (storage.snapshots), on SQLite and PostgreSQL: computed once,
read back by another process, never read when forged, expired or computed for other inputs."""

import datetime as dt
import threading
import time

import pytest
from sqlalchemy import select, update

from storage import snapshots
from storage.db import read_session, write_session
from storage.models import Consent, Person, PersonTrade, SharedResult, Setting, Site, utcnow
from tests.storage.test_storage import seed


class Counter:
    def __init__(self, value):
        self.calls, self.value = 0, value

    def __call__(self):
        self.calls += 1
        return self.value


@pytest.fixture
def key(monkeypatch):
    """A fixed signing key, as every server of a deployment derives from its cookie secret."""
    monkeypatch.setattr(snapshots, "_signing_key", lambda: b"k" * 32)
    return b"k" * 32


def test_computed_once_then_read_back(engine, key):
    compute = Counter({"frame": [1, 2, 3]})
    assert snapshots.shared(engine, "t", (1, "a"), compute) == {"frame": [1, 2, 3]}
    again = Counter({"other": 0})
    assert snapshots.shared(engine, "t", (1, "a"), again) == {"frame": [1, 2, 3]}
    assert (compute.calls, again.calls) == (1, 0)
    # other inputs, another kind: computed for themselves
    assert snapshots.shared(engine, "t", (2, "a"), Counter("two")) == "two"
    assert snapshots.shared(engine, "u", (1, "a"), Counter("u")) == "u"
    with read_session(engine) as s:
        assert sorted(s.execute(select(SharedResult.kind)).scalars()) == ["t", "t", "u"]


def test_a_forged_payload_is_never_unpickled(engine, key):
    snapshots.shared(engine, "t", (1,), Counter("true figure"))
    import pickle
    import zlib

    forged = zlib.compress(pickle.dumps("forged figure"))
    with write_session(engine) as s:  # someone who can write to the database, not the key
        s.execute(update(SharedResult).values(payload=forged))
    compute = Counter("true figure")
    assert snapshots.shared(engine, "t", (1,), compute) == "true figure"
    assert compute.calls == 1
    with read_session(engine) as s:  # and the forged row was replaced by a signed one
        payload, mac = s.execute(select(SharedResult.payload, SharedResult.mac)).one()
    assert bytes(payload) != forged and mac == snapshots._mac(bytes(payload))


def test_another_deployment_key_reads_nothing(engine, monkeypatch):
    monkeypatch.setattr(snapshots, "_signing_key", lambda: b"a" * 32)
    snapshots.shared(engine, "t", (1,), Counter("from a"))
    monkeypatch.setattr(snapshots, "_signing_key", lambda: b"b" * 32)
    compute = Counter("from b")
    assert snapshots.shared(engine, "t", (1,), compute) == "from b" and compute.calls == 1


def test_the_signing_key_comes_from_the_cookie_secret(tmp_path, monkeypatch):
    import accounts.secrets as sec

    path = tmp_path / "secrets.toml"
    monkeypatch.setattr(sec, "SECRETS_PATH", path)
    snapshots._signing_key.cache_clear()
    try:
        random_a = snapshots._signing_key()
        snapshots._signing_key.cache_clear()
        assert snapshots._signing_key() != random_a  # no secret: a key of this process only
        sec.ensure_cookie_secret(path)
        snapshots._signing_key.cache_clear()
        first = snapshots._signing_key()
        snapshots._signing_key.cache_clear()
        assert snapshots._signing_key() == first  # every server with the file derives the same
        assert path.read_text().find(first.hex()) == -1  # derived, not the secret itself
    finally:
        snapshots._signing_key.cache_clear()


def test_expired_results_are_computed_again_and_pruned(engine, key):
    snapshots.shared(engine, "t", (1,), Counter("old"))
    snapshots.shared(engine, "t", (2,), Counter("old too"))
    with write_session(engine) as s:
        s.execute(update(SharedResult).values(created_at=utcnow() - dt.timedelta(hours=2)))
    compute = Counter("new")
    assert snapshots.shared(engine, "t", (1,), compute, ttl=3600) == "new" and compute.calls == 1
    with read_session(engine) as s:  # the other expired row went with the write
        assert s.execute(select(SharedResult.kind)).scalars().all() == ["t"]


def test_other_code_reads_nothing(engine, key, monkeypatch):
    snapshots.shared(engine, "t", (1,), Counter("v1"))
    monkeypatch.setattr(snapshots, "code_version", lambda: "another release")
    assert snapshots.shared(engine, "t", (1,), Counter("v2")) == "v2"


def test_context_version_moves_with_what_figures_depend_on(engine):
    with write_session(engine) as s:
        site, person, _, _ = seed(s)
        site_id, person_id = site.id, person.id
    seen = [snapshots.context_version(engine)]

    def moved(change) -> None:
        with write_session(engine) as s:
            change(s)
        seen.append(snapshots.context_version(engine))
        assert seen[-1] != seen[-2], change

    moved(lambda s: s.add(Consent(person_id=person_id, kind="named_to_lead", granted=True)))
    moved(lambda s: s.add(PersonTrade(person_id=person_id, trade="batiment")))
    moved(lambda s: s.execute(update(PersonTrade).values(trade="sante",
                                                         updated_at=utcnow() + dt.timedelta(seconds=1))))
    moved(lambda s: s.add(Setting(key="k", value={"k": 7})))
    moved(lambda s: s.execute(update(Site).where(Site.id == site_id).values(name="Rennes Nord")))
    moved(lambda s: s.execute(update(Person).where(Person.id == person_id)
                              .values(erased=True, updated_at=utcnow() + dt.timedelta(seconds=2))))


def test_an_erasure_forgets_every_shared_result(engine, key):
    from privacy.erase import erase_person

    with write_session(engine) as s:
        _, person, _, _ = seed(s)
        person_id = person.id
    snapshots.shared(engine, "t", (1,), Counter("before"))
    erase_person(engine, person_id)
    with read_session(engine) as s:
        assert s.execute(select(SharedResult)).first() is None


def test_a_failed_write_still_returns_the_figure(engine, key, monkeypatch):
    from sqlalchemy.exc import OperationalError

    def broken(*_a, **_k):
        raise OperationalError("INSERT", {}, Exception("disk full"))

    monkeypatch.setattr(snapshots, "_write", broken)
    assert snapshots.shared(engine, "t", (1,), Counter("figure")) == "figure"


def test_servers_missing_together_compute_once(db_url, key):
    """Several servers (engines with their own pools) miss the same result at once: on
    PostgreSQL one computes while the others wait for its row; SQLite serves one server."""
    from storage.db import make_engine

    if not db_url.startswith("postgresql"):
        pytest.skip("one server on SQLite: the advisory lock is PostgreSQL's")
    from storage.migrate import upgrade

    engines = [make_engine(db_url) for _ in range(4)]
    upgrade(engines[0])
    calls, results, lock = [], [], threading.Lock()

    def compute():
        with lock:
            calls.append(1)
        time.sleep(1.0)
        return "figure"

    def server(eng):
        results.append(snapshots.shared(eng, "t", ("peak",), compute))

    threads = [threading.Thread(target=server, args=(e,)) for e in engines]
    for th in threads:
        th.start()
    for th in threads:
        th.join(30)
    for e in engines:
        e.dispose()
    assert results == ["figure"] * 4
    assert len(calls) == 1


def test_rows_signed_with_another_key_are_left_to_their_own_processes(engine, monkeypatch):
    """A process with another key (a misconfigured worker, another test's server) neither
    takes nor drops what this deployment queued, and is not counted as its worker."""
    from dashboards import published

    monkeypatch.setattr(snapshots, "_signing_key", lambda: b"a" * 32)
    snapshots.put(engine, "request", ("figure", snapshots.key_id()), {"kind": "overview"})
    published.heartbeat(engine)
    assert published.worker_alive(engine)
    monkeypatch.setattr(snapshots, "_signing_key", lambda: b"b" * 32)  # the foreign process
    assert snapshots.requests(engine, "request") == []
    assert not published.worker_alive(engine)
    monkeypatch.setattr(snapshots, "_signing_key", lambda: b"a" * 32)
    assert [v for _, v in snapshots.requests(engine, "request")] == [{"kind": "overview"}]
