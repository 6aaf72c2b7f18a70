"""Migration 0011 on a database holding per-cohort attendance (as 0005 stored it): each cohort
gets one session and its marks move onto it; down again, the marks come back per cohort.
On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
import sqlmodel
from alembic import command
from cascade import attendance, sessions
from storage.db import make_engine, read_session, write_session
from storage.migrate import alembic_config, upgrade
from storage.models import CascadeCohort, CascadeSeat, CohortPlan
from tests.cascade.world import AREA, build
from tests.conftest import DB_KINDS, fresh_url

T = sqlmodel.sql.sqltypes.UTCDateTime()  # as 0005 stored it
OLD = sa.table("cascadeattendance", sa.column("cohort_id", sa.Integer),
               sa.column("person_id", sa.Integer), sa.column("attended", sa.Boolean),
               sa.column("recorded_by", sa.Integer), sa.column("at", T))


@pytest.fixture(params=DB_KINDS)
def old_engine(request, tmp_path):  # noqa: ANN001
    eng = make_engine(fresh_url(request.param, tmp_path))
    upgrade(eng, "0010")
    yield eng
    eng.dispose()


def test_per_cohort_attendance_moves_onto_one_session_each(old_engine):
    eng = old_engine
    w = build(eng, n_learners=2, publish_it=False)  # tables as 0010 left them
    came, absent = w.learners
    with write_session(eng) as s:
        s.get(CohortPlan, w.plan_id).status = "published"
        made = []
        for key, modality, day in (("a", "face_to_face", dt.date(2026, 9, 15)),
                                   ("b", "remote", None)):
            c = CascadeCohort(plan_id=w.plan_id, key=key, relay_id=w.relay, area=AREA,
                              modality=modality, site_id=w.site_a, starts_on=day, hours=6.0,
                              capacity=3, taken=2)
            s.add(c)
            s.flush()
            s.add_all([CascadeSeat(cohort_id=c.id, person_id=p, status="accepted")
                       for p in w.learners])
            made.append(int(c.id))
        at = dt.datetime(2026, 9, 15, 17, tzinfo=dt.UTC)
        s.connection().execute(OLD.insert(), [
            {"cohort_id": made[0], "person_id": came, "attended": True, "recorded_by": w.relay,
             "at": at},
            {"cohort_id": made[0], "person_id": absent, "attended": False, "recorded_by": None,
             "at": at}])
    upgrade(eng)
    one, two = (sessions.of_cohort(eng, cid) for cid in made)
    assert [(m.number, m.day, m.start, m.hours, m.remote, m.site_id) for m in one] == [
        (1, dt.date(2026, 9, 15), dt.time(9, 0), 6.0, False, w.site_a)]
    assert [(m.number, m.day, m.remote, m.site_id) for m in two] == [(1, None, True, None)]
    assert attendance.grid(eng, made[0]) == {(one[0].id, came): True, (one[0].id, absent): False}
    assert attendance.grid(eng, made[1]) == {}
    with read_session(eng) as s:
        frame = attendance.attendance_frame(s, w.plan_id)
    assert set(frame.loc[frame["attended"], "person_id"]) == {came, w.relay}
    # the migrated marks take changes as new ones do
    attendance.record_by_lead(eng, made[0], absent, True, None)
    cfg = alembic_config(eng.url.render_as_string(hide_password=False))
    with eng.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0010")
    with eng.connect() as conn:
        back = conn.execute(sa.select(OLD.c.cohort_id, OLD.c.person_id, OLD.c.attended)).all()
        assert not sa.inspect(conn).has_table("cascadesession")
    assert sorted(back) == sorted([(made[0], came, True), (made[0], absent, True)])
