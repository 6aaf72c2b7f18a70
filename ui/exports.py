"""Every download goes through here: the role is checked and the export is audited."""

from __future__ import annotations

from collections.abc import Callable

from access import can_export, record_export
from ui import context
from ui.auth import where


def allowed(export_id: str) -> bool:
    """May the signed-in viewer run this export?"""
    viewer = context.viewer()
    return viewer is not None and can_export(viewer.role, export_id)


def audited(export_id: str, build: Callable[[], bytes | str],
            detail: dict | None = None) -> Callable[[], bytes | str]:
    """A deferred download builder that re-checks the role and audits the export when clicked.

    Who, where and the engine are read now, during the page run: Streamlit calls a
    deferred builder outside the script run, where the session is not available.
    """
    viewer, engine, origin = context.viewer(), context.engine(), where()
    role = viewer.role if viewer else None
    person_id = viewer.person_id if viewer else None

    def run() -> bytes | str:
        record_export(engine, role, person_id, export_id, detail or {}, where=origin)
        return build()

    return run
