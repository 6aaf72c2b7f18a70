"""Streamlit glue for the learners' page: the device cookie and phone-friendly styles."""

from __future__ import annotations

import json
import re
import secrets

import streamlit as st

COOKIE = "relais_learner_device"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
DONT_KNOW = 5  # the radio's sixth option; stored as "not applicable"


def device_token() -> str:
    """This browser's random device token: from its cookie, else a new one that the page
    asks the browser to keep for a year (one answer per device and link)."""
    try:
        cookie = st.context.cookies.get(COOKIE)
    except Exception:  # noqa: BLE001 - no request context (tests, bare mode)
        cookie = None
    if isinstance(cookie, str) and _TOKEN.match(cookie):
        st.session_state["learner_device"] = cookie
        return cookie
    token = st.session_state.setdefault("learner_device", secrets.token_urlsafe(24))
    # Not HttpOnly: it is set by the page itself, holds nothing but a random number, and the
    # server keeps only an HMAC of it per link.
    st.html(f"<script>document.cookie = {json.dumps(COOKIE + '=' + token)} + "
            "'; Max-Age=31536000; Path=/; SameSite=Lax' + "
            "(location.protocol === 'https:' ? '; Secure' : '');</script>",
            unsafe_allow_javascript=True)
    return token


def phone_css() -> None:
    """Large touch targets and readable text on a small screen (WCAG 2.5.8: 24 px at least;
    we aim at 44 px rows)."""
    st.html("""<style>
    @media (max-width: 640px) { h1 { font-size: 1.75rem !important; line-height: 1.25 !important; } }
    .st-key-learner_box [data-testid="stRadioOption"] { min-height: 44px; padding: 4px 0;
        align-items: center; width: 100%; }
    .st-key-learner_box [data-testid="stRadioOption"] p { font-size: 1.05rem; }
    .st-key-learner_box [data-testid="stWidgetLabel"] p { font-size: 1.1rem; font-weight: 600; }
    .st-key-learner_box [data-testid="stFormSubmitButton"] button { min-height: 48px; width: 100%;
        font-size: 1.1rem; }
    </style>""")
