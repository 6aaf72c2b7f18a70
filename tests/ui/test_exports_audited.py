"""Every file a staff page hands out is built on click, re-checks the account and its role,
and is written to the audit log; an open page of a deactivated person exports nothing."""

import datetime as dt

import pytest
from sqlmodel import func, select

from dashboards import plans
from i18n import RelaisError
from storage.db import make_engine, read_session, write_session
from storage.models import AuditLog, Person
from tests.demo_db import use_database
from tests.ui.apptest import demo_viewer, run_page

CASES = [
    ("pages/admin_campaign.py", "admin", "liens", "links_csv", b"questionnaire?t="),
    ("pages/admin_audit.py", "admin", "journal", "audit_csv", "Quand (UTC)".encode()),
    ("pages/action_plans.py", "director", "XLSX", "action_plan_xlsx", b"PK"),
    ("pages/overview.py", "director", "XLSX", "overview_xlsx", b"PK"),
    ("pages/admin_people.py", "admin", "JSON", "person_json", b"{"),
]


@pytest.fixture(autouse=True)
def _demo(demo_url):
    use_database(demo_url)




def _exports(eng, pid, export_id):
    with read_session(eng) as s:
        return s.exec(select(func.count()).select_from(AuditLog).where(
            AuditLog.actor_id == pid, AuditLog.action == "export",
            AuditLog.target == export_id)).one()


def _set_active(eng, pid, active):
    with write_session(eng) as s:
        s.get(Person, pid).active = active


@pytest.mark.parametrize("script,role,label,export_id,content", CASES,
                         ids=[c[3] for c in CASES])
def test_download_is_audited_and_refused_after_deactivation(demo_url, deferred, script, role,
                                                            label, export_id, content):
    viewer = demo_viewer(demo_url, role)
    eng = make_engine(demo_url)
    at = run_page(script, viewer)
    assert not at.exception
    if export_id == "action_plan_xlsx":  # the demo has no action yet: add one to the shown plan
        plan = plans.plan_for(eng, at.selectbox(key="plan_campaign").value, None, "Plan",
                              viewer.person_id)
        action = plans.add_action(eng, plan, plans.ActionInput("Former les relais", "Direction",
                                                               dt.date(2027, 6, 30), "todo",
                                                               "10 relais formés"))
        at.run()
    if export_id == "person_json":  # find someone, prepare their file, then download it
        at.text_input(key="people_query").input("a").run()
        at.button(key="people_export").click().run()
    buttons = [b for b in at.download_button if label in b.label]
    assert buttons, f"no download button with {label!r}"
    for button in buttons:
        assert button.proto.deferred_file_id, "built on click, not kept in the page"
    build = deferred[buttons[0].proto.deferred_file_id]
    before = _exports(eng, viewer.person_id, export_id)
    data = build()
    data = data.encode() if isinstance(data, str) else data
    assert content in data
    assert _exports(eng, viewer.person_id, export_id) == before + 1
    _set_active(eng, viewer.person_id, False)
    try:
        with pytest.raises(RelaisError):
            build()
        assert _exports(eng, viewer.person_id, export_id) == before + 1
    finally:
        _set_active(eng, viewer.person_id, True)
        if export_id == "action_plan_xlsx":
            plans.delete_action(eng, action)
        eng.dispose()
