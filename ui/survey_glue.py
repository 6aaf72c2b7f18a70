"""Pieces shared by the survey and result pages: the privacy notice, the link and its checks,
the personal PDF."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from access import record_export
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


def recheck_link(engine, ctx: links.LinkContext) -> bool:  # noqa: ANN001
    """Is this page's link still valid now? Every callback of a link page runs through it
    (wrap the callback with :func:`guarded`).

    The page was drawn with a valid link, but an admin may since have withdrawn it, issued a
    new one or deactivated the person, or it may have expired: then nothing is written, and
    the rerun that follows shows why (the page resolves its link again).
    """
    try:
        links.recheck(engine, st.query_params.get("t"), ctx)
        return True
    except links.LinkError as err:
        st.session_state["survey_flash"] = ("error", err.render(context.lang()))
        return False


def guarded(engine, ctx: links.LinkContext,  # noqa: ANN001
            action: Callable[[], object]) -> Callable[[], None]:
    """A callback that runs action only while this page's link is still valid."""
    def run() -> None:
        if recheck_link(engine, ctx):
            action()
    return run


def pdf_download(engine, ctx: links.LinkContext,  # noqa: ANN001
                 response_id: int) -> Callable[[], bytes]:
    """The personal PDF as a deferred download: built when clicked, after the link is checked
    again, and written to the audit log (without the client's address: a trainer's
    answers and their network details are never linked).

    The token, language and names are read now: Streamlit runs the builder outside the
    page's run, where the session and the query string are not available.
    """
    token, lang = st.query_params.get("t"), context.lang()
    person, campaign = f"{ctx.first_name} {ctx.last_name}", ctx.campaign_name

    def build() -> bytes:
        fresh = links.recheck(engine, token, ctx)
        result = personal_result(engine, response_id, lang)
        if result is None:
            raise ValueError("no submitted response behind this link")  # logged, not shown
        record_export(engine, fresh.role, fresh.person_id, "personal_result_pdf",
                      {"format": "pdf", "campaign": fresh.campaign_id}, where="link")
        return personal_pdf(result, lang, person, campaign)

    return build
