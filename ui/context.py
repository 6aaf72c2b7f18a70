"""Who is looking and in which language: per browser session, never process-wide."""

from __future__ import annotations

import gc
import logging
from dataclasses import dataclass

import streamlit as st
from sqlalchemy.engine import Engine

import i18n
from accounts import sessions, signin
from storage import queries
from storage.config import database_url
from storage.db import get_engine
from storage.migrate import upgrade

log = logging.getLogger("relais")


@dataclass(frozen=True)
class Viewer:
    """The signed-in person (or the trainer behind a personal link)."""

    person_id: int
    role: str
    name: str
    site_id: int | None = None
    via: str = "demo"  # demo | password | oidc | link
    must_change: bool = False  # signed in with a one-time password: new password first


@st.cache_resource(show_spinner=False)
def _migrated_engine(url: str) -> Engine:
    from privacy.erase import anonymise_expired

    eng = get_engine(url)
    upgrade(eng)
    # The retention period is enforced at each start, not only when an admin remembers
    # `manage.py anonymise-expired`: raw answers of closed campaigns past it are anonymised.
    count = anonymise_expired(eng, where="startup")
    if count:
        log.info("retention: %d responses of closed campaigns anonymised", count)
    _freeze_start_up_heap()
    return eng


_frozen = False


def _freeze_start_up_heap() -> None:
    """Everything loaded by the process's first run (Streamlit, pandas, Altair, SQLAlchemy,
    the app's modules) lives as long as the process: move it out of the cycle collector's
    reach, once, so that its collections only walk what sessions allocate
    (docs/performance.md)."""
    global _frozen
    if not _frozen:
        _frozen = True
        gc.collect()
        gc.freeze()


def engine() -> Engine:
    """The app's database engine for the configured URL, migrated once per process."""
    return _migrated_engine(database_url())


def lang() -> str:
    """The language of this browser session (French unless chosen otherwise)."""
    return i18n.normalise_lang(st.session_state.get("lang"))


def t(message: str, **params: object) -> str:
    """Translate message into this session's language."""
    return i18n.gettext(message, lang(), **params)


def translator() -> i18n.Translator:
    return i18n.Translator(lang())


def viewer() -> Viewer | None:
    return st.session_state.get("viewer")


def sign_in(v: Viewer) -> None:
    """Start a session for v, in the language v chose last time."""
    st.session_state["viewer"] = v
    person = queries.get_person(engine(), v.person_id)
    if person is not None:
        st.session_state["lang"] = i18n.normalise_lang(person.language)


def refresh_viewer() -> Viewer | None:
    """Re-read the signed-in person each run: a deactivation, erasure or role change made by
    an admin applies to open sessions at once, not at their next sign-in."""
    v = viewer()
    if v is None:
        return None
    person = queries.get_person(engine(), v.person_id)
    if person is None or not person.active or person.erased:
        sign_out()
        return None
    # A sign-out in another tab, an expiry or a deactivation ends the session: at once here.
    session_id = st.session_state.get("session_id")
    if session_id is not None and not sessions.check(engine(), session_id):
        sign_out()
        return None
    must_change = v.via == "password" and signin.must_change_password(engine(), v.person_id)
    if (person.role, person.site_id, must_change) != (v.role, v.site_id, v.must_change):
        v = Viewer(person_id=v.person_id, role=person.role, name=v.name,
                   site_id=person.site_id, via=v.via, must_change=must_change)
        st.session_state["viewer"] = v
    return v


def sign_out() -> None:
    for key in list(st.session_state.keys()):
        if key != "lang":
            del st.session_state[key]


def set_lang(new_lang: str) -> None:
    """Switch language for this session and remember it for the signed-in person."""
    new_lang = i18n.normalise_lang(new_lang)
    st.session_state["lang"] = new_lang
    v = viewer()
    if v is not None:
        queries.set_language(engine(), v.person_id, new_lang)


def ensure_shell() -> None:
    """Make sure app.py's menu, not Streamlit's folder mode, runs this page.

    A fresh server whose first visitor opens a deep link (/sign_in) runs the
    pages/ script directly in Streamlit's legacy folder mode, without app.py,
    until some session has called st.navigation. Switch modes and rerun.
    """
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # pragma: no cover - Streamlit internals moved
        return
    if getattr(PagesManager, "uses_pages_directory", False):
        PagesManager.uses_pages_directory = False
        st.rerun()


def require(*roles: str, allow_must_change: bool = False) -> Viewer:
    """Stop the page with a refusal unless the viewer has one of roles.

    Someone who signed in with a one-time password sees no page but "My account"
    (allow_must_change) until they have chosen a new password.
    """
    ensure_shell()
    v = viewer()
    if v is None:
        st.warning(t("Please sign in to see this page."))
        st.stop()
    if v.must_change and not allow_must_change:
        st.warning(t("Your password was reset by an administrator: choose a new one now."))
        st.stop()
    if roles and v.role not in roles:
        st.error(t("You do not have access to this page."))
        st.stop()
    return v


def show_error(err: i18n.RelaisError) -> None:
    """The error as text: its parameters may be what someone typed (a site, an action)."""
    from ui.text import error_text

    st.error(error_text(err, lang()))
