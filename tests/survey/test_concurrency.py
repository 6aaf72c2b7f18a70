"""50 people submitting at the same moment, and 50 submits of one response, on both databases."""

import threading

from sqlalchemy import func
from sqlmodel import select

from storage.db import make_engine, read_session
from storage.models import Consent, Response, ResponseScore
from survey.answering import questionnaire_for, save_section, start_or_resume, submit
from survey.links import resolve
from tests.survey.helpers import section_answers, seed

N = 50


def _run_at_once(fn, n):
    barrier = threading.Barrier(n)
    errors = []

    def worker(i):
        try:
            barrier.wait()
            fn(i)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(repr(exc))

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return errors


def test_fifty_people_submit_at_the_same_moment(db_url):
    setup = make_engine(db_url)
    data = seed(setup, N)
    # everyone has filled in their answers; the submit clicks land together
    rids = []
    for token in data.tokens:
        rid = start_or_resume(setup, resolve(setup, token)).response_id
        q = questionnaire_for(setup, rid)
        for i, sec in enumerate(q.sections):
            save_section(setup, rid, sec.id, section_answers(sec, i))
        rids.append(rid)
    engines = [make_engine(db_url) for _ in range(N)]  # each person on their own connection

    def one(i):
        eng = engines[i]
        rid = start_or_resume(eng, resolve(eng, data.tokens[i])).response_id
        q = questionnaire_for(eng, rid)
        last = q.sections[-1]
        save_section(eng, rid, last.id, section_answers(last, i), current_section=len(q.sections))
        submit(eng, rid)

    errors = _run_at_once(one, N)
    for e in engines:
        e.dispose()
    assert errors == []
    with read_session(setup) as s:
        rows = s.exec(select(Response.person_id, Response.status)
                      .where(Response.campaign_id == data.campaign_id)).all()
        consents = s.exec(select(func.count()).select_from(Consent)).one()
        scored = s.exec(select(func.count(func.distinct(ResponseScore.response_id)))).one()
    setup.dispose()
    assert len(rows) == N  # none doubled
    assert sorted(p for p, _ in rows) == sorted(data.person_ids)  # none lost
    assert {st for _, st in rows} == {"submitted"}
    assert consents == N and scored == N


def test_fifty_submits_of_one_response_store_one_submission(db_url):
    setup = make_engine(db_url)
    data = seed(setup, 1)
    ctx = resolve(setup, data.tokens[0])
    engines = [make_engine(db_url) for _ in range(N)]
    ids, outcomes = [], []

    def start(i):  # fifty tabs opening the same link at once
        ids.append(start_or_resume(engines[i], ctx).response_id)

    assert _run_at_once(start, N) == []
    assert len(set(ids)) == 1
    rid = ids[0]
    q = questionnaire_for(setup, rid)
    for i, sec in enumerate(q.sections):
        save_section(setup, rid, sec.id, section_answers(sec, i))

    def click(i):
        outcomes.append(submit(engines[i], rid))

    assert _run_at_once(click, N) == []
    for e in engines:
        e.dispose()
    assert sum(o.newly_submitted for o in outcomes) == 1
    with read_session(setup) as s:
        n_resp = s.exec(select(func.count()).select_from(Response)).one()
        n_consent = s.exec(select(func.count()).select_from(Consent)).one()
        n_scores = s.exec(select(func.count()).select_from(ResponseScore)).one()
    setup.dispose()
    assert (n_resp, n_consent, n_scores) == (1, 1, len(q.area_ids()) + 1)
