"""Frozen versions, custom items, the personal result and its PDF."""

import pytest

from i18n import RelaisError
from storage.db import read_session
from storage.models import Response
from survey.answering import load_state, questionnaire_for, save_section, start_or_resume, submit
from survey.links import resolve
from survey.loader import default_questionnaires
from survey.result import personal_result
from survey.versions import MAX_CUSTOM_ITEMS, set_custom_items, set_questionnaire
from tests.survey.helpers import section_answers, seed

CUSTOM = {"id": "custom_tools", "type": "scale",
          "text": {"fr": "J'utilise l'ENT.", "en": "I use the LMS."},
          "options": [{"fr": f"o{i}", "en": f"o{i}"} for i in range(5)]}


def _complete(engine, rid, base=0):
    for i, sec in enumerate(questionnaire_for(engine, rid).sections):
        save_section(engine, rid, sec.id, section_answers(sec, i + base))
    return submit(engine, rid)


def test_a_changed_questionnaire_is_a_new_version_and_answers_keep_theirs(engine):
    data = seed(engine, 2)
    old = start_or_resume(engine, resolve(engine, data.tokens[0]))
    q = default_questionnaires().trainer
    changed = q.model_copy(update={"title": q.title.model_copy(update={"fr": "Nouveau titre"})})
    new_qv = set_questionnaire(engine, data.campaign_id, changed)
    assert new_qv.id != old.questionnaire_version_id and new_qv.version == 2
    assert set_questionnaire(engine, data.campaign_id, changed).id == new_qv.id  # same content
    again = start_or_resume(engine, resolve(engine, data.tokens[0]))
    assert again.questionnaire_version_id == old.questionnaire_version_id
    newcomer = start_or_resume(engine, resolve(engine, data.tokens[1]))
    assert newcomer.questionnaire_version_id == new_qv.id
    assert questionnaire_for(engine, newcomer.response_id).title.fr == "Nouveau titre"


def test_custom_items_are_asked_not_scored_and_limited(engine):
    data = seed(engine, 1)
    set_custom_items(engine, data.campaign_id, [CUSTOM])
    rid = start_or_resume(engine, resolve(engine, data.tokens[0])).response_id
    q = questionnaire_for(engine, rid)
    assert [s.id for s in q.sections][-2:] == ["custom", "profile"]
    _complete(engine, rid)
    assert load_state(engine, rid).answers["custom_tools"] in range(5)
    with pytest.raises(RelaisError):  # frozen once answering started
        set_custom_items(engine, data.campaign_id, [])
    with read_session(engine) as s:
        assert "custom_tools" not in s.get(Response, rid).profile


@pytest.mark.parametrize("raw,fragment", [
    ([dict(CUSTOM, id=f"custom_{i}") for i in range(MAX_CUSTOM_ITEMS + 1)], "au plus 10"),
    ([dict(CUSTOM, type="multi")], "1"),
    ([dict(CUSTOM, id="tools")], "custom_"),
    ([dict(CUSTOM, text={"fr": "", "en": "x"})], "1"),
    ([CUSTOM, CUSTOM], "custom_"),
])
def test_bad_custom_items_are_refused(engine, raw, fragment):
    data = seed(engine, 1)
    with pytest.raises(RelaisError) as info:
        set_custom_items(engine, data.campaign_id, raw)
    assert fragment in info.value.render("fr")


def test_personal_result_levels_strengths_priorities_and_pdf(engine):
    data = seed(engine, 1)
    rid = start_or_resume(engine, resolve(engine, data.tokens[0])).response_id
    assert personal_result(engine, rid, "fr") is None  # not submitted yet
    _complete(engine, rid)
    res = personal_result(engine, rid, "fr")
    assert len(res.areas) == 6 and len(res.strengths) == 3 and len(res.priorities) == 3
    assert not {a.area for a in res.strengths} & {a.area for a in res.priorities}
    assert res.strengths[0].score >= res.priorities[0].score
    assert res.overall_level_name in {"Nouvel·le arrivant·e", "Explorateur·rice", "Intégrateur·rice", "Expert·e",
                                      "Leader", "Pionnier·ère"}
    assert all(a.next_step for a in res.priorities)
    from reports.personal_pdf import personal_pdf

    pdf = personal_pdf(res, "fr", "Ana Lima", "Suivi 2026")
    assert pdf.startswith(b"%PDF") and len(pdf) > 5000
