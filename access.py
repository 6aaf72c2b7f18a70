"""Who may run which export, and which sites a viewer may see: one table, checked everywhere.

Pages are guarded by ui.navigation.PAGES; exports (buttons and the command line)
call :func:`require_export`, so hiding a button is never the only protection.
"""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.engine import Engine

from i18n import RelaisError

EXPORTS: dict[str, frozenset[str]] = {
    "overview_xlsx": frozenset({"director", "admin"}),
    "site_xlsx": frozenset({"manager", "director", "admin"}),
    "gaps_xlsx": frozenset({"director", "admin"}),
    "action_plan_xlsx": frozenset({"manager", "director", "admin"}),
    "champions_csv": frozenset({"lead"}),
    "cohorts_xlsx": frozenset({"lead", "director"}),
    "cohorts_ics": frozenset({"lead", "director"}),
    "personal_result_pdf": frozenset({"trainer", "manager"}),  # their own, from their link
    "person_json": frozenset({"admin"}),
    "audit_csv": frozenset({"admin"}),
    "links_csv": frozenset({"admin"}),
    "qualiopi_pack": frozenset({"director", "admin"}),  # issue 20: evidence for auditors
}


class HasRole(Protocol):
    role: str
    site_id: int | None


def can_export(role: str | None, export_id: str) -> bool:
    """True if role may run export_id (unknown exports are refused)."""
    return role is not None and role in EXPORTS.get(export_id, frozenset())


def require_export(role: str | None, export_id: str) -> None:
    """Raise a RelaisError unless role may run export_id."""
    if not can_export(role, export_id):
        raise RelaisError("You are not allowed to run this export.")


def record_export(engine: Engine, role: str | None, person_id: int | None, export_id: str,
                  detail: dict | None = None, where: str = "app") -> None:
    """Check the role may run export_id, then write it to the audit log (call before serving).

    The person is read again: a page drawn before an admin deactivated, erased or demoted
    them must not still hand out files, so their current role is the one checked.
    """
    from storage import audit
    from storage.db import write_session
    from storage.models import Person

    require_export(role, export_id)
    with write_session(engine) as s:
        actor = s.get(Person, person_id) if person_id is not None else None
        if person_id is not None and (actor is None or not actor.active or actor.erased):
            raise RelaisError("Your account is no longer active: nothing was exported.")
        if actor is not None:
            require_export(actor.role, export_id)
        audit.record(s, actor, "export", export_id, detail, where)


def site_scope(viewer: HasRole) -> int | None:
    """The only site a viewer may see figures of; None means every site.

    Managers see their own site; a manager without a site sees none (-1 matches no row).
    """
    if viewer.role == "manager":
        return viewer.site_id if viewer.site_id is not None else -1
    if viewer.role in {"director", "lead", "admin"}:
        return None
    return viewer.site_id if viewer.site_id is not None else -1


def may_see_site(viewer: HasRole, site_id: int) -> bool:
    scope = site_scope(viewer)
    return scope is None or scope == site_id
