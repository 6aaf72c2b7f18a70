"""build_instance on the demo database: who leads, who learns, and why."""

from __future__ import annotations

import datetime as dt

import pytest

from planning.inputs import (
    build_instance, candidate_relays, cutoff, dated_waves, monthly_waves, with_relay,
)
from planning.model import Params, Wave
from planning.rules import check_plan
from planning.solve import solve
from scoring.data import load_campaign
from storage.db import make_engine

WAVES = monthly_waves(dt.date(2026, 9, 15), 3)


@pytest.fixture(scope="module")
def demo(demo_url):
    eng = make_engine(demo_url)
    data = load_campaign(eng, 2)
    inst = build_instance(eng, 2, Params(time_limit_s=10), WAVES)
    yield eng, data, inst
    eng.dispose()


def _scores(data):
    return {(int(r), a): float(s) for r, a, s in
            data.scores[["response_id", "area", "score"]].itertuples(index=False)}


def test_relays_are_willing_consenting_and_master_what_they_lead(demo):
    _, data, inst = demo
    resp = data.respondents.set_index("person_id")
    scores = _scores(data)
    assert len(inst.relays) >= 5
    for r in inst.relays:
        row = resp.loc[r.person_id]
        assert row["consent_named"] and row["relay_willing"] and row["relay_hours"] > 0
        assert r.hours_per_month == row["relay_hours"]
        for a in r.areas:
            assert a in row["relay_areas"]
            assert scores[(int(row["response_id"]), a)] >= cutoff("C1") - 1e-9
        assert r.modalities <= {"face_to_face", "remote", "hybrid"} and r.modalities


def test_learners_are_under_target_on_every_need(demo):
    _, data, inst = demo
    resp = data.respondents.set_index("person_id")
    scores = _scores(data)
    assert len(inst.learners) > 20
    b1 = cutoff("B1")
    for lr in inst.learners:
        rid = int(resp.loc[lr.person_id, "response_id"])
        assert lr.needs
        for area, weight in lr.needs.items():
            gap = (b1 - scores[(rid, area)]) / 100
            assert gap > 0
            # gap x (1 + weakness), weakness in [0, 1], rounded to hundredths, at least 0.01
            assert max(0.01, gap - 0.005) - 1e-9 <= weight <= max(0.01, 2 * gap + 0.005) + 1e-9
            assert weight == round(weight, 2)
            assert 1 <= len(lr.weak_items[area]) <= 3


def test_nobody_leads_and_learns_the_same_area(demo):
    _, _, inst = demo
    leads = {r.person_id: r.areas for r in inst.relays}
    both = [lr for lr in inst.learners if lr.person_id in leads]
    for lr in both:
        assert not set(lr.needs) & leads[lr.person_id]


def test_withdrawn_consent_removes_a_relay(tmp_path):
    from storage.db import write_session
    from storage.models import Consent
    from tests.demo_db import build_demo_db

    eng = make_engine(build_demo_db(tmp_path))
    before = build_instance(eng, 2, Params(), WAVES)
    gone = before.relays[0].person_id
    with write_session(eng) as s:
        s.add(Consent(person_id=gone, kind="named_to_lead", granted=False))
    after = build_instance(eng, 2, Params(), WAVES)
    assert gone not in {r.person_id for r in after.relays}
    assert len(after.relays) == len(before.relays) - 1
    eng.dispose()


def test_target_and_scope_narrow_the_needs(demo):
    eng, _, inst = demo
    a2 = build_instance(eng, 2, Params(), WAVES, target_level="A2", areas=["teaching"])
    assert a2.params.target_level == "A2" and a2.params.areas_in_scope == {"teaching"}
    assert all(set(lr.needs) == {"teaching"} for lr in a2.learners)
    assert len(a2.learners) < len(inst.learners)


def test_demo_plan_is_valid_and_one_more_relay_is_possible(demo):
    eng, _, inst = demo
    plan = solve(inst)
    assert plan.cohorts and check_plan(inst, plan) == []
    extra = candidate_relays(eng, 2, inst)
    assert extra and not {r.person_id for r in extra} & {r.person_id for r in inst.relays}
    bigger = with_relay(inst, extra[0])
    assert len(bigger.relays) == len(inst.relays) + 1


@pytest.mark.parametrize(("start", "count", "expected"), [
    (dt.date(2026, 11, 30), 3, [dt.date(2026, 11, 28), dt.date(2026, 12, 28),
                                dt.date(2027, 1, 28)]),
    (dt.date(2026, 1, 5), 1, [dt.date(2026, 1, 5)]),
    (dt.date(2026, 1, 5), 0, []),
])
def test_monthly_waves(start, count, expected):
    assert [w.date for w in monthly_waves(start, count)] == expected
    assert [w.index for w in monthly_waves(start, count)] == list(range(count))


def test_typed_dates_are_sorted_and_deduplicated():
    d = [dt.date(2026, 3, 1), dt.date(2026, 1, 1), dt.date(2026, 3, 1)]
    assert dated_waves(d) == (Wave(0, dt.date(2026, 1, 1)), Wave(1, dt.date(2026, 3, 1)))


def test_relays_are_the_champions_the_lead_sees(demo):
    """One rule for both screens: every relay is a champion on the champions page, and a
    champion left out of the planner has no area they both offered and master, or no
    modality the planner can schedule."""
    from champions.rules import evaluate, trainers_frame
    from champions.settings import load_rule

    eng, data, inst = demo
    judged = evaluate(load_rule(eng), trainers_frame(data.scores, data.respondents))
    champions = judged[judged["qualifies"].astype(bool)]
    relay_ids = {r.person_id for r in inst.relays}
    assert relay_ids <= set(champions["person_id"].astype(int))
    resp = data.respondents.set_index("person_id")
    scores = _scores(data)
    for pid, rid in zip(champions["person_id"].astype(int), champions["response_id"]):
        if pid in relay_ids:
            continue
        offered = resp.loc[pid, "relay_areas"]
        mastered = [a for a in offered if scores.get((int(rid), a), -1) >= cutoff("C1") - 1e-9]
        assert not mastered or not resp.loc[pid, "modalities"]
