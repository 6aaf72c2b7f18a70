"""Progress between questionnaire versions (v1 -> v2, shared items only) through the release history.

Before, :func:`scoring.version_progress.cross_version_progress` guarded each
figure of the table on its own over every submitted response: a site read
at 7 v2 trainers and again at 8 gave the 8th's shared-items score
(8 x new mean - 7 x old mean), and the table could be read next to the
overview's released figures.  Now the table is released like same-version
progress (disclosure.versions): it stays on 7 until k new people joined,
and the attacker's ledger over every figure read finds nothing.
SQLite and PostgreSQL (the releases are stored).
"""

from __future__ import annotations

import math
import random
import uuid

import numpy as np
import pandas as pd

from dashboards.overview import build_overview
from disclosure.release import node_key
from disclosure.store import release_log, releases
from disclosure.versions import paired_key, prev_paired_key, from_key, to_key
from scoring.data import load_campaign
from scoring.store import score_and_store
from scoring.version_progress import _campaign_frames
from storage.db import write_session
from storage.models import Answer, Person, Response, utcnow
from survey.loader import current_questionnaires, default_questionnaires
from tests.disclosure.legacy import cross_version_before_layer
from tests.disclosure.linalg import Ledger
from tests.qv2.helpers import build

K = 5
V1, V2 = default_questionnaires().trainer, current_questionnaires().trainer


def _people(engine, site_id: int, n: int) -> list[int]:  # noqa: ANN001
    with write_session(engine) as s:
        people = [Person(first_name="P", last_name=str(i), role="trainer", site_id=site_id) for i in range(n)]
        s.add_all(people)
        s.flush()
        return [p.id for p in people]


def _submit(engine, campaign: int, qv: int, q, site_id: int, pids: list[int], rng: random.Random) -> None:  # noqa: ANN001
    with write_session(engine) as s:
        ids = []
        for pid in pids:
            r = Response(campaign_id=campaign, person_id=pid, questionnaire_version_id=qv, role="trainer",
                         site_id=site_id, status="submitted", idempotency_key=uuid.uuid4().hex,
                         submitted_at=utcnow())
            s.add(r)
            s.flush()
            s.add_all([Answer(response_id=r.id, item_id=it.id, value=rng.randint(0, 4), not_applicable=False)
                       for it in q.area_items()])
            ids.append(r.id)
        s.flush()
        score_and_store(s, qv, ids)


def _read(engine, w):  # noqa: ANN001, ANN202
    """What the overview page gets: both campaigns, their releases, the overview."""
    cur, prev = load_campaign(engine, w.v2_campaign), load_campaign(engine, w.v1_campaign)
    rel, prev_rel = releases(engine, cur, prev, K)
    return cur, prev, rel, prev_rel, build_overview(cur, prev, K, releases=(rel, prev_rel))


def _xv_values(engine, w, cur, prev) -> dict[tuple[int, str], float]:  # noqa: ANN001
    """(response_id, area) -> shared-items score, computed here from the raw answers."""
    from disclosure.versions import cross_from_answers

    answers, _ = _campaign_frames(engine, [w.v1_campaign, w.v2_campaign])
    cross = cross_from_answers(prev, cur, answers)
    both = [f[f["score"].notna()] for f in (cross.prev_scores, cross.cur_scores)]
    return {(int(r), str(a)): float(v) for f in both for r, a, v in zip(f["response_id"], f["area"], f["score"])}


def _ledger_layer(ledger: Ledger, values, ov, rel, prev_rel, cid: int) -> None:  # noqa: ANN001
    """Every visible figure of the cross-version table and of the campaign's trainers' tree as an
    equation, after checking it is the mean over the population the release says.  Area scores and
    shared-items scores are entered as the same unknowns (as if every item were shared)."""
    def ids(pop, area):  # noqa: ANN001, ANN202
        return sorted(int(r) for r in pop if (int(r), area) in values)

    def mean(pop, area):  # noqa: ANN001, ANN202
        return float(np.mean([values[(r, area)] for r in pop]))

    for _, row in ov.progress.iterrows():
        node, area = node_key(row["region_id"], row["site_id"]), row["area"]
        if not row["hidden_to"]:
            y = ids(rel.population("trainer", to_key(node)), area)
            assert row["n_to"] == len(y) and math.isclose(row["mean_to"], mean(y, area), abs_tol=1e-9)
            ledger.add(area, set(y))
        if not row["hidden_from"]:
            x = ids(prev_rel.population("trainer", from_key(cid, node)), area)
            assert row["n_from"] == len(x) and math.isclose(row["mean_from"], mean(x, area), abs_tol=1e-9)
            ledger.add(area, set(x))
        if not row["hidden_paired"]:
            y = ids(rel.population("trainer", paired_key(node)), area)
            x = ids(prev_rel.population("trainer", prev_paired_key(cid, node)), area)
            assert row["n_paired"] == len(y) == len(x)
            ledger.add(area, set(y), set(x))
    for _, row in ov.trainers[~ov.trainers["hidden"].astype(bool)].iterrows():
        pop = rel.population("trainer", node_key(row["region_id"], row["site_id"]))
        ledger.add(row["area"], {int(r) for r in pop})


def _ledger_legacy(ledger: Ledger, values, prog, cur, prev) -> None:  # noqa: ANN001
    """The old table: every figure over everyone submitted at the node (the paired by person)."""
    def at(frame, row):  # noqa: ANN001, ANN202
        if row["site_id"] is not None and not (isinstance(row["site_id"], float) and math.isnan(row["site_id"])):
            return frame[frame["site_id"] == row["site_id"]]
        return frame
    r1 = prev.respondents[prev.respondents["role"] == "trainer"]
    r2 = cur.respondents[cur.respondents["role"] == "trainer"]
    both = r2.merge(r1, on="person_id", suffixes=("", "_1"))
    for _, row in prog.iterrows():
        area = row["area"]
        if not row["hidden_to"]:
            ledger.add(area, {int(r) for r in at(r2, row)["response_id"] if (int(r), area) in values})
        if not row["hidden_from"]:
            ledger.add(area, {int(r) for r in at(r1, row)["response_id"] if (int(r), area) in values})
        if not row["hidden_paired"]:
            p = at(both, row)
            ledger.add(area, {int(r) for r in p["response_id"]}, {int(r) for r in p["response_id_1"]})


def test_cross_version_progress_is_released_with_the_rest(engine):
    rng = random.Random(16)
    w = build(engine)
    site = w.site_ids[0]
    people = _people(engine, site, 8)
    _submit(engine, w.v1_campaign, w.v1_qv, V1, site, people[:7], rng)  # v1 (closed): 7
    _submit(engine, w.v2_campaign, w.v2_qv, V2, site, people[:7], rng)  # v2 (open): the same 7

    legacy, layer = Ledger(K), Ledger(K)
    old_reads, new_reads = [], []
    for step in range(2):
        if step == 1:  # one more v2 submission (a newcomer) between two reads
            _submit(engine, w.v2_campaign, w.v2_qv, V2, site, people[7:], rng)
        cur, prev, rel, prev_rel, ov = _read(engine, w)
        values = _xv_values(engine, w, cur, prev)
        assert ov.progress is not None, "the overview shows progress across versions"
        _ledger_layer(layer, values, ov, rel, prev_rel, w.v2_campaign)
        new_reads.append(ov.progress)
        old = cross_version_before_layer(engine, w.v1_campaign, w.v2_campaign, K)
        _ledger_legacy(legacy, values, old, cur, prev)
        old_reads.append(old)

    # before: 8 x the second mean - 7 x the first = the 8th trainer's shared-items score
    def site_row(frame):  # noqa: ANN001, ANN202
        return frame[(frame["scope"] == "site") & (frame["area"] == "overall")].iloc[0]
    a, b = site_row(old_reads[0]), site_row(old_reads[1])
    assert (a["n_to"], b["n_to"]) == (7, 8) and not a["hidden_to"] and not b["hidden_to"]
    resp = cur.respondents
    eighth = int(resp.loc[resp["person_id"] == people[7], "response_id"].iloc[0])
    newcomer = values[(eighth, "overall")]
    assert math.isclose(8 * b["mean_to"] - 7 * a["mean_to"], newcomer, abs_tol=1e-6)
    assert legacy.leaks(), "the attacker's ledger finds the leak in the old table"

    # now: the table stays on the 7 released people, and nothing combines into anyone
    a, b = site_row(new_reads[0]), site_row(new_reads[1])
    assert (a["n_to"], b["n_to"]) == (7, 7) and a["mean_to"] == b["mean_to"] and not a["hidden_to"]
    assert b["n_paired"] == 7 and not b["hidden_paired"] and b["mean_delta"] == a["mean_delta"]
    assert layer.leaks() == []
    log = release_log(engine, w.v2_campaign)
    assert log["figure"].str.startswith("xv:to:").any(), "the cross-version releases are recorded"
    assert release_log(engine, w.v1_campaign)["figure"].str.startswith(f"xv:from:{w.v2_campaign}:").any()


def test_paired_before_and_after_are_one_joint_table_across_versions():
    """Attack 3 across versions (no database): 6 paired, 6 before, 7 after at one site would give
    the 7th person's shared-items scores; the paired figure is refused, before and after shown."""
    from disclosure.versions import CrossVersion, decide_afresh, released_cross_progress
    from tests.disclosure.scenarios import people as make_people
    from tests.disclosure.sim import AREAS, C1, C2, World

    w = World(make_people([(1, 1, 7), (2, 1, 6)], random.Random(3)))
    for p in w.people:
        if p.pid != 7:
            w.submit(C1, p.pid)
        w.submit(C2, p.pid)
    d1, d2 = w.data(C1), w.data(C2)

    def xv(data):  # noqa: ANN001, ANN202 - shared-items scores: any values other than the area scores
        rows = [(r, a, float((r * 7 + i * 13) % 101)) for r in data.respondents["response_id"]
                for i, a in enumerate(AREAS)]
        return pd.DataFrame(rows, columns=["response_id", "area", "score"]).assign(level=None)

    cross = CrossVersion(("T-ENG-1",), xv(d1), xv(d2))
    rel, prev_rel = decide_afresh(d1, d2, cross, w.k)
    # (both sim campaigns are on v1, so build_overview would take the same-version path: the joint
    # table is read straight from the release, as build_overview does across versions)
    prog = released_cross_progress(d1, d2, prev_rel, rel, cross, AREAS)
    site = prog[(prog["scope"] == "site") & (prog["site_id"] == 1)]
    assert (site["n_to"] == 7).all() and (site["n_from"] == 6).all()
    assert site["hidden_paired"].all() and site["mean_delta"].isna().all()
    assert len(rel.population("trainer", paired_key("site:1"))) == 0
