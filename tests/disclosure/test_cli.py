"""The command line reads figures through the disclosure layer, and explains what it released."""

from __future__ import annotations

import manage
from storage.db import get_engine


def test_figures_and_release_log(demo_url, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", demo_url)
    get_engine.cache_clear()
    try:
        assert manage.main(["figures", "2", "--lang", "en"]) == 0
        out = capsys.readouterr().out
        assert "Sites" in out and "fewer than 5 responses" in out
        assert manage.main(["release-log", "2"]) == 0
        log = capsys.readouterr().out.splitlines()
        assert log[0].startswith("id;role;figure;n;reason")
        assert any(";trainer;org;" in line for line in log[1:])
        assert manage.main(["figures", "99"]) == 2
        assert "99" in capsys.readouterr().err
    finally:
        get_engine.cache_clear()
