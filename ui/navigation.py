"""Which pages exist and which roles may see each (menu and direct URL alike)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

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
    visitor: bool = False  # also open to people who are not signed in (home, sign-in, links)

    @property
    def url_path(self) -> str:
        """The page's URL is its file name, so that Streamlit's legacy pages/ mode (a deep
        link as a fresh server's first request) finds the same page at the same address."""
        return Path(self.script).stem


PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/home.py", N_("Home"), N_("Relais"), ALL_ROLES, ":material/home:",
             visitor=True),
    PageSpec("pages/sign_in.py", N_("Sign in"), N_("Relais"), frozenset(), ":material/login:",
             visitor=True),
    PageSpec("pages/account.py", N_("My account"), N_("Relais"), STAFF,
             ":material/account_circle:"),
    PageSpec("pages/organisation.py", N_("Organisation"), N_("Administration"),
             frozenset({"admin", "director"}), ":material/apartment:"),
    PageSpec("pages/campaigns.py", N_("Campaigns"), N_("Administration"),
             frozenset({"admin", "director"}), ":material/event:"),
    PageSpec("pages/admin_roster.py", N_("Roster import"), N_("Administration"),
             frozenset({"admin"}), ":material/upload_file:"),
    PageSpec("pages/admin_people.py", N_("People and personal data"), N_("Administration"),
             frozenset({"admin"}), ":material/manage_accounts:"),
    PageSpec("pages/admin_audit.py", N_("Audit log"), N_("Administration"),
             frozenset({"admin"}), ":material/policy:"),
    PageSpec("pages/questionnaire.py", N_("My questionnaire"), N_("Relais"), ALL_ROLES,
             ":material/edit_note:", visitor=True),
    PageSpec("pages/my_result.py", N_("My result"), N_("Relais"), ALL_ROLES,
             ":material/insights:", visitor=True),
    PageSpec("pages/admin_campaign.py", N_("Campaign follow-up"), N_("Administration"),
             frozenset({"admin"}), ":material/mark_email_unread:"),
    PageSpec("pages/overview.py", N_("Overview"), N_("Dashboards"), DASHBOARD_ROLES,
             ":material/dashboard:"),
    PageSpec("pages/site_profile.py", N_("Site profile"), N_("Dashboards"), DASHBOARD_ROLES,
             ":material/location_city:"),
    PageSpec("pages/action_plans.py", N_("Action plans"), N_("Dashboards"), DASHBOARD_ROLES,
             ":material/checklist:"),
    PageSpec("pages/champions_map.py", N_("Champions map"), N_("Analysis"),
             frozenset({"lead", "director"}), ":material/scatter_plot:"),
    PageSpec("pages/planner.py", N_("Cohort planner"), N_("Training of trainers"),
             frozenset({"lead", "director"}), ":material/calendar_month:"),
    PageSpec("pages/learner_links.py", N_("Learners' links"), N_("Administration"),
             frozenset({"admin", "director"}), ":material/groups:"),
    PageSpec("pages/learners.py", N_("Learners' questionnaire"), N_("Relais"), ALL_ROLES,
             ":material/school:", visitor=True),
    # The accessibility statement must be reachable from every page (RGAA): last in the menu.
    PageSpec("pages/accessibility_statement.py", N_("Accessibility"), N_("Relais"), ALL_ROLES,
             ":material/accessibility_new:", visitor=True),
)


def pages_for(role: str | None) -> list[PageSpec]:
    """Pages a role may open; a visitor sees Home, Sign in and the personal-link pages."""
    if role is None:
        return [p for p in PAGES if p.visitor]
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
