"""Stored area scores: written at submission, recomputed when a version's weights change."""

import pytest
from sqlmodel import select

from i18n import RelaisError
from scoring.store import reweight_version
from storage.db import read_session
from storage.models import Campaign, QuestionnaireVersion, ResponseScore
from survey.answering import questionnaire_for, save_section, start_or_resume, submit
from survey.links import resolve
from tests.survey.helpers import section_answers, seed


def submitted(engine):
    """One submitted trainer response; returns (response id, questionnaire version id)."""
    data = seed(engine, 1)
    rid = start_or_resume(engine, resolve(engine, data.tokens[0])).response_id
    q = questionnaire_for(engine, rid)
    for i, section in enumerate(q.sections):
        save_section(engine, rid, section.id, section_answers(section, i), current_section=i + 1)
    submit(engine, rid)
    with read_session(engine) as s:
        qv_id = s.get(Campaign, data.campaign_id).trainer_qv_id
    return rid, qv_id


def stored(engine, rid):
    with read_session(engine) as s:
        rows = s.exec(select(ResponseScore).where(ResponseScore.response_id == rid)).all()
    return {r.area: r.score for r in rows}


def test_a_weight_change_recomputes_the_stored_overall(engine):
    rid, qv_id = submitted(engine)
    before = stored(engine, rid)
    areas = [a for a in before if a != "overall" and before[a] is not None]
    top = max(areas, key=lambda a: before[a])
    # the best area weighing 10x pulls the overall towards it, exactly as hand-computed
    n = reweight_version(engine, qv_id, area_weights={top: 10.0})
    after = stored(engine, rid)
    assert n == 1
    expected = (10 * before[top] + sum(before[a] for a in areas if a != top)) / (10 + len(areas) - 1)
    assert after["overall"] == pytest.approx(expected)
    assert after["overall"] > before["overall"]
    assert {a: after[a] for a in areas} == pytest.approx({a: before[a] for a in areas})


@pytest.mark.parametrize("weights,message", [
    ({"T-NOPE-1": 2.0}, "T-NOPE-1"),
    ({"T-ENG-1": 0.0}, "T-ENG-1"),
])
def test_bad_weights_are_refused_and_change_nothing(engine, weights, message):
    rid, qv_id = submitted(engine)
    before = stored(engine, rid)
    with read_session(engine) as s:
        checksum = s.get(QuestionnaireVersion, qv_id).checksum
    with pytest.raises(RelaisError) as err:
        reweight_version(engine, qv_id, item_weights=weights)
    assert message in err.value.render("fr")
    assert stored(engine, rid) == before
    with read_session(engine) as s:
        assert s.get(QuestionnaireVersion, qv_id).checksum == checksum
