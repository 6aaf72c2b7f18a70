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
