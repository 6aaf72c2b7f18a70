"""The demo's first cascade (issue 18, item 6): after `manage.py demo` the pages can show the
whole loop — requests, a published plan, answers to invitations, attendance, badges, and a
measured effect in the second campaign on the areas whose cohorts changed practice."""

from __future__ import annotations

import pytest
from sqlmodel import select

from cascade.demo_loop import simulate
from recognition import service
from storage.db import make_engine, read_session
from storage.models import AuditLog, Badge, CohortPlan
from tests.demo_db import build_demo_db

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def looped(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo_loop")
    mp = pytest.MonkeyPatch()
    mp.setenv("RELAIS_BADGE_KEY", str(folder / "badge_key.pem"))
    engine = make_engine(build_demo_db(folder))
    loop = simulate(engine)
    yield engine, loop
    mp.undo()
    engine.dispose()


def test_the_loop_is_whole(looped):
    engine, loop = looped
    with read_session(engine) as s:
        plan = s.get(CohortPlan, loop.plan_id)
        badges = s.exec(select(Badge)).all()
        audited = s.exec(select(AuditLog).where(AuditLog.action == "cascade_attendance")).all()
    assert plan is not None and plan.status == "published"
    assert loop.cohorts > 0 and loop.accepted > 0 and loop.declined > 0
    assert 0 < loop.attended <= loop.accepted
    assert len(audited) == loop.accepted  # every present/absent mark is in the audit log
    assert len(badges) == loop.badges > loop.attended  # learners who came, and their relays
    assert {b.role for b in badges} == {"learner", "relay"}


def test_effect_shows_where_practice_changed(looped):
    engine, loop = looped
    areas, _ = service.measured(engine, service.attendance(engine))
    shown = {e.area: e for e in areas if e.shown}
    assert shown, "the demo must show at least one measured effect"
    raised = [shown[a] for a in loop.effect_areas if a in shown]
    assert raised and all(e.low > 0 for e in raised)  # a real, modest rise is found
    assert all(e.effect < 15 for e in raised)
    assert any(not e.shown for e in areas)  # and other areas say there is not enough to say
