"""Questionnaire schema: pydantic models that say what a valid questionnaire file holds.

A questionnaire (trainer self-assessment or organisation questionnaire) has areas
(DigCompEdu areas or DigCompOrg elements), sections and items.  Scale items score
0..4 by the index of the chosen option; "not applicable" is an explicit answer
that scoring leaves out.  Rules that span several items (unique ids, known areas)
are checked on :class:`Questionnaire`.  Every problem is raised as a
``PydanticCustomError`` of type ``"relais"`` whose context carries an English msgid
and its parameters, so that ``survey.loader`` can turn it into a translated message.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from typing import Annotated, Iterable, Literal

import pandas as pd
from pydantic import (BaseModel, ConfigDict, Field, StrictBool, StringConstraints, model_serializer,
                      model_validator)
from pydantic_core import PydanticCustomError

from i18n import N_, normalise_lang

AREA_IDS: tuple[str, ...] = (
    "engagement", "resources", "teaching", "assessment", "empowerment", "facilitation",
)
ELEMENT_IDS: tuple[str, ...] = (
    "leadership", "pedagogy", "development", "evaluation", "content", "collaboration",
    "infrastructure",
)
EXPECTED_AREAS: dict[str, tuple[str, ...]] = {"trainer": AREA_IDS, "organisation": ELEMENT_IDS}
QUESTIONNAIRE_KEYS: tuple[str, ...] = ("trainer", "organisation")
ITEM_TYPES: tuple[str, ...] = ("scale", "single", "multi", "integer", "boolean")
SECTION_KINDS: tuple[str, ...] = ("practice", "organisation", "profile")
SCALE_POINTS = 5
# The organisation's model (questionnaire v2): its two dimensions and their choices.
MODEL_CHOICES: dict[str, tuple[str, ...]] = {
    "pedagogy": ("enriched", "blended", "distance"),
    "production": ("trainers", "team", "both"),
}
SHARING_TAG = "sharing"
FRAME_COLUMNS: tuple[str, ...] = (
    "item_id", "area", "element", "weight", "tags", "section_id", "shared",
)

Id = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_-]*$")]
Tag = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]*$")]
Weight = Annotated[float, Field(gt=0)]


def problem(msgid: str, **params: object) -> PydanticCustomError:
    """A validation error carrying a translatable msgid and its parameters."""
    return PydanticCustomError("relais", msgid, {"msgid": msgid, **params})


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# Fields added for questionnaire v2 are left out of a dump while unset, so the
# stored definition and checksum of a v1 questionnaire stay exactly what they were.
_V2_FIELDS = frozenset({"next_step", "ref", "same_as_previous", "models"})


class _V2Model(_Model):
    @model_serializer(mode="wrap")
    def _drop_unset_v2(self, handler):  # noqa: ANN001, ANN202
        data = handler(self)
        if isinstance(data, dict):
            for key in _V2_FIELDS & data.keys():
                if data[key] is None and key not in type(self)._v1_fields():
                    del data[key]
        return data

    @classmethod
    def _v1_fields(cls) -> frozenset[str]:
        return frozenset()


class LocalizedText(_V2Model):
    """A text in every supported language."""

    fr: str
    en: str

    @model_validator(mode="after")
    def _not_blank(self) -> LocalizedText:
        for lang in ("fr", "en"):
            if not getattr(self, lang).strip():
                raise problem(N_("the {language} text is empty"), language=lang)
        return self

    def get(self, lang: str | None) -> str:
        """The text in lang (French if lang is not supported)."""
        return getattr(self, normalise_lang(lang))


class Option(LocalizedText):
    """One answer of a scale item; its score is its index in the item's options.

    ``next_step`` (v2): what to try next for a trainer who chose this option.
    """

    next_step: LocalizedText | None = None


class Choice(_Model):
    """One answer of a single- or multiple-choice item."""

    id: Id
    text: LocalizedText


class Item(_V2Model):
    """One question or statement.

    v2 adds ``ref`` (the DigCompEdu competence or DigCompOrg element it rests on,
    e.g. "DigCompEdu 3.4") and ``same_as_previous`` (true when the question and
    its options mean exactly what they meant in the previous version, so progress
    across versions may compare it).
    """

    @classmethod
    def _v1_fields(cls) -> frozenset[str]:
        return frozenset({"next_step"})  # v1 already had an item-level next_step

    id: Id
    type: Literal["scale", "single", "multi", "integer", "boolean"]
    text: LocalizedText
    area: Id | None = None
    element: Id | None = None
    options: tuple[Option, ...] | None = None
    choices: tuple[Choice, ...] | None = None
    min: int | None = None
    max: int | None = None
    allow_na: StrictBool = False
    weight: Weight = 1.0
    required: StrictBool = True
    tags: tuple[Tag, ...] = ()
    next_step: LocalizedText | None = None
    shared: StrictBool = False
    show_if: Id | None = None
    ref: str | None = None
    same_as_previous: StrictBool | None = None

    @model_validator(mode="after")
    def _shape_fits_type(self) -> Item:
        if self.type == "scale":
            found = len(self.options or ())
            if found != SCALE_POINTS:
                raise problem(N_("a scale item needs exactly {expected} options, found {found}"),
                              expected=SCALE_POINTS, found=found)
        elif self.options is not None:
            raise problem(N_("only scale items take options"))
        if self.type in ("single", "multi"):
            ids = [c.id for c in self.choices or ()]
            if len(ids) < 2:
                raise problem(N_("a {type} item needs at least two choices"), type=self.type)
            dup = _first_duplicate(ids)
            if dup:
                raise problem(N_("the choice {choice} appears twice"), choice=dup)
        elif self.choices is not None:
            raise problem(N_("only single and multi items take choices"))
        if self.type == "integer":
            if self.min is None or self.max is None:
                raise problem(N_("an integer item needs min and max"))
            if self.min > self.max:
                raise problem(N_("min ({min}) is greater than max ({max})"),
                              min=self.min, max=self.max)
        elif self.min is not None or self.max is not None:
            raise problem(N_("only integer items take min and max"))
        if self.area and self.element:
            raise problem(N_("an item has an area or an element, not both"))
        return self


class Section(_Model):
    """A page of the questionnaire: practice (scored by area), organisation or profile."""

    id: Id
    kind: Literal["practice", "organisation", "profile"]
    title: LocalizedText
    intro: LocalizedText | None = None
    estimated_minutes: Annotated[float, Field(gt=0)]
    items: tuple[Item, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _items_fit_kind(self) -> Section:
        for it in self.items:
            if self.kind == "practice" and (it.type != "scale" or not it.area or it.element):
                raise problem(N_("items of a practice section are scale items with an area"),
                              item=it.id)
            if self.kind == "organisation" and (it.type != "scale" or not it.element or it.area):
                raise problem(N_("items of an organisation section are scale items with an "
                                 "element and no area"), item=it.id)
            if self.kind == "profile" and (it.area or it.element):
                raise problem(N_("profile items have no area and no element"), item=it.id)
        return self


class Area(_Model):
    """A scored area: a DigCompEdu area (trainer) or a DigCompOrg element (organisation)."""

    id: Id
    name: LocalizedText
    description: LocalizedText
    weight: Weight = 1.0


class ModelRule(_Model):
    """How one choice of the organisation's model changes the scoring of named items (v2).

    ``dimension`` is "pedagogy" or "production", ``value`` one of its choices.
    Items in ``not_applicable`` are left out for responses under this choice;
    ``ceilings`` maps an item to the option index that already earns full marks
    under this choice (options above it presume a model the organisation did not pick).
    """

    dimension: Literal["pedagogy", "production"]
    value: Literal["enriched", "blended", "distance", "trainers", "team", "both"]
    why: LocalizedText
    not_applicable: tuple[Id, ...] = ()
    ceilings: dict[Id, Annotated[int, Field(ge=1, le=SCALE_POINTS - 1)]] = Field(
        default_factory=dict)

    @model_validator(mode="after")
    def _value_of_dimension(self) -> ModelRule:
        allowed = MODEL_CHOICES[self.dimension]
        if self.value not in allowed:
            raise problem(N_("{value} is not a choice of {dimension} (expected one of: "
                             "{expected})"), value=self.value, dimension=self.dimension,
                          expected=", ".join(allowed))
        return self


class Questionnaire(_V2Model):
    """A whole questionnaire file, checked as a whole."""

    key: Literal["trainer", "organisation"]
    version: Annotated[int, Field(ge=1)]
    title: LocalizedText
    intro: LocalizedText
    areas: tuple[Area, ...]
    sections: tuple[Section, ...] = Field(min_length=1)
    models: tuple[ModelRule, ...] | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Questionnaire:
        dup = _first_duplicate(a.id for a in self.areas)
        if dup:
            raise problem(N_("the area {area} is defined twice"), area=dup)
        dup = _first_duplicate(s.id for s in self.sections)
        if dup:
            raise problem(N_("the section id {id} is used twice"), id=dup, section=dup)
        dup = _first_duplicate(it.id for it in self.items())
        if dup:
            raise problem(N_("the item id is used twice"), item=dup)
        expected = EXPECTED_AREAS[self.key]
        if tuple(a.id for a in self.areas) != expected:
            raise problem(N_("the areas must be, in this order: {expected}"),
                          expected=", ".join(expected))
        booleans = {it.id for it in self.items() if it.type == "boolean"}
        for section in self.sections:
            for it in section.items:
                if it.area and it.area not in expected:
                    raise problem(N_("unknown area {area} (expected one of: {expected})"),
                                  area=it.area, expected=", ".join(expected), item=it.id)
                if it.element and it.element not in ELEMENT_IDS:
                    raise problem(N_("unknown element {element} (expected one of: {expected})"),
                                  element=it.element, expected=", ".join(ELEMENT_IDS),
                                  item=it.id)
                if it.show_if and it.show_if not in booleans:
                    raise problem(N_("show_if must name a yes/no item, not {target}"),
                                  target=it.show_if, item=it.id)
                if self.key == "trainer" and section.kind == "practice" and not it.next_step \
                        and self.version < 2:
                    raise problem(N_("a practice item needs a next_step"), item=it.id)
                if self.version >= 2:
                    self._check_v2_item(section, it)
        self._check_models()
        return self

    def _check_v2_item(self, section: Section, it: Item) -> None:
        """Version 2 rules: a framework reference per scored item, a next step per option."""
        if it.type == "scale" and not (it.ref or "").startswith(("DigCompEdu", "DigCompOrg")):
            raise problem(N_("a scored item needs a ref naming its DigCompEdu competence or "
                             "DigCompOrg element"), item=it.id)
        if self.key == "trainer" and section.kind == "practice":
            for n, option in enumerate(it.options or (), start=1):
                if option.next_step is None:
                    raise problem(N_("option {n} has no next_step"), n=n, item=it.id)

    def _check_models(self) -> None:
        """Every item a model rule names exists and is scored; a ceiling leaves a choice."""
        scored = {it.id for it in self.scale_items() if it.area}
        for rule in self.models or ():
            for item_id in (*rule.not_applicable, *rule.ceilings):
                if item_id not in scored:
                    raise problem(N_("the model {dimension}: {value} names the unknown or "
                                     "unscored item {unknown}"), dimension=rule.dimension,
                                  value=rule.value, unknown=item_id, item=item_id)

    def items(self) -> tuple[Item, ...]:
        """Every item, in questionnaire order."""
        return tuple(it for s in self.sections for it in s.items)

    def item(self, item_id: str) -> Item:
        """The item with this id (KeyError if there is none)."""
        for it in self.items():
            if it.id == item_id:
                return it
        raise KeyError(item_id)

    def scale_items(self) -> tuple[Item, ...]:
        """The scored items (type scale), in questionnaire order."""
        return tuple(it for it in self.items() if it.type == "scale")

    def area_items(self) -> tuple[Item, ...]:
        """The scale items scored in an area (excludes the trainer's organisation statements)."""
        return tuple(it for it in self.scale_items() if it.area)

    def section_of(self, item_id: str) -> Section:
        """The section holding an item (KeyError if there is none)."""
        for s in self.sections:
            if any(it.id == item_id for it in s.items):
                return s
        raise KeyError(item_id)

    def area_ids(self) -> tuple[str, ...]:
        """Area ids (DigCompEdu areas or DigCompOrg elements) in file order."""
        return tuple(a.id for a in self.areas)

    def area_weights(self) -> dict[str, float]:
        """Area id -> weight."""
        return {a.id: a.weight for a in self.areas}

    def total_minutes(self) -> float:
        """Estimated answering time of the whole questionnaire."""
        return sum(s.estimated_minutes for s in self.sections)

    def items_frame(self) -> pd.DataFrame:
        """Scale items, one row each, with the columns of FRAME_COLUMNS.

        item_id; area (scored area, None for trainers' organisation statements);
        element (DigCompOrg element: the area in the organisation questionnaire, the
        ``element`` field in the trainer's organisation section, else None); weight;
        tags (tuple); section_id; shared (bool).
        """
        rows = [
            {
                "item_id": it.id,
                "area": it.area,
                "element": it.element or (it.area if self.key == "organisation" else None),
                "weight": it.weight,
                "tags": tuple(it.tags),
                "section_id": s.id,
                "shared": it.shared,
            }
            for s in self.sections for it in s.items if it.type == "scale"
        ]
        frame = pd.DataFrame(rows, columns=list(FRAME_COLUMNS))
        for col in ("area", "element"):  # keep None (not NaN) for "no area / no element"
            frame[col] = frame[col].astype(object).where(frame[col].notna(), None)
        return frame

    def checksum(self) -> str:
        """sha256 of the canonical JSON: changes exactly when the content changes."""
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True,
                               ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    def text(self, item: Item | str, lang: str | None) -> str:
        """An item's text in lang (item given as an Item or its id)."""
        it = self.item(item) if isinstance(item, str) else item
        return it.text.get(lang)


def _first_duplicate(values: Iterable[str]) -> str | None:
    """The first value that occurs more than once, or None."""
    counts = Counter()
    for v in values:
        counts[v] += 1
        if counts[v] == 2:
            return v
    return None
