"""The cascade in AppTest: a trainer asks, a learner answers, a relay and the lead record
attendance; a withdrawn link changes nothing; roles see only their part."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from cascade import attendance, cohorts, requests, seats, sessions
from planning.inputs import build_instance, monthly_waves
from planning.model import Params
from planning.solve import solve
from planning.store import publish, save_draft
from storage.db import make_engine, read_session, write_session
from storage.models import CascadeSeat, CascadeSession, Response
from survey.links import issue_link, revoke
from tests.demo_db import build_demo_db, use_database
from tests.ui.apptest import ROOT, demo_viewer, run_page, texts

PAGE = "pages/my_result.py"


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A demo of its own with a published plan: (url, engine, cohort, relay, member, other)."""
    url = build_demo_db(tmp_path_factory.mktemp("cascade_demo"))
    use_database(url)
    eng = make_engine(url)
    inst = build_instance(eng, 2, Params(time_limit_s=5), monthly_waves(dt.date(2026, 9, 15), 2))
    plan = solve(inst)
    pid = save_draft(eng, "Rentrée", plan, inst, 2)
    publish(eng, pid)
    c = cohorts.cohorts_of_plan(eng, pid)[0]
    with write_session(eng) as s:  # a second, remote session of 3 h for this cohort
        s.add(CascadeSession(cohort_id=c.id, number=2, day=dt.date(2026, 9, 22), hours=3.0,
                             remote=True))
    member = seats.members(eng, c.id)[0][0]
    asked = requests.active(eng, 2)
    with read_session(eng) as s:
        other = next(p for p in s.exec(select(Response.person_id).where(
            Response.campaign_id == 2, Response.status == "submitted", Response.role == "trainer")
            .order_by(Response.person_id)).all() if p not in asked and p != c.relay_id)
    yield url, eng, c, c.relay_id, member, other
    eng.dispose()


def _link(eng, pid):  # noqa: ANN001
    with write_session(eng) as s:
        return issue_link(s, 2, pid)


def _page(token):  # noqa: ANN001
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    at.session_state["lang"] = "fr"
    at.query_params["t"] = token
    return at.run()


def _seat(eng, cid, pid):  # noqa: ANN001
    with read_session(eng) as s:
        row = s.exec(select(CascadeSeat).where(CascadeSeat.cohort_id == cid,
                                               CascadeSeat.person_id == pid)).first()
        return row.status if row else None


def test_a_trainer_asks_only_with_consent(world):
    url, eng, _, _, _, other = world
    use_database(url)
    at = _page(_link(eng, other))
    assert not at.exception
    assert "Se former entre pairs" in texts(at)
    at.multiselect(key="cascade_areas").set_value(["teaching"])
    at.button(key="cascade_ask").click().run()
    assert "Cochez la case" in texts(at)
    assert requests.current(eng, 2, other) is None
    at.multiselect(key="cascade_areas").set_value(["teaching", "assessment"])
    at.checkbox(key="cascade_consent").check()
    at.button(key="cascade_ask").click().run()
    assert "Votre demande est enregistrée." in texts(at)
    assert requests.current(eng, 2, other) == ["teaching", "assessment"]
    at.button(key="cascade_withdraw").click().run()
    assert requests.current(eng, 2, other) is None


def test_a_learner_sees_the_proposed_cohort_and_accepts(world):
    url, eng, c, _, member, _ = world
    use_database(url)
    at = _page(_link(eng, member))
    shown = texts(at)
    assert "Mes cohortes" in shown and "Proposée pour vous" in shown and c.relay_name in shown
    assert "Séance 2 · " in shown and "en ligne" in shown  # the dates a learner commits to
    at.button(key=f"cascade_accept_{c.id}").click().run()
    assert not at.exception and "Vous avez accepté la place." in texts(at)
    assert _seat(eng, c.id, member) == "accepted"


def test_a_withdrawn_link_cannot_decline(world):
    url, eng, c, _, member, _ = world
    use_database(url)
    token = _link(eng, member)
    at = _page(token)
    before = _seat(eng, c.id, member)
    revoke(eng, 2, member)
    at.button(key=f"cascade_decline_{c.id}").click().run()
    assert _seat(eng, c.id, member) == before
    assert "Ce lien a été retiré" in texts(at)
    _link(eng, member)  # a fresh link for the next tests


def test_the_relay_records_attendance_per_session(world):
    url, eng, c, relay, member, _ = world
    use_database(url)
    one, two = sessions.of_cohort(eng, c.id)
    at = _page(_link(eng, relay))
    assert "Les cohortes que j'anime" in texts(at) and "Séance 2 · " in texts(at)
    at.checkbox(key=f"cascade_att_{c.id}_{one.id}_{member}").check().run()
    assert not at.exception and "Présence enregistrée." in texts(at)
    assert attendance.grid(eng, c.id) == {(one.id, member): True}
    assert attendance.present(eng, c.id)[member] is False  # one session of two: not completed
    at.checkbox(key=f"cascade_att_{c.id}_{two.id}_{member}").check().run()
    assert attendance.present(eng, c.id)[member] is True
    (grid,) = [df.value for df in at.dataframe]  # members x sessions, who completed
    assert list(grid.columns)[-1] == "Toutes les séances suivies"
    assert grid.loc[grid["Membre"].str.len() > 0].iloc[:, 1:3].isin(["✓", "—"]).all().all()
    revoke(eng, 2, relay)  # a withdrawn link changes nothing
    at.checkbox(key=f"cascade_att_{c.id}_{two.id}_{member}").uncheck().run()
    assert "Ce lien a été retiré" in texts(at)
    assert attendance.present(eng, c.id)[member] is True


def test_the_lead_records_attendance_and_closes_the_plan(world):
    url, eng, c, _, member, _ = world
    use_database(url)
    at = run_page("pages/planner.py", demo_viewer(url, "lead"), timeout=90)
    assert not at.exception
    shown = texts(at)
    assert "Qui a demandé à se former" in shown and "Invitations et présences" in shown
    at.toggle(key="cascade_demand").set_value(True).run()
    assert not at.exception and any("En profiteraient" in str(df.value.columns.tolist())
                                    for df in at.dataframe)
    at.selectbox(key="cascade_cohort").set_value(c.id).run()
    one, two = sessions.of_cohort(eng, c.id)
    at.checkbox(key=f"cascade_pl_att_{c.id}_{two.id}_{member}").uncheck().run()
    assert attendance.grid(eng, c.id) == {(one.id, member): True, (two.id, member): False}
    assert attendance.present(eng, c.id)[member] is False
    at.date_input(key="cascade_s_day").set_value(dt.date(2026, 9, 29))
    at.number_input(key="cascade_s_hours").set_value(2.0)
    at.button(key="cascade_s_add").click().run()
    assert "Séance ajoutée : les membres la voient sur leur lien." in texts(at)
    added = sessions.of_cohort(eng, c.id)[-1]
    assert (added.number, added.day, added.hours) == (3, dt.date(2026, 9, 29), 2.0)
    at.selectbox(key="cascade_s_pick").set_value(added.id).run()
    at.button(key="cascade_s_remove").click().run()
    assert "Séance supprimée." in texts(at) and len(sessions.of_cohort(eng, c.id)) == 2
    stale = _page(_link(eng, c.relay_id))  # the relay's page, open before the plan closes
    at.button(key="cascade_close").click().run()
    assert "Le plan est clos" in texts(at)
    with read_session(eng) as s:
        assert cohorts.plan_status(s, c.plan_id) == cohorts.CLOSED
    assert at.checkbox(key=f"cascade_pl_att_{c.id}_{two.id}_{member}").disabled
    box = f"cascade_att_{c.id}_{two.id}_{member}"
    stale.checkbox(key=box).check().run()  # ticked on the stale page: refused, the box put back
    assert "Ce plan est clos : ses cohortes ne peuvent plus être modifiées." in texts(stale)
    assert stale.checkbox(key=box).value is False
    assert attendance.grid(eng, c.id)[(two.id, member)] is False
    at = _page(_link(eng, member))  # closed: no more answers on the link page
    assert f"cascade_decline_{c.id}" not in [b.key for b in at.button]
    assert "Les demandes de formation sont closes" in texts(at)


def test_the_director_sees_no_names_of_requesters(world):
    url, *_ = world
    use_database(url)
    at = run_page("pages/planner.py", demo_viewer(url, "director"), timeout=90)
    assert not at.exception
    assert "Qui a demandé à se former" not in texts(at)
    assert "cascade_plan" not in [s.key for s in at.selectbox]
