"""French about people is gender-inclusive everywhere it is shown: every catalogue, every data file.

The style is the one questionnaire v2 chose (docs/questionnaire_v2.md): the middle dot
(formateur·rices, apprenant·es, nommé·es, chacun·e, un·e responsable), "ils et elles",
"celles et ceux", "le ou la responsable". A masculine form used as a generic for people is
refused; words that are the same in both genders (responsable, stagiaire, bénéficiaire) pass
unless a masculine article makes them masculine.
"""

import json
import re
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"

_NOT_INCLUSIVE = r"(?![·\w-]| et elles| ou elles| et celles| ou celles)"
# Nouns and participles that, in this application, name people (trainers, learners, staff).
_PEOPLE = (r"formateurs?|apprenants?|tuteurs?|débutants?|référents?|directeurs?|utilisateurs?|"
           r"administrateurs?|coordinateurs?|participants?|intervenants?|salariés?|pionniers?|"
           r"explorateurs?|intégrateurs?|arrivants?|inactifs?|absents?|équipés?|nommés?|inscrits?|"
           r"invités?|connectés?|consentants?|engagés?|isolés?|employés?|candidats?|répondants?|"
           r"chacun|ils")
MASCULINE_GENERIC = re.compile(rf"(?<!elles et )(?<!elles ou )\b({_PEOPLE}){_NOT_INCLUSIVE}", re.I)
# A word the same in both genders made masculine by its article ("le responsable").
MASCULINE_ARTICLE = re.compile(
    r"\b(le|au|du|un|aucun|Le|Au|Du|Un|Aucun) (responsables?|collègues?|stagiaires?|"
    r"bénéficiaires?|leaders?)\b")
# A participle agreeing in the masculine with an inclusive noun ("formateur·rices consultés").
MASCULINE_AGREEMENT = re.compile(
    r"\w·(?:rices|es|ères) (?:(?:sont|ont été|restent|se sont) )?(\w+és)\b(?![·\w])")

# Justified exceptions, each (file, exact French text fragment) with its reason.
ALLOWED = {
    # "ils" stands for "problèmes", a thing, not people.
    ("auth.po", "tant qu’ils ne sont pas corrigés"),
    # "ils" stands for "indicateurs" (Qualiopi indicators).
    ("qualiopi.po", "qu’ils étayent"),
    # "absent" agrees with "paquet", a software package.
    ("auth.po", "defusedxml est absent"),
    # "chacun" stands for "graphique", a chart.
    ("accessibility.po", "sous chacun,"),
    # "nommés" agrees with "quadrants", parts of a map.
    ("accessibility.po", "quadrants nommés"),
    # "comparés" agrees with "regards" (views), not with the trainers.
    ("dashboards.po", "des formateur·rices sont comparés"),
}


def _allowed(source: str, text: str, start: int) -> bool:
    return any(source == f and frag in text and text.find(frag) <= start < text.find(frag) + len(frag)
               for f, frag in ALLOWED)


def _po_texts():
    for path in sorted((DATA / "i18n" / "fr").glob("*.po")):
        with path.open("rb") as fh:
            for msg in read_po(fh):
                if msg.id:
                    strings = msg.string if isinstance(msg.string, tuple) else (msg.string,)
                    yield from ((path.name, s) for s in strings if s)


def _french_values(value):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from ([v] if k == "fr" and isinstance(v, str) else _french_values(v))
    elif isinstance(value, list):
        for v in value:
            yield from _french_values(v)


# Files with no French to check, each with its reason; any other data file is scanned.
NOT_SCANNED = {
    # Version 1 of both questionnaires is frozen: stored v1 campaigns keep their checksum
    # (tests/qv2/test_v2_schema.py), and the French is part of it. v2 is its inclusive rewrite.
    "questionnaires/trainer.yaml",
    "questionnaires/organisation.yaml",
    # The accessibility audit's output: page names and rule ids, no French prose.
    "accessibility/audit.json",
}


def _data_files():
    return sorted(p for p in DATA.rglob("*") if p.suffix in {".yaml", ".yml", ".json"}
                  and "i18n" not in p.parts)


def _data_texts():
    for path in _data_files():
        rel = path.relative_to(DATA).as_posix()
        if rel in NOT_SCANNED:
            continue
        raw = path.read_text(encoding="utf-8")
        data = json.loads(raw) if path.suffix == ".json" else yaml.safe_load(raw)
        yield from ((rel, text) for text in _french_values(data))


def _masculine(source: str, text: str) -> list[str]:
    return [f"{source}: {m.group()!r} in {text[:100]!r}"
            for pattern in (MASCULINE_GENERIC, MASCULINE_ARTICLE, MASCULINE_AGREEMENT)
            for m in pattern.finditer(text) if not _allowed(source, text, m.start())]


def test_every_catalogue_and_data_file_is_scanned():
    catalogues = {s for s, _ in _po_texts()}
    assert catalogues == {p.name for p in (DATA / "i18n" / "fr").glob("*.po")}
    scanned = {s for s, _ in _data_texts()}
    for path in _data_files():
        rel = path.relative_to(DATA).as_posix()
        assert rel in scanned or rel in NOT_SCANNED, f"{rel}: no French found, say why in NOT_SCANNED"
    assert NOT_SCANNED <= {p.relative_to(DATA).as_posix() for p in _data_files()}


def test_catalogues_are_gender_inclusive():
    found = [f for source, text in _po_texts() for f in _masculine(source, text)]
    assert not found, "\n".join(found)


def test_data_files_are_gender_inclusive():
    found = [f for source, text in _data_texts() for f in _masculine(source, text)]
    assert not found, "\n".join(found)


def test_every_exception_is_still_needed():
    texts = [*_po_texts(), *_data_texts()]
    for source, fragment in ALLOWED:
        assert any(s == source and fragment in t for s, t in texts), (source, fragment)


@pytest.mark.parametrize("text", [
    "Les formateurs répondent", "Aucun apprenant", "au responsable de site", "chacun répond",
    "ils ont répondu", "Invités", "accepté d'être nommés", "Pionniers isolés", "un collègue",
    "Les formateur·rices sont consultés", "formateur·rices comptés selon",
])
def test_the_scanner_catches_masculine_generics(text):
    assert _masculine("x.po", text)


@pytest.mark.parametrize("text", [
    "Les formateur·rices répondent", "Aucun·e apprenant·e", "au ou à la responsable",
    "chacun·e répond", "ils et elles ont répondu", "celles et ceux qui risquent",
    "accepté d'être nommé·es", "les responsables de site", "les apprenant·es sous la cible",
    "formateur·rices compté·es selon",
])
def test_the_scanner_lets_inclusive_french_pass(text):
    assert not _masculine("x.po", text)
