"""Invitations from the links: accept, decline, open seats, the maximum under concurrency."""

from __future__ import annotations

import threading

import pytest
from sqlmodel import select

from cascade import cohorts, seats
from i18n import RelaisError
from storage.db import read_session, write_session
from storage.models import AuditLog, CascadeCohort, CascadeSeat
from survey.links import LinkError, issue_link, revoke
from tests.cascade.world import build, person


def _cohort(engine, plan_id):  # noqa: ANN001
    (c,) = cohorts.cohorts_of_plan(engine, plan_id)
    return c


def _state(engine, cohort_id):  # noqa: ANN001
    with read_session(engine) as s:
        c = s.get(CascadeCohort, cohort_id)
        rows = s.exec(select(CascadeSeat.person_id, CascadeSeat.status)
                      .where(CascadeSeat.cohort_id == cohort_id)).all()
        return c.taken, c.capacity, sorted(rows)


def test_publication_invites_each_member_with_the_cohort_details(engine):
    w = build(engine)
    c = _cohort(engine, w.plan_id)
    assert (c.area, c.modality, c.site_id, c.relay_name, c.capacity, c.taken) == (
        "teaching", "face_to_face", w.site_a, "Rita Test", 3, 2)
    assert c.ref == f"{w.plan_id}:{w.relay}-teaching-0-0"
    mine = seats.my_seats(engine, w.tokens[w.learners[0]])
    assert [(m.cohort.id, m.status) for m in mine] == [(c.id, "invited")]
    assert seats.my_seats(engine, w.tokens[w.others[0]]) == []
    assert [v.id for v in seats.led_by(engine, w.tokens[w.relay])] == [c.id]


def test_accept_then_decline_frees_the_seat_and_is_audited(engine):
    w = build(engine)
    c = _cohort(engine, w.plan_id)
    assert seats.answer(engine, w.tokens[w.learners[0]], c.id, True) == "accepted"
    assert seats.answer(engine, w.tokens[w.learners[1]], c.id, False) == "declined"
    taken, cap, rows = _state(engine, c.id)
    assert (taken, cap) == (1, 3)
    assert dict(rows) == {w.learners[0]: "accepted", w.learners[1]: "declined"}
    with read_session(engine) as s:
        assert len(s.exec(select(AuditLog).where(AuditLog.action == "cascade_seat")).all()) == 2
    with pytest.raises(RelaisError) as err:  # a declined seat is no longer theirs
        seats.answer(engine, w.tokens[w.learners[1]], c.id, True)
    assert err.value.message == seats.NOT_YOURS


def test_open_seats_go_to_the_same_site_or_region_only(engine):
    w = build(engine)
    c = _cohort(engine, w.plan_id)
    assert [v.id for v in seats.open_seats(engine, w.tokens[w.others[0]])] == [c.id]
    assert seats.open_seats(engine, w.tokens[w.far]) == []
    with pytest.raises(RelaisError) as err:
        seats.take(engine, w.tokens[w.far], c.id, consent=True)
    assert err.value.message == seats.OUT_OF_REACH
    with pytest.raises(RelaisError):
        seats.take(engine, w.tokens[w.others[0]], c.id, consent=False)
    assert _state(engine, c.id)[0] == 2
    seats.take(engine, w.tokens[w.others[0]], c.id, consent=True)
    taken, cap, rows = _state(engine, c.id)
    assert taken == cap == 3 and (w.others[0], "accepted") in rows
    with pytest.raises(RelaisError) as err:  # full: clear message, nothing changes
        seats.take(engine, w.tokens[w.others[1]], c.id, consent=True)
    assert err.value.message == seats.FULL
    assert _state(engine, c.id) == (taken, cap, rows)
    assert seats.open_extra(engine, c.id, 2, None) == 5
    seats.take(engine, w.tokens[w.others[1]], c.id, consent=True)
    assert _state(engine, c.id)[0] == 4


def test_closed_plan_and_revoked_link_change_nothing(engine):
    w = build(engine)
    c = _cohort(engine, w.plan_id)
    revoke(engine, w.campaign_id, w.learners[0])
    with pytest.raises(LinkError):
        seats.answer(engine, w.tokens[w.learners[0]], c.id, True)
    cohorts.close_plan(engine, w.plan_id, None)
    before = _state(engine, c.id)
    for act in (lambda: seats.answer(engine, w.tokens[w.learners[1]], c.id, True),
                lambda: seats.take(engine, w.tokens[w.others[0]], c.id, consent=True)):
        with pytest.raises(RelaisError) as err:
            act()
        assert err.value.message == cohorts.PLAN_CLOSED
    assert _state(engine, c.id) == before


def test_two_trainers_taking_the_last_seat_at_once_get_one(engine):
    """Several rounds: the winner gives the seat back, two new trainers race for it."""
    w = build(engine, n_others=0)
    c = _cohort(engine, w.plan_id)
    for rnd in range(6):
        with write_session(engine) as s:
            racers = [person(s, f"R{rnd}x{i}", w.site_a) for i in range(2)]
            tokens = [issue_link(s, w.campaign_id, p) for p in racers]
        barrier = threading.Barrier(2)
        results: list[object] = [None, None]

        def run(i: int) -> None:
            barrier.wait()
            try:
                seats.take(engine, tokens[i], c.id, consent=True)
                results[i] = "won"
            except RelaisError as err:
                results[i] = err.message

        threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
        for th in threads:
            th.start()
        for th in threads:
            th.join(60)
        assert sorted(map(str, results)) == sorted(["won", seats.FULL]), results
        taken, cap, rows = _state(engine, c.id)
        assert taken == cap == 3
        held = [p for p, st in rows if st in seats.HELD]
        assert len(held) == 3 and len(set(held) & set(racers)) == 1
        winner = racers[results.index("won")]
        seats.answer(engine, tokens[racers.index(winner)], c.id, False)  # frees it again
        assert _state(engine, c.id)[0] == 2


def _race(fns):  # noqa: ANN001
    """Run the callables at the same moment; their results or refusal messages."""
    barrier = threading.Barrier(len(fns))
    out: list[object] = [None] * len(fns)

    def run(i: int) -> None:
        barrier.wait()
        try:
            out[i] = fns[i]()
        except RelaisError as err:
            out[i] = err.message

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(fns))]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    return out


def test_a_double_click_takes_or_frees_one_seat_only(engine):
    w = build(engine, n_learners=1, cohort_max=4)
    c = _cohort(engine, w.plan_id)
    for _ in range(3):
        tok = w.tokens[w.others[0]]
        got = _race([lambda: seats.take(engine, tok, c.id, True)] * 2)
        assert sorted(map(str, got)) == sorted(["None", seats.ALREADY_IN]), got
        assert _state(engine, c.id)[0] == 2
        got = _race([lambda: seats.answer(engine, tok, c.id, False)] * 2)
        assert sorted(map(str, got)) == sorted(["declined", seats.NOT_YOURS]), got
        assert _state(engine, c.id)[0] == 1


def test_open_seats_keep_one_cohort_per_wave(engine):
    """A trainer who holds a seat (or leads a cohort) on a wave's date is not offered, and
    cannot take, another cohort on that date: the planner's one-cohort-per-wave rule."""
    w = build(engine)
    c = _cohort(engine, w.plan_id)
    with write_session(engine) as s:
        row = s.get(CascadeCohort, c.id)
        twin = CascadeCohort(plan_id=w.plan_id, key="twin", campaign_id=row.campaign_id,
                             relay_id=w.others[3], area="resources", modality="face_to_face",
                             site_id=row.site_id, region_id=row.region_id,
                             starts_on=row.starts_on, hours=row.hours, capacity=3, taken=0)
        s.add(twin)
        s.flush()
        twin_id = twin.id
    invited = w.tokens[w.learners[0]]  # invited to c, on the same date
    assert twin_id not in [v.id for v in seats.open_seats(engine, invited)]
    with pytest.raises(RelaisError) as err:
        seats.take(engine, invited, twin_id, consent=True)
    assert err.value.message == seats.SAME_WAVE
    assert _state(engine, twin_id)[0] == 0  # nothing changed
    free = w.tokens[w.others[0]]  # no seat yet: both are offered; after taking one, not the other
    assert {c.id, twin_id} <= {v.id for v in seats.open_seats(engine, free)}
    seats.take(engine, free, c.id, consent=True)
    assert twin_id not in [v.id for v in seats.open_seats(engine, free)]
    with pytest.raises(RelaisError) as err:  # the twin's relay leads on that date
        seats.take(engine, w.tokens[w.others[3]], c.id, consent=True)
    assert err.value.message in (seats.SAME_WAVE, seats.FULL)
