"""Pieces shared by the survey and result pages: the privacy notice and the cached PDF."""

from __future__ import annotations

import streamlit as st

from reports.personal_pdf import personal_pdf
from scoring.anonymity import DEFAULT_K
from survey import links
from survey.result import personal_result
from ui import context
from ui.context import t


def privacy_notice() -> None:
    """Who will see what, and how to withdraw: shown before the first question."""
    st.info("\n\n".join([
        t("**Who sees what.** Your personal result is yours: only you see it, with this link."),
        t("Your organisation only sees results of groups of at least {k} people, never your "
          "individual answers.", k=DEFAULT_K),
        t("If you agree at the end of the questionnaire, your name and your results per area "
          "are passed to the digital-engineering lead. You can withdraw this consent at any "
          "time from this link."),
        t("No IP address or browser detail is stored with your answers. To withdraw from the "
          "survey, simply stop answering, or ask your training coordinator to delete your "
          "answers."),
    ]), icon=":material/shield_person:")


@st.cache_data(show_spinner=False, max_entries=64)
def cached_pdf(response_id: int, lang: str, person: str, campaign: str) -> bytes | None:
    result = personal_result(context.engine(), response_id, lang)
    return None if result is None else personal_pdf(result, lang, person, campaign)


def link_context(engine) -> links.LinkContext:  # noqa: ANN001
    """The person and campaign behind this page's ?t= link, or a clear page and stop."""
    token = st.query_params.get("t")
    if not token:
        st.info(t("Open this page with the personal link from your invitation email. "
                  "If you have lost it, ask your training coordinator for a new one."))
        st.stop()
    try:
        return links.resolve(engine, token)
    except links.LinkError as err:
        st.error(err.render(context.lang()))
        st.stop()
