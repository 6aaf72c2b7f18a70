"""Learners' questionnaire from a learners' link (?l=...): anonymous, no sign-in, one screen."""

import streamlit as st

from i18n import LANGS, RelaisError
from survey import learners
from survey.learner_questionnaire import default
from ui import context
from ui.context import lang, t
from ui.learner_form import DONT_KNOW, device_token, phone_css
from ui.text import plain

context.ensure_shell()
eng = context.engine()
q = default()
phone_css()
st.segmented_control(t("Language"), LANGS, default=lang(), key="learner_lang",
                     format_func={"fr": "Français", "en": "English"}.get,
                     on_change=lambda: context.set_lang(st.session_state["learner_lang"] or lang()))
st.title(q.title[lang()])
token = st.query_params.get("l")
if not token:
    st.info(t("Open this page with the learners' link your training centre gave you."))
    st.stop()
try:
    link = learners.resolve(eng, token)
except learners.LearnerLinkError as err:
    context.show_error(err)  # it may name the site, typed by an administrator: shown as text
    st.stop()
device = device_token()
if st.session_state.get("learner_done") == token or learners.already_answered(eng, token, device):
    st.success(t("Your answers have been sent. Thank you for your help!"))
    st.stop()

st.caption(plain(link.site_name + (f" · {link.cohort}" if link.cohort else "")))
st.info(q.intro[lang()], icon=":material/shield_person:")
labels = [step[lang()] for step in q.scale] + [q.dont_know[lang()]]
with st.container(key="learner_box"), st.form("learner_form", border=False, enter_to_submit=False):
    for n, item in enumerate(q.items, start=1):
        st.radio(f"{n}. {item.text[lang()]}", list(range(len(labels))), index=None,
                 format_func=labels.__getitem__, key=f"learner_{item.id}")
    sent = st.form_submit_button(t("Send my answers"), type="primary", icon=":material/send:")
if sent:
    answers = {}
    for item in q.items:
        value = st.session_state.get(f"learner_{item.id}")
        if value is not None:
            answers[item.id] = None if value == DONT_KNOW else int(value)
    missing = [str(n) for n, item in enumerate(q.items, start=1) if item.id not in answers]
    if missing:
        st.error(t("Please answer every statement (you may choose \"{dont_know}\"). Not answered yet: "
                   "{numbers}.", dont_know=q.dont_know[lang()], numbers=", ".join(missing)))
        st.stop()
    try:
        learners.submit(eng, token, device, answers, q)
    except RelaisError as err:
        context.show_error(err)
        st.stop()
    st.session_state["learner_done"] = token
    st.rerun()
