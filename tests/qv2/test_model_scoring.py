"""Scoring against the organisation's model: documented scores, one transaction, v1 untouched.

The documented example (docs/questionnaire_v2.md): a trainer answers the teaching
items T-TEA-1..8 with 1, 2, 4, 4, 2, 2, 2, 3 and the resources items T-RES-1, 2, 3,
4, 6, 5 with 2, 2, 1, 3, 2, 2; every other item 2.

| model                          | teaching          | resources          |
|--------------------------------|-------------------|--------------------|
| none declared                  | 20/8  -> 62.5     | 12/6 -> 50.0       |
| enriched face-to-face, team    | 12/6  -> 50.0     | 16/6 -> 66.67      |
| distance, trainers             | 19/7  -> 67.86    | 12/6 -> 50.0       |
"""

import pytest
from sqlmodel import func, select

from i18n import RelaisError
from scoring.org_model import adjust_answers, clear_site_model, declare_model, Model
from scoring.responses import score_responses
from scoring.store import scored_items
from storage.db import read_session
from storage.models import OrgModel, ResponseScore
from survey.loader import current_questionnaires, default_questionnaires
from survey.result import personal_result
from tests.qv2.helpers import build, submit

import pandas as pd

V2 = current_questionnaires().trainer
V1 = default_questionnaires().trainer
TEACHING = {"T-TEA-1": 1, "T-TEA-2": 2, "T-TEA-3": 4, "T-TEA-4": 4, "T-TEA-5": 2, "T-TEA-6": 2,
            "T-TEA-7": 2, "T-TEA-8": 3}
RESOURCES = {"T-RES-1": 2, "T-RES-2": 2, "T-RES-3": 1, "T-RES-4": 3, "T-RES-6": 2, "T-RES-5": 2}
ANSWERS = {it.id: 2 for it in V2.area_items()} | TEACHING | RESOURCES
V1_ANSWERS = {it.id: (i % 5) for i, it in enumerate(V1.area_items())}

DOCUMENTED = [
    (None, 62.5, 50.0),
    (Model("enriched", "team"), 50.0, 100 * 16 / 24),
    (Model("distance", "trainers"), 25 * 19 / 7, 50.0),
    (Model("blended", "both"), 62.5, 25 * (2 + 8 / 3 + 1 + 3 + 2 + 2) / 6),
]


@pytest.mark.parametrize("model,teaching,resources", DOCUMENTED)
def test_same_answers_under_each_model_give_the_documented_scores(model, teaching, resources):
    answers = pd.DataFrame({"response_id": 1, "item_id": list(ANSWERS),
                            "value": [float(v) for v in ANSWERS.values()]})
    adjusted = adjust_answers(answers, V2, {1: model})
    scores = score_responses(adjusted, scored_items(V2), V2.area_weights())
    got = dict(zip(scores["area"].astype(str), scores["score"]))
    assert got["teaching"] == pytest.approx(teaching)
    assert got["resources"] == pytest.approx(resources)
    assert got["assessment"] == pytest.approx(50.0)


def test_a_questionnaire_without_rules_is_never_adjusted():
    answers = pd.DataFrame({"response_id": 1, "item_id": list(V1_ANSWERS),
                            "value": [float(v) for v in V1_ANSWERS.values()]})
    assert adjust_answers(answers, V1, {1: Model("enriched", "team")}).equals(answers)


def stored(engine, rid):
    with read_session(engine) as s:
        return {r.area: r.score for r in s.exec(
            select(ResponseScore).where(ResponseScore.response_id == rid)).all()}


def test_declaring_models_rescores_v2_and_leaves_v1_campaigns_as_they_were(engine):
    w = build(engine)
    new1 = submit(engine, w.v2_campaign, w.v2_qv, V2, w.site_ids[0], ANSWERS)[0]
    new2 = submit(engine, w.v2_campaign, w.v2_qv, V2, w.site_ids[1], ANSWERS)[0]
    old = submit(engine, w.v1_campaign, w.v1_qv, V1, w.site_ids[0], V1_ANSWERS)[0]
    old_before = stored(engine, old)
    assert stored(engine, new1)["teaching"] == pytest.approx(62.5)

    assert declare_model(engine, None, "enriched", "team") == 2  # both v2 responses, not v1
    for rid in (new1, new2):
        assert stored(engine, rid)["teaching"] == pytest.approx(50.0)
        assert stored(engine, rid)["resources"] == pytest.approx(100 * 16 / 24)
    assert stored(engine, old) == old_before

    assert declare_model(engine, w.site_ids[0], "distance", "trainers") == 1  # site 1 only
    assert stored(engine, new1)["teaching"] == pytest.approx(25 * 19 / 7)
    assert stored(engine, new2)["teaching"] == pytest.approx(50.0)
    # a later organisation-wide change leaves the site with its own model alone
    assert declare_model(engine, None, "blended", "both") == 1
    assert stored(engine, new1)["teaching"] == pytest.approx(25 * 19 / 7)
    assert stored(engine, new2)["teaching"] == pytest.approx(62.5)
    assert clear_site_model(engine, w.site_ids[0]) == 1
    assert stored(engine, new1)["teaching"] == pytest.approx(62.5)
    assert stored(engine, old) == old_before


@pytest.mark.parametrize("site,pedagogy,production,words", [
    (None, "hybrid", "team", "hybrid"),
    (None, "blended", "nobody", "nobody"),
    (99999, "blended", "team", "99999"),
])
def test_a_bad_declaration_is_refused_and_changes_nothing(engine, site, pedagogy, production,
                                                         words):
    w = build(engine)
    rid = submit(engine, w.v2_campaign, w.v2_qv, V2, w.site_ids[0], ANSWERS)[0]
    declare_model(engine, None, "enriched", "team")
    before = stored(engine, rid)
    with pytest.raises(RelaisError) as caught:
        declare_model(engine, site, pedagogy, production)
    assert words in caught.value.render("fr")
    assert stored(engine, rid) == before
    with read_session(engine) as s:
        assert s.exec(select(func.count()).select_from(OrgModel)).one() == 1
        assert s.exec(select(OrgModel)).one().pedagogy == "enriched"


def test_personal_result_explains_the_model_and_gives_the_chosen_options_next_step(engine):
    w = build(engine)
    rid = submit(engine, w.v2_campaign, w.v2_qv, V2, w.site_ids[0], ANSWERS)[0]
    declare_model(engine, None, "enriched", "team")
    res = personal_result(engine, rid, "fr")
    assert res.model_notes[0].startswith("Noté selon le modèle de votre site : Présentiel enrichi")
    assert any("classes virtuelles" in note for note in res.model_notes)
    teaching = next(a for a in res.areas if a.area == "teaching")
    # weakest teaching item under the model is T-TEA-1 (answered 1): its option 1's own step
    assert teaching.next_step == V2.item("T-TEA-1").options[1].next_step.fr
    assert all(a.next_step for a in res.priorities)
    en = personal_result(engine, rid, "en")
    assert en.model_notes[0].startswith("Scored against your site's model: Enriched face-to-face")


def test_a_v1_result_keeps_its_item_level_next_step_and_no_model_note(engine):
    w = build(engine)
    rid = submit(engine, w.v1_campaign, w.v1_qv, V1, w.site_ids[0], V1_ANSWERS)[0]
    declare_model(engine, None, "enriched", "team")
    res = personal_result(engine, rid, "fr")
    assert res.model_notes == ()
    steps = {it.next_step.fr for it in V1.area_items()}
    assert all(a.next_step in steps for a in res.areas if a.next_step)


def test_the_pdf_carries_the_model_note_and_the_chosen_options_next_step(sqlite_engine):
    from io import BytesIO

    from pypdf import PdfReader

    from reports.personal_pdf import personal_pdf

    w = build(sqlite_engine)
    rid = submit(sqlite_engine, w.v2_campaign, w.v2_qv, V2, w.site_ids[0], ANSWERS)[0]
    declare_model(sqlite_engine, None, "enriched", "team")
    res = personal_result(sqlite_engine, rid, "fr")
    text = " ".join(p.extract_text() for p in PdfReader(BytesIO(
        personal_pdf(res, "fr", "Ana Lima", "2026"))).pages)
    flat = " ".join(text.split())
    assert "Le modèle de votre organisme" in flat
    assert "Présentiel enrichi" in flat
    step = next(a.next_step for a in res.priorities)
    assert " ".join(step.split())[:40] in flat


def test_managers_organisation_questionnaire_follows_the_model_too(engine):
    from storage.models import Campaign
    from tests.qv2.helpers import submit as submit_response

    org_v2 = current_questionnaires().organisation
    w = build(engine)
    with read_session(engine) as s:
        oqv = s.get(Campaign, w.v2_campaign).organisation_qv_id
    values = {it.id: 1 for it in org_v2.area_items()} | {"O-INF-2": 4}
    rid = submit_response(engine, w.v2_campaign, oqv, org_v2, w.site_ids[0], values)[0]
    n_infra = sum(1 for it in org_v2.area_items() if it.area == "infrastructure")
    assert stored(engine, rid)["infrastructure"] == pytest.approx(25 * (n_infra - 1 + 4) / n_infra)
    declare_model(engine, None, "enriched", "trainers")
    assert stored(engine, rid)["infrastructure"] == pytest.approx(25.0)  # O-INF-2 left out


def test_declaration_and_rescoring_are_one_transaction(sqlite_engine):
    from storage.db import write_session
    from storage.models import Answer

    w = build(sqlite_engine)
    rid = submit(sqlite_engine, w.v2_campaign, w.v2_qv, V2, w.site_ids[0], ANSWERS)[0]
    before = stored(sqlite_engine, rid)
    with write_session(sqlite_engine) as s:  # a stored answer the scoring refuses
        s.exec(select(Answer).where(Answer.response_id == rid,
                                    Answer.item_id == "T-ENG-1")).one().value = 9
    with pytest.raises(ValueError):
        declare_model(sqlite_engine, None, "enriched", "team")
    with read_session(sqlite_engine) as s:  # the failed rescoring took the declaration with it
        assert s.exec(select(func.count()).select_from(OrgModel)).one() == 0
    assert stored(sqlite_engine, rid) == before
