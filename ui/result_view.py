"""Draw a personal result (page and after submission alike)."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from charts.text import result_text
from reports.personal_chart import result_chart
from ui.chart_text import text_alternative
from survey.result import PersonalResult
from ui.context import lang, t, translator


def draw_result(result: PersonalResult, pdf: bytes | Callable[[], bytes] | None, key: str) -> None:
    fmt = translator()
    st.subheader(t("My personal result"))
    if result.overall_level:
        st.metric(t("Overall level"), f"{result.overall_level} · {result.overall_level_name}",
                  help=t("Score {score} out of 100", score=fmt.number(result.overall_score, 0)))
    alt = result_text(result.areas, fmt)
    st.altair_chart(result_chart(result, lang()), width="stretch", alt=alt.summary)
    text_alternative(alt, f"{key}_chart")
    if result.model_notes:  # questionnaire v2 scored against the organisation's model
        st.info("\n\n".join(result.model_notes), icon=":material/tune:")
    left, right = st.columns(2)
    for col, title, group in ((left, t("My strengths"), result.strengths),
                              (right, t("My priorities"), result.priorities)):
        with col:
            st.markdown(f"#### {title}")
            for a in group:
                st.markdown(f"**{a.name}** — {a.level} {a.level_name}")
                if a.next_step:
                    st.caption(t("Next step: {step}", step=a.next_step))
    if pdf is not None:
        st.download_button(t("Download my result (PDF)"), pdf, file_name="resultat-relais.pdf",
                           mime="application/pdf", key=f"{key}_pdf", icon=":material/download:")
