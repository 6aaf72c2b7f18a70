"""A trainer's personal result, from their personal link (?t=...)."""

import streamlit as st

from survey import answering
from survey.result import personal_result
from ui import context, recognition_view
from ui.context import lang, t
from ui import cascade_link
from ui.result_view import draw_result
from ui.survey_glue import guarded, link_context, pdf_download

context.ensure_shell()
eng = context.engine()
st.title(t("My result"))
ctx = link_context(eng)
state = answering.existing_state(eng, ctx)
result = personal_result(eng, state.response_id, lang()) if state else None
if result is None:
    st.info(t("Your result appears here once you have submitted your answers."))
    recognition_view.draw_my_badges(eng, ctx.person_id, key="my_badges")
    st.stop()
draw_result(result, pdf_download(eng, ctx, state.response_id), key="my_result")
if answering.named_consent(eng, ctx.person_id):
    st.button(t("Withdraw my consent to be named"), key="withdraw",
              on_click=guarded(eng, ctx, lambda: answering.withdraw_named_consent(eng,
                                                                                  ctx.person_id)))
recognition_view.draw_my_badges(eng, ctx.person_id, key="my_badges")
cascade_link.draw(eng, ctx, [a.area for a in result.priorities])  # issue 18: ask, invitations
