"""On the demo: learners are named requesters only; the rest is anonymous, guarded demand."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from cascade.demand import anonymous_demand
from cascade.requests import active
from planning.inputs import build_instance, cutoff, monthly_waves
from planning.model import Params
from scoring.data import load_campaign
from storage.db import make_engine

WAVES = monthly_waves(dt.date(2026, 9, 15), 3)


@pytest.fixture(scope="module")
def demo(demo_url):
    eng = make_engine(demo_url)
    yield eng
    eng.dispose()


def test_learners_are_the_requesters_on_the_areas_they_asked(demo):
    asked = active(demo, 2)
    assert len(asked) > 20
    inst = build_instance(demo, 2, Params(), WAVES)
    assert inst.learners and {lr.person_id for lr in inst.learners} <= set(asked)
    for lr in inst.learners:
        assert set(lr.needs) <= asked[lr.person_id]
    assert build_instance(demo, 2, Params(), WAVES, requests={}).learners == ()
    one = next(iter(sorted(asked)))
    only = build_instance(demo, 2, Params(), WAVES, requests={one: asked[one]})
    assert [lr.person_id for lr in only.learners] in ([one], [])


def test_demand_counts_the_others_from_released_populations_only(demo):
    frame = anonymous_demand(demo, 2)
    assert not frame.empty and set(frame.columns) == {"site_id", "area", "would_benefit", "hidden"}
    shown = frame[~frame["hidden"]]
    assert (shown["would_benefit"] >= 0).all() and shown["would_benefit"].sum() > 0
    assert frame.loc[frame["hidden"], "would_benefit"].isna().all()
    # demand + named learners = every released trainer under the target, per site and area
    data = load_campaign(demo, 2)
    asked = active(demo, 2)
    t = data.respondents[(data.respondents["role"] == "trainer")]
    sc = data.scores.merge(t[["response_id", "person_id", "site_id"]], on="response_id")
    sc = sc[sc["score"].notna() & (sc["score"] < cutoff("B1") - 1e-9)]
    for r in shown.itertuples():
        cell = sc[(sc["site_id"] == r.site_id) & (sc["area"] == r.area)]
        named = sum(1 for p in cell["person_id"] if pd.notna(p) and r.area in asked.get(int(p), ()))
        assert r.would_benefit + named <= len(cell)  # released population ⊆ the site's responses


def test_exports_name_only_requesters_and_relays(demo):
    from io import BytesIO

    from openpyxl import load_workbook

    from i18n import Translator
    from planning.inputs import directory
    from planning.solve import solve
    from reports.planner import plan_tables, relay_calendar, to_xlsx

    inst = build_instance(demo, 2, Params(time_limit_s=5), WAVES)
    plan = solve(inst)
    assert plan.cohorts
    names = directory(demo, inst)
    t = Translator("fr")
    asked = active(demo, 2)
    relays = {r.person_id for r in inst.relays}
    allowed = {names.person(p) for p in set(asked) | relays}
    everyone = directory(demo, inst, extra=range(1, 5000)).people
    strangers = {n for p, n in everyone.items() if p not in set(asked) | relays} - allowed
    assert strangers  # homonyms of named people aside, the others must not appear
    tables = plan_tables(inst, plan, names, t)
    for frame, col in ((tables.members, t("Member")), (tables.left_out, t("Person"))):
        assert set(frame[col]) <= allowed
    book = load_workbook(BytesIO(to_xlsx(tables, t)))
    cells = {str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row
             if c.value is not None}
    assert not (cells & strangers)
    ics = b"".join(relay_calendar(inst, plan, r, names, t) for r in {c.relay_id for c in plan.cohorts})
    assert not any(f"- {n}".encode() in ics for n in strangers if n)
