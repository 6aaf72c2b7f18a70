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
