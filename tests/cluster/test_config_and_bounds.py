"""The proxy configuration HAProxy accepts, and the load generator's bounds (issue #21)."""

from __future__ import annotations

import subprocess

import pytest

from cluster import loadgen
from cluster.run import haproxy_binary, render_config


def test_rendered_config_is_valid_for_haproxy(tmp_path):  # noqa: ANN001
    text = render_config([8601, 8602], 8600, hosts=["10.0.0.5", "10.0.0.6"])
    assert "server s1 10.0.0.5:8601 cookie s1" in text
    assert "server s2 10.0.0.6:8602 cookie s2" in text
    assert "bind 127.0.0.1:8600" in text
    cfg = tmp_path / "haproxy.cfg"
    cfg.write_text(text, encoding="utf-8")
    check = subprocess.run([haproxy_binary(), "-c", "-f", str(cfg)], capture_output=True,
                           text=True)
    assert check.returncode == 0, check.stderr + check.stdout


@pytest.mark.parametrize("url, users, seconds", [
    ("http://10.1.2.3:8500", 5, 60),       # not loopback
    ("http://example.org", 5, 60),
    ("http://127.0.0.1:8500", 0, 60),      # no user
    ("http://127.0.0.1:8500", 5000, 60),   # too many
    ("http://127.0.0.1:8500", 5, 7200),    # too long
])
def test_load_generator_refuses_out_of_bounds(url, users, seconds):  # noqa: ANN001
    with pytest.raises(loadgen.LoadError):
        loadgen.check_bounds(url, users, seconds)


def test_load_generator_accepts_loopback():
    loadgen.check_bounds("http://127.0.0.1:8500", 200, 900)
    loadgen.check_bounds("http://localhost:8500", 1, 1)


def test_loadtest_refuses_a_real_organisation(tmp_path, monkeypatch, capsys):  # noqa: ANN001
    """Not the demo database: no personal link is replaced, the command says why."""
    import manage
    from storage.db import get_engine

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'real.db'}")
    get_engine.cache_clear()
    try:
        assert manage.main(["loadtest", "--users", "2", "--url", "http://127.0.0.1:1"]) == 2
    finally:
        get_engine.cache_clear()
    assert "demo" in capsys.readouterr().err


def test_serve_refuses_sqlite_for_several_servers(tmp_path, monkeypatch, capsys):  # noqa: ANN001
    import manage
    from storage.db import get_engine

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'one.db'}")
    get_engine.cache_clear()
    try:
        assert manage.main(["serve", "--replicas", "2"]) == 2
    finally:
        get_engine.cache_clear()
    assert "PostgreSQL" in capsys.readouterr().err
