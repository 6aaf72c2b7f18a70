"""Helpers to run pages in Streamlit's AppTest as a given demo person."""

from __future__ import annotations

import re
from pathlib import Path

from sqlmodel import select
from streamlit.testing.v1 import AppTest

from storage.db import make_engine, read_session
from storage.models import Person
from ui.context import Viewer

ROOT = Path(__file__).resolve().parents[2]
_MD_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")  # CommonMark: any ASCII punctuation


def script_path(script: str) -> str:
    """Absolute path of a script: AppTest resolves relative ones against the caller's folder."""
    return str(ROOT / script)


def demo_viewer(url: str, role: str) -> Viewer:
    """The first active person of role in the demo database, as a Viewer."""
    engine = make_engine(url)
    with read_session(engine) as s:
        p = s.exec(select(Person).where(Person.role == role, Person.active)
                   .order_by(Person.id)).first()
    engine.dispose()
    return Viewer(person_id=p.id, role=role, name=f"{p.first_name} {p.last_name}",
                  site_id=p.site_id, via="demo")


def run_page(script: str, viewer: Viewer | None, lang: str = "fr", timeout: float = 30) -> AppTest:
    """Run one page script directly (as if reached by URL) for viewer."""
    at = AppTest.from_file(str(ROOT / script), default_timeout=timeout)
    if viewer is not None:
        at.session_state["viewer"] = viewer
    at.session_state["lang"] = lang
    return at.run()


def texts(at: AppTest) -> str:
    """All visible text of a run, for assertions (Markdown's backslash escapes removed, as
    the browser shows them: typed names are escaped by ui.text.plain)."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning",
                 "error", "success", "metric"):
        for el in getattr(at, kind):
            parts.append(str(getattr(el, "value", "")) + " " + str(getattr(el, "label", "")))
    return _MD_ESCAPE.sub(r"\1", "\n".join(parts))
