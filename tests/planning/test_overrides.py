"""The lead's edits to relays and learners: applied, validated cell by cell, stored as JSON."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from i18n import RelaisError
from planning import overrides as ov
from planning.inputs import Directory
from planning.instances import generate
from planning.model import Learner
from planning.rules import check_plan
from planning.solve import solve
from plan_cases import instance, learners, relay

TINY = generate("tiny", seed=3)
NAMES = Directory({r.person_id: f"Relais {r.person_id}" for r in TINY.relays}
                  | {lr.person_id: f"Appr {lr.person_id}" for lr in TINY.learners}, {}, {})


def frames(inst=TINY, edits=ov.NONE):
    return ov.relay_frame(inst, NAMES, edits), ov.learner_frame(inst, NAMES, edits)


def test_unchanged_tables_give_no_edit_and_apply_changes_nothing():
    r, lr = frames()
    got = ov.overrides_from_frames(TINY, r, lr, NAMES)
    assert not got and got == ov.NONE
    assert ov.apply(TINY, got) == TINY


def test_apply_excludes_and_edits_and_is_idempotent():
    gone, edited = TINY.relays[0].person_id, TINY.relays[1].person_id
    learner = TINY.learners[0]
    area = next(iter(learner.needs))
    edits = ov.Overrides(
        {gone: ov.RelayEdit(excluded=True),
         edited: ov.RelayEdit(hours_per_month=30.0, modalities=frozenset({"remote"}))},
        {learner.person_id: ov.LearnerEdit(needs={area: 0.0, "engagement": 1.5}),
         TINY.learners[1].person_id: ov.LearnerEdit(excluded=True)})
    out = ov.apply(TINY, edits)
    relays = {r.person_id: r for r in out.relays}
    assert gone not in relays and len(out.relays) == len(TINY.relays) - 1
    assert relays[edited].hours_per_month == 30.0
    assert relays[edited].modalities == {"remote"}
    assert relays[edited].areas == TINY.relays[1].areas  # unchanged field kept
    lrs = {x.person_id: x for x in out.learners}
    assert TINY.learners[1].person_id not in lrs
    assert area not in lrs[learner.person_id].needs
    assert lrs[learner.person_id].needs["engagement"] == 1.5
    assert ov.apply(out, edits) == out
    s = ov.summary(TINY, edits)
    assert (s["relays_excluded"], s["relays_edited"], s["learners_excluded"],
            s["learners_edited"], s["ignored"]) == (1, 1, 1, 1, 0)
    assert s["areas_beyond_mastery"] == 0  # hours and modalities only


def test_summary_counts_relays_given_an_area_beyond_their_mastery():
    kept, dropped, narrowed = (r.person_id for r in TINY.relays[:3])
    new = next(a for a in sorted(ov.AREAS) if a not in TINY.relays[0].areas)
    edits = ov.Overrides({
        kept: ov.RelayEdit(areas=TINY.relays[0].areas | {new}),  # beyond: counted
        dropped: ov.RelayEdit(excluded=True, areas=frozenset({new})),  # left out: not counted
        narrowed: ov.RelayEdit(areas=frozenset(sorted(TINY.relays[2].areas)[:1]))}, {})
    assert ov.summary(TINY, edits)["areas_beyond_mastery"] == 1


def test_editor_cells_become_overrides_and_only_changes_are_kept():
    r, lr = frames()
    pid = TINY.relays[2].person_id
    state = {"edited_rows": {0: {"include": False}, 2: {"hours": 40, "areas": ["assessment"]}},
             "added_rows": [], "deleted_rows": []}
    got = ov.overrides_from_frames(TINY, ov.with_edits(r, state), lr, NAMES)
    assert got.relays == {TINY.relays[0].person_id: ov.RelayEdit(excluded=True),
                          pid: ov.RelayEdit(hours_per_month=40.0,
                                            areas=frozenset({"assessment"}))}
    assert got.learners == {}
    # The tables rebuilt with those edits read back as the same edits.
    again = ov.overrides_from_frames(TINY, *frames(TINY, got), NAMES)
    assert again == got


def test_more_hours_give_a_relay_more_cohorts():
    people = learners(1, 48)
    inst = instance([relay(100, hours=6.0)], people, max_cohorts_per_relay_per_wave=2,
                    cohort_max=12)
    before = solve(inst)
    more = ov.apply(inst, ov.Overrides({100: ov.RelayEdit(hours_per_month=12.0)}))
    after = solve(more)
    assert not check_plan(more, after)
    assert len(before.cohorts) == 2  # 6 h a month: one cohort a wave
    assert len(after.cohorts) == 4


def test_an_excluded_learner_is_never_placed_and_an_excluded_relay_never_leads():
    plan = solve(TINY)
    placed = next(m for c in plan.cohorts for m in c.members)
    leader = plan.cohorts[0].relay_id
    edits = ov.Overrides({leader: ov.RelayEdit(excluded=True)},
                         {placed: ov.LearnerEdit(excluded=True)})
    inst = ov.apply(TINY, edits)
    again = solve(inst)
    assert again.cohorts and not check_plan(inst, again)
    assert all(placed not in c.members for c in again.cohorts)
    assert all(c.relay_id != leader for c in again.cohorts)


def test_json_round_trip():
    edits = ov.Overrides(
        {5: ov.RelayEdit(excluded=True), 7: ov.RelayEdit(hours_per_month=9.5,
                                                         areas=frozenset({"teaching", "resources"}),
                                                         modalities=frozenset({"hybrid"}))},
        {11: ov.LearnerEdit(needs={"assessment": 0.0, "teaching": 2.25}),
         12: ov.LearnerEdit(excluded=True)})
    import json

    text = json.dumps(ov.to_json(edits))
    assert ov.from_json(json.loads(text)) == edits
    assert ov.from_json(None) == ov.NONE and ov.from_json({}) == ov.NONE


def test_a_withdrawn_relay_edit_is_ignored_and_reported():
    gone = TINY.relays[0].person_id
    edits = ov.Overrides({gone: ov.RelayEdit(hours_per_month=20.0),
                          TINY.relays[1].person_id: ov.RelayEdit(hours_per_month=20.0)})
    today = ov.apply(TINY, ov.Overrides({gone: ov.RelayEdit(excluded=True)}))  # consent withdrawn
    out = ov.apply(today, edits)
    assert gone not in {r.person_id for r in out.relays}
    assert ov.ignored(today, edits) == [gone]
    assert ov.summary(today, edits)["ignored"] == 1


def _bad(table, row, col, value, inst=TINY):
    r, lr = frames(inst)
    target = r if table == "relays" else lr
    target[col] = target[col].astype(object)
    target.iat[row, target.columns.get_loc(col)] = value
    with pytest.raises(RelaisError) as err:
        ov.overrides_from_frames(inst, r, lr, NAMES)
    return err.value.render("fr")


@pytest.mark.parametrize("col, value, says", [
    ("hours", "beaucoup", "« beaucoup » n'est pas un nombre"),
    ("hours", 250, "250 est hors de l'intervalle 0–200"),
    ("hours", -1, "-1 est hors de l'intervalle 0–200"),
    ("hours", None, "saisissez un nombre"),
    ("hours", float("inf"), "hors de l'intervalle"),
    ("include", "oui", "cochez ou décochez la case"),
    ("areas", ["cuisine"], "« cuisine » n'est pas un choix connu"),
    ("modalities", ["pigeon"], "« pigeon » n'est pas un choix connu"),
    ("areas", [], "doit avoir au moins un domaine"),
    ("modalities", None, "doit avoir au moins une modalité"),
])
def test_bad_relay_cells_are_named_by_person_and_column(col, value, says):
    msg = _bad("relays", 1, col, value)
    who = NAMES.person(TINY.relays[1].person_id)
    assert msg.startswith(who) and says in msg
    label = {"hours": "Heures par mois", "include": "Inclure", "areas": "Domaines",
             "modalities": "Modalités"}[col]
    if "au moins" not in says:
        assert f"colonne « {label}" in msg


@pytest.mark.parametrize("value, says", [
    ("urgent", "« urgent » n'est pas un nombre"),
    (6, "6 est hors de l'intervalle 0–5"),
    (-0.5, "hors de l'intervalle"),
    (True, "« True » n'est pas un nombre"),
])
def test_bad_priorities_are_named_by_person_and_area(value, says):
    area = ov.learner_areas(TINY)[3]
    msg = _bad("learners", 4, area, value)
    assert msg.startswith(NAMES.person(TINY.learners[4].person_id)) and says in msg
    assert "colonne « Évaluation" in msg


def test_an_excluded_relay_may_have_no_area_and_a_blank_priority_means_no_need():
    r, lr = frames()
    r[ov.RELAY_AREAS] = r[ov.RELAY_AREAS].astype(object)
    r.iat[0, r.columns.get_loc(ov.INCLUDE)] = False
    r.iat[0, r.columns.get_loc(ov.RELAY_AREAS)] = []
    area = next(iter(TINY.learners[0].needs))
    lr.iat[0, lr.columns.get_loc(area)] = np.nan
    got = ov.overrides_from_frames(TINY, r, lr, NAMES)
    assert got.relays[TINY.relays[0].person_id].excluded
    assert got.learners[TINY.learners[0].person_id].needs == {area: 0.0}
    assert area not in {x.person_id: x for x in ov.apply(TINY, got).learners}.get(
        TINY.learners[0].person_id, Learner(0, 0, 0, {})).needs


def test_rows_cannot_be_added_removed_or_reordered():
    r, lr = frames()
    for bad in (r.iloc[1:], r.iloc[::-1], r.rename(index={r.index[0]: 99999})):
        with pytest.raises(RelaisError) as err:
            ov.overrides_from_frames(TINY, bad, lr, NAMES)
        assert "Le tableau des relais a changé de forme" in err.value.render("fr")
    with pytest.raises(RelaisError):
        ov.with_edits(r, {"edited_rows": {}, "added_rows": [{"hours": 3}], "deleted_rows": []})
    with pytest.raises(RelaisError):
        ov.with_edits(lr, {"edited_rows": {}, "added_rows": [], "deleted_rows": [0]},
                      ov.LEARNERS_TABLE)
    with pytest.raises(RelaisError):
        ov.with_edits(r, {"edited_rows": {len(r) + 3: {"hours": 3}}})


def test_read_only_columns_are_not_taken_from_the_editor():
    r, _ = frames()
    out = ov.with_edits(r, {"edited_rows": {0: {"name": "Quelqu'un d'autre", "hours": 1}}})
    assert out.iloc[0]["name"] == r.iloc[0]["name"] and out.iloc[0]["hours"] == 1


JUNK = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6),
                 st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12),
                 st.lists(st.one_of(st.text(max_size=8), st.sampled_from(
                     ["teaching", "remote", "hybrid", "assessment"]), st.integers()), max_size=4),
                 st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(table=st.sampled_from(["relays", "learners"]), row=st.integers(0, 4),
       col=st.integers(0, 5), value=JUNK)
def test_junk_in_any_editable_cell_gives_a_relais_error_or_valid_edits(table, row, col, value):
    before = copy.deepcopy(TINY)
    r, lr = frames()
    if table == "relays":
        cols = [ov.INCLUDE, ov.HOURS, ov.RELAY_AREAS, ov.RELAY_MODALITIES]
    else:
        cols = [ov.INCLUDE, *ov.learner_areas(TINY)]
    key = cols[col % len(cols)]
    state = {"edited_rows": {row: {key: value}}, "added_rows": [], "deleted_rows": []}
    try:
        rr = ov.with_edits(r, state) if table == "relays" else r
        ll = ov.with_edits(lr, state, ov.LEARNERS_TABLE) if table == "learners" else lr
        got = ov.overrides_from_frames(TINY, rr, ll, NAMES)
    except RelaisError as err:
        assert err.render("fr")  # renders without a missing parameter
    else:
        out = ov.apply(TINY, got)
        assert all(0 <= x.hours_per_month <= ov.MAX_HOURS for x in out.relays)
        assert all(0 < w <= ov.MAX_PRIORITY for x in out.learners for w in x.needs.values())
    assert TINY == before
