"""Answering from a personal link (?t=...): one section per screen, one form, saved at each step."""

import streamlit as st

from survey import answering
from survey.result import personal_result
from ui import a11y, context
from ui.answer_form import answer_text, draw_section, remaining_minutes, seed_state
from ui.context import lang, t
from ui.result_view import draw_result
from ui.section_saver import SectionSaver
from ui.survey_glue import guarded, link_context, pdf_download, privacy_notice
from ui.text import plain
from ui.official import official_notice

context.ensure_shell()
eng = context.engine()
st.title(t("My questionnaire"))
ctx = link_context(eng)

state = answering.existing_state(eng, ctx)
if state is None:  # before the first question: who sees what, and how to withdraw
    privacy_notice()
    official_notice(eng, ctx)
    st.button(t("I have read this: start"), type="primary", key="start",
              on_click=guarded(eng, ctx, lambda: answering.start_or_resume(eng, ctx)))
    st.stop()

rid = state.response_id
q = answering.questionnaire_for(eng, rid)
prefix = f"r{rid}"

if state.submitted:
    st.success(t("Your answers have been submitted. Thank you! They can no longer be changed."))
    result = personal_result(eng, rid, lang())
    if result is not None:
        draw_result(result, pdf_download(eng, ctx, rid), key="survey")
    if answering.named_consent(eng, ctx.person_id):
        st.button(t("Withdraw my consent to be named"), key="withdraw",
                  on_click=guarded(eng, ctx, lambda: answering.withdraw_named_consent(
                      eng, ctx.person_id)))
    with st.expander(t("My answers")):
        for section in q.sections:
            st.markdown(f"#### {section.title.get(lang())}")
            for item in section.items:
                if item.id in state.answers:
                    st.markdown(f"{plain(item.text.get(lang()))}  \n→ "
                                f"**{plain(answer_text(item, state.answers[item.id]))}**")
    st.stop()

idx = min(state.current_section, len(q.sections) - 1)
section = q.sections[idx]
seed_state(prefix, section, state.answers, state.revisions)
saver = SectionSaver(eng, rid, q, idx, prefix)
errors = st.session_state.get(saver.errors_key, {})
notices = st.session_state.get(saver.notices_key, {})

st.progress(idx / len(q.sections), text=t("Section {n} of {total} · about {minutes} min left",
                                         n=idx + 1, total=len(q.sections),
                                         minutes=round(remaining_minutes(q, idx))))
st.header(section.title.get(lang()))
a11y.focus_heading_when_changed(f"{rid}:{idx}", section.title.get(lang()))  # after Next/Previous
if section.intro:
    st.caption(section.intro.get(lang()))
flash = st.session_state.get("survey_flash")
if flash:
    (st.error if flash[0] == "error" else st.success)(flash[1])
last = idx == len(q.sections) - 1
# One form per section: clicks stay in the browser until a button sends the whole
# section at once, so no click can race a redraw, and the server reruns once per step.
with st.form(f"{prefix}:{section.id}", border=False, enter_to_submit=False):
    draw_section(prefix, section, errors, stored=state.answers, notices=notices)
    cols = st.columns(3)
    cols[0].form_submit_button(t("Previous"), key="prev", disabled=idx == 0,
                               on_click=guarded(eng, ctx, saver.previous),
                               icon=":material/arrow_back:")
    cols[1].form_submit_button(t("Save and finish later"), key="later",
                               on_click=guarded(eng, ctx, saver.later), icon=":material/save:")
    if last:
        cols[2].form_submit_button(t("Submit my answers"), key="submit", type="primary",
                                   on_click=guarded(eng, ctx, saver.submit),
                                   icon=":material/send:")
    else:
        cols[2].form_submit_button(t("Next"), key="next", type="primary",
                                   on_click=guarded(eng, ctx, saver.next),
                                   icon=":material/arrow_forward:")
