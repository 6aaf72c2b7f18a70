"""Learners' links: anonymous answers, one per device and link, a rate limit, closed links."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml
from sqlalchemy import func
from sqlmodel import select

from i18n import RelaisError
from storage.db import read_session, write_session
from storage.models import AuditLog, Campaign, LearnerAnswer, LearnerResponse
from survey import learners
from survey.learner_questionnaire import LEARNER_FILE, default, parse, shared_organisation_items
from tests.survey.helpers import seed

Q = default()


def full(value: int | None = 3) -> dict:
    return {item.id: value for item in Q.items}


def counts(engine) -> tuple[int, int]:
    with read_session(engine) as s:
        return (s.exec(select(func.count()).select_from(LearnerResponse)).one(),
                s.exec(select(func.count()).select_from(LearnerAnswer)).one())


def test_questionnaire_file_is_short_bilingual_and_mirrors_shared_statements():
    assert 10 <= len(Q.items) <= 15 and Q.minutes <= 5
    assert all(i.text["fr"] != i.text["en"] for i in Q.items)
    shared = shared_organisation_items()
    assert Q.mirrored() and set(Q.mirrored().values()) <= shared


@pytest.mark.parametrize("change, words", [
    (lambda r: r["items"][0].update(mirrors="O-LEA-3"), "L-01 mirrors O-LEA-3"),
    (lambda r: r["items"][1]["text"].pop("en"), "L-02 needs a French and an English"),
    (lambda r: r.update(items=r["items"][:4]), "10 to 15 statements"),
    (lambda r: r["items"][2].update(id="L-01"), "statement 3 has a missing or repeated id"),
    (lambda r: r["scale"].pop(), "exactly five steps"),
])
def test_bad_questionnaire_file_names_file_and_item(change, words):
    raw = yaml.safe_load(LEARNER_FILE.read_text(encoding="utf-8"))
    change(raw)
    with pytest.raises(RelaisError) as err:
        parse(raw, "learner.yaml", shared_organisation_items())
    assert "learner.yaml" in str(err.value) and words in str(err.value)


def test_answer_once_per_device_and_link(engine):
    sd = seed(engine)
    token = learners.create_link(engine, sd.campaign_id, sd.site_ids[0], "CAP 2026")
    ctx = learners.resolve(engine, token)
    assert (ctx.site_id, ctx.cohort) == (sd.site_ids[0], "CAP 2026")
    assert not learners.already_answered(engine, token, "device-a")
    rid = learners.submit(engine, token, "device-a", full(None) | {"L-01": 4})
    assert learners.already_answered(engine, token, "device-a")
    with pytest.raises(learners.LearnerLinkError) as err:
        learners.submit(engine, token, "device-a", full(1))
    assert err.value.reason == "answered"
    assert counts(engine) == (1, len(Q.items))
    learners.submit(engine, token, "device-b", full(2))  # another phone: fine
    # the same phone through another site's link: another answer
    other = learners.create_link(engine, sd.campaign_id, sd.site_ids[1])
    learners.submit(engine, other, "device-a", full(2))
    with read_session(engine) as s:
        row = s.get(LearnerResponse, rid)
        answers = s.exec(select(LearnerAnswer).where(LearnerAnswer.response_id == rid)).all()
    assert "device-a" not in row.device_hash and len(row.device_hash) == 64
    assert {a.item_id: (a.value, a.not_applicable) for a in answers}["L-01"] == (4, False)
    assert {a.item_id: (a.value, a.not_applicable) for a in answers}["L-02"] == (None, True)
    assert learners.links_table(engine, sd.campaign_id)["answers"].tolist() == [2, 1]


def test_closed_or_unknown_link_changes_nothing(engine):
    sd = seed(engine)
    token = learners.create_link(engine, sd.campaign_id, sd.site_ids[0], actor_id=None)
    learners.submit(engine, token, "d1", full())
    link_id = int(learners.links_table(engine, sd.campaign_id)["link_id"].iloc[0])
    learners.close_link(engine, link_id)
    for bad, reason in ((token, "closed"), ("not-a-token", "unknown"), ("", "unknown")):
        with pytest.raises(learners.LearnerLinkError) as err:
            learners.submit(engine, bad, "d2", full())
        assert err.value.reason == reason
        with pytest.raises(learners.LearnerLinkError):
            learners.resolve(engine, bad)
    assert "Site 1" in str(pytest.raises(learners.LearnerLinkError, learners.resolve, engine, token).value)
    assert counts(engine) == (1, len(Q.items))
    with pytest.raises(RelaisError, match="already closed"):
        learners.close_link(engine, link_id)
    with read_session(engine) as s:
        actions = s.exec(select(AuditLog.action)).all()
    assert {"learner_link_created", "learner_link_closed"} <= set(actions)


def test_campaign_not_open_refuses(engine):
    sd = seed(engine)
    token = learners.create_link(engine, sd.campaign_id, sd.site_ids[0])
    with write_session(engine) as s:
        s.get(Campaign, sd.campaign_id).status = "closed"
    with pytest.raises(learners.LearnerLinkError) as err:
        learners.submit(engine, token, "d1", full())
    assert err.value.reason == "campaign" and counts(engine) == (0, 0)


@pytest.mark.parametrize("answers, words", [
    ({"L-01": 3}, "Please answer every statement"),
    (full() | {"L-03": 5}, "L-03: the answer must be one of the five steps"),
    (full() | {"X-9": 1}, "Unknown statement X-9"),
])
def test_bad_answers_change_nothing(engine, answers, words):
    sd = seed(engine)
    token = learners.create_link(engine, sd.campaign_id, sd.site_ids[0])
    with pytest.raises(RelaisError, match=words):
        learners.submit(engine, token, "d1", answers)
    assert counts(engine) == (0, 0)


def test_rate_limit_per_link_and_minute(engine, monkeypatch):
    monkeypatch.setattr(learners, "MAX_PER_MINUTE", 3)
    sd = seed(engine)
    token = learners.create_link(engine, sd.campaign_id, sd.site_ids[0])
    other = learners.create_link(engine, sd.campaign_id, sd.site_ids[1])
    t0 = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
    for n in range(3):
        learners.submit(engine, token, f"d{n}", full(), now=t0 + dt.timedelta(seconds=n))
    with pytest.raises(learners.LearnerLinkError) as err:
        learners.submit(engine, token, "d9", full(), now=t0 + dt.timedelta(seconds=20))
    assert err.value.reason == "busy"
    learners.submit(engine, other, "d9", full(), now=t0 + dt.timedelta(seconds=21))  # per link
    # a refused answer did not use up the next minute's allowance
    learners.submit(engine, token, "d9", full(), now=t0 + dt.timedelta(seconds=70))
    assert counts(engine)[0] == 5


def test_create_link_bad_input(engine):
    sd = seed(engine)
    with pytest.raises(RelaisError, match="Unknown site 999"):
        learners.create_link(engine, sd.campaign_id, 999)
    with pytest.raises(RelaisError, match="longer than 120"):
        learners.create_link(engine, sd.campaign_id, sd.site_ids[0], "x" * 121)
    assert learners.links_table(engine, sd.campaign_id).empty
