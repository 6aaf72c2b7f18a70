"""check_plan finds each kind of broken rule on a hand-broken plan."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from planning.editing import compare_plans, move_learner, swap_relay
from planning.model import Cohort, Learner, Plan, Wave
from planning.rules import check_plan
from plan_cases import WAVES, instance, learners, relay

# Relay 200 also learns teaching (from another relay); relay 300 offers hybrid but not
# remote teaching.
PEOPLE = learners(1, 14) + (Learner(100, 0, 0, {"assessment": 1.0}, {}),
                            Learner(50, 9, 9, {"teaching": 1.0}, {}),
                            Learner(200, 0, 0, {"teaching": 1.0}, {}))
RELAYS = [relay(100, areas=("teaching", "assessment"), mods=("face_to_face",)),
          relay(200, areas=("teaching",), mods=("remote",), hours=6.0),
          relay(300, areas=("teaching",), mods=("face_to_face", "hybrid"))]
# Waves 1 and 2 fall in the same month (October).
INST = instance(RELAYS, PEOPLE, waves=WAVES + (Wave(2, dt.date(2026, 10, 15)),))
GOOD = Cohort(100, "teaching", "face_to_face", 0, 0, 0, tuple(range(1, 8)))


def plan(*cohorts: Cohort) -> Plan:
    """A plan made of the given cohorts."""
    return Plan(cohorts=list(cohorts))


CASES = {
    "unknown_relay": plan(replace(GOOD, relay_id=999)),
    "unknown_wave": plan(replace(GOOD, wave_index=7)),
    "unknown_modality": plan(replace(GOOD, modality="carrier_pigeon")),
    "area_not_mastered": plan(replace(GOOD, relay_id=200, modality="remote", site_id=None,
                                      region_id=None, area="assessment",
                                      members=tuple(range(1, 8)))),
    "modality_not_allowed": plan(replace(GOOD, modality="remote", site_id=None,
                                         region_id=None)),
    "wrong_place": plan(replace(GOOD, site_id=3)),
    "unknown_learner": plan(replace(GOOD, members=(*GOOD.members, 777))),
    "self_training": plan(replace(GOOD, members=(*GOOD.members, 100))),
    "no_need": plan(replace(GOOD, area="assessment")),
    "duplicate_member": plan(replace(GOOD, members=(*GOOD.members, 1))),
    "too_small": plan(replace(GOOD, members=(1, 2, 3))),
    "too_large": plan(replace(GOOD, members=tuple(range(1, 15)))),
    "out_of_scope": plan(replace(GOOD, members=(*GOOD.members, 50))),
    "twice_in_wave": plan(GOOD, Cohort(200, "teaching", "remote", None, None, 0,
                                       tuple(range(7, 14)))),
    "twice_same_area": plan(GOOD, replace(GOOD, wave_index=1)),
    "hours_per_wave": plan(Cohort(200, "teaching", "remote", None, None, 0, (1, 2, 3, 4, 5, 6)),
                           Cohort(200, "teaching", "remote", None, None, 0,
                                  (7, 8, 9, 10, 11, 12))),
    # A relay leading in a wave cannot learn in another cohort of that wave.
    "lead_and_learn_same_wave": plan(
        Cohort(200, "teaching", "remote", None, None, 0, (1, 2, 3, 4, 5, 6)),
        replace(GOOD, members=(200, 7, 8, 9, 10, 11))),
    # Hybrid: person 50 (another region) could only join remotely, which relay 300 never
    # offered.
    "hybrid_out_of_scope": plan(Cohort(300, "teaching", "hybrid", 0, 0, 0, (1, 2, 3, 4, 5, 50))),
    # 6 h a month: one cohort in each of two October waves is 12 h in October.
    "hours_per_month": plan(Cohort(200, "teaching", "remote", None, None, 1, (1, 2, 3, 4, 5, 6)),
                            Cohort(200, "teaching", "remote", None, None, 2,
                                   (7, 8, 9, 10, 11, 12))),
    "cohorts_per_wave": plan(GOOD, replace(GOOD, members=tuple(range(8, 15)))),
    "cohorts_total": plan(*[replace(GOOD, wave_index=w) for w in range(5)]),
}


def test_the_reference_plan_is_valid():
    assert check_plan(INST, plan(GOOD)) == []


@pytest.mark.parametrize("kind", CASES)
def test_each_broken_rule_is_reported(kind):
    found = check_plan(INST, CASES[kind])
    assert kind in {v.kind for v in found}
    text = next(v for v in found if v.kind == kind)
    assert text.render("fr") and text.render("en") != text.render("fr")


def test_editing_then_checking_shows_the_broken_rule():
    two = plan(GOOD, Cohort(100, "teaching", "face_to_face", 0, 0, 1, tuple(range(8, 15))))
    assert check_plan(INST, two) == []
    moved = move_learner(move_learner(two, 1, 0, 1), 2, 0, 1)
    assert {v.kind for v in check_plan(INST, moved)} == {"too_small"}
    swapped = swap_relay(two, 1, 200)
    assert "modality_not_allowed" in {v.kind for v in check_plan(INST, swapped)}
    diff = compare_plans(two, moved, INST)
    assert diff["pairs_covered"] == {"a": 14.0, "b": 14.0, "delta": 0.0}


def test_remote_part_of_a_hybrid_follows_the_remote_setting():
    # Relay 400 offers hybrid and remote teaching: a member from another region joins the
    # hybrid cohort remotely, only while remote cohorts across the organisation are allowed.
    relays = RELAYS + [relay(400, areas=("teaching",), mods=("hybrid", "remote"))]
    cohort = Cohort(400, "teaching", "hybrid", 0, 0, 0, (1, 2, 3, 4, 5, 50))
    assert check_plan(instance(relays, PEOPLE), plan(cohort)) == []
    closed = instance(relays, PEOPLE, allow_remote=False)
    assert [v.kind for v in check_plan(closed, plan(cohort))] == ["hybrid_out_of_scope"]
    local = replace(cohort, members=(1, 2, 3, 4, 5, 6))
    assert check_plan(closed, plan(local)) == []


def test_waves_in_different_months_each_get_the_monthly_hours():
    two = plan(Cohort(200, "teaching", "remote", None, None, 0, (1, 2, 3, 4, 5, 6)),
               Cohort(200, "teaching", "remote", None, None, 1, (7, 8, 9, 10, 11, 12)))
    assert check_plan(INST, two) == []
