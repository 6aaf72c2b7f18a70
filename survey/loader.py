"""Load questionnaire files into validated models, with messages a person can act on.

Whatever is wrong with a file (YAML syntax, a missing option, a duplicate id, an
unknown area, a wrong type, a shared statement that differs between the two
files), the caller gets a :class:`QuestionnaireError` naming the file, the item
(or section, or line) and the problem; never a raw yaml or pydantic exception.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import yaml
from pydantic import ValidationError

from i18n import N_, RelaisError
from survey.schema import ITEM_TYPES, QUESTIONNAIRE_KEYS, SECTION_KINDS, Questionnaire

QUESTIONNAIRE_DIR = Path(__file__).resolve().parent.parent / "data" / "questionnaires"
TRAINER_FILE = QUESTIONNAIRE_DIR / "trainer.yaml"
ORGANISATION_FILE = QUESTIONNAIRE_DIR / "organisation.yaml"
# Version 2 (issue 20): the version new campaigns use; v1 stays for the campaigns it scored.
TRAINER_V2_FILE = QUESTIONNAIRE_DIR / "trainer_v2.yaml"
ORGANISATION_V2_FILE = QUESTIONNAIRE_DIR / "organisation_v2.yaml"
ANCHORS_KEY = "anchors"  # holds YAML anchors only; dropped before validation

_ITEM_START = re.compile(r"^\s*-\s+id:\s*['\"]?([A-Za-z][A-Za-z0-9_-]*)")
_LITERALS = {"type": ITEM_TYPES, "kind": SECTION_KINDS, "key": QUESTIONNAIRE_KEYS}


class QuestionnaireError(RelaisError):
    """A questionnaire file that cannot be used; ``problems`` lists every error found."""

    def __init__(self, message: str, **params: object):
        super().__init__(message, **params)
        self.problems: tuple[QuestionnaireError, ...] = (self,)


class QuestionnairePair(NamedTuple):
    """The trainer self-assessment and the organisation questionnaire of one campaign."""

    trainer: Questionnaire
    organisation: Questionnaire


def load_questionnaire(path: str | Path) -> Questionnaire:
    """Read and validate one questionnaire file (QuestionnaireError if it is unusable)."""
    path = Path(path)
    data = _read_yaml(path)
    try:
        return Questionnaire.model_validate(data)
    except ValidationError as exc:
        errors = [_from_pydantic(path.name, data, e) for e in exc.errors()]
        first = errors[0]
        first.problems = tuple(errors)
        raise first from None


def load_pair(trainer_path: str | Path, org_path: str | Path) -> QuestionnairePair:
    """Load both files and check that shared statements are identical in both."""
    trainer, org = load_questionnaire(trainer_path), load_questionnaire(org_path)
    t_name, o_name = Path(trainer_path).name, Path(org_path).name
    for q, name, key in ((trainer, t_name, "trainer"), (org, o_name, "organisation")):
        if q.key != key:
            raise QuestionnaireError(N_("{file}: {problem}"), file=name, problem=RelaisError(
                N_("expected a questionnaire with key {expected}, found {found}"),
                expected=key, found=q.key))
    org_items = {it.id: it for it in org.items()}
    copied = set()
    for section in trainer.sections:
        if section.kind != "organisation":
            continue
        for it in section.items:
            copied.add(it.id)
            mismatch = _shared_mismatch(it, org_items.get(it.id), o_name)
            if mismatch:
                raise _item_error(t_name, it.id, mismatch)
    for it in org.items():
        if it.shared and it.id not in copied:
            raise _item_error(o_name, it.id, RelaisError(
                N_("marked shared: true but missing from the organisation section of {other}"),
                other=t_name))
    return QuestionnairePair(trainer, org)


@lru_cache(maxsize=1)
def default_questionnaires() -> QuestionnairePair:
    """The two questionnaires shipped in data/questionnaires (loaded once)."""
    return load_pair(TRAINER_FILE, ORGANISATION_FILE)


@lru_cache(maxsize=1)
def current_questionnaires() -> QuestionnairePair:
    """The questionnaires a new campaign should use: version 2 (see docs/questionnaire_v2.md)."""
    return load_pair(TRAINER_V2_FILE, ORGANISATION_V2_FILE)


def _shared_mismatch(mine: Any, theirs: Any, other: str) -> RelaisError | None:
    """Why a trainer's organisation statement differs from its source, or None."""
    if theirs is None:
        return RelaisError(N_("no statement with this id in {other}"), other=other)
    if not theirs.shared:
        return RelaisError(N_("the statement is not marked shared: true in {other}"),
                           other=other)
    if mine.element != theirs.area:
        return RelaisError(N_("the element is {element} here but {other_element} in {other}"),
                           element=mine.element, other_element=theirs.area, other=other)
    for lang in ("fr", "en"):
        if mine.text.get(lang) != theirs.text.get(lang):
            return RelaisError(N_("the {language} text differs from {other}"),
                               language=lang, other=other)
    if mine.options != theirs.options:
        return RelaisError(N_("the answer options differ from {other}"), other=other)
    return None


def _item_error(file: str, item: str, problem: RelaisError) -> QuestionnaireError:
    return QuestionnaireError(N_("{file}, item {item}: {problem}"),
                              file=file, item=item, problem=problem)


class _DuplicateKey(yaml.MarkedYAMLError):
    """A mapping that repeats a key (plain YAML would silently keep the last one)."""


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False):
    seen: set = set()
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue
        key = loader.construct_object(key_node, deep=deep)
        try:
            if key in seen:
                raise _DuplicateKey(problem=str(key), problem_mark=key_node.start_mark)
            seen.add(key)
        except TypeError:  # unhashable key: let PyYAML report it
            break
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _read_yaml(path: Path) -> dict:
    """The file's top-level mapping, anchors removed (QuestionnaireError otherwise)."""
    name = path.name
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise QuestionnaireError(N_("{file}: {problem}"), file=name,
                                 problem=RelaisError(N_("the file does not exist"))) from None
    except UnicodeDecodeError:
        raise QuestionnaireError(N_("{file}: {problem}"), file=name, problem=RelaisError(
            N_("the file is not UTF-8 text"))) from None
    except OSError as exc:
        raise QuestionnaireError(N_("{file}: {problem}"), file=name, problem=RelaisError(
            N_("the file cannot be read ({detail})"), detail=exc.strerror)) from None
    try:
        data = yaml.load(raw, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        if isinstance(exc, _DuplicateKey):
            problem = RelaisError(N_("the key {key} appears twice"), key=exc.problem)
        else:
            detail = getattr(exc, "problem", None) or str(exc)
            problem = RelaisError(N_("invalid YAML syntax ({detail})"), detail=detail)
        raise _yaml_error(name, raw, getattr(exc, "problem_mark", None), problem) from None
    if not isinstance(data, dict):
        raise QuestionnaireError(N_("{file}: {problem}"), file=name, problem=RelaisError(
            N_("the file must hold a mapping (key: value) at the top level")))
    data.pop(ANCHORS_KEY, None)
    return data


def _yaml_error(name: str, raw: str, mark: Any, problem: RelaisError) -> QuestionnaireError:
    """A YAML problem located by line and, when one precedes it, by item."""
    if mark is None:
        return QuestionnaireError(N_("{file}: {problem}"), file=name, problem=problem)
    near = _item_before(raw, mark.line)
    if near:
        return QuestionnaireError(N_("{file}, line {line}, near item {item}: {problem}"),
                                  file=name, line=mark.line + 1, item=near, problem=problem)
    return QuestionnaireError(N_("{file}, line {line}: {problem}"), file=name,
                              line=mark.line + 1, problem=problem)


def _item_before(raw: str, line: int) -> str | None:
    """The id of the last item that starts at or before a 0-based line, if any."""
    found = None
    for text in raw.splitlines()[: line + 1]:
        match = _ITEM_START.match(text)
        if match:
            found = match.group(1)
    return found


def _from_pydantic(file: str, data: dict, err: dict) -> QuestionnaireError:
    """One pydantic error as a QuestionnaireError naming the file, item or section."""
    loc = err.get("loc", ())
    ctx = dict(err.get("ctx") or {})
    section, item, field = _locate(data, loc)
    item = ctx.pop("item", None) or item
    section = ctx.pop("section", None) or section
    problem = _problem(err, ctx, field)
    if item:
        return QuestionnaireError(N_("{file}, item {item}: {problem}"),
                                  file=file, item=item, problem=problem)
    if section:
        return QuestionnaireError(N_("{file}, section {section}: {problem}"),
                                  file=file, section=section, problem=problem)
    return QuestionnaireError(N_("{file}: {problem}"), file=file, problem=problem)


def _locate(data: Any, loc: tuple) -> tuple[str | None, str | None, str]:
    """(section id, item id, dotted field path below them) for a pydantic error location."""
    section = item = None
    field_start = 0
    node = data
    for i, part in enumerate(loc):
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(part, int) and i > 0 and loc[i - 1] in ("sections", "items"):
            label = node.get("id") if isinstance(node, dict) else None
            label = str(label) if label is not None else f"#{part + 1}"
            if loc[i - 1] == "sections":
                section = label
            else:
                item = label
            field_start = i + 1
    field = ".".join(str(p) for p in loc[field_start:])
    return section, item, field


def _problem(err: dict, ctx: dict, field: str) -> RelaisError:
    """The translatable description of one pydantic error."""
    kind = err.get("type", "")
    if kind == "relais":
        msgid = ctx.pop("msgid")
        return RelaisError(msgid, **ctx)
    value = _short(err.get("input"))
    last = field.rsplit(".", 1)[-1]
    if kind == "missing":
        return RelaisError(N_("the field {field} is missing"), field=field)
    if kind == "extra_forbidden":
        return RelaisError(N_("unknown field {field}"), field=field)
    if kind == "literal_error":
        allowed = _LITERALS.get(last)
        expected = ", ".join(allowed) if allowed else ctx.get("expected", "")
        return RelaisError(N_("{field}: {value} is not one of {expected}"),
                           field=field, value=value, expected=expected)
    if kind in ("greater_than", "greater_than_equal"):
        limit = ctx.get("gt", ctx.get("ge"))
        msgid = (N_("{field} must be greater than {limit}") if kind == "greater_than"
                 else N_("{field} must be at least {limit}"))
        return RelaisError(msgid, field=field, limit=limit)
    if kind == "too_short":
        return RelaisError(N_("{field} must not be empty"), field=field)
    if kind == "string_pattern_mismatch":
        return RelaisError(N_("{field}: {value} is not a valid identifier"), field=field,
                           value=value)
    if kind.endswith(("_type", "_parsing", "_from_float")):
        return RelaisError(N_("{field} has the wrong type: {value}"), field=field, value=value)
    return RelaisError(N_("{field}: {detail}"), field=field, detail=err.get("msg", kind))


def _short(value: Any, limit: int = 60) -> str:
    """A value as shown in a message, cut to a readable length."""
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
