"""Widgets for one questionnaire section; answers live in session_state under a key prefix."""

from __future__ import annotations

import streamlit as st

from survey.answering import NA
from survey.schema import Item, Questionnaire, Section
from ui.context import lang, t
from ui.text import plain

NA_LABEL = "__na__"


def widget_key(prefix: str, item: Item) -> str:
    return f"{prefix}:{item.id}"


def bases(prefix: str) -> dict:
    """Item id -> revision of the stored answer each widget was showing (None: no answer)."""
    return st.session_state.setdefault(f"{prefix}:bases", {})


def widget_value(item: Item, value: object) -> object:
    """A stored answer in the form its widget holds."""
    if item.type == "scale":
        return NA_LABEL if value == NA else value
    if item.type == "boolean":
        return None if value is None else bool(value)
    if item.type == "multi":
        return list(value or [])
    return value


def show_stored(prefix: str, item: Item, value: object, revision: int | None) -> None:
    """From a callback: make a widget show a stored answer and remember its revision."""
    st.session_state[widget_key(prefix, item)] = widget_value(item, value)
    st.session_state.setdefault(f"{prefix}:forced", set()).add(item.id)
    bases(prefix)[item.id] = revision


def seed_state(prefix: str, section: Section, stored: dict, revisions: dict) -> None:
    """Remember which stored revision each widget starts from (first view, reload, back).

    The widgets themselves start from the stored answers through their default
    (``draw_section``), never by writing into their state: a value written
    through the Session State API wins over what the browser just sent, which
    made clicks vanish while the page was being redrawn.
    """
    marks = bases(prefix)
    for item in section.items:
        if widget_key(prefix, item) not in st.session_state:
            marks[item.id] = revisions.get(item.id)


def current(prefix: str, item: Item) -> object:
    """The answer a widget holds, as the domain takes it."""
    value = st.session_state.get(widget_key(prefix, item))
    return NA if value == NA_LABEL else value


def draw_section(prefix: str, section: Section, errors: dict, stored: dict,
                 disabled: bool = False, notices: dict | None = None) -> None:
    """One widget per item, with its message right under it (inside the section's form).

    Questions that depend on a "yes" are shown too (their wording says so); their
    answers count only with that "yes".
    """
    lg = lang()
    forced = st.session_state.get(f"{prefix}:forced", set())
    for n, item in enumerate(section.items, start=1):
        key = widget_key(prefix, item)
        # the stored answer as the widget's default (unless a callback just set its state)
        start = None if item.id in forced else widget_value(item, stored.get(item.id))
        forced.discard(item.id)
        label = f"**{n}.** {plain(item.text.get(lg))}" + (
            f" ({t('required')})" if item.required else f" ({t('optional')})")
        common = {"key": key, "disabled": disabled}
        if item.type == "scale":
            options = list(range(len(item.options))) + ([NA_LABEL] if item.allow_na else [])
            labels = {i: plain(o.get(lg)) for i, o in enumerate(item.options)}
            labels[NA_LABEL] = t("Does not apply to my job")
            st.radio(label, options, format_func=labels.get, index=_index(options, start),
                     **common)
        elif item.type == "single":
            choices = {c.id: plain(c.text.get(lg)) for c in item.choices}
            st.radio(label, list(choices), format_func=choices.get,
                     index=_index(list(choices), start), **common)
        elif item.type == "multi":
            choices = {c.id: c.text.get(lg) for c in item.choices}  # shown as plain text
            st.multiselect(label, list(choices), format_func=choices.get, select_all=False,
                           default=start or None,
                           placeholder=t("Choose one or more answers"), **common)
        elif item.type == "integer":
            st.number_input(label, min_value=item.min, max_value=item.max, step=1,
                            value=start, placeholder=t("A whole number"), **common)
        elif item.type == "boolean":
            names = {True: t("Yes"), False: t("No")}
            st.radio(label, [True, False], format_func=names.get,
                     index=_index([True, False], start), horizontal=True, **common)
        if item.id in errors:
            # role="alert", right under its question, and naming it (RGAA 11.10)
            st.error(t("Question {n}: {problem}", n=n, problem=errors[item.id].render(lg)),
                     icon=":material/error:")
        elif notices and item.id in notices:
            st.info(notices[item.id].render(lg), icon=":material/sync:")


def _index(options: list, value: object) -> int | None:
    return options.index(value) if value is not None and value in options else None


def remaining_minutes(q: Questionnaire, index: int) -> float:
    """Estimated minutes of the sections from index on."""
    return sum(s.estimated_minutes for s in q.sections[index:])


def answer_text(item: Item, value: object) -> str:
    """A stored answer as the person chose it, for the read-only view."""
    lg = lang()
    if value is None:
        return "—"
    if value == NA:
        return t("Does not apply to my job")
    if item.type == "scale":
        return item.options[int(value)].get(lg)
    if item.type == "boolean":
        return t("Yes") if value else t("No")
    if item.type in ("single", "multi"):
        names = {c.id: c.text.get(lg) for c in item.choices}
        values = value if isinstance(value, list) else [value]
        return ", ".join(names.get(v, str(v)) for v in values)
    return str(value)
