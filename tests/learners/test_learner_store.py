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
