"""The overview's cache key (ui.data.data_version) moves with submissions, not with drafts:
at a campaign peak every trainer's click saves a draft, and rebuilding the overview for
each of them held the server for seconds (issue #21)."""

from __future__ import annotations

from storage.db import make_engine
from survey.answering import questionnaire_for, save_section, start_or_resume, submit
from survey.links import resolve
from tests.demo_db import use_database
from tests.survey.helpers import section_answers, seed
from ui import data


def test_drafts_leave_the_overview_key_alone_and_a_submission_moves_it(db_url):
    use_database(db_url)
    eng = make_engine(db_url)
    seeded = seed(eng, 2)
    cid = seeded.campaign_id
    before, started_before = data.data_version(cid), data.participation_version(cid)
    rids = [start_or_resume(eng, resolve(eng, tok)).response_id for tok in seeded.tokens]
    assert data.data_version(cid) == before  # two drafts: nothing an overview shows
    started = data.participation_version(cid)
    assert started != started_before  # ...but participation counts who started
    q = questionnaire_for(eng, rids[0])
    for n, sec in enumerate(q.sections):
        save_section(eng, rids[0], sec.id, section_answers(sec, n), current_section=n)
    assert (data.data_version(cid), data.participation_version(cid)) == (before, started)
    assert int(data.participation_table(cid)["submitted"].sum()) == 0
    submit(eng, rids[0])
    after = data.data_version(cid)
    assert after != before and data.participation_version(cid) != started
    assert int(data.participation_table(cid, after)["submitted"].sum()) == 1
    eng.dispose()


def test_scores_are_published_once_per_slot_and_participation_stays_live(db_url, monkeypatch):
    """RELAIS_PUBLISH_SECONDS: within a publication slot every rerun builds on the version
    read first, however many people submit; the next slot reads the new one. Slots follow
    the wall clock, so every server moves at the same moment."""
    monkeypatch.setenv("RELAIS_PUBLISH_SECONDS", "60")
    use_database(db_url)
    eng = make_engine(db_url)
    seeded = seed(eng, 1)
    cid = seeded.campaign_id
    now = 1_800_000_000.0  # a slot boundary (a multiple of 60)
    first = data.published_version(cid, now=now + 5)
    assert data.next_publication(now=now + 5) == now + 60
    rid = start_or_resume(eng, resolve(eng, seeded.tokens[0])).response_id
    q = questionnaire_for(eng, rid)
    for n, sec in enumerate(q.sections):
        save_section(eng, rid, sec.id, section_answers(sec, n), current_section=n)
    submit(eng, rid)
    assert data.published_version(cid, now=now + 59) == first  # same slot: nothing moves
    assert int(data.participation_table(cid, first)["submitted"].sum()) == 1  # ...but this does
    assert data.published_version(cid, now=now + 60) == data.data_version(cid) != first
    monkeypatch.setenv("RELAIS_PUBLISH_SECONDS", "0")  # every submission publishes
    assert data.published_version(cid, now=now + 5) == data.data_version(cid)
    assert data.next_publication() is None
    for raw, interval in (("soon", 60), ("-5", 0), ("", 60)):
        monkeypatch.setenv("RELAIS_PUBLISH_SECONDS", raw)
        assert data.publish_interval() == interval
    eng.dispose()
