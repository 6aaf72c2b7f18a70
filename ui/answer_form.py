"""Widgets for one questionnaire section; answers live in session_state under a key prefix."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from survey.answering import NA
from survey.schema import Item, Questionnaire, Section
from ui.context import lang, t

NA_LABEL = "__na__"


def widget_key(prefix: str, item: Item) -> str:
    return f"{prefix}:{item.id}"


def seed_state(prefix: str, section: Section, stored: dict) -> None:
    """Put stored answers into the widgets' state once (so a reload shows them)."""
    for item in section.items:
        key = widget_key(prefix, item)
        if key in st.session_state:
            continue
        value = stored.get(item.id)
        if item.type == "scale":
            st.session_state[key] = NA_LABEL if value == NA else value
        elif item.type == "boolean":
            st.session_state[key] = None if value is None else bool(value)
        elif item.type == "multi":
            st.session_state[key] = list(value or [])
        else:
            st.session_state[key] = value


def collect(prefix: str, section: Section) -> dict:
    """The section's answers as the domain takes them."""
    out = {}
    for item in section.items:
        value = st.session_state.get(widget_key(prefix, item))
        out[item.id] = NA if value == NA_LABEL else value
    return out


def draw_section(prefix: str, section: Section, errors: dict, on_change: Callable,
                 disabled: bool = False) -> None:
    """One widget per visible item, with its required-answer message right under it."""
    lg = lang()
    for n, item in enumerate(section.items, start=1):
        if item.show_if and st.session_state.get(f"{prefix}:{item.show_if}") is not True:
            continue
        key = widget_key(prefix, item)
        label = f"**{n}.** {item.text.get(lg)}" + (f" ({t('required')})" if item.required
                                                   else f" ({t('optional')})")
        common = {"key": key, "on_change": on_change, "disabled": disabled}
        if item.type == "scale":
            options = list(range(len(item.options))) + ([NA_LABEL] if item.allow_na else [])
            labels = {i: o.get(lg) for i, o in enumerate(item.options)}
            labels[NA_LABEL] = t("Does not apply to my job")
            st.radio(label, options, format_func=labels.get, index=None, **common)
        elif item.type == "single":
            choices = {c.id: c.text.get(lg) for c in item.choices}
            st.radio(label, list(choices), format_func=choices.get, index=None, **common)
        elif item.type == "multi":
            choices = {c.id: c.text.get(lg) for c in item.choices}
            st.multiselect(label, list(choices), format_func=choices.get,
                           placeholder=t("Choose one or more answers"), **common)
        elif item.type == "integer":
            st.number_input(label, min_value=item.min, max_value=item.max, step=1,
                            value=None, placeholder=t("A whole number"), **common)
        elif item.type == "boolean":
            names = {True: t("Yes"), False: t("No")}
            st.radio(label, [True, False], format_func=names.get, index=None,
                     horizontal=True, **common)
        if item.id in errors:
            # role="alert", right under its question, and naming it (RGAA 11.10)
            st.error(t("Question {n}: {problem}", n=n, problem=errors[item.id].render(lg)),
                     icon=":material/error:")


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
