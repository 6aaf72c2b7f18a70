"""Focus proposals on hand-made frames; action plans CRUD, scope and late listing on both databases."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from dashboards import plans
from dashboards.focus import propose
from i18n import RelaisError
from storage.db import write_session
from storage.models import Region, Site

NAN = np.nan


def _profile(**means):
    return pd.DataFrame({"area": list(means), "mean": [m for m in means.values()],
                         "hidden": [np.isnan(m) for m in means.values()]})


def _gaps(rows):
    return pd.DataFrame(rows, columns=["key", "gap", "real", "hidden"]).astype({"real": "boolean"})


def _progress(**deltas):
    return pd.DataFrame({"area": list(deltas), "mean_delta": list(deltas.values()),
                         "hidden_paired": [np.isnan(d) for d in deltas.values()]})


@pytest.mark.parametrize("profile,gaps,progress,expected", [
    # lowest visible area, largest real gap (by absolute value), least progress among the rest
    (_profile(engagement=60, teaching=40, assessment=50, overall=50),
     _gaps([("leadership", 10.0, True, False), ("pedagogy", -20.0, True, False),
            ("content", 30.0, False, False)]),
     _progress(engagement=5.0, teaching=-1.0, assessment=2.0),
     [("teaching", "low_score"), ("pedagogy", "real_gap"), ("assessment", "little_progress")]),
    # a hidden area is never proposed even if its (masked) mean were lowest; no real gap
    (_profile(engagement=60, teaching=NAN, assessment=50),
     _gaps([("leadership", NAN, pd.NA, True)]), None,
     [("assessment", "low_score"), ("engagement", "next_lowest")]),
    # everything hidden: nothing to propose
    (_profile(engagement=NAN), _gaps([("leadership", NAN, pd.NA, True)]), None, []),
])
def test_propose(profile, gaps, progress, expected):
    got = propose(profile, gaps, progress)
    assert [(f.area, f.reason) for f in got] == expected
    assert 0 <= len(got) <= 3
    assert all(f.message and f.params for f in got)


def _site(engine) -> int:
    with write_session(engine) as s:
        region = Region(code="BRE", name="Bretagne")
        s.add(region)
        s.flush()
        site = Site(code="S1", name="Rennes", region_id=region.id)
        other = Site(code="S2", name="Brest", region_id=region.id)
        s.add_all([site, other])
        s.flush()
        return site.id, other.id


GOOD = plans.ActionInput("Former 10 relais", "Camille Martin", dt.date(2026, 1, 31), "todo",
                         "10 relais formés", "teaching")


def test_plans_crud_scope_and_late(engine):
    site, other = _site(engine)
    org_plan = plans.plan_for(engine, None, None, "Plan organisation", None)
    assert plans.plan_for(engine, None, None, "again", None) == org_plan  # one plan per scope
    site_plan = plans.plan_for(engine, None, site, "Plan Rennes", None, scope=site)
    a1 = plans.add_action(engine, site_plan, GOOD, scope=site)
    a2 = plans.add_action(engine, org_plan, plans.ActionInput(
        "Équiper les salles", "DSI", dt.date(2026, 6, 1), "doing", "12 salles équipées"))
    today = dt.date(2026, 3, 1)
    every = plans.actions(engine, today=today)
    assert list(every["action_id"]) == [a1, a2]  # late first
    assert every.set_index("action_id")["late"].to_dict() == {a1: True, a2: False}
    # the manager of the site sees only their site's plan
    assert list(plans.actions(engine, scope=site, today=today)["action_id"]) == [a1]
    with pytest.raises(RelaisError):
        plans.add_action(engine, org_plan, GOOD, scope=site)
    with pytest.raises(RelaisError):
        plans.plan_for(engine, None, other, "x", None, scope=site)
    with pytest.raises(RelaisError):
        plans.update_action(engine, a2, GOOD, scope=site)
    # done is never late; edits are saved
    plans.update_action(engine, a1, plans.ActionInput(**{**GOOD.__dict__, "status": "done"}), scope=site)
    assert not plans.actions(engine, today=today).set_index("action_id").loc[a1, "late"]
    plans.delete_action(engine, a1, scope=site)
    assert list(plans.actions(engine, today=today)["action_id"]) == [a2]


@pytest.mark.parametrize("change,msgid", [
    ({"title": "  "}, "The action needs a title."),
    ({"status": "finished"}, "Unknown status “{status}”: choose to do, in progress or done."),
    ({"due_on": None}, "The action “{title}” needs a due date."),
    ({"owner": ""}, "The action “{title}” needs an owner."),
    ({"indicator": " "}, "The action “{title}” needs a measurable indicator."),
    ({"title": "x" * 301}, "The action title is too long ({n} characters, at most 300)."),
])
def test_bad_action_is_refused_and_nothing_written(engine, change, msgid):
    plan = plans.plan_for(engine, None, None, "Plan", None)
    with pytest.raises(RelaisError) as err:
        plans.add_action(engine, plan, plans.ActionInput(**{**GOOD.__dict__, **change}))
    assert err.value.message == msgid
    assert err.value.render("fr") != msgid  # translated
    assert plans.actions(engine).empty


@pytest.mark.parametrize("due,status,late", [
    (dt.date(2026, 2, 28), "todo", True), (dt.date(2026, 2, 28), "doing", True),
    (dt.date(2026, 2, 28), "done", False), (dt.date(2026, 3, 1), "todo", False), (None, "todo", False),
])
def test_is_late(due, status, late):
    assert plans.is_late(due, status, dt.date(2026, 3, 1)) is late
