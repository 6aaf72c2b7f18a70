"""Questionnaire v2: its schema rules, its frozen v1 neighbour, and bad item files."""

import re
from pathlib import Path

import pytest
import yaml

from survey.loader import (ORGANISATION_V2_FILE, TRAINER_V2_FILE, QuestionnaireError,
                           current_questionnaires, default_questionnaires, load_pair)

V2 = current_questionnaires()
V1 = default_questionnaires()
AREA_NUMBER = {"engagement": 1, "resources": 2, "teaching": 3, "assessment": 4,
               "empowerment": 5, "facilitation": 6}


def test_v1_is_frozen_its_checksums_did_not_move():
    # the fields v2 added must stay out of a v1 dump, or stored v1 campaigns would fork
    assert V1.trainer.checksum() == "dd97b98910913e51cdc3b7ed08cffe009ed8d92bc5170c297fdc43a2563ed569"
    assert V1.organisation.checksum() == "3ee620e2b9bcf48aac6056b95e4761e66d8136136d0d557ff69f609f43a58941"


def test_v2_is_version_2_of_both_questionnaires():
    assert (V2.trainer.version, V2.organisation.version) == (2, 2)


@pytest.mark.parametrize("item", V2.trainer.area_items(), ids=lambda it: it.id)
def test_every_option_of_every_trainer_item_has_a_next_step_in_both_languages(item):
    assert len(item.options) == 5
    steps = [o.next_step for o in item.options]
    assert all(s is not None and s.fr.strip() and s.en.strip() for s in steps)
    assert len({s.fr for s in steps}) == 5, "each option has its own next step"


@pytest.mark.parametrize("item", [*V2.trainer.scale_items(), *V2.organisation.scale_items()],
                         ids=lambda it: it.id)
def test_every_scored_item_names_its_digcompedu_competence_or_digcomporg_element(item):
    if item.area in AREA_NUMBER:
        match = re.fullmatch(r"DigCompEdu ([1-6])\.([1-5])", item.ref or "")
        assert match and int(match.group(1)) == AREA_NUMBER[item.area], item.ref
    else:
        assert item.ref == f"DigCompOrg {item.element or item.area}"


def test_the_competences_that_had_no_item_now_have_one():
    refs = {it.ref for it in V2.trainer.area_items()}
    assert {"DigCompEdu 1.3", "DigCompEdu 3.4", "DigCompEdu 5.3", "DigCompEdu 6.5"} <= refs
    v1_ids = {it.id for it in V1.trainer.area_items()}
    assert v1_ids <= {it.id for it in V2.trainer.area_items()}


def test_games_flipped_classroom_data_protection_time_and_equipment_are_asked_by_name():
    fr = " ".join(it.text.fr for q in V2 for it in q.scale_items())
    for words in ("classe inversée", "jeu sérieux", "escape game", "hébergées", "temps de travail",
                  "équipement professionnel", "salles de mon site"):
        assert words in fr, words


def test_site_items_ask_about_the_respondents_own_site():
    for q in V2:
        for item_id in ("O-CON-1", "O-LEA-2"):
            assert q.item(item_id).text.fr.startswith("Sur mon site")


def test_shared_items_mean_what_they_meant_in_v1():
    # same_as_previous: only the French got gender-inclusive; the English is word for word v1's
    for new, old in ((V2.trainer, V1.trainer), (V2.organisation, V1.organisation)):
        for it in new.scale_items():
            if it.same_as_previous:
                before = old.item(it.id)
                assert it.text.en == before.text.en
                assert [o.en for o in it.options] == [o.en for o in before.options]
    reworked = {"T-RES-4", "T-FAC-4", "T-EMP-2", "T-ASS-3", "T-TEA-2", "T-TEA-3", "T-TEA-4",
                "T-RES-2", "T-RES-5", "T-EMP-3", "T-ENG-5", "O-CON-1", "O-LEA-2"}
    assert not any(V2.trainer.item(i).same_as_previous for i in reworked)


MASCULINE_GENERIC = re.compile(
    r"\b(formateurs?|apprenants?|tuteurs?|débutants?|référents?|chacun|[Ii]ls|inactifs?|"
    r"absents?|équipés?)\b(?![·-]| et elles| ou elles)")


def _french(value):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from ([v] if k == "fr" and isinstance(v, str) else _french(v))
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _french(v)


@pytest.mark.parametrize("q", list(V2), ids=lambda q: q.key)
def test_v2_french_is_gender_inclusive(q):
    found = [(m.group(), text[:80]) for text in _french(q.model_dump())
             for m in MASCULINE_GENERIC.finditer(text)]
    assert not found


def _broken(tmp_path: Path, change) -> tuple[Path, Path]:
    data = yaml.safe_load(TRAINER_V2_FILE.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "trainer_v2.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path, ORGANISATION_V2_FILE


def _item(data, item_id):
    return next(it for s in data["sections"] for it in s["items"] if it["id"] == item_id)


@pytest.mark.parametrize("change,item,words", [
    (lambda d: _item(d, "T-TEA-2")["options"][3].pop("next_step"), "T-TEA-2", "l'option 4"),
    (lambda d: d["models"][0]["not_applicable"].append("T-NOPE-9"), "T-NOPE-9", "T-NOPE-9"),
    (lambda d: d["models"][2]["ceilings"].update({"T-GONE-1": 2}), "T-GONE-1", "inconnu"),
    (lambda d: _item(d, "T-EMP-5").pop("ref"), "T-EMP-5", "DigCompEdu"),
])
def test_a_bad_v2_file_is_refused_naming_the_file_and_the_item(tmp_path, change, item, words):
    trainer, org = _broken(tmp_path, change)
    with pytest.raises(QuestionnaireError) as caught:
        load_pair(trainer, org)
    french = caught.value.render("fr")
    assert "trainer_v2.yaml" in french and item in french and words in french
    # the shipped file is untouched and still loads
    assert load_pair(TRAINER_V2_FILE, ORGANISATION_V2_FILE).trainer.checksum() == V2.trainer.checksum()


def test_a_model_rule_with_a_choice_of_the_other_dimension_is_refused(tmp_path):
    def change(d):
        d["models"][0]["value"] = "team"  # a production choice under pedagogy
    trainer, org = _broken(tmp_path, change)
    with pytest.raises(QuestionnaireError) as caught:
        load_pair(trainer, org)
    french = caught.value.render("fr")
    assert "trainer_v2.yaml" in french and "team" in french and "pedagogy" in french
