"""The shipped questionnaires load and hold what the design needs; broken files are refused
with a French message naming the file and the item."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from i18n import RelaisError
from survey.loader import (
    ORGANISATION_FILE,
    TRAINER_FILE,
    QuestionnaireError,
    default_questionnaires,
    load_pair,
    load_questionnaire,
)
from survey.schema import AREA_IDS, ELEMENT_IDS, FRAME_COLUMNS, SHARING_TAG

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def pair():
    return default_questionnaires()


def raw(path: Path) -> dict:
    """A shipped file as plain data (anchors resolved), ready to be broken."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def find(data: dict, item_id: str) -> dict:
    return next(it for s in data["sections"] for it in s["items"] if it["id"] == item_id)


def write(tmp_path: Path, name: str, data: dict) -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


# --- the shipped files -------------------------------------------------------------------

def test_shipped_files_load_as_a_pair(pair):
    assert (pair.trainer.key, pair.organisation.key) == ("trainer", "organisation")


def test_trainer_has_six_areas_and_28_to_32_area_items_4_to_6_per_area(pair):
    t = pair.trainer
    assert t.area_ids() == AREA_IDS
    assert 28 <= len(t.area_items()) <= 32
    per_area = t.items_frame().dropna(subset=["area"]).groupby("area").size()
    assert set(per_area.index) == set(AREA_IDS)
    assert per_area.between(4, 6).all()


def test_organisation_has_seven_elements_with_3_or_4_items_each(pair):
    o = pair.organisation
    assert o.area_ids() == ELEMENT_IDS
    per_element = o.items_frame().groupby("area").size()
    assert set(per_element.index) == set(ELEMENT_IDS)
    assert per_element.between(3, 4).all()


def test_six_to_eight_shared_statements_identical_in_both_files(pair):
    trainer_org = [s for s in pair.trainer.sections if s.kind == "organisation"]
    assert len(trainer_org) == 1
    statements = trainer_org[0].items
    shared = [it for it in pair.organisation.items() if it.shared]
    assert 6 <= len(statements) <= 8
    assert {it.id for it in statements} == {it.id for it in shared}
    for it in statements:
        source = pair.organisation.item(it.id)
        assert (it.text, it.options, it.element) == (source.text, source.options, source.area)
        assert it.area is None


@pytest.mark.parametrize("which", ["trainer", "organisation"])
def test_every_scale_item_has_five_options_and_both_languages(pair, which):
    q = getattr(pair, which)
    for it in q.scale_items():
        assert len(it.options) == 5
        assert it.allow_na
        for text in (it.text, *it.options):
            assert text.fr.strip() and text.en.strip()
            assert text.fr != text.en


def test_practice_items_have_a_next_step_and_at_least_three_carry_sharing(pair):
    items = pair.trainer.area_items()
    assert all(it.next_step and it.next_step.fr and it.next_step.en for it in items)
    assert sum(SHARING_TAG in it.tags for it in items) >= 3


def test_profile_items_have_the_agreed_ids_and_types(pair):
    profile = next(s for s in pair.trainer.sections if s.kind == "profile")
    kinds = {it.id: it.type for it in profile.items}
    assert kinds == {"modalities": "multi", "years_practice": "integer",
                     "relay_willing": "boolean", "relay_hours": "integer",
                     "relay_areas": "multi", "consent_named": "boolean"}
    t = pair.trainer
    assert [c.id for c in t.item("modalities").choices] == [
        "face_to_face", "hybrid", "remote_sync", "remote_async"]
    assert (t.item("years_practice").min, t.item("years_practice").max) == (0, 50)
    assert (t.item("relay_hours").min, t.item("relay_hours").max) == (0, 40)
    assert t.item("relay_hours").show_if == "relay_willing"
    assert tuple(c.id for c in t.item("relay_areas").choices) == AREA_IDS
    consent = t.item("consent_named").text
    assert "à tout moment" in consent.fr and "any time" in consent.en


@pytest.mark.parametrize("which, limit", [("trainer", 20), ("organisation", 20)])
def test_estimated_answering_time_is_under_the_limit(pair, which, limit):
    assert getattr(pair, which).total_minutes() < limit


def test_items_frame_columns_and_rows(pair):
    frame = pair.trainer.items_frame()
    assert tuple(frame.columns) == FRAME_COLUMNS
    assert len(frame) == len(pair.trainer.scale_items())
    row = frame.set_index("item_id").loc["O-DEV-1"]
    assert (row["area"], row["element"], row["section_id"]) == (None, "development",
                                                                 "organisation")
    assert isinstance(frame["tags"].iloc[0], tuple)


def test_text_and_area_weights(pair):
    t = pair.trainer
    assert t.text("T-ENG-1", "en").startswith("How do you use")
    assert t.text(t.item("T-ENG-1"), "fr").startswith("Comment utilisez-vous")
    assert t.text("T-ENG-1", "de") == t.text("T-ENG-1", "fr")
    assert t.area_weights() == dict.fromkeys(AREA_IDS, 1.0)


# --- checksum ----------------------------------------------------------------------------

def test_checksum_is_stable_and_ignores_formatting(pair, tmp_path):
    again = load_questionnaire(write(tmp_path, "trainer.yaml", raw(TRAINER_FILE)))
    assert again.checksum() == pair.trainer.checksum() == load_questionnaire(
        TRAINER_FILE).checksum()


@pytest.mark.parametrize("change", [
    lambda d: find(d, "T-ENG-1").update(weight=2.0),
    lambda d: d["areas"][0].update(weight=1.5),
    lambda d: find(d, "T-ENG-1")["options"][4].update(fr="Autre chose."),
])
def test_checksum_changes_when_content_changes(pair, tmp_path, change):
    data = raw(TRAINER_FILE)
    change(data)
    assert load_questionnaire(write(tmp_path, "t.yaml", data)).checksum() != \
        pair.trainer.checksum()


# --- broken files ------------------------------------------------------------------------

def _drop_option(d):
    find(d, "T-RES-2")["options"].pop()


def _duplicate_id(d):
    find(d, "T-ENG-2")["id"] = "T-ENG-1"


def _unknown_area(d):
    find(d, "T-TEA-3")["area"] = "robotics"


def _wrong_type(d):
    find(d, "T-ASS-1")["type"] = "slider"


def _wrong_weight(d):
    find(d, "T-EMP-1")["weight"] = "heavy"


def _negative_weight(d):
    find(d, "T-EMP-2")["weight"] = -1


def _missing_english(d):
    del find(d, "T-FAC-2")["text"]["en"]


def _blank_french(d):
    find(d, "T-FAC-3")["next_step"]["fr"] = "  "


def _min_above_max(d):
    find(d, "years_practice")["min"] = 60


def _no_choices(d):
    del find(d, "modalities")["choices"]


def _unknown_field(d):
    find(d, "T-RES-4")["colour"] = "blue"


def _missing_next_step(d):
    del find(d, "T-RES-5")["next_step"]


def _unknown_element(d):
    find(d, "O-LEA-1")["element"] = "canteen"


@pytest.mark.parametrize("break_it, item", [
    (_drop_option, "T-RES-2"),
    (_duplicate_id, "T-ENG-1"),
    (_unknown_area, "T-TEA-3"),
    (_wrong_type, "T-ASS-1"),
    (_wrong_weight, "T-EMP-1"),
    (_negative_weight, "T-EMP-2"),
    (_missing_english, "T-FAC-2"),
    (_blank_french, "T-FAC-3"),
    (_min_above_max, "years_practice"),
    (_no_choices, "modalities"),
    (_unknown_field, "T-RES-4"),
    (_missing_next_step, "T-RES-5"),
    (_unknown_element, "O-LEA-1"),
])
def test_broken_trainer_file_names_file_and_item_in_french(tmp_path, break_it, item):
    data = raw(TRAINER_FILE)
    break_it(data)
    path = write(tmp_path, "formateurs.yaml", data)
    with pytest.raises(QuestionnaireError) as caught:
        load_questionnaire(path)
    french = caught.value.render("fr")
    assert isinstance(caught.value, RelaisError)
    assert "formateurs.yaml" in french and item in french
    assert french != str(caught.value)  # translated, not the English msgid


@pytest.mark.parametrize("old, new, item", [
    # an unclosed flow mapping inside an item
    ('      - id: T-RES-2\n', '      - id: T-RES-2\n        tags: [sharing\n', "T-RES-2"),
    # a tab used for indentation
    ('      - id: T-TEA-4\n        type: scale\n', '      - id: T-TEA-4\n\ttype: scale\n',
     "T-TEA-4"),
    # a key written twice
    ('      - id: T-EMP-3\n        type: scale\n',
     '      - id: T-EMP-3\n        type: scale\n        type: single\n', "T-EMP-3"),
])
def test_bad_yaml_names_file_line_and_item(tmp_path, old, new, item):
    text = TRAINER_FILE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "cassé.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(QuestionnaireError) as caught:
        load_questionnaire(path)
    french = caught.value.render("fr")
    assert "cassé.yaml" in french and "ligne" in french and item in french


@pytest.mark.parametrize("content, expected", [
    ("- just\n- a list\n", "premier niveau"),
    ("", "premier niveau"),
    (b"\xff\xfe\x00", "UTF-8"),
])
def test_unusable_file_content_is_refused(tmp_path, content, expected):
    path = tmp_path / "q.yaml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(QuestionnaireError) as caught:
        load_questionnaire(path)
    assert "q.yaml" in caught.value.render("fr") and expected in caught.value.render("fr")


def test_missing_file_is_a_questionnaire_error(tmp_path):
    with pytest.raises(QuestionnaireError, match="absent.yaml"):
        load_questionnaire(tmp_path / "absent.yaml")


def test_every_problem_is_listed(tmp_path):
    data = raw(TRAINER_FILE)
    _drop_option(data)
    _wrong_type(data)
    with pytest.raises(QuestionnaireError) as caught:
        load_questionnaire(write(tmp_path, "t.yaml", data))
    rendered = " | ".join(p.render("fr") for p in caught.value.problems)
    assert "T-RES-2" in rendered and "T-ASS-1" in rendered


# --- the pair ----------------------------------------------------------------------------

def _trainer_text_differs(t, o):
    find(t, "O-DEV-1")["text"]["fr"] += " "


def _trainer_english_differs(t, o):
    find(t, "O-INF-2")["text"]["en"] = "Rooms are equipped for hybrid teaching."


def _trainer_element_differs(t, o):
    find(t, "O-CON-1")["element"] = "infrastructure"


def _not_shared_in_org(t, o):
    find(o, "O-LEA-2")["shared"] = False


def _unknown_in_org(t, o):
    find(t, "O-PED-2")["id"] = "O-PED-9"


def _options_differ(t, o):
    find(t, "O-INF-3")["options"] = copy.deepcopy(find(t, "T-ENG-1")["options"])


def _shared_but_not_copied(t, o):
    find(o, "O-LEA-3")["shared"] = True


@pytest.mark.parametrize("break_it, file, item", [
    (_trainer_text_differs, "trainer.yaml", "O-DEV-1"),
    (_trainer_english_differs, "trainer.yaml", "O-INF-2"),
    (_trainer_element_differs, "trainer.yaml", "O-CON-1"),
    (_not_shared_in_org, "trainer.yaml", "O-LEA-2"),
    (_unknown_in_org, "trainer.yaml", "O-PED-9"),
    (_options_differ, "trainer.yaml", "O-INF-3"),
    (_shared_but_not_copied, "organisation.yaml", "O-LEA-3"),
])
def test_shared_statement_mismatch_is_refused(tmp_path, break_it, file, item):
    t, o = raw(TRAINER_FILE), raw(ORGANISATION_FILE)
    break_it(t, o)
    with pytest.raises(QuestionnaireError) as caught:
        load_pair(write(tmp_path, "trainer.yaml", t), write(tmp_path, "organisation.yaml", o))
    french = caught.value.render("fr")
    assert file in french and item in french


def test_pair_in_the_wrong_order_is_refused():
    with pytest.raises(QuestionnaireError, match="organisation.yaml"):
        load_pair(ORGANISATION_FILE, TRAINER_FILE)


# --- translations ------------------------------------------------------------------------

def test_every_survey_msgid_is_translated_in_survey_po():
    keywords = dict.fromkeys(["t", "_", "N_", "gettext", "RelaisError"])
    used = {m if isinstance(m, str) else m[0]
            for _, _, m, _, _ in extract_from_dir(ROOT / "survey", keywords=keywords)}
    translated = set()
    # survey.po (questionnaires), survey_capture.po (links, answering, results), survey_qv2.po
    # (v2 files) and learners.po (survey/learners*.py: the learners' questionnaire and links)
    folder = ROOT / "data/i18n/fr"
    for path in [*sorted(folder.glob("survey*.po")), folder / "learners.po"]:
        with path.open("rb") as fh:
            translated |= {m.id for m in read_po(fh, locale="fr") if m.id and m.string}
    assert used and used <= translated, sorted(used - translated)
