from pathlib import Path

import pytest

from storage.db import write_session
from storage.models import Region, Site

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture
def lyon(engine):
    """A database with one region and the site Lyon Confluence (code LYON-CONF)."""
    with write_session(engine) as s:
        region = Region(code="ARA", name="Auvergne-Rhône-Alpes")
        s.add(region)
        s.flush()
        s.add(Site(code="LYON-CONF", name="Lyon Confluence", region_id=region.id))
    return engine


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()
