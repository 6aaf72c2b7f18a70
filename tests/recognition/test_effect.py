"""The effect estimate on hand-made data.

A known effect is recovered, no effect gives an interval across 0, small groups are hidden.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from disclosure.effect import guarded, scores_of
from recognition.effect import (
    Effect,
    area_groups,
    effects,
    match,
    relay_effects,
    verdict,
    welch,
)
from tests.disclosure.sim import C1, C2, Person, World

AREA = "assessment"


def attendance(
    learners: list[int],
    relay: int = 9000,
    cohort: str = "A-1",
    area: str = AREA,
    absent: list[int] = (),
) -> pd.DataFrame:
    rows = [
        {
            "person_id": p,
            "role": "learner",
            "area": area,
            "cohort_id": cohort,
            "plan_id": 1,
            "hours": 12.0,
            "attended": True,
            "campaign_id": C1,
        }
        for p in learners
    ]
    rows += [
        {
            "person_id": p,
            "role": "learner",
            "area": area,
            "cohort_id": cohort,
            "plan_id": 1,
            "hours": 0.0,
            "attended": False,
            "campaign_id": C1,
        }
        for p in absent
    ]
    rows.append(
        {
            "person_id": relay,
            "role": "relay",
            "area": area,
            "cohort_id": cohort,
            "plan_id": 1,
            "hours": 12.0,
            "attended": True,
            "campaign_id": C1,
        }
    )
    return pd.DataFrame(rows)


def frames(n_att: int, n_cmp: int, effect: float, seed: int = 1, noise: float = 4.0):
    """before/after score frames: everyone drifts +3, attendees gain effect more."""
    rng = np.random.default_rng(seed)
    rows_b, rows_a = [], []
    for pid in range(1, n_att + n_cmp + 1):
        start = rng.uniform(20, 60)
        gain = 3 + rng.normal(0, noise) + (effect if pid <= n_att else 0.0)
        rows_b.append((pid, 10_000 + pid, AREA, start))
        rows_a.append((pid, 20_000 + pid, AREA, start + gain))
    cols = ["person_id", "response_id", "area", "score"]
    return pd.DataFrame(rows_b, columns=cols), pd.DataFrame(rows_a, columns=cols)


@pytest.mark.parametrize("true_effect", [8.0, 15.0])
def test_known_effect_is_recovered(true_effect):
    before, after = frames(40, 120, true_effect)
    (eff,) = effects(attendance(list(range(1, 41))), before, after)
    assert eff.n_attended == 40 and eff.n_comparison > 40
    assert eff.low < true_effect < eff.high
    assert abs(eff.effect - true_effect) < 3
    assert eff.low > 0
    assert "raised practice by about" in verdict(eff, "Evaluation", "en")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_no_effect_gives_an_interval_across_zero(seed):
    before, after = frames(40, 120, 0.0, seed=seed)
    (eff,) = effects(attendance(list(range(1, 41))), before, after)
    assert eff.low < 0 < eff.high
    assert verdict(eff, "Evaluation", "en").startswith("No clear change")
    assert verdict(eff, "Évaluation", "fr").startswith("Pas de changement net")


def test_regression_to_the_mean_is_not_taken_for_an_effect():
    # attendees start low; everyone's change is pulled towards 50; no real effect
    rng = np.random.default_rng(5)
    rows_b, rows_a = [], []
    for pid in range(1, 401):
        start = rng.uniform(15, 40) if pid <= 40 else rng.uniform(15, 85)
        after = start + 0.3 * (50 - start) + rng.normal(0, 2)
        rows_b.append((pid, 10_000 + pid, AREA, start))
        rows_a.append((pid, 20_000 + pid, AREA, after))
    cols = ["person_id", "response_id", "area", "score"]
    before, after = pd.DataFrame(rows_b, columns=cols), pd.DataFrame(rows_a, columns=cols)
    (eff,) = effects(attendance(list(range(1, 41))), before, after)
    naive = after["score"] - before["score"]
    naive_diff = naive[:40].mean() - naive[40:].mean()
    assert naive_diff > 4  # comparing with everyone would claim an effect
    assert abs(eff.effect) < naive_diff / 2  # the caliper keeps comparators of similar start
    assert eff.start_comparison < 45


def test_caliper_drops_attendees_without_comparators():
    pairs = pd.DataFrame(
        {
            "person_id": [1, 2, 3, 4],
            "response_id_before": [11, 12, 13, 14],
            "response_id_after": [21, 22, 23, 24],
            "before": [10.0, 80.0, 15.0, 50.0],
            "after": [20.0, 90.0, 18.0, 55.0],
        }
    )
    g = match(pairs, np.array([1, 2]), AREA)
    assert g.attendees["person_id"].tolist() == [1]
    assert g.comparators["person_id"].tolist() == [3]  # 50 is more than 10 points from 10
    assert g.unmatched == 1


def test_placed_but_absent_learners_are_in_neither_group():
    before, after = frames(10, 30, 5.0)
    (g,) = area_groups(attendance(list(range(1, 8)), absent=[8, 9, 10]), before, after)
    assert set(g.attendees["person_id"]) <= set(range(1, 8))
    assert not set(g.comparators["person_id"]) & {8, 9, 10}


def test_welch_matches_scipy():
    from scipy import stats

    x, y = np.array([1.0, 4, 6, 9, 12]), np.array([0.0, 1, 1, 2, 3, 5, 8])
    diff, low, high = welch(x, y)
    res = stats.ttest_ind(x, y, equal_var=False)
    ci = res.confidence_interval(0.95)
    assert diff == pytest.approx(x.mean() - y.mean())
    assert (low, high) == pytest.approx((ci.low, ci.high))


def test_one_person_per_side_has_no_interval():
    diff, low, high = welch(np.array([3.0]), np.array([1.0, 2.0]))
    assert np.isnan(low) and np.isnan(high)
    eff = Effect(area=AREA, n_attended=1, n_comparison=2, effect=diff)
    assert verdict(eff, "Evaluation", "en").startswith("Not enough participants")


def test_attendance_frame_without_columns_is_refused():
    from i18n import RelaisError

    with pytest.raises(RelaisError):
        effects(pd.DataFrame({"person_id": [1]}), *frames(2, 2, 0.0))


# --- through the disclosure layer --------------------------------------------------------------


def world(n: int, gain_of, start_of=lambda pid: 20 + (pid * 7) % 40, sites: int = 2) -> World:  # noqa: ANN001
    people = []
    for pid in range(1, n + 1):
        s = float(start_of(pid))
        people.append(
            Person(
                pid,
                site_id=1 + pid % sites,
                region_id=1,
                modalities=("hybrid",),
                scores={C1: {AREA: s}, C2: {AREA: min(100.0, s + gain_of(pid))}},
            )
        )
    w = World(people, k=5)
    for pid in range(1, n + 1):
        w.submit(C1, pid)
        w.submit(C2, pid)
    return w


def shown(
    w: World, att: pd.DataFrame, relays: list[int] | None = None
) -> tuple[list[Effect], list]:
    d1, d2, _, _ = w.releases()
    raw = (
        relay_effects(att, scores_of(d1), scores_of(d2), relays)
        if relays
        else effects(att, scores_of(d1), scores_of(d2))
    )
    return guarded(raw, d1, d2, w.history[C1], w.history[C2], w.k)


def test_groups_of_k_are_shown_and_recorded():
    w = world(40, lambda pid: 10.0 if pid <= 10 else 2.0 + pid % 3)
    (eff,), rows = shown(w, attendance(list(range(1, 11))))
    assert eff.shown and eff.n_attended == 10 and eff.effect > 5
    assert {r.figure for r in rows} == {f"effect:{AREA}|attended", f"effect:{AREA}|comparison"}
    assert {r.campaign_id for r in rows} == {C1, C2}


@pytest.mark.parametrize("n_att", [1, 3, 4])
def test_attendees_under_k_hide_every_figure(n_att):
    w = world(40, lambda pid: 5.0)
    (eff,), rows = shown(w, attendance(list(range(1, n_att + 1))))
    assert not eff.shown and rows == []
    assert np.isnan(eff.effect) and eff.n_attended == 0 and eff.n_comparison == 0
    assert verdict(eff, "Evaluation", "en").startswith("Not enough participants")


def test_comparators_under_k_hide_the_effect():
    # 8 attendees start near 20, only 3 non-attendees start within 10 points of them
    w = world(
        30, lambda pid: 5.0, start_of=lambda pid: 20.0 + pid % 3 if pid <= 11 else 70.0 + pid % 5
    )
    (eff,), rows = shown(w, attendance(list(range(1, 9))))
    assert not eff.shown and rows == []


def test_a_group_that_differs_from_a_released_site_by_one_person_is_refused():
    # site 1 (odd ids) is released in both campaigns; attendees are site 1 minus one person
    w = world(24, lambda pid: 5.0, start_of=lambda pid: 30.0 + pid % 4)
    site1 = [p for p in range(1, 25) if p % 2 == 1]
    (eff,), rows = shown(w, attendance(site1[:-1]))
    assert not eff.shown and rows == []


def test_per_relay_effect_needs_k_learners():
    w = world(60, lambda pid: 5.0, sites=1)
    att = pd.concat(
        [
            attendance(list(range(1, 7)), relay=901, cohort="A-1"),
            attendance(list(range(7, 10)), relay=902, cohort="A-2", absent=[10, 11]),
        ]
    )
    effs, _ = shown(w, att, relays=[901, 902])
    by = {e.relay_id: e for e in effs}
    assert by[901].shown and by[901].n_attended == 6
    assert not by[902].shown


def test_small_groups_cut_across_released_sites_are_shown_by_the_span_check():
    # 3 attendees from each of two released sites: each site's cell splits 3 / 27, so the cell
    # rule refuses; but every combination of the released sums that avoids the two parts of 27
    # is constant on the 6 attendees, so nothing under k is derivable and the span check shows it
    w = world(60, lambda pid: 5.0)
    (eff,), rows = shown(w, attendance(list(range(1, 7))))
    assert eff.shown and eff.n_attended == 6
    assert {r.figure for r in rows} == {f"effect:{AREA}|attended", f"effect:{AREA}|comparison"}


def test_two_effects_that_differ_by_one_person_are_not_both_shown():
    # one site of 40; cohorts on two areas whose attendees differ by one person
    people = []
    for pid in range(1, 41):
        s = 30.0 + pid % 5
        people.append(
            Person(
                pid,
                site_id=1,
                region_id=1,
                modalities=("hybrid",),
                scores={C1: {AREA: s, "teaching": s}, C2: {AREA: s + 4, "teaching": s + 4}},
            )
        )
    w = World(people, k=5)
    for pid in range(1, 41):
        w.submit(C1, pid)
        w.submit(C2, pid)
    att = pd.concat(
        [
            attendance(list(range(1, 11)), cohort="A-1"),
            attendance(list(range(1, 12)), cohort="T-1", area="teaching", relay=9001),
        ]
    )
    d1, d2, _, _ = w.releases()
    raw = effects(att, scores_of(d1), scores_of(d2))
    shown_, rows = guarded(raw, d1, d2, w.history[C1], w.history[C2], w.k)
    assert [e.shown for e in shown_] == [True, False]  # assessment first, teaching refused
    assert {r.figure.split("|")[0] for r in rows} == {f"effect:{AREA}"}


def test_after_an_attendee_is_erased_the_effect_keeps_their_stored_scores():
    # released with 10 attendees; one is erased (responses unlinked, scores kept): the effect
    # stays on the same 10 responses, as every other figure does, and never moves by one
    w = world(40, lambda pid: 10.0 + pid % 3 if pid <= 10 else 2.0 + pid % 4, sites=1)
    att = attendance(list(range(1, 11)))
    (first,), rows = shown(w, att)
    assert first.shown and first.n_attended == 10
    w.history[C1] += [r for r in rows if r.campaign_id == C1]
    w.history[C2] += [r for r in rows if r.campaign_id == C2]
    w.erased.add(3)
    (after,), new_rows = shown(w, att)
    assert after.shown and new_rows == []
    assert (after.n_attended, after.n_comparison) == (first.n_attended, first.n_comparison)
    assert after.effect == pytest.approx(first.effect)
    assert (after.low, after.high) == pytest.approx((first.low, first.high))


def test_a_linked_attendee_leaving_the_group_is_not_an_erasure():
    # attendance corrected: person 3 did not attend after all; the group of 9 differs by one
    w = world(40, lambda pid: 10.0 if pid <= 10 else 2.0, sites=1)
    (first,), rows = shown(w, attendance(list(range(1, 11))))
    w.history[C1] += [r for r in rows if r.campaign_id == C1]
    w.history[C2] += [r for r in rows if r.campaign_id == C2]
    (after,), new_rows = shown(w, attendance([p for p in range(1, 11) if p != 3], absent=[3]))
    assert not after.shown and new_rows == []
