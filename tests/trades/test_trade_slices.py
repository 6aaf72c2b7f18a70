"""Trade slices go through the release rule: no difference between two figures isolates anyone.

Stored the way the pages read (load_campaign -> disclosure.store.releases ->
build_overview with a trade), on SQLite and PostgreSQL.
"""

from __future__ import annotations

import pytest

from dashboards.overview import build_overview, node_rows
from disclosure.store import releases
from scoring.data import load_campaign
from scoring.schema import OVERALL
from storage.db import write_session
from storage.models import PersonTrade
from tests.disclosure.test_attacks_db import K, Org


def set_trades(org: Org, trades: dict[int, str]) -> None:
    with write_session(org.engine) as s:
        s.add_all([PersonTrade(person_id=pid, trade=t) for pid, t in trades.items()])


def read(org: Org, modality: str | None = None, trade: str | None = None):  # noqa: ANN201
    cur, prev = (load_campaign(org.engine, c) for c in reversed(org.campaigns))
    rels = releases(org.engine, cur, prev, K)
    return build_overview(cur, prev, K, modality, releases=rels, trade=trade)


def shown_n(ov, org: Org, site_code: int | None) -> float | None:  # noqa: ANN001
    site = org.site_ids[site_code] if site_code is not None else None
    rows = node_rows(ov.trainers, org.region_id if site is not None else None, site)
    row = rows[rows["area"] == OVERALL]
    if row.empty or bool(row.iloc[0]["hidden"]):
        return None
    return float(row.iloc[0]["n"])


def test_two_trades_of_a_site_are_shown_when_each_holds_k(engine):
    org = Org(engine, {1: 12, 2: 6})
    people = org.people[1]
    set_trades(org, {pid: ("care" if i < 6 else "building") for i, pid in enumerate(people)})
    for pid in people + org.people[2]:
        org.submit(1, pid)
    org.close(1)
    assert shown_n(read(org), org, 1) == 12
    assert shown_n(read(org, trade="care"), org, 1) == 6
    assert shown_n(read(org, trade="building"), org, 1) == 6
    # a trade nobody at site 2 teaches: hidden there, never shown as 0
    assert shown_n(read(org, trade="care"), org, 2) is None


def test_a_trade_one_person_short_of_its_site_is_refused(engine):
    org = Org(engine, {1: 12, 2: 6})
    people = org.people[1]
    set_trades(org, {pid: ("care" if i < 11 else "building") for i, pid in enumerate(people)})
    for pid in people + org.people[2]:
        org.submit(1, pid)
    org.close(1)
    assert shown_n(read(org), org, 1) == 12
    # 12 - 11 would give the one building trainer's scores: the care slice stays hidden
    assert shown_n(read(org, trade="care"), org, 1) is None
    assert shown_n(read(org, trade="building"), org, 1) is None


def test_trade_and_modality_slices_never_differ_by_fewer_than_k(engine):
    org = Org(engine, {1: 14, 2: 6})
    people = org.people[1]
    # the 7 hybrid trainers are all in care, with one more care trainer teaching face to face
    set_trades(org, {pid: "care" for pid in people[:8]})
    for i, pid in enumerate(people):
        org.submit(1, pid, ("hybrid",) if i < 7 else ("face_to_face",))
    for pid in org.people[2]:
        org.submit(1, pid)
    org.close(1)
    counts = {"site": shown_n(read(org), org, 1),
              "hybrid": shown_n(read(org, modality="hybrid"), org, 1),
              "face_to_face": shown_n(read(org, modality="face_to_face"), org, 1),
              "care": shown_n(read(org, trade="care"), org, 1)}
    shown = {k: v for k, v in counts.items() if v is not None}
    assert shown["site"] == 14 and shown["hybrid"] == 7
    # care (8) would differ from hybrid (7) by one person, nested: refused
    assert "care" not in shown
    values = sorted(shown.values())
    assert all(b - a == 0 or b - a >= K for a in values for b in values if b >= a), shown


def test_filtering_by_trade_and_modality_at_once_is_refused(engine):
    org = Org(engine, {1: 6})
    for pid in org.people[1]:
        org.submit(1, pid)
    with pytest.raises(ValueError):
        read(org, modality="hybrid", trade="care")
