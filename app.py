"""Relais: configuration, language, who is signed in, and the pages they may see."""

import logging

import streamlit as st

from i18n import LANGS
from ui import a11y, auth, context
from ui.context import t
from ui.navigation import ROLE_NAMES, pages_for
from ui.text import plain

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
log = logging.getLogger("relais")

st.set_page_config(page_title="Relais", page_icon=":material/hub:", layout="wide")

LANG_LABELS = {"fr": "Français", "en": "English"}
auth.resume_from_cookie()
auth.adopt_oidc_identity()
viewer = context.refresh_viewer()

# Only the pages this role may open are registered; a page reached by URL also checks
# the role itself (ui.context.require), because Streamlit runs a deep-linked page
# without this file on a process's very first run when a pages/ folder exists.
specs = pages_for(viewer.role if viewer else None)
# After a one-time password, "My account" is the only page until a new password is set.
forced = viewer is not None and viewer.must_change
if forced:
    specs = [spec for spec in specs if spec.url_path == "account"]
sections: dict[str, list] = {}
for spec in specs:
    sections.setdefault(t(spec.section), []).append(
        st.Page(spec.script, title=t(spec.title), icon=spec.icon, url_path=spec.url_path,
                default=spec.url_path == ("account" if forced else "home")))
# One flat menu, fully expanded: Streamlit draws sections as <div> headings inside the
# menu's <ul> (invalid list markup for screen readers, axe "list"/"listitem"), while the
# flat menu is a proper <nav><ul><li> with aria-current; pages stay in section order.
page = st.navigation([p for group in sections.values() for p in group], expanded=True)

with st.sidebar:
    st.selectbox(
        t("Language"), LANGS, index=LANGS.index(context.lang()),
        format_func=LANG_LABELS.get, key="lang_choice",
        on_change=lambda: context.set_lang(st.session_state["lang_choice"]),
    )
    if viewer is not None:
        st.caption(t("Signed in as {name} ({role})", name=plain(viewer.name),
                     role=t(ROLE_NAMES[viewer.role])))
        st.button(t("Sign out"), key="sign_out", on_click=auth.sign_out)
    auth.hand_cookie_over()
    auth.clear_cookie_if_signed_out()
    a11y.document_language(context.lang())
a11y.shell_css()

try:
    page.run()
except Exception:  # noqa: BLE001 - the last line of defence: never a stack trace for users
    log.exception("page %s failed", page.title)
    st.error(t("Something went wrong on our side. The problem has been recorded; "
               "please try again or contact your administrator."))
