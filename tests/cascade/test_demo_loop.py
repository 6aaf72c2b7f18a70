"""The demo's first cascade (issue 18, item 6): after `manage.py demo` the pages can show the
whole loop — requests, a published plan, answers to invitations, attendance, badges, and a
measured effect in the second campaign on the areas whose cohorts changed practice."""

from __future__ import annotations

import pytest
from sqlmodel import select

from cascade.demo_loop import simulate
from recognition import service
from storage.db import make_engine, read_session
from storage.models import AuditLog, Badge, CascadeAttendance, CohortPlan
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
    # every present/absent mark, one per accepted learner and session, is in the audit log
    assert len(audited) == loop.marks >= loop.accepted
    with read_session(engine) as s:
        assert len(s.exec(select(CascadeAttendance)).all()) == loop.marks
    assert len(badges) == loop.badges > loop.attended  # learners who came, and their relays
    assert {b.role for b in badges} == {"learner", "relay"}


def test_the_simulated_rise_is_measured_and_guarded(looped):
    """The estimate finds the rise the demo simulated, and the lead and the director see it.

    The attendee groups draw a few people from many released sites, which the layer's cell
    rule refuses; the exact span check (disclosure/span.py) finds that no combination of the
    released figures isolates fewer than k people, so the effect is shown.
    """
    from disclosure.effect import scores_of
    from recognition.effect import effects
    from scoring.data import load_campaign

    engine, loop = looped
    frame = service.attendance(engine)
    raw = {e.area: e for e in effects(frame, scores_of(load_campaign(engine, 1)),
                                      scores_of(load_campaign(engine, 2)))}
    raised = [raw[a] for a in loop.effect_areas]
    assert raised and all(e.n_attended >= 5 and 0 < e.effect < 20 for e in raised)
    best = max(raised, key=lambda e: e.n_attended)
    assert best.low > 0  # the best-attended area: a clear rise
    areas, _ = service.measured(engine, frame)
    by_area = {e.area: e for e in areas}
    shown = by_area[best.area]  # shown as estimated, with its interval and both counts
    assert shown.shown
    assert (shown.n_attended, shown.n_comparison) == (best.n_attended, best.n_comparison)
    assert 0 < shown.low < shown.effect < shown.high
    assert shown.effect == pytest.approx(best.effect)
    for e in areas:  # whatever is shown passes k on both sides; the rest says nothing
        assert (not e.shown) or (e.n_attended >= 5 and e.n_comparison >= 5)
        if not e.shown:  # hidden means no figure at all, counts included
            assert e.n_attended == e.n_comparison == 0 and e.effect != e.effect


def test_the_director_reads_the_rise_on_the_overview(looped, monkeypatch):
    """The overview (director) shows the best-attended effect area's verdict with its figure."""
    from recognition.effect import effects
    from disclosure.effect import scores_of
    from scoring.data import load_campaign
    from tests.ui.apptest import demo_viewer, run_page, texts

    engine, loop = looped
    url = engine.url.render_as_string(hide_password=False)
    frame = service.attendance(engine)
    raw = {e.area: e for e in effects(frame, scores_of(load_campaign(engine, 1)),
                                      scores_of(load_campaign(engine, 2)))}
    best = max((raw[a] for a in loop.effect_areas), key=lambda e: e.n_attended)
    name = service.area_names()[best.area]["fr"]
    monkeypatch.setenv("DATABASE_URL", url)  # what tests.demo_db.use_database sets, undone after
    at = run_page("pages/overview.py", demo_viewer(url, "director"), timeout=120)
    assert not at.exception
    assert f"Les cohortes en {name} ont fait progresser la pratique" in texts(at)
