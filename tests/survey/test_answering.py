"""Drafts, section saves, validation and idempotent submission, on SQLite and PostgreSQL."""

import pytest
from sqlmodel import select

from storage.db import read_session
from storage.models import Answer, Consent, Response, ResponseScore
from survey.answering import (NA, AlreadySubmitted, Incomplete, load_state, questionnaire_for,
                              save_section, start_or_resume, submit, validate_section)
from survey.links import resolve
from tests.survey.helpers import section_answers, seed


def _answer_all(engine, rid, q, stop=None):
    for i, section in enumerate(q.sections[:stop]):
        save_section(engine, rid, section.id, section_answers(section, i), current_section=i + 1)


def test_resume_returns_the_same_draft_with_its_answers(engine):
    data = seed(engine, 1)
    ctx = resolve(engine, data.tokens[0])
    first = start_or_resume(engine, ctx)
    q = questionnaire_for(engine, first.response_id)
    _answer_all(engine, first.response_id, q, stop=2)
    again = start_or_resume(engine, ctx)
    assert again.response_id == first.response_id
    assert again.current_section == 2
    expected = {**section_answers(q.sections[0], 0), **section_answers(q.sections[1], 1)}
    assert again.answers == expected
    assert NA in again.answers.values() or all(v != NA for v in expected.values())


def test_saving_again_replaces_and_a_bulk_save_never_clears(engine):
    data = seed(engine, 1)
    rid = start_or_resume(engine, resolve(engine, data.tokens[0])).response_id
    sec = questionnaire_for(engine, rid).sections[0]
    first = sec.items[0].id
    save_section(engine, rid, sec.id, {first: 1})
    save_section(engine, rid, sec.id, {first: 3})
    assert load_state(engine, rid).answers == {first: 3}
    save_section(engine, rid, sec.id, {first: None})  # a view without the answer
    save_section(engine, rid, sec.id, {})
    assert load_state(engine, rid).answers == {first: 3}


@pytest.mark.parametrize("value", [5, -1, "x", True, [1]])
def test_a_bad_value_is_refused_and_nothing_is_written(engine, value):
    data = seed(engine, 1)
    rid = start_or_resume(engine, resolve(engine, data.tokens[0])).response_id
    sec = questionnaire_for(engine, rid).sections[0]
    a, b = sec.items[0].id, sec.items[1].id
    with pytest.raises(Exception) as info:
        save_section(engine, rid, sec.id, {a: 2, b: value}, current_section=1)
    assert "not valid" in str(info.value)
    state = load_state(engine, rid)
    assert state.answers == {} and state.current_section == 0


def test_required_messages_name_each_missing_question():
    from survey.loader import default_questionnaires

    q = default_questionnaires().trainer
    sec = q.sections[0]
    errors = validate_section(sec, {sec.items[0].id: 2})
    assert set(errors) == {it.id for it in sec.items[1:] if it.required}
    assert errors[sec.items[1].id].render("fr") == "Veuillez répondre à cette question."
    profile = next(s for s in q.sections if s.kind == "profile")
    answers = section_answers(profile)
    answers["relay_willing"] = False
    answers.pop("relay_hours")  # hidden (show_if) and optional: no message
    assert validate_section(profile, answers) == {}
    answers["years_practice"] = 99
    assert "years_practice" in validate_section(profile, answers)


def test_submit_is_complete_idempotent_and_read_only(engine):
    data = seed(engine, 1)
    rid = start_or_resume(engine, resolve(engine, data.tokens[0])).response_id
    q = questionnaire_for(engine, rid)
    _answer_all(engine, rid, q, stop=len(q.sections) - 1)
    with pytest.raises(Incomplete) as info:
        submit(engine, rid)
    assert info.value.section_index == len(q.sections) - 1
    _answer_all(engine, rid, q)
    first = submit(engine, rid)
    second = submit(engine, rid)
    assert first.newly_submitted and not second.newly_submitted
    assert second.submitted_at == first.submitted_at or second.submitted_at.replace(
        tzinfo=None) == first.submitted_at.replace(tzinfo=None)
    with pytest.raises(AlreadySubmitted):
        save_section(engine, rid, q.sections[0].id, section_answers(q.sections[0], 3))
    with read_session(engine) as s:
        r = s.get(Response, rid)
        assert r.status == "submitted"
        assert r.profile["consent_named"] is True and r.profile["relay_willing"] is True
        assert len(s.exec(select(Consent).where(Consent.person_id == data.person_ids[0])).all()) == 1
        areas = {x.area for x in s.exec(select(ResponseScore)
                                        .where(ResponseScore.response_id == rid)).all()}
        assert areas == {*q.area_ids(), "overall"}
        n = len(s.exec(select(Answer).where(Answer.response_id == rid)).all())
    assert n == len(load_state(engine, rid).answers)
