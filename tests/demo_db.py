"""One demo database per test session, shared by AppTest and browser tests."""

from __future__ import annotations

import os
from pathlib import Path

from storage.db import make_engine
from storage.migrate import upgrade


def build_demo_db(folder: Path, size: str = "default", seed: int = 7) -> str:
    """Create a SQLite demo database in folder and return its URL."""
    from demo.load import generate_and_load

    url = f"sqlite:///{folder / 'demo.db'}"
    engine = make_engine(url)
    upgrade(engine)
    generate_and_load(engine, size=size, seed=seed)
    engine.dispose()
    return url


def use_database(url: str) -> None:
    """Point the app (get_engine and AppTest runs) at url for this process.

    Streamlit's caches live as long as the process and are keyed by data fingerprints,
    which two demo databases built from the same seed share: switching databases empties
    them, so a page never reads figures cached from another test's database.
    """
    if os.environ.get("DATABASE_URL") != url:
        import streamlit as st

        st.cache_data.clear()
        st.cache_resource.clear()
    os.environ["DATABASE_URL"] = url
