"""Which pages exist and which roles may see each (menu and direct URL alike)."""

from __future__ import annotations

from dataclasses import dataclass

from i18n import N_

ALL_ROLES = frozenset({"trainer", "manager", "director", "lead", "admin"})
STAFF = frozenset({"manager", "director", "lead", "admin"})
# Dashboards: the director (and admin) see every site, a manager their own site only.
DASHBOARD_ROLES = frozenset({"director", "manager", "admin"})


@dataclass(frozen=True)
class PageSpec:
    """A screen: its script, title (msgid), menu section (msgid) and allowed roles."""

    script: str
    title: str
    section: str
    roles: frozenset[str]
    icon: str = ":material/article:"
    url_path: str | None = None


PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/home.py", N_("Home"), N_("Relais"), ALL_ROLES, ":material/home:", "home"),
    PageSpec("pages/organisation.py", N_("Organisation"), N_("Administration"),
             frozenset({"admin", "director"}), ":material/apartment:", "organisation"),
    PageSpec("pages/campaigns.py", N_("Campaigns"), N_("Administration"),
             frozenset({"admin", "director"}), ":material/event:", "campaigns"),
    PageSpec("pages/overview.py", N_("Overview"), N_("Dashboards"), DASHBOARD_ROLES,
             ":material/dashboard:", "overview"),
    PageSpec("pages/site.py", N_("Site profile"), N_("Dashboards"), DASHBOARD_ROLES,
             ":material/location_city:", "site"),
    PageSpec("pages/action_plans.py", N_("Action plans"), N_("Dashboards"), DASHBOARD_ROLES,
             ":material/checklist:", "action-plans"),
    PageSpec("pages/champions_map.py", N_("Champions map"), N_("Analysis"),
             frozenset({"lead", "director"}), ":material/scatter_plot:", "champions"),
    PageSpec("pages/planner.py", N_("Cohort planner"), N_("Training of trainers"),
             frozenset({"lead", "director"}), ":material/calendar_month:", "planner"),
)

# Which role may download which export (checked before offering each download).
# Same ids as the auth branch's access.EXPORTS, so switching to it is a one-line change.
EXPORTS: dict[str, frozenset[str]] = {
    "overview_xlsx": frozenset({"director", "admin"}),
    "site_xlsx": frozenset({"manager", "director", "admin"}),
    "action_plan_xlsx": frozenset({"manager", "director", "admin"}),
}


def can_export(role: str | None, export_id: str) -> bool:
    """True if role may run export_id (unknown exports are refused)."""
    return role is not None and role in EXPORTS.get(export_id, frozenset())


def pages_for(role: str | None) -> list[PageSpec]:
    """Pages a role may open; a visitor who is not signed in sees only Home."""
    if role is None:
        return [p for p in PAGES if p.url_path == "home"]
    return [p for p in PAGES if role in p.roles]


def roles_for(script: str) -> frozenset[str]:
    """Roles allowed on a page script (used by the page's own guard)."""
    for p in PAGES:
        if p.script == script:
            return p.roles
    raise KeyError(script)


ROLE_NAMES = {
    "trainer": N_("Trainer"),
    "manager": N_("Site manager"),
    "director": N_("Training director"),
    "lead": N_("Digital-engineering lead"),
    "admin": N_("Administrator"),
}
