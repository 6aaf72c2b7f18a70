"""The badges' revocation list over HTTP, from the running app, as an outside verifier sees it.

A verifier outside Relais follows the ``statusListCredential`` URL written in a badge,
fetches the signed list and reads the badge's bit. Here that is done for real: the
server is ``streamlit run serve.py`` (what ``make run`` starts), then two such servers
behind HAProxy on PostgreSQL (what ``manage.py serve`` starts; checked inside the
cluster test, which already runs them: ``check_behind_proxy``); the list is fetched
with openbadgeslib's own downloader and checked with its verifier, and its bits are
also read by hand following the W3C Bitstring Status List decoding.
"""

from __future__ import annotations

import base64
import gzip
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from openbadgeslib.ob3 import OB3VerificationError, OB3Verifier
from openbadgeslib.util import download_file
from sqlmodel import select

from cluster.run import free_port, wait_http
from i18n import RelaisError
from recognition import badges
from recognition.keys import load_key
from storage.db import make_engine, read_session
from storage.migrate import upgrade
from storage.models import Person
from tests.recognition.test_badges import AREAS, attendance, payload, people

ROOT = Path(__file__).resolve().parents[2]


def fetch(url: str) -> bytes:
    # the library's fetcher; plain HTTP and loopback allowed only because the test server is
    return download_file(url, allow_insecure=True, allow_private=True)


def status_of(token: str) -> tuple[str, int]:
    entry = payload(token)["credentialStatus"]
    if isinstance(entry, list):
        (entry,) = entry
    return entry["statusListCredential"], int(entry["statusListIndex"])


def bit(list_jwt: str, index: int) -> bool:
    """W3C Bitstring Status List: encodedList is 'u' + base64url(GZIP(bitstring)), bit 0 is
    the left-most bit of the first byte."""
    subject = payload(list_jwt)["credentialSubject"]
    encoded = subject["encodedList"]
    assert encoded.startswith("u")
    raw = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    return bool(raw[index // 8] & (0x80 >> (index % 8)))


def is_valid(token: str, did: str) -> bool:
    try:
        OB3Verifier.for_issuer_did(did).verify(
            token, check_status=True, verify_status_list=True, download=fetch
        )
    except OB3VerificationError as err:
        assert "is set" in str(err), err  # revoked, not broken
        return False
    return True


def issue(url: str, key_file: Path, base: str, monkeypatch):  # noqa: ANN001, ANN201
    """Two badges (a relay's, a learner's) written with base as the public address; the
    learner's revoked. Returns engine, key, relay token, learner token."""
    monkeypatch.setenv("RELAIS_PUBLIC_URL", base)
    engine = make_engine(url)
    upgrade(engine)
    key = load_key(key_file)
    relay, learner, lead = people(engine)
    assert badges.issue_badges(engine, attendance(relay, [learner]), key, "Org", AREAS) == 2
    (led,) = badges.badges_of(engine, relay)
    (done,) = badges.badges_of(engine, learner)
    with read_session(engine) as s:
        actor = s.get(Person, lead)
    badges.revoke(engine, done.id, actor, "test")
    return engine, key, actor, led, done


def check_served(base: str, key, led, done) -> str:  # noqa: ANN001
    """The URL in both badges is base's route; it serves a signed list that the library
    and a hand decoding both read as: the relay's badge valid, the learner's revoked."""
    (url, led_index), (url2, done_index) = status_of(led.token), status_of(done.token)
    assert url == url2 == base + "/badges/status/revocation"
    # as a browser-based verifier on another site asks for it
    asked = urllib.request.Request(url, headers={"Origin": "https://verifier.example"})
    with urllib.request.urlopen(asked, timeout=10) as response:
        assert response.headers["Content-Type"].startswith("application/vc+jwt")
        # public and cacheable, whichever server answered (the proxy adds no sticky cookie)
        assert response.headers.get_all("Cache-Control") == ["public, max-age=300"]
        assert response.headers["Set-Cookie"] is None
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        served = response.read().decode()
    assert payload(served)["issuer"] == key.did
    assert payload(served)["id"] == url
    assert not bit(served, led_index) and bit(served, done_index)
    assert is_valid(led.token, key.did)
    assert not is_valid(done.token, key.did)
    return served


def test_make_run_server_serves_the_list_and_a_new_revocation_at_once(tmp_path,
                                                                      monkeypatch):  # noqa: ANN001
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    db = f"sqlite:///{tmp_path / 'relais.db'}"
    key_file = tmp_path / "badge_key.pem"
    engine, key, actor, led, done = issue(db, key_file, base, monkeypatch)
    env = {**os.environ, "DATABASE_URL": db, "RELAIS_BADGE_KEY": str(key_file),
           "RELAIS_PUBLIC_URL": base}
    with (tmp_path / "server.log").open("w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "serve.py", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true",
             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_http(base + "/_stcore/health", proc, timeout=60)
        check_served(base, key, led, done)
        # the lead revokes the relay's badge: the very next fetch says so
        badges.revoke(engine, led.id, actor, "test")
        assert not is_valid(led.token, key.did)
    finally:
        proc.terminate()
        proc.wait(10)


def check_behind_proxy(cluster, engine) -> None:  # noqa: ANN001
    """Called by tests/cluster/test_cluster.py inside its running cluster (two servers behind
    HAProxy on PostgreSQL, the badge key at its default place as with `manage.py serve`):
    badges naming the proxy's address are checked through it as in the single-server
    test, each server answers the same bits from the shared database, and a revocation
    shows on the next fetch from either server. The badges go to two of the database's
    trainers: adding people would end the demo sign-in the cluster test uses next."""
    with read_session(engine) as s:
        relay, learner = s.exec(select(Person.id).where(Person.role == "trainer")
                                .order_by(Person.id).limit(2)).all()
    before = os.environ.get("RELAIS_PUBLIC_URL")
    os.environ["RELAIS_PUBLIC_URL"] = cluster.url
    try:
        key = load_key()
        assert badges.issue_badges(engine, attendance(relay, [learner]), key, "Org", AREAS) == 2
    finally:
        if before is None:
            del os.environ["RELAIS_PUBLIC_URL"]
        else:
            os.environ["RELAIS_PUBLIC_URL"] = before
    (led,) = badges.badges_of(engine, relay)
    (done,) = badges.badges_of(engine, learner)
    badges.revoke(engine, done.id, None, "cluster test")
    check_served(cluster.url, key, led, done)
    for server in cluster.servers:
        served = fetch(server.url + badges.STATUS_PATH).decode()
        assert bit(served, done.status_index) and not bit(served, led.status_index)
    badges.revoke(engine, led.id, None, "cluster test")
    for server in cluster.servers:
        assert bit(fetch(server.url + badges.STATUS_PATH).decode(), led.status_index)


def test_no_key_no_list(tmp_path, monkeypatch):  # noqa: ANN001
    monkeypatch.setenv("RELAIS_BADGE_KEY", str(tmp_path / "absent.pem"))
    engine = make_engine(f"sqlite:///{tmp_path / 'r.db'}")
    upgrade(engine)
    assert badges.served_status_list(engine) is None
    assert not (tmp_path / "absent.pem").exists()  # serving never makes a key


def test_the_list_says_how_long_it_may_be_cached(tmp_path, monkeypatch):  # noqa: ANN001
    monkeypatch.setenv("RELAIS_BADGE_KEY", str(tmp_path / "k.pem"))
    engine = make_engine(f"sqlite:///{tmp_path / 'r.db'}")
    upgrade(engine)
    load_key()
    subject = payload(badges.served_status_list(engine))["credentialSubject"]
    assert subject["ttl"] == badges.STATUS_TTL_MS


def test_a_badge_issued_under_another_address_is_still_checked_here(sqlite_engine, tmp_path,
                                                                   monkeypatch):  # noqa: ANN001
    """manage.py verify-badge run without make run's RELAIS_PUBLIC_URL still reads this
    database's list for a badge that names the make run address."""
    key = load_key(tmp_path / "k.pem")
    monkeypatch.setenv("RELAIS_PUBLIC_URL", "http://127.0.0.1:8501")
    relay, learner, _ = people(sqlite_engine)
    badges.issue_badges(sqlite_engine, attendance(relay, [learner]), key, "Org", AREAS)
    (mine,) = badges.badges_of(sqlite_engine, learner)
    monkeypatch.setenv("RELAIS_PUBLIC_URL", "https://relais.example.org")
    assert badges.verify(mine.token, key, badges.status_list(sqlite_engine, key)).credential_id
    badges.revoke(sqlite_engine, mine.id, None)
    with pytest.raises(RelaisError, match="revoked"):
        badges.verify(mine.token, key, badges.status_list(sqlite_engine, key))
