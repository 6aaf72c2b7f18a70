"""Issue 16, remaining parts: release epochs after a rescoring, and the champions map's
top-down index released in its own universe (SQLite and PostgreSQL where stored)."""

from __future__ import annotations

import math
import random

import numpy as np
from sqlalchemy import update
from sqlmodel import select

from champions import data as cdata
from dashboards.overview import headline
from disclosure.campaign import release_of
from disclosure.store import EPOCH, release_log, start_epoch
from disclosure.topdown import released_top_down, td_key
from scoring.schema import OVERALL
from scoring.store import rescore_version
from storage.db import read_session, write_session
from storage.models import Response, ResponseScore
from tests.disclosure.scenarios import people as make_people
from tests.disclosure.sim import C2, World
from tests.disclosure.test_attacks_db import K, Org

ITEMS = ("O-LEA-1", "O-LEA-2", "O-DEV-1", "O-INF-2")


def _rated_world(n: int, seed: int = 5) -> World:
    rng = random.Random(seed)
    people = make_people([(1, 1, n), (2, 1, 6)], rng)
    for p in people:
        p.shared = {C2: {i: float(rng.randint(0, 4)) for i in ITEMS}}
    return World(people)


def _top_down(w: World, site: int):  # noqa: ANN202
    data = w.data(C2)
    rel = release_of(data, w.history[C2], w.closed[C2], w.k)
    w.history[C2].extend(rel.new_rows)
    td = released_top_down(data, rel).set_index("scope")
    row = td[td["site_id"] == site].iloc[0] if (td["site_id"] == site).any() else None
    return row, rel


def test_top_down_moves_only_when_k_new_raters_joined():
    w = _rated_world(12)
    for pid in [*range(13, 19), *range(1, 8)]:
        w.submit(C2, pid)
    row7, rel = _top_down(w, 1)
    assert not row7["hidden"] and row7["n_trainers"] == 7
    assert len(rel.population("trainer", td_key("site:1"))) == 7
    w.submit(C2, 8)  # one more rating: 8 x new - 7 x old would be this person's
    row8, _ = _top_down(w, 1)
    assert (row8["top_down"], row8["n_trainers"]) == (row7["top_down"], row7["n_trainers"])
    for pid in range(9, 13):
        w.submit(C2, pid)
    row12, _ = _top_down(w, 1)
    assert row12["n_trainers"] == 12 and row12["top_down"] != row7["top_down"]


def test_a_site_under_k_is_hidden_never_zero():
    w = _rated_world(3)
    for p in w.people:
        w.submit(C2, p.pid)
    row, _ = _top_down(w, 1)
    assert row["hidden"] and math.isnan(row["top_down"]) and row["basis"] is None
    assert row["reason"] == "below_threshold"


def test_champions_map_shows_only_released_top_down(engine):
    """The tiny demo through champions.data.load: each visible index is the mean over its
    recorded td release, and every hidden site has no index at all."""
    from demo.load import generate_and_load

    generate_and_load(engine, size="tiny", seed=7)
    cid = cdata.campaigns(engine)[0][0]
    data = cdata.load(engine, cid, k=K)
    log = release_log(engine, cid)
    td_rows = log[log["figure"].str.startswith("td:index|site:")]
    assert len(td_rows), "the top-down index is released per site"
    shown = data.sites[~data.sites["hidden"]]
    assert len(shown)
    for _, site in data.sites.iterrows():
        mine = td_rows[(td_rows["figure"] == f"td:index|site:{int(site['site_id'])}")
                       & (td_rows["role"] == "trainer")]
        if site["hidden"]:
            assert math.isnan(site["top_down"])
        else:
            assert site["top_down"] >= 0 and len(mine)
            assert int(mine["n"].iloc[-1]) >= K


def _overall(org: Org, code: int):  # noqa: ANN202
    return headline(org.read(), org.region_id, org.site_ids[code])["practice"]


def test_a_rescoring_starts_an_epoch_that_keeps_the_old_cells(engine):
    org = Org(engine, {1: 12, 2: 6})
    for pid in org.people[2] + org.people[1][:7]:
        org.submit(1, pid)
    mean7, n7, hidden7 = _overall(org, 1)
    assert n7 == 7 and not hidden7
    # new weights: every stored overall score changes (the other areas keep theirs)
    with write_session(engine) as s:
        s.execute(update(ResponseScore).where(ResponseScore.area == OVERALL)
                  .values(score=ResponseScore.score * 0.5))
        start_epoch(s, [org.campaigns[1]])
    mean_new, n_new, _ = _overall(org, 1)
    with read_session(engine) as s:
        rows = s.exec(select(ResponseScore.response_id, ResponseScore.score).join(
            Response, Response.id == ResponseScore.response_id).where(
            ResponseScore.area == OVERALL, Response.campaign_id == org.campaigns[1],
            Response.site_id == org.site_ids[1]).order_by(ResponseScore.response_id)).all()
    assert n_new == 7 and math.isclose(mean_new, float(np.mean([v for _, v in rows])), abs_tol=1e-9)
    assert mean_new != mean7, "the old epoch's figure is not shown any more"
    org.submit(1, org.people[1][7])  # the 8th: a fresh start would release 8 and leak by difference
    assert _overall(org, 1) == (mean_new, 7, False)
    log = release_log(engine, org.campaigns[1])
    site = log[(log["figure"] == f"site:{org.site_ids[1]}") & (log["role"] == "trainer")]
    assert site["n"].tolist() == [7]
    assert (log["figure"] == EPOCH).sum() == 1


def test_rescore_version_records_an_epoch(engine):
    org = Org(engine, {1: 6})
    for pid in org.people[1]:
        org.submit(1, pid)
    org.read()
    rescore_version(engine, org.qv)
    log = release_log(engine, org.campaigns[1])
    epochs = log[log["figure"] == EPOCH]
    assert epochs["reason"].tolist() == ["rescore"]
    assert np.all(epochs["id"].to_numpy() > log.loc[log["figure"] != EPOCH, "id"].min())
