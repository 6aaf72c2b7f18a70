"""Shared fixtures: a migrated database on SQLite and on PostgreSQL.

`make test` (scripts/test.sh) starts a throwaway PostgreSQL and exports its URL
as RELAIS_TEST_PG_URL. Without it, PostgreSQL tests fail in CI and are skipped
loudly elsewhere, never silently.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from storage.db import make_engine
from storage.migrate import upgrade

DB_KINDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]

# `make test` runs the suite on two xdist workers. Tests that start servers and browsers,
# or that drive a crowd of sessions, run one after another in one of two groups (each group
# on one worker), so at most two servers with their browsers share the two cores; every
# other test module goes whole to one worker or the other. The accessibility audits are
# a group of their own (about a third of the browser time), the journeys and crowds the other.
SERIAL_DIRS = ("browser", "cluster")
SERIAL_FILES = ("survey/test_concurrency.py", "survey/test_crash.py", "planning/test_jobs.py",
                "recognition/test_status_http.py", "test_deploy_config.py")
AUDIT_FILES = ("browser/test_accessibility.py", "browser/test_questionnaire_a11y.py")


def pytest_configure(config) -> None:  # noqa: ANN001
    # Runtime state (SQLite file, badge key) of this test process and the servers it starts
    # goes to a folder of its own, never to ./var, so parallel workers never share a file.
    # (xdist workers inherit the controller's environment: a folder this hook chose there
    # is replaced by one per worker; a folder the person running the tests chose is kept)
    ours = os.environ.get("RELAIS_TEST_OWN_DATA_DIR")
    if "RELAIS_DATA_DIR" not in os.environ or os.environ["RELAIS_DATA_DIR"] == ours:
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        os.environ["RELAIS_DATA_DIR"] = tempfile.mkdtemp(prefix=f"relais-test-{worker}-")
        os.environ["RELAIS_TEST_OWN_DATA_DIR"] = os.environ["RELAIS_DATA_DIR"]
    # Tests read the figures right after a submission: publish on every submission (the
    # clock-based publication is tested on its own in tests/ui/test_data_version.py).
    os.environ.setdefault("RELAIS_PUBLISH_SECONDS", "0")


def work_unit(nodeid: str) -> str:
    """The xdist work unit of a test: its group, or else its module (a module stays whole on
    one worker, in file order, as in a one-process run: module fixtures are built once, and
    a test may build on the one before it)."""
    rel = nodeid.split("::", 1)[0].removeprefix("tests/")
    if rel in AUDIT_FILES:
        return "audits"
    if rel.split("/")[0] in SERIAL_DIRS or rel in SERIAL_FILES:
        return "serial"
    return rel


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):  # noqa: ANN001, ANN201
    # (xdist's own --dist loadgroup renames node ids, which pytest 9 no longer allows;
    # a scope scheduler with our own units does the same without touching them)
    from xdist.scheduler import LoadScopeScheduling

    class Units(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return work_unit(nodeid)

    return Units(config, log)


def pg_admin_url() -> str:
    """The throwaway server's URL, or fail (CI) / skip loudly (elsewhere)."""
    url = os.environ.get("RELAIS_TEST_PG_URL", "")
    if not url or url == "unavailable":
        msg = "PostgreSQL test server not running (start the suite with `make test`)"
        if os.environ.get("CI") == "true" or url == "unavailable":
            pytest.fail(msg)
        pytest.skip(msg)
    return url


def fresh_pg_url() -> str:
    """Create an empty database on the test server and return its URL."""
    admin = make_url(pg_admin_url())
    name = "t_" + uuid.uuid4().hex[:12]
    eng = create_engine(admin, isolation_level="AUTOCOMMIT")
    with eng.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    eng.dispose()
    return admin.set(database=name).render_as_string(hide_password=False)


def fresh_url(kind: str, tmp_path) -> str:  # noqa: ANN001
    """URL of a new, empty database of the given kind."""
    return f"sqlite:///{tmp_path / 'relais.db'}" if kind == "sqlite" else fresh_pg_url()


@pytest.fixture(params=DB_KINDS)
def db_url(request, tmp_path) -> str:  # noqa: ANN001
    """URL of a new, migrated database, once on SQLite and once on PostgreSQL."""
    url = fresh_url(request.param, tmp_path)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


@pytest.fixture
def engine(db_url):  # noqa: ANN001
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def sqlite_engine(tmp_path):  # noqa: ANN001
    eng = make_engine(f"sqlite:///{tmp_path / 'relais.db'}")
    upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture(scope="session")
def demo_url(tmp_path_factory) -> str:  # noqa: ANN001
    """A SQLite database holding the default demo organisation (built once per run)."""
    from tests.demo_db import build_demo_db

    return build_demo_db(tmp_path_factory.mktemp("demo"))


@pytest.fixture
def deferred(monkeypatch):  # noqa: ANN001
    """Builders of deferred downloads by file id, as Streamlit registers them (AppTest's
    runtime lives only during a run, so a test calls the builder directly, as the server
    would on a click)."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    builders = {}
    original = MediaFileManager.add_deferred

    def spy(self, data_callable, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
        file_id = original(self, data_callable, *args, **kwargs)
        builders[file_id] = data_callable
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", spy)
    return builders
