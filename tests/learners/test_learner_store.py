"""Learners' releases in the database (SQLite and PostgreSQL): a site's figure moves only in
steps of at least k new learners, and every release is recorded once."""

from __future__ import annotations

from sqlalchemy import func, select

from disclosure.learner_store import learner_releases
from disclosure.learners import figure_key
from storage.db import read_session
from storage.models import LearnerRelease
from survey import learners
from survey.learner_questionnaire import default
from tests.survey.helpers import seed

ITEMS = [i.id for i in default().items]


def answer(engine, token, first, count):
    for n in range(first, first + count):
        learners.submit(engine, token, f"device-{n}", {i: (n + j) % 5 for j, i in enumerate(ITEMS)})


def shown(engine, campaign_id, site_id):
    rel, _ = learner_releases(engine, campaign_id, ITEMS, 5)
    return len(rel.population(figure_key("L-01", f"site:{site_id}")))


def rows(engine):
    with read_session(engine) as s:
        return s.execute(select(func.count()).select_from(LearnerRelease)).scalar_one()


def test_site_figure_moves_in_steps_of_k(engine):
    sd = seed(engine)
    site = sd.site_ids[0]
    token = learners.create_link(engine, sd.campaign_id, site)
    answer(engine, token, 0, 4)
    assert shown(engine, sd.campaign_id, site) == 0  # 4 < k: nothing released
    answer(engine, token, 4, 2)
    assert shown(engine, sd.campaign_id, site) == 6
    recorded = rows(engine)
    assert recorded > 0 and shown(engine, sd.campaign_id, site) == 6 and rows(engine) == recorded
    answer(engine, token, 6, 1)
    assert shown(engine, sd.campaign_id, site) == 6  # 6 + 1 would show the newcomer by difference
    answer(engine, token, 7, 4)
    assert shown(engine, sd.campaign_id, site) == 11  # five new learners: the figure moves


def test_an_unchanged_campaign_is_not_decided_again(engine, monkeypatch):
    """A cold read with nothing new shows the recorded populations without deciding again; a
    new learner, another k or a closed campaign makes the decision run again."""
    from disclosure import learner_store

    sd = seed(engine)
    site = sd.site_ids[0]
    token = learners.create_link(engine, sd.campaign_id, site)
    answer(engine, token, 0, 6)
    first, _ = learner_releases(engine, sd.campaign_id, ITEMS, 5)
    decisions = []
    real = learner_store.decide

    def counted(*args, **kwargs):
        decisions.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(learner_store, "decide", counted)
    again, _ = learner_releases(engine, sd.campaign_id, ITEMS, 5)
    assert decisions == []
    assert again.current.keys() == first.current.keys() and first.current
    assert all((again.current[key] == first.current[key]).all() for key in first.current)
    recorded = rows(engine)
    assert learner_releases(engine, sd.campaign_id, ITEMS, 5)[0].current.keys() == first.current.keys()
    assert decisions == [] and rows(engine) == recorded

    answer(engine, token, 6, 5)
    assert shown(engine, sd.campaign_id, site) == 11 and len(decisions) == 1
    assert shown(engine, sd.campaign_id, site) == 11 and len(decisions) == 1
    learner_releases(engine, sd.campaign_id, ITEMS, 6)
    assert len(decisions) == 2  # another k
    assert shown(engine, sd.campaign_id, site) == 11 and len(decisions) == 3  # k back: its mark is not the last


def test_servers_reading_at_once_record_one_decision(engine):
    """Four servers read the learners' figures together after new answers: the campaign's lock
    lets one decide; the others then find its marker and show the same populations, and no
    release or marker is recorded twice."""
    from concurrent.futures import ThreadPoolExecutor

    from disclosure import learner_store

    sd = seed(engine)
    site = sd.site_ids[0]
    token = learners.create_link(engine, sd.campaign_id, site)
    answer(engine, token, 0, 6)
    learner_releases(engine, sd.campaign_id, ITEMS, 5)
    answer(engine, token, 6, 5)
    before = rows(engine)
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(lambda _: learner_releases(engine, sd.campaign_id, ITEMS, 5)[0], range(4)))
    assert all(r.current.keys() == got[0].current.keys() for r in got)
    assert all((r.current[key] == got[0].current[key]).all() for r in got for key in got[0].current)
    assert len(got[0].population(figure_key("L-01", f"site:{site}"))) == 11
    with read_session(engine) as s:
        added = s.execute(select(LearnerRelease.figure).where(LearnerRelease.id > 0)
                          .order_by(LearnerRelease.id).offset(before)).scalars().all()
    assert added.count(learner_store.DECIDED) == 1 and added[-1] == learner_store.DECIDED
    assert len(added) == len(set(added))  # each figure released once
