"""The exact aggregated model (planning.exact): hand-solved optima, validity, exactness.

The hand cases state their optimum, computed by hand, in a comment; the model
must reach it *and* prove it (three stages proven).  The key test is
``test_aggregation_loses_nothing``: on random micro instances the aggregated
model and the plain slot model (planning.monolithic, exact when OPTIMAL) must
agree on the combined lexicographic value.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import replace

import pytest
from ortools.sat.python import cp_model

import planning.exact as exact_module
from planning.decomposed import decomposed_plan
from planning.evaluate import combined_value, covered_pairs, reasons, score
from planning.greedy import greedy_plan
from planning.exact import _split, build, exact_plan, learner_caps
from planning.instances import generate, with_params
from planning.model import NO_CAPACITY, NO_RELAY, TOO_FEW, Instance, Learner, Params, Relay, Wave
from planning.monolithic import monolithic_plan
from planning.reach import need_int, needed_pairs, waves_by_month
from planning.rules import check_plan
from planning.solve import solve
from plan_cases import WAVES, WORKERS, assert_proven, exact, instance, learners, relay

ONE_WAVE = WAVES[:1]


def person(pid: int, needs: dict, site: int = 0, region: int = 0) -> Learner:
    return Learner(pid, site, region, dict(needs), {})


# --- 1. hand-solved optima -------------------------------------------------------------------

def test_need_the_three_heaviest_fill_the_only_cohort():
    # One relay, one wave, at most one cohort of 2..3: the best cohort takes the three
    # heaviest, 0.9 + 0.8 + 0.7 = 2.4; the two lightest (0.5, 0.3) are left for lack of
    # capacity (5 learners in scope >= cohort_min).
    weights = {1: 0.5, 2: 0.9, 3: 0.3, 4: 0.8, 5: 0.7}
    people = [person(pid, {"teaching": w}) for pid, w in weights.items()]
    inst = instance([relay(100)], people, waves=ONE_WAVE, cohort_min=2, cohort_max=3)
    plan = exact(inst)
    assert_proven(inst, plan)
    assert [c.members for c in plan.cohorts] == [(2, 4, 5)]
    assert plan.stats["covered_need"] == pytest.approx(2.4)
    assert plan.objective == pytest.approx(plan.bound)
    assert {(lo.person_id, lo.reason_code) for lo in plan.left_out} == {
        (1, NO_CAPACITY), (3, NO_CAPACITY)}


def two_needs(waves):
    # Learners 1..4 each need teaching (1.0) and assessment (1.0); relay 100 leads
    # teaching, relay 200 assessment, both face to face on the learners' site.
    people = learners(1, 4, needs={"teaching": 1.0, "assessment": 1.0})
    relays = [relay(100, areas=("teaching",)), relay(200, areas=("assessment",))]
    return instance(relays, people, waves=waves, cohort_min=2, cohort_max=4)


def test_one_wave_seats_each_learner_once():
    # One wave: a learner sits in at most one cohort of the wave, so at most 4 of the
    # 8 needs are covered: optimum 4.0, every learner placed exactly once (locality 4 x 2),
    # max load 1.
    inst = two_needs(ONE_WAVE)
    plan = exact(inst)
    assert_proven(inst, plan)
    seats = [m for c in plan.cohorts for m in c.members]
    assert sorted(seats) == [1, 2, 3, 4]
    assert plan.stats["covered_need"] == pytest.approx(4.0)
    assert (plan.stats["locality"], plan.stats["max_load"]) == (8, 1)


def test_two_waves_cover_both_needs():
    # Two waves: teaching in one, assessment in the other, everyone covered twice:
    # optimum 8.0, locality 16, each relay leads one cohort (max load 1).
    inst = two_needs(WAVES)
    plan = exact(inst)
    assert_proven(inst, plan)
    assert plan.stats["covered_need"] == pytest.approx(8.0)
    assert (plan.stats["locality"], plan.stats["max_load"]) == (16, 1)
    assert {c.wave_index for c in plan.cohorts} == {0, 1}
    assert plan.left_out == []


def locality_case(far_weight: float) -> Instance:
    # Relay 100 at site 0 (region 0), face to face, scope region; learners 1..3 at site 0,
    # learners 11..13 at site 1 of the same region; one cohort of at most 3.
    near = learners(1, 3, site=0)
    far = tuple(person(pid, {"teaching": far_weight}, site=1) for pid in (11, 12, 13))
    return instance([relay(100, site=0)], near + far, waves=ONE_WAVE, cohort_min=2,
                    cohort_max=3)


def test_locality_prefers_the_relays_site_when_need_ties():
    # Need ties at 3.0 whoever sits; locality: 3 on the relay's site = 6 points,
    # against 3 elsewhere in the region = 3. Optimum: members 1, 2, 3, all same site.
    inst = locality_case(far_weight=1.0)
    plan = exact(inst)
    assert_proven(inst, plan)
    assert [c.members for c in plan.cohorts] == [(1, 2, 3)]
    assert (plan.stats["members_same_site"], plan.stats["members_in_region"]) == (3, 0)
    assert plan.stats["locality"] == 6


def test_need_outweighs_locality():
    # Same people, but the other site's learners weigh 1.01: 3.03 > 3.0 covered need wins
    # over any locality. Optimum: members 11, 12, 13, locality 3.
    inst = locality_case(far_weight=1.01)
    plan = exact(inst)
    assert_proven(inst, plan)
    assert [c.members for c in plan.cohorts] == [(11, 12, 13)]
    assert plan.stats["covered_need"] == pytest.approx(3.03)
    assert (plan.stats["members_in_region"], plan.stats["locality"]) == (3, 3)


def test_load_is_spread_over_identical_relays():
    # Two identical relays, six learners, cohorts of 2..3, two waves, one cohort a relay a
    # wave: two cohorts are needed (6.0 covered, locality 12). Relay 100 could lead both
    # (waves 0 and 1, max load 2); the optimum gives one to each: max load 1.
    inst = instance([relay(100), relay(200)], learners(1, 6), cohort_min=2, cohort_max=3)
    plan = exact(inst)
    assert_proven(inst, plan)
    assert plan.stats["covered_need"] == pytest.approx(6.0)
    assert plan.stats["locality"] == 12
    assert plan.stats["max_load"] == 1
    assert sorted(c.relay_id for c in plan.cohorts) == [100, 200]


def test_relay_needing_an_area_they_lead_is_trained_by_another_relay():
    # Person 1 is a relay of teaching whose level is below target: they need teaching (5.0).
    # Relay 100 also leads teaching. One wave, cohorts of 2..3, learners 10 and 11 (1.0).
    # Relay 1 may not sit in their own cohort, so the optimum is relay 100 leading
    # {1, 10, 11}: 7.0 covered (relay 1 leading {10, 11} would leave person 1 alone: 2.0).
    me = person(1, {"teaching": 5.0})
    inst = instance([relay(1), relay(100)], (me,) + learners(10, 2), waves=ONE_WAVE,
                    cohort_min=2, cohort_max=3)
    plan = exact(inst)
    assert_proven(inst, plan)
    assert [(c.relay_id, c.members) for c in plan.cohorts] == [(100, (1, 10, 11))]
    assert plan.stats["covered_need"] == pytest.approx(7.0)


def test_relay_alone_on_their_area_never_trains_themself():
    # Without relay 100, only relay 1 leads teaching: they lead {10, 11} (2.0) and their
    # own need is out of reach (nobody else masters teaching): NO_RELAY.
    me = person(1, {"teaching": 5.0})
    inst = instance([relay(1)], (me,) + learners(10, 2), waves=ONE_WAVE, cohort_min=2,
                    cohort_max=3)
    plan = exact(inst)
    assert_proven(inst, plan)
    assert [(c.relay_id, c.members) for c in plan.cohorts] == [(1, (10, 11))]
    assert [(lo.person_id, lo.reason_code) for lo in plan.left_out] == [(1, NO_RELAY)]


def test_relay_needing_their_own_area_can_join_remotely():
    # Relay 1 (site 0, region 0) needs teaching; relay 100 leads teaching remotely only,
    # from another region: the seat of person 1 goes through the remote path of the model
    # (a relay learning an area they lead is a group of their own). Optimum: relay 100
    # leads {1, 10} remotely, 5.0 + 1.0 = 6.0, locality 0.
    me = person(1, {"teaching": 5.0})
    far = relay(100, region=1, site=7, mods=("remote",))
    inst = instance([relay(1), far], (me,) + learners(10, 1), waves=ONE_WAVE,
                    cohort_min=2, cohort_max=3)
    plan = exact(inst)
    assert_proven(inst, plan)
    assert [(c.relay_id, c.modality, c.members) for c in plan.cohorts] == [
        (100, "remote", (1, 10))]
    assert plan.stats["covered_need"] == pytest.approx(6.0)


# --- the rules of issue 23, hand-solved -------------------------------------------------------

SEPTEMBER_TWICE = (Wave(0, dt.date(2026, 9, 1)), Wave(1, dt.date(2026, 9, 15)))


def lead_or_learn() -> Instance:
    # Relay 1 leads teaching and needs assessment (5.0); relay 2 leads assessment. One wave,
    # cohorts of 2..3. Leading {10, 11} and learning with 12 in the same wave would cover 8.0;
    # a person is in one cohort a wave, so relay 1 either leads (2.0, and 12 alone cannot fill
    # a cohort) or learns: relay 2 leads {1, 12}, 5.0 + 1.0 = 6.0 is the optimum.
    people = (person(1, {"assessment": 5.0}),) + learners(10, 2) \
        + (person(12, {"assessment": 1.0}),)
    return instance([relay(1), relay(2, areas=("assessment",))], people, waves=ONE_WAVE,
                    cohort_min=2, cohort_max=3)


def hybrid_across(mods: tuple[str, ...], allow_remote: bool) -> Instance:
    # Relay 100 (region 0) leads hybrid cohorts of 2..6; learners 1..3 in region 0, 11..13
    # in region 1. The three from region 1 can only join remotely.
    people = learners(1, 3) + learners(11, 3, region=1, site=5)
    return instance([relay(100, mods=mods)], people, waves=ONE_WAVE, cohort_min=2,
                    cohort_max=6, allow_remote=allow_remote)


def two_waves_one_month() -> Instance:
    # Relay 100 gives 6 h a month, a cohort takes 6 h; two waves both in September; six
    # learners, cohorts of 2..3. One cohort a wave would be 12 h in September: only one
    # cohort opens, 3.0 covered.
    return instance([relay(100, hours=6.0)], learners(1, 6), waves=SEPTEMBER_TWICE,
                    cohort_min=2, cohort_max=3)


@pytest.mark.parametrize(("make", "covered"), [
    (lead_or_learn, 6.0),
    # Hybrid only, remote teaching not offered: the hybrid's members stay in the region.
    (lambda: hybrid_across(("hybrid",), True), 3.0),
    # Hybrid and remote offered, but remote cohorts across the organisation not allowed.
    (lambda: hybrid_across(("hybrid", "remote"), False), 3.0),
    # Both offered and allowed: the three from region 1 join the hybrid remotely.
    (lambda: hybrid_across(("hybrid", "remote"), True), 6.0),
    (two_waves_one_month, 3.0),
], ids=["lead_or_learn", "hybrid_no_remote_offered", "hybrid_remote_not_allowed",
        "hybrid_remote_allowed", "hours_per_month"])
def test_issue_23_rules_hand_solved(make, covered):
    inst = make()
    plan = exact(inst)
    assert_proven(inst, plan)
    assert plan.stats["covered_need"] == pytest.approx(covered)
    mono = monolithic_plan(inst, time_limit=10.0, workers=WORKERS)
    assert mono.status == "OPTIMAL" and check_plan(inst, mono) == []
    assert mono.stats["covered_need"] == pytest.approx(covered)
    for other in (greedy_plan(inst), decomposed_plan(inst, time_limit=2.0), solve(inst)):
        assert check_plan(inst, other) == []
        assert other.stats["covered_need"] <= covered + 1e-9


@pytest.mark.parametrize(("build", "codes"), [
    # cohort_min 4 > 3 learners in reach, face to face: nothing can open.
    (lambda: instance([relay(100)], learners(1, 3), cohort_min=4, cohort_max=6), {TOO_FEW}),
    # Remote-only relay, 3 learners anywhere < cohort_min 4.
    (lambda: instance([relay(100, mods=("remote",))], learners(1, 3, region=2, site=9),
                      cohort_min=4, cohort_max=6), {TOO_FEW}),
    # Nobody masters the area.
    (lambda: instance([relay(100)], learners(1, 8, needs={"empowerment": 1.0})), {NO_RELAY}),
    # The only relay cannot give one cohort (4 h a month < 6 h a cohort).
    (lambda: instance([relay(100, hours=4.0)], learners(1, 8)), {NO_RELAY}),
    # No relay at all.
    (lambda: instance([], learners(1, 8)), {NO_RELAY}),
])
def test_no_cohort_possible_gives_an_empty_proven_plan(build, codes):
    inst = build()
    plan = exact(inst)
    assert plan.cohorts == []
    assert_proven(inst, plan)
    assert plan.stats["covered_need"] == 0
    assert plan.left_out == reasons(inst, [])
    assert {lo.reason_code for lo in plan.left_out} == codes
    assert len(plan.left_out) == len(inst.learners)


# --- 2. validity on generated instances --------------------------------------------------------

VARIANTS = {
    "default": {},
    "site_scope": {"face_to_face_scope": "site"},
    "no_remote": {"allow_remote": False},
    "no_hybrid": {"allow_hybrid": False},
    "two_a_wave": {"max_cohorts_per_relay_per_wave": 2},
}


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("size", ["tiny", "small"])
def test_generated_plans_break_no_rule(size, seed, variant):
    inst = with_params(generate(size, seed=seed), **VARIANTS[variant])
    # Validity is asked of every plan, proven or not: a short limit is enough.
    plan = exact(inst, time_limit=2.0 if size == "small" else 5.0)
    assert check_plan(inst, plan) == []
    assert plan.objective <= plan.bound + 1e-6
    assert 0 <= plan.stats["stages_proven"] <= 3


# --- 3. exactness against the slot model -------------------------------------------------------

AREAS3 = ("teaching", "assessment", "resources")
MODS = (("face_to_face",), ("remote",), ("hybrid",), ("face_to_face", "remote"),
        ("face_to_face", "hybrid"), ("face_to_face", "remote", "hybrid"))


def micro(seed: int) -> Instance:
    """2 relays, 5-8 learners with 1-2 needs, 1-2 waves, cohorts of 2 to 3-4, random rules.

    Sites 0 and 1 are in region 0, site 2 in region 0 or 1; in half the instances a relay
    is also a learner, possibly on an area they lead (and never in a wave they lead in);
    hybrid relays may or may not offer remote teaching too; two waves sometimes fall in one
    month (hours per month).
    """
    rng = random.Random(seed)
    areas = AREAS3[:rng.choice((1, 2, 2, 3))]
    sites = {0: 0, 1: 0, 2: rng.choice((0, 1))}
    relays = []
    for rid in (1, 2):
        s = rng.choice(list(sites))
        relays.append(Relay(rid, s, sites[s],
                            frozenset(rng.sample(areas, rng.randint(1, len(areas)))),
                            float(rng.choice((6, 12, 12))), frozenset(rng.choice(MODS))))
    n = rng.randint(5, 8)
    ids = list(range(10, 10 + n))
    if rng.random() < 0.5:
        ids[0] = rng.choice((1, 2))
    people = []
    for pid in ids:
        s = relays[pid - 1].site_id if pid in (1, 2) else rng.choice(list(sites))
        k = rng.randint(1, min(2, len(areas)))
        needs = {a: round(rng.uniform(0.2, 1.0), 2) for a in rng.sample(areas, k)}
        people.append(Learner(pid, s, sites[s], needs, {}))
    waves = tuple(Wave(i, dt.date(2026, 9 + i, 1)) for i in range(rng.randint(1, 2)))
    params = Params(cohort_min=2, cohort_max=rng.randint(3, 4),
                    max_cohorts_per_relay_per_wave=rng.choice((1, 1, 2)),
                    max_cohorts_per_relay_total=rng.choice((1, 2, 4)),
                    face_to_face_scope=rng.choice(("region", "site")),
                    allow_remote=rng.random() < 0.7, allow_hybrid=rng.random() < 0.7, seed=seed)
    if len(waves) == 2 and rng.random() < 0.4:  # both in September: hours are per month
        waves = (waves[0], Wave(1, dt.date(2026, 9, 15)))
    return Instance(tuple(relays), tuple(people), waves, params)


def micro3(seed: int) -> Instance:
    """micro(seed) with a third relay on relay 1's site, taking each of relay 1's or relay
    2's areas and modalities: cohorts of two relays share a class, and relays 1 and 3 are
    sometimes alike (ordered by cohorts led). Relay 3 learns in half of them, and a third
    allow cohorts of one, where relays can end up training each other."""
    inst = micro(seed)
    rng = random.Random(seed + 99)
    r1, r2 = inst.relays
    r3 = Relay(3, r1.site_id, r1.region_id, rng.choice((r1, r2)).areas, r1.hours_per_month,
               rng.choice((r1, r2)).modalities)
    people = inst.learners
    if rng.random() < 0.5:  # relay 3 learns too, on one of the areas in play
        area = rng.choice(sorted(r3.areas))
        people = people[:-1] + (Learner(3, r3.site_id, r3.region_id, {area: 0.9}, {}),)
    params = replace(inst.params, cohort_min=rng.choice((1, 2, 2)))
    return replace(inst, relays=inst.relays + (r3,), learners=people, params=params)


def test_micro_instances_exercise_every_path():
    """The sample below is not trivial: remote, hybrid, self-needing relays, leftovers."""
    insts = [micro(s) for s in range(40)]
    assert any(len(i.waves) == 2 for i in insts) and any(len(i.waves) == 1 for i in insts)
    assert any(lr.person_id in {r.person_id for r in i.relays if set(lr.needs) & r.areas}
               for i in insts for lr in i.learners)
    assert any(len(lr.needs) == 2 for i in insts for lr in i.learners)
    assert {i.params.face_to_face_scope for i in insts} == {"site", "region"}
    assert any(len(waves_by_month(i)) < len(i.waves) for i in insts)
    assert any(r.modalities == {"hybrid"} and i.params.allow_hybrid for i in insts
               for r in i.relays)
    assert any(r.modalities >= {"hybrid", "remote"} and not i.params.allow_remote
               and i.params.allow_hybrid for i in insts for r in i.relays)
    threes = [micro3(s) for s in range(20)]
    assert [1, 3] in (run for i in threes for run in build(i).alike)
    assert any(lr.person_id == 3 and set(lr.needs) <= i.relays[2].areas and
               i.params.cohort_min == 1 for i in threes for lr in i.learners)


def test_split_keeps_a_relay_out_of_their_own_cohort_and_sizes_even():
    # Class of three cohorts, led by 1, 1 and 2; 8 members of whom relays 1 and 2 learn.
    # Relay 1 can only sit in relay 2's cohort and relay 2 only in one of relay 1's.
    kinds = [(1, "teaching", "face_to_face")] * 2 + [(2, "teaching", "face_to_face")]
    parts = _split(kinds, [10, 11, 1, 12, 13, 2, 14, 15])
    assert sorted(len(p) for p in parts) == [2, 3, 3]
    assert sorted(pid for p in parts for pid in p) == [1, 2, 10, 11, 12, 13, 14, 15]
    assert 1 in parts[2] and 2 not in parts[2]


@pytest.mark.parametrize(("leads", "members"), [
    ([1, 2, 3], [1, 2, 3]),  # three relays training each other, one seat a cohort
    ([1, 3, 4, 4], [100, 3, 1, 4]),  # a greedy seat for 3 and 1 left 4 only their own
])
def test_split_finds_a_seating_where_a_greedy_one_gets_stuck(leads, members):
    # Both cases come from review: placing each relay in the emptiest other cohort failed.
    kinds = [(rid, "teaching", "face_to_face") for rid in leads]
    parts = _split(kinds, members)
    assert sorted(pid for p in parts for pid in p) == sorted(members)
    assert all(len(p) == len(members) // len(leads) for p in parts)
    assert all(kind[0] not in p for kind, p in zip(kinds, parts))


@pytest.mark.parametrize(("count", "covered"), [(1, 1.0), (3, 3.0)])
def test_three_relays_train_each_other_in_one_seat_cohorts(count, covered):
    # Relays 1, 2, 3 each lead teaching and each need it (1.0); cohorts of exactly one.
    # One wave: a ring (1 in 2's cohort, 2 in 3's, 3 in 1's) would cover 3.0, but a person
    # leading in a wave learns in none of its cohorts: one relay leads, one learns, 1.0.
    # Three waves: the ring spread over them, one cohort a wave, 3.0.
    people = tuple(person(pid, {"teaching": 1.0}) for pid in (1, 2, 3))
    waves = tuple(Wave(i, dt.date(2026, 9 + i, 1)) for i in range(count))
    inst = instance([relay(1), relay(2), relay(3)], people, waves=waves, cohort_min=1,
                    cohort_max=1)
    plan = exact(inst)
    assert_proven(inst, plan)
    assert plan.stats["covered_need"] == pytest.approx(covered)
    assert all(c.relay_id not in c.members for c in plan.cohorts)


def three_waves(make):
    """make(seed) planned over three waves: every learner may join all their cohorts, and the
    waveless relaxation's bounds prove locality and load. For odd seeds the first two waves
    share a month (September 1 and 15)."""
    def inst(seed: int) -> Instance:
        days = ((9, 1), (10, 1), (11, 1)) if seed % 2 == 0 else ((9, 1), (9, 15), (10, 1))
        return replace(make(seed), waves=tuple(Wave(i, dt.date(2026, m, d))
                                               for i, (m, d) in enumerate(days)))
    inst.__name__ = f"{make.__name__}_3w"
    return inst


@pytest.mark.parametrize(("make", "seed"),
                         [(micro, s) for s in range(40)] + [(micro3, s) for s in range(20)]
                         + [(three_waves(micro), s) for s in range(10)]
                         + [(three_waves(micro3), s) for s in range(10)])
def test_aggregation_loses_nothing(make, seed):
    # Swept without a mismatch while writing: 2000 micro seeds, then 960 micro and 400
    # micro3 seeds when classes and alike relays came in, then 150 micro and 150 micro3
    # seeds over three waves when stages could be proven by the waveless relaxation.
    inst = make(seed)
    ex = exact(inst)
    mono = monolithic_plan(inst, time_limit=10.0, workers=WORKERS)
    assert mono.status == "OPTIMAL"
    assert_proven(inst, ex)
    assert combined_value(inst, ex.cohorts) == combined_value(inst, mono.cohorts), (
        score(inst, ex.cohorts), score(inst, mono.cohorts))
    # The decomposition's master is a relaxation too: its bound never cuts the optimum.
    assert decomposed_plan(inst, time_limit=2.0).bound >= mono.objective - 1e-6


def test_shortcuts_find_the_same_optimum_as_the_search(monkeypatch):
    # The at-caps check and the fit of the relaxation's plan into waves end stages without
    # an optimising search. They are sound by construction (each holds the stage at a
    # proven bound); this checks it: with both switched off, CP-SAT's search proves the
    # same values, and on these instances both shortcuts are taken at least once.
    cases = [three_waves(micro)(s) for s in range(20, 30)] \
        + [three_waves(micro3)(s) for s in range(20, 30)]
    quick = [exact(inst) for inst in cases]
    monkeypatch.setattr(exact_module, "_at_caps", lambda *_a, **_k: cp_model.UNKNOWN)
    monkeypatch.setattr(exact_module, "_fit", lambda *_a, **_k: cp_model.UNKNOWN)
    slow = [exact(inst) for inst in cases]
    for inst, a, b in zip(cases, quick, slow):
        assert_proven(inst, a)
        assert_proven(inst, b)
        assert combined_value(inst, a.cohorts) == combined_value(inst, b.cohorts)
        assert b.stats["stage_need_by"] == "search"
    assert sum(p.stats["stage_need_by"] == "at_caps" for p in quick) >= 1
    assert sum(p.stats.get("stage_locality_by") == "fit"
               or p.stats.get("stage_load_by") == "fit" for p in quick) >= 1


@pytest.mark.parametrize(("make", "seed"),
                         [(three_waves(micro), s) for s in range(10, 20)]
                         + [(three_waves(micro3), s) for s in range(10, 20)])
def test_waveless_relaxation_bounds_the_optimum(make, seed):
    # The bounds that prove stages must never cut the true optimum (the slot model's): the
    # learners' caps and the relaxation's locality bound at least its values, the
    # relaxation's load at most its load.
    inst = make(seed)
    mono = monolithic_plan(inst, time_limit=10.0, workers=WORKERS)
    assert mono.status == "OPTIMAL"
    best = score(inst, mono.cohorts)
    need = needed_pairs(inst)
    units = sum(need_int(w) for pair, w in need.items() if pair in covered_pairs(mono.cohorts))
    relax = build(inst, waveless=True)
    assert units <= sum(cap for _, cap in learner_caps(relax, need, len(inst.waves)))
    relax.model.add(relax.need == units)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = WORKERS
    relax.model.maximize(relax.locality)
    assert solver.solve(relax.model) == cp_model.OPTIMAL
    assert solver.objective_value >= best["locality"]
    relax.model.add(relax.locality == int(best["locality"]))
    relax.model.minimize(relax.maxload)
    assert solver.solve(relax.model) == cp_model.OPTIMAL
    assert solver.objective_value <= best["max_load"]


# --- 4-6. hint, solve(), stall ------------------------------------------------------------------

@pytest.mark.parametrize("seed", [0, 1, 2])
def test_warm_start_is_never_worse_than_its_hint(seed):
    inst = generate("small", seed=seed)
    hint = decomposed_plan(inst, time_limit=2.0)
    plan = exact(inst, time_limit=2.5, hint=hint)
    assert check_plan(inst, plan) == []
    assert combined_value(inst, plan.cohorts) >= combined_value(inst, hint.cohorts)


def test_solve_reports_the_proof_and_keeps_the_better_plan():
    inst = with_params(generate("small", seed=1), time_limit_s=4.0)
    plan = solve(inst)
    assert check_plan(inst, plan) == []
    assert 0 <= plan.stats["stages_proven"] <= 3
    assert isinstance(plan.stats["lexicographic_optimal"], bool)
    # solve() runs the same decomposition (min(limit, 2 s), same seed) before the exact model
    # and keeps the better of the two.
    dec = decomposed_plan(inst, time_limit=2.0)
    assert combined_value(inst, plan.cohorts) >= combined_value(inst, dec.cohorts)


def test_stall_ends_the_search_long_before_the_limit():
    inst = generate("medium", seed=0)
    # Behaviour, not a benchmark. Note: today the stall clock starts with the stage, so
    # 0.5 s of presolve without a first solution stops the need stage and the plan is empty
    # (status UNKNOWN) even with a hint; solve() keeps the decomposition's plan then.
    plan = exact_plan(inst, time_limit=120.0, stall_s=0.5)
    # the solver's own clock, against a limit far above what a stalled search needs:
    # under the stricter rules of issue 23 this search ended after 21 s on a quiet machine
    # and after 30-57 s on a loaded one, so a 30 s limit could not tell a stall from the
    # limit; a quarter of the limit to spare shows the stall, not the limit, ended it
    assert plan.stats["time_s"] < 0.75 * 120.0
    assert check_plan(inst, plan) == []
    assert "stages_proven" in plan.stats
