"""Every role against every export, and the manager's site scope."""

from dataclasses import dataclass

import pytest

from access import EXPORTS, can_export, may_see_site, require_export, site_scope
from i18n import RelaisError
from ui.navigation import ALL_ROLES

EXPECTED = {
    "overview_xlsx": {"director", "admin"},
    "site_xlsx": {"manager", "director", "admin"},
    "gaps_xlsx": {"director", "admin"},
    "action_plan_xlsx": {"manager", "director", "admin"},
    "champions_csv": {"lead"},
    "cohorts_xlsx": {"lead", "director"},
    "cohorts_ics": {"lead", "director"},
    "personal_result_pdf": {"trainer", "manager"},
    "person_json": {"admin"},
    "audit_csv": {"admin"},
    "links_csv": {"admin"},
    "qualiopi_pack": {"director", "admin"},  # released figures only (issue 20)
}
CASES = [(e, r) for e in sorted(EXPORTS) for r in [*sorted(ALL_ROLES), None]]


def test_table_is_the_reviewed_one():
    assert {k: set(v) for k, v in EXPORTS.items()} == EXPECTED


@pytest.mark.parametrize("export_id,role", CASES)
def test_role_against_export(export_id, role):
    allowed = role in EXPECTED[export_id]
    assert can_export(role, export_id) is allowed
    if allowed:
        require_export(role, export_id)
    else:
        with pytest.raises(RelaisError):
            require_export(role, export_id)


def test_unknown_export_is_refused_to_everyone():
    assert not any(can_export(r, "nope") for r in ALL_ROLES)


@dataclass
class V:
    role: str
    site_id: int | None


@pytest.mark.parametrize("viewer,scope,sees_site_2", [
    (V("manager", 1), 1, False), (V("manager", None), -1, False), (V("director", 1), None, True),
    (V("lead", None), None, True), (V("admin", None), None, True), (V("trainer", 2), 2, True),
])
def test_site_scope(viewer, scope, sees_site_2):
    assert site_scope(viewer) == scope
    assert may_see_site(viewer, 2) is sees_site_2


def test_record_export_checks_then_audits(sqlite_engine):
    from sqlmodel import select

    from access import record_export
    from storage.db import read_session
    from storage.models import AuditLog

    with pytest.raises(RelaisError):
        record_export(sqlite_engine, "manager", None, "champions_csv")
    record_export(sqlite_engine, "lead", None, "champions_csv", {"rows": 12})
    with read_session(sqlite_engine) as s:
        entries = s.exec(select(AuditLog)).all()
    assert [(e.action, e.target, e.detail["rows"]) for e in entries] == \
        [("export", "champions_csv", 12)]


@pytest.mark.parametrize("change", ["deactivated", "erased", "demoted"])
def test_record_export_reads_the_person_again(sqlite_engine, change):
    """A page drawn before an admin deactivated or demoted its viewer cannot still export."""
    from sqlmodel import select

    from access import record_export
    from storage.db import read_session, write_session
    from storage.models import AuditLog, Person

    with write_session(sqlite_engine) as s:
        lead = Person(first_name="L", last_name="Lead", email="l@x.fr", role="lead")
        s.add(lead)
        s.flush()
        pid = lead.id
    record_export(sqlite_engine, "lead", pid, "champions_csv")
    with write_session(sqlite_engine) as s:
        person = s.get(Person, pid)
        if change == "deactivated":
            person.active = False
        elif change == "erased":
            person.erased = True
        else:
            person.role = "trainer"
    with pytest.raises(RelaisError):
        record_export(sqlite_engine, "lead", pid, "champions_csv")
    with read_session(sqlite_engine) as s:
        assert len(s.exec(select(AuditLog)).all()) == 1
