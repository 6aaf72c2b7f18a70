"""manage.py: import-roster (rejected with every line, then clean), reset, export, erase."""

import json

import pytest

import manage
from storage.db import get_engine, make_engine, write_session
from storage.migrate import upgrade
from storage.models import Person, Region, Site
from tests.roster.conftest import FIXTURES


@pytest.fixture
def cli_db(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with write_session(engine) as s:
        r = Region(code="ARA", name="Auvergne-Rhône-Alpes")
        s.add(r)
        s.flush()
        s.add(Site(code="LYON-CONF", name="Lyon Confluence", region_id=r.id))
        s.add(Person(first_name="Ada", last_name="A", email="ada@ex.fr", role="admin"))
    monkeypatch.setenv("DATABASE_URL", url)
    get_engine.cache_clear()
    yield engine
    get_engine.cache_clear()
    engine.dispose()


def test_import_roster_cli(cli_db, capsys):
    assert manage.main(["import-roster", str(FIXTURES / "roster_messy_fr.csv")]) == 2
    err = capsys.readouterr().err
    assert all(f"Ligne {n}" in err for n in (4, 5, 6, 7, 8, 11))
    args = ["import-roster", str(FIXTURES / "roster_clean_fr.csv"), "--create-sites"]
    assert manage.main([*args, "--dry-run"]) == 0
    assert "dry run" in capsys.readouterr().out
    assert manage.main(args) == 0
    assert "created=5" in capsys.readouterr().out
    assert manage.main(args) == 0
    assert "created=0, updated=0, unchanged=5" in capsys.readouterr().out


def test_reset_export_erase_cli(cli_db, capsys):
    manage.main(["import-roster", str(FIXTURES / "roster_clean_fr.csv"), "--create-sites"])
    capsys.readouterr()
    assert manage.main(["reset-password", "helene.boeuf@exemple.fr"]) == 0
    assert "one-time password" in capsys.readouterr().out
    assert manage.main(["export-person", "helene.boeuf@exemple.fr"]) == 0
    assert json.loads(capsys.readouterr().out)["person"]["last_name"] == "Bœuf"
    assert manage.main(["erase-person", "helene.boeuf@exemple.fr", "--yes"]) == 0
    capsys.readouterr()
    assert manage.main(["export-person", "helene.boeuf@exemple.fr"]) == 2
    assert manage.main(["anonymise-expired", "--days", "30"]) == 0
