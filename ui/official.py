"""Streamlit glue for the site's official position and region-level gaps (issue 20, item 7)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import official
from dashboards.display import hidden_label
from i18n import RelaisError
from dashboards import published
from dashboards.units import previous_campaign
from scoring.anonymity import DEFAULT_K
from ui import context
from ui import data as ui_data
from ui.context import t


def official_notice(engine, ctx) -> None:  # noqa: ANN001 - Engine, LinkContext
    """Shown to a site manager before the first question when the campaign makes their answers official."""
    if ctx.role == "manager" and official.is_official(engine, ctx.campaign_id):
        st.warning(t(official.NOTICE), icon=":material/signature:")


def official_setting(campaign_id: int) -> None:
    """The admin's choice for a campaign; locked once a manager has started answering."""
    st.subheader(t("Site managers' official position"))
    st.caption(t("Default: managers answer anonymously, like everyone. If you choose the official "
                 "position, each site manager's organisation questionnaire is shown with their "
                 "name as their site's position, and their privacy notice says so before they "
                 "answer. The choice is locked once a manager has started."))
    eng = context.engine()
    current = official.is_official(eng, campaign_id)
    locked = official.managers_started(eng, campaign_id) > 0
    wanted = st.toggle(t("Site managers' answers are their site's official position"), value=current,
                       key=f"official_{campaign_id}", disabled=locked)
    if locked:
        st.caption(t("Locked: site managers have already started answering this campaign."))
    elif wanted != current:
        try:
            official.set_official(eng, campaign_id, wanted, actor=_actor())
            st.success(t("Saved."))
        except RelaisError as err:
            context.show_error(err)


def _actor():  # noqa: ANN202
    from sqlmodel import select

    from storage.db import read_session
    from storage.models import Person

    viewer = context.viewer()
    if viewer is None or viewer.person_id is None:
        return None
    with read_session(context.engine()) as s:
        return s.exec(select(Person).where(Person.id == viewer.person_id)).first()


@st.cache_resource(ttl=600, show_spinner=False, max_entries=8)
def _gaps(campaign_id: int, version: tuple, k: int) -> tuple[pd.DataFrame, pd.DataFrame, bool]:
    # computed once for every server (dashboards.published), on the overview's campaign data
    # and decision (cached per data version)
    prev = previous_campaign(ui_data.campaign_table(), campaign_id)
    return published.region_gaps(context.engine(), ui_data._campaign, ui_data._released, campaign_id, prev,
                                 k, version, ui_data.published_version(prev) if prev is not None else None,
                                 delegate=True)


def region_gaps(campaign_id: int, version: tuple, region_id: int | None, names: dict[str, str],
                region_names: dict[int, str], k: int = DEFAULT_K) -> None:
    """Managers minus trainers per element in each region (or one), where sites cannot be shown."""
    frame, _, _ = _gaps(campaign_id, version, k)
    rows = frame[frame["kind"] == "element"]
    if region_id is not None:
        rows = rows[rows["region_id"].map(lambda v: not pd.isna(v) and int(v) == region_id)]
    if rows.empty:
        return
    st.markdown("**" + t("Gaps per region") + "**")
    st.caption(t("Sites rarely have enough managers to be shown; regions pool them."))
    tr = context.translator()
    st.dataframe(pd.DataFrame({
        t("Region"): [region_names.get(int(r), str(r)) for r in rows["region_id"]],
        t("Element"): [names.get(k_, k_) for k_ in rows["key"]],
        t("Managers minus trainers (points)"): [hidden_label(tr, k) if h else tr.number(g)
                                                for g, h in zip(rows["gap"], rows["hidden"])]}),
        hide_index=True, width="stretch")


def site_official_gaps(campaign_id: int, version: tuple, site_id: int, names: dict[str, str],
                       k: int = DEFAULT_K) -> None:
    """The site's official (named) position against its trainers, when the campaign chose it."""
    _, frame, is_official = _gaps(campaign_id, version, k)
    if not is_official:
        return
    rows = frame[frame["site_id"] == site_id]
    st.markdown("**" + t("The site's official position") + "**")
    if rows.empty:
        st.caption(t("No site manager of this site has submitted the organisation questionnaire."))
        return
    tr = context.translator()
    st.caption(t("Given by: {names}. Named answers, as chosen for this campaign.",
                 names=", ".join(sorted(set(rows["managers"])))))
    st.dataframe(pd.DataFrame({
        t("Element"): [names.get(k_, k_) for k_ in rows["key"]],
        t("Official position (0-100)"): [tr.number(v) for v in rows["mean_managers"]],
        t("Trainers (0-100)"): [hidden_label(tr, k) if h else tr.number(v)
                                for v, h in zip(rows["mean_trainers"], rows["hidden"])],
        t("Official position minus trainers (points)"): [hidden_label(tr, k) if h else tr.number(g)
                                                        for g, h in zip(rows["gap"], rows["hidden"])]}),
        hide_index=True, width="stretch")
