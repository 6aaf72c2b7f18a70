"""A trainer answers a v2 campaign end to end through the answering path."""

from survey.answering import questionnaire_for, save_section, start_or_resume, submit
from survey.links import resolve
from survey.loader import current_questionnaires
from survey.result import personal_result
from survey.versions import set_questionnaire
from tests.survey.helpers import section_answers, seed


def test_a_v2_campaign_is_answered_submitted_and_gets_option_level_next_steps(sqlite_engine):
    data = seed(sqlite_engine, 1)
    v2 = current_questionnaires().trainer
    set_questionnaire(sqlite_engine, data.campaign_id, v2)
    rid = start_or_resume(sqlite_engine, resolve(sqlite_engine, data.tokens[0])).response_id
    q = questionnaire_for(sqlite_engine, rid)
    assert q.version == 2 and q.checksum() == v2.checksum()
    for i, section in enumerate(q.sections):
        save_section(sqlite_engine, rid, section.id, section_answers(section, i),
                     current_section=i + 1)
    assert submit(sqlite_engine, rid).newly_submitted
    res = personal_result(sqlite_engine, rid, "en")
    option_steps = {o.next_step.en for it in v2.area_items() for o in it.options}
    assert res.priorities and all(a.next_step in option_steps for a in res.areas if a.next_step)
    assert res.model_notes == ()  # no model declared: scored as is
