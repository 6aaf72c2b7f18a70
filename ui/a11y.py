"""Accessibility glue the Streamlit shell cannot express by itself (RGAA 4.1 / WCAG 2.1 AA)."""

from __future__ import annotations

import json

import streamlit as st


def document_language(lang: str) -> None:
    """Set `<html lang>` to the session's language (RGAA 8.3/8.4, WCAG 3.1.1).

    Streamlit serves a static index.html with lang="en" whatever the app speaks
    (streamlit issue 8399), so screen readers would read French with English rules.
    The script's text holds the language, so Streamlit redraws and reruns it on a switch.
    """
    st.html(f"<script>document.documentElement.lang = {json.dumps(lang)};</script>",
            unsafe_allow_javascript=True, width="content")


# Drawn once per run from app.py (style-only st.html goes to Streamlit's event container).
SHELL_CSS = """<style>
/* A focus that shows on every control (WCAG 2.4.7, RGAA 10.7): Streamlit draws radios and
   checkboxes over hidden inputs, so their focus is outlined on the visible label. */
:focus-visible { outline: 3px solid #1f5fa8 !important; outline-offset: 2px; }
[data-testid="stRadio"] label:has(input:focus-visible),
[data-testid="stCheckbox"] label:has(input:focus-visible) {
  outline: 3px solid #1f5fa8; outline-offset: 2px; border-radius: 4px; }
/* Script-only st.html elements (document language, focus moves) take no room. */
[data-testid="stElementContainer"]:has(> [data-testid="stHtml"] > script:only-child) {
  display: none; }
/* Long option labels wrap instead of pushing the page sideways on a phone (WCAG 1.4.10). */
[data-testid="stRadio"] label, [data-testid="stMarkdownContainer"] p { overflow-wrap: anywhere; }
</style>"""


def shell_css() -> None:
    """The few style rules the theme cannot set."""
    st.html(SHELL_CSS)


_FOCUS_JS = """<script>(() => {
  const title = %s; let tries = 0;
  const go = () => {
    const h = [...document.querySelectorAll('h2')].find(
      e => e.textContent.trim().startsWith(title) && !e.closest('[data-stale="true"]'));
    if (h) { h.setAttribute('tabindex', '-1'); h.focus({preventScroll: true});
             h.scrollIntoView({block: 'start'}); return; }
    if (++tries < 60) setTimeout(go, 50);
  };
  go();
})(); /* %s */</script>"""


def focus_heading_when_changed(marker: str, title: str) -> None:
    """Move the keyboard focus to the h2 titled `title` when `marker` differs from the last
    run's (a new questionnaire section after Next or Previous), so a keyboard or screen-reader
    user starts at the new section instead of at the button that is gone (RGAA 12.8)."""
    if st.session_state.get("_a11y_focus_marker") == marker:
        return
    st.session_state["_a11y_focus_marker"] = marker
    st.html(_FOCUS_JS % (json.dumps(title), json.dumps(marker).replace("*/", "")),
            unsafe_allow_javascript=True, width="content")
