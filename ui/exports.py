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
    """A deferred download builder that re-checks the role and audits the export when clicked."""

    def run() -> bytes | str:
        viewer = context.viewer()
        record_export(context.engine(), viewer.role if viewer else None,
                      viewer.person_id if viewer else None, export_id, detail or {},
                      where=where())
        return build()

    return run
