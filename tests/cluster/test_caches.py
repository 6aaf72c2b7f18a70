"""Caches stay correct across servers: each server keeps its own Streamlit caches, so a
cached read must notice a change written through another server (issue #21, item 2).

The "other server" here is a second engine writing to the same database file.
"""

from __future__ import annotations

import streamlit as st
from sqlmodel import select

from storage.db import make_engine, write_session
from storage.models import Campaign, Site
from tests.demo_db import use_database
from ui import data


def test_units_and_campaigns_follow_the_database(demo_url, tmp_path, monkeypatch):  # noqa: ANN001
    import shutil

    src = demo_url.removeprefix("sqlite:///")
    copy = tmp_path / "cache.db"
    shutil.copy(src, copy)
    url = f"sqlite:///{copy}"
    monkeypatch.setenv("DATABASE_URL", url)
    use_database(url)
    st.cache_data.clear()
    before = data.unit_table()
    site_id = int(before["site_id"].iloc[0])
    statuses = dict(zip(data.campaign_table()["campaign_id"], data.campaign_table()["status"]))
    assert data.unit_table() is not None  # a second call is served from the cache

    other = make_engine(url)  # another server's process writes
    with write_session(other) as s:
        site = s.get(Site, site_id)
        site.name = site.name + " (renamed)"
        open_one = s.exec(select(Campaign).where(Campaign.status == "open")).first()
        open_one.status = "closed"
    other.dispose()

    after = data.unit_table()
    assert after.loc[after["site_id"] == site_id, "site"].iloc[0].endswith("(renamed)")
    now = dict(zip(data.campaign_table()["campaign_id"], data.campaign_table()["status"]))
    assert now[open_one.id] == "closed" and statuses[open_one.id] == "open"
    st.cache_data.clear()
