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
