"""One regression test per attack of issue 16 that involves storage, on SQLite and PostgreSQL.

Each test stores a small organisation, submits, erases and reads through
the same path as the pages (load_campaign -> disclosure.store.releases ->
build_overview -> the views), then makes the attacker's subtraction and
checks it no longer isolates anyone.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import uuid

import pytest
from sqlmodel import select

from dashboards.overview import build_overview, headline, level_distribution, node_rows, progress_view
from disclosure.store import release_log, releases
from privacy.erase import erase_person
from scoring.data import load_campaign
from scoring.schema import OVERALL
from storage.db import read_session, write_session
from storage.models import (
    Campaign, Invitation, Person, Region, Response, ResponseScore, Site,
)
from storage.questionnaires import ensure_version
from survey.loader import default_questionnaires
from tests.disclosure.sim import AREAS

K = 5


class Org:
    """Regions, sites, trainers and two campaigns stored through the models."""

    def __init__(self, engine, sites: dict[int, int], seed: int = 0) -> None:  # noqa: ANN001
        self.engine, self.rng = engine, random.Random(seed)
        pair = default_questionnaires()
        with write_session(engine) as s:
            region = Region(code="R", name="Région")
            s.add(region)
            s.flush()
            tq, oq = ensure_version(s, pair.trainer), ensure_version(s, pair.organisation)
            self.campaigns = []
            for i, status in enumerate(("closed", "open")):
                c = Campaign(name=f"C{i}", starts_on=dt.date(2024 + i, 1, 1), ends_on=dt.date(2024 + i, 3, 1),
                             status=status, trainer_qv_id=tq.id, organisation_qv_id=oq.id)
                s.add(c)
                s.flush()
                self.campaigns.append(c.id)
            self.qv = tq.id
            self.people: dict[int, list[int]] = {}
            self.site_of: dict[int, int] = {}
            for code, n in sites.items():
                site = Site(code=f"S{code}", name=f"Site {code}", region_id=region.id)
                s.add(site)
                s.flush()
                people = [Person(first_name="P", last_name=str(j), site_id=site.id) for j in range(n)]
                s.add_all(people)
                s.flush()
                self.people[code] = [p.id for p in people]
                self.site_of.update({p.id: site.id for p in people})
                for c in self.campaigns:
                    s.add_all([Invitation(campaign_id=c, person_id=p.id, token_hash=uuid.uuid4().hex)
                               for p in people])
            self.site_ids = {code: self.site_of[ids[0]] for code, ids in self.people.items()}
            self.region_id = region.id

    def submit(self, campaign: int, person_id: int, modalities: tuple[str, ...] = ("face_to_face",)) -> None:
        with write_session(self.engine) as s:
            r = Response(campaign_id=self.campaigns[campaign], person_id=person_id,
                         questionnaire_version_id=self.qv, role="trainer",
                         site_id=self.site_of[person_id], status="submitted",
                         idempotency_key=uuid.uuid4().hex, profile={"modalities": list(modalities)},
                         submitted_at=dt.datetime.now(dt.UTC))
            s.add(r)
            s.flush()
            s.add_all([ResponseScore(response_id=r.id, area=a, score=float(self.rng.randint(0, 100)))
                       for a in AREAS])

    def close(self, campaign: int) -> None:
        with write_session(self.engine) as s:
            s.get(Campaign, self.campaigns[campaign]).status = "closed"

    def read(self, modality: str | None = None):  # noqa: ANN201
        """What a director's page gets: the overview of the open campaign, via the releases."""
        cur, prev = (load_campaign(self.engine, c) for c in reversed(self.campaigns))
        rels = releases(self.engine, cur, prev, K)
        return build_overview(cur, prev, K, modality, releases=rels)


def _site_overall(ov, org: Org, code: int) -> tuple[float, float, bool]:  # noqa: ANN001
    return headline(ov, org.region_id, org.site_ids[code])["practice"]


def test_attack_1_over_time_figures_move_only_by_k_new_people(engine):
    org = Org(engine, {1: 12, 2: 6})
    for pid in org.people[2] + org.people[1][:7]:
        org.submit(1, pid)
    mean7, n7, hidden7 = _site_overall(org.read(), org, 1)
    levels7 = level_distribution(org.read(), org.region_id, org.site_ids[1])
    assert not hidden7 and n7 == 7
    org.submit(1, org.people[1][7])  # the 8th: the old code showed 8 * new mean - 7 * old mean
    ov = org.read()
    assert _site_overall(ov, org, 1) == (mean7, n7, False)
    assert level_distribution(ov, org.region_id, org.site_ids[1])["n"].tolist() == levels7["n"].tolist()
    for pid in org.people[1][8:12]:  # 5 new people since the last release: the figure moves
        org.submit(1, pid)
    mean12, n12, hidden12 = _site_overall(org.read(), org, 1)
    assert n12 == 12 and not hidden12
    log = release_log(engine, org.campaigns[1])
    site_rows = log[(log["figure"] == f"site:{org.site_ids[1]}") & (log["role"] == "trainer")]
    assert site_rows["n"].tolist() == [7, 12]


def test_attack_2_erasure_is_the_same_in_every_figure(engine):
    org = Org(engine, {1: 7, 2: 6})
    for pid in org.people[1] + org.people[2]:
        org.submit(0, pid)
        org.submit(1, pid)
    org.close(1)
    before = org.read()
    gone = org.people[1][2]
    erase_person(engine, gone)
    after = org.read()
    site = org.site_ids[1]
    profile = _site_overall(after, org, 1)
    assert profile == _site_overall(before, org, 1)  # the erased person's stored scores still count
    prog = progress_view(after, org.region_id, site).set_index("area").loc[OVERALL]
    # "this campaign" in progress is the site profile's own figure: no difference to read
    assert (prog["mean_to"], prog["n_to"]) == (profile[0], profile[1])
    prog_before = progress_view(before, org.region_id, site).set_index("area").loc[OVERALL]
    assert prog["n_paired"] == prog_before["n_paired"] or math.isnan(prog["n_paired"])
    with read_session(engine) as s:
        person = s.get(Person, gone)
        assert person.site_id is None and person.role == ""
        assert not s.exec(select(Invitation).where(Invitation.person_id == gone)).all()
        assert not s.exec(select(Response).where(Response.person_id == gone)).all()


def test_attack_3_progress_is_one_joint_table(engine):
    org = Org(engine, {1: 7, 2: 6})
    for pid in org.people[1][:6] + org.people[2]:
        org.submit(0, pid)
    for pid in org.people[1] + org.people[2]:
        org.submit(1, pid)
    org.close(1)
    prog = progress_view(org.read(), org.region_id, org.site_ids[1])
    for _, r in prog.iterrows():
        shown = not (r["hidden_paired"] or r["hidden_from"] or r["hidden_to"])
        # 7 now - 6 paired - 6 before would be the newcomer: never all three at once
        assert not (shown and 0 < r["n_to"] - r["n_paired"] < K), r.to_dict()
    assert not prog["hidden_to"].all() and not prog["hidden_from"].all()


def test_attack_4_overlapping_slices_never_differ_by_fewer_than_k(engine):
    org = Org(engine, {1: 12, 2: 6})
    people = org.people[1]
    for i, pid in enumerate(people):
        mods = ("hybrid", "remote_sync") if i < 5 else ("hybrid",) if i == 5 else ("face_to_face",)
        org.submit(1, pid, mods)
    for pid in org.people[2]:
        org.submit(1, pid)
    org.close(1)
    site = org.site_ids[1]
    shown = {}
    for modality in (None, "hybrid", "remote_sync", "face_to_face"):
        rows = node_rows(org.read(modality).trainers, org.region_id, site)
        row = rows[rows["area"] == OVERALL].iloc[0]
        if not row["hidden"]:
            shown[modality] = row["n"]
    assert shown, "the site must still be shown"
    counts = sorted(shown.values())
    assert all(b - a == 0 or b - a >= K for a in counts for b in counts if b >= a), shown


def test_a_read_with_nothing_new_shows_the_history_without_deciding(engine):
    org = Org(engine, {1: 7, 2: 6})
    for pid in org.people[1] + org.people[2]:
        org.submit(1, pid)
    first = org.read()
    cur, prev = (load_campaign(engine, c) for c in reversed(org.campaigns))
    rel, _ = releases(engine, cur, prev, K)
    assert not rel.families  # the fast path: nothing changed, nothing decided
    again = build_overview(cur, prev, K, releases=(rel, _))
    assert again.trainers.equals(first.trainers)
    log = release_log(engine, org.campaigns[1])
    assert "decided" not in set(log["figure"])
