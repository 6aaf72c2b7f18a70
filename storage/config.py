"""Where Relais keeps its data, from the environment."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    """Folder for the SQLite file and other runtime state (RELAIS_DATA_DIR, default ./var)."""
    path = Path(os.environ.get("RELAIS_DATA_DIR", ROOT / "var"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_url() -> str:
    """DATABASE_URL, or a SQLite file in the data folder."""
    url = os.environ.get("DATABASE_URL", "").strip()
    return url or f"sqlite:///{data_dir() / 'relais.db'}"


def demo_mode() -> bool:
    """Demo sign-in is offered only when RELAIS_DEMO is on (default on)."""
    return os.environ.get("RELAIS_DEMO", "1").lower() not in {"0", "false", "no", "off"}


def publish_seconds() -> int:
    """How often, at most, the score figures of an open campaign are rebuilt and may move
    (RELAIS_PUBLISH_SECONDS, default 60; 0 rebuilds them on every new submission).

    Figures move in release steps anyway (see docs/disclosure.md); publishing them on a
    clock keeps a campaign peak from rebuilding every director's overview on each
    submission. Invalid values fall back to the default.
    """
    raw = os.environ.get("RELAIS_PUBLISH_SECONDS", "").strip()
    try:
        value = int(raw) if raw else 60
    except ValueError:
        return 60
    return max(0, value)
