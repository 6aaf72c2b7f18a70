"""Answering from a personal link (?t=...): one section per screen, saved as you go."""

import streamlit as st

from i18n import RelaisError
from survey import answering
from survey.result import personal_result
from ui import a11y, context
from ui.answer_form import answer_text, collect, draw_section, remaining_minutes, seed_state
from ui.context import lang, t
from ui.result_view import draw_result
from ui.survey_glue import cached_pdf, link_context, privacy_notice

context.ensure_shell()
eng = context.engine()
st.title(t("My questionnaire"))
ctx = link_context(eng)

state = answering.existing_state(eng, ctx)
if state is None:  # before the first question: who sees what, and how to withdraw
    privacy_notice()
    st.button(t("I have read this: start"), type="primary", key="start",
              on_click=lambda: answering.start_or_resume(eng, ctx))
    st.stop()

rid = state.response_id
q = answering.questionnaire_for(eng, rid)
prefix = f"r{rid}"
errors_key = f"errors:{rid}"

if state.submitted:
    st.success(t("Your answers have been submitted. Thank you! They can no longer be changed."))
    result = personal_result(eng, rid, lang())
    if result is not None:
        draw_result(result, cached_pdf(rid, lang(), f"{ctx.first_name} {ctx.last_name}",
                                       ctx.campaign_name), key="survey")
    if answering.named_consent(eng, ctx.person_id):
        st.button(t("Withdraw my consent to be named"), key="withdraw",
                  on_click=lambda: answering.withdraw_named_consent(eng, ctx.person_id))
    with st.expander(t("My answers")):
        for section in q.sections:
            st.markdown(f"#### {section.title.get(lang())}")
            for item in section.items:
                if item.id in state.answers:
                    st.markdown(f"{item.text.get(lang())}  \n→ "
                                f"**{answer_text(item, state.answers[item.id])}**")
    st.stop()

idx = min(state.current_section, len(q.sections) - 1)
section = q.sections[idx]
seed_state(prefix, section, state.answers)
errors = st.session_state.get(errors_key, {})


def _save(next_index: int | None = None) -> bool:
    try:
        answering.save_section(eng, rid, section.id, collect(prefix, section), next_index)
        return True
    except RelaisError as err:
        st.session_state["survey_flash"] = ("error", err.render(lang()))
        return False


def _next() -> None:
    found = answering.validate_section(section, collect(prefix, section))
    st.session_state[errors_key] = found
    if found:
        _save()
        st.session_state["survey_flash"] = ("error", t("Some answers are missing or not "
                                                       "valid: see the messages below."))
    elif _save(idx + 1):
        st.session_state.pop("survey_flash", None)


def _previous() -> None:
    st.session_state[errors_key] = {}
    _save(idx - 1)


def _later() -> None:
    if _save():
        st.session_state["survey_flash"] = ("success", t(
            "Saved. Come back whenever you like with the same link: you will start again here."))


def _submit() -> None:
    found = answering.validate_section(section, collect(prefix, section))
    st.session_state[errors_key] = found
    if not _save():
        return
    if found:
        st.session_state["survey_flash"] = ("error", t("Some answers are missing or not "
                                                       "valid: see the messages below."))
        return
    try:
        answering.submit(eng, rid)
        st.session_state.pop("survey_flash", None)
    except answering.Incomplete as inc:
        st.session_state[errors_key] = inc.errors
        answering.save_section(eng, rid, q.sections[inc.section_index].id,
                               state.answers, inc.section_index)
        st.session_state["survey_flash"] = ("error", t("Some answers are missing in this "
                                                       "section."))


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
draw_section(prefix, section, errors, on_change=_save)
last = idx == len(q.sections) - 1
cols = st.columns(3)
cols[0].button(t("Previous"), key="prev", disabled=idx == 0, on_click=_previous,
               icon=":material/arrow_back:")
cols[1].button(t("Save and finish later"), key="later", on_click=_later,
               icon=":material/save:")
if last:
    cols[2].button(t("Submit my answers"), key="submit", type="primary", on_click=_submit,
                   icon=":material/send:")
else:
    cols[2].button(t("Next"), key="next", type="primary", on_click=_next,
                   icon=":material/arrow_forward:")
