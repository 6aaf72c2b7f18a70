"""The learners' questionnaire: loaded from data/questionnaires/learner.yaml and checked.

A short list of agreement statements (10 to 15), each scored 0..4 on a
five-step scale, plus "I don't know", which is left out of every figure.
Some statements *mirror* an organisation statement that managers and
trainers both answer (``shared: true`` in organisation.yaml): the overview
sets the three views side by side (see disclosure/learners.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from i18n import RelaisError

ROOT = Path(__file__).resolve().parent.parent
LEARNER_FILE = ROOT / "data" / "questionnaires" / "learner.yaml"
ORGANISATION_FILE = ROOT / "data" / "questionnaires" / "organisation.yaml"
MIN_ITEMS, MAX_ITEMS = 10, 15
LANGS = ("fr", "en")


def _yaml(text: str) -> object:
    """yaml.safe_load through libyaml when PyYAML has it (several times faster, same safe subset)."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - safe loaders


@dataclass(frozen=True)
class LearnerItem:
    id: str
    text: dict[str, str]
    mirrors: str | None = None


@dataclass(frozen=True)
class LearnerQuestionnaire:
    version: int
    minutes: int
    title: dict[str, str]
    intro: dict[str, str]
    scale: tuple[dict[str, str], ...]
    dont_know: dict[str, str]
    items: tuple[LearnerItem, ...]

    def item(self, item_id: str) -> LearnerItem:
        return next(i for i in self.items if i.id == item_id)

    def mirrored(self) -> dict[str, str]:
        """learner item id -> the organisation item it mirrors."""
        return {i.id: i.mirrors for i in self.items if i.mirrors}


def _texts(value: object, file: str, where: str) -> dict[str, str]:
    if not isinstance(value, dict) or any(not isinstance(value.get(lang), str)
                                          or not value.get(lang).strip() for lang in LANGS):
        raise RelaisError("{file}: {where} needs a French and an English text.", file=file, where=where)
    return {lang: value[lang].strip() for lang in LANGS}


def shared_organisation_items(path: Path = ORGANISATION_FILE) -> set[str]:
    """Ids of organisation statements asked of both managers and trainers."""
    raw = _yaml(path.read_text(encoding="utf-8"))
    return {item["id"] for section in raw.get("sections", []) for item in section.get("items", [])
            if item.get("shared")}


def parse(raw: object, file: str, shared: set[str]) -> LearnerQuestionnaire:
    """Check a learners' questionnaire mapping; RelaisError names the file and the item."""
    if not isinstance(raw, dict) or raw.get("key") != "learner":
        raise RelaisError("{file}: not a learners' questionnaire (key: learner is missing).", file=file)
    scale = raw.get("scale")
    if not isinstance(scale, list) or len(scale) != 5:
        raise RelaisError("{file}: the scale must have exactly five steps.", file=file)
    steps = tuple(_texts(s, file, f"scale step {n + 1}") for n, s in enumerate(scale))
    items_raw = raw.get("items")
    if not isinstance(items_raw, list) or not MIN_ITEMS <= len(items_raw) <= MAX_ITEMS:
        raise RelaisError("{file}: the questionnaire must have {low} to {high} statements.",
                          file=file, low=MIN_ITEMS, high=MAX_ITEMS)
    items, seen = [], set()
    for n, entry in enumerate(items_raw):
        item_id = entry.get("id") if isinstance(entry, dict) else None
        if not isinstance(item_id, str) or not item_id or item_id in seen:
            raise RelaisError("{file}: statement {n} has a missing or repeated id.", file=file, n=n + 1)
        seen.add(item_id)
        mirrors = entry.get("mirrors")
        if mirrors is not None and mirrors not in shared:
            raise RelaisError("{file}: statement {item} mirrors {other}, which is not an organisation "
                              "statement asked of both managers and trainers.",
                              file=file, item=item_id, other=str(mirrors))
        items.append(LearnerItem(item_id, _texts(entry.get("text"), file, item_id), mirrors))
    minutes = raw.get("minutes", 5)
    return LearnerQuestionnaire(
        version=int(raw.get("version", 1)), minutes=int(minutes),
        title=_texts(raw.get("title"), file, "title"), intro=_texts(raw.get("intro"), file, "intro"),
        scale=steps, dont_know=_texts(raw.get("dont_know"), file, "dont_know"), items=tuple(items))


def load(path: Path = LEARNER_FILE, organisation: Path = ORGANISATION_FILE) -> LearnerQuestionnaire:
    """Read and check a learners' questionnaire file."""
    try:
        raw = _yaml(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise RelaisError("{file}: cannot be read ({problem}).", file=path.name,
                          problem=type(err).__name__) from err
    return parse(raw, path.name, shared_organisation_items(organisation))


@lru_cache(maxsize=1)
def default() -> LearnerQuestionnaire:
    """The learners' questionnaire shipped with Relais."""
    return load()
