"""Streamlit glue for learners' voice: the three-way gap section of the overview."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from charts import learners as charts
from dashboards import learners_display as ld
from dashboards import learners_export as le
from dashboards import published
from dashboards.units import previous_campaign
from survey.learner_questionnaire import default
from ui import context, data
from ui.context import t, translator
from ui.dashboards import chart
from ui.text import plain


def learner_version(campaign_id: int) -> tuple:
    """Changes when a learner answers (the cache key of the learners' figures)."""
    return published.learner_version(context.engine(), campaign_id)


@st.cache_resource(ttl=data.TTL, show_spinner=False, max_entries=8)
def _figures(campaign_id: int, previous_id: int | None, k: int, version: tuple,
             prev_version: tuple | None, learners: tuple) -> tuple[pd.DataFrame, pd.DataFrame]:
    # computed once for every server (dashboards.published), on the overview's campaign data
    # and decision (same campaigns, same k, same versions), read from its caches
    return published.learners(context.engine(), data._campaign, data._released, campaign_id, previous_id,
                              k, version, prev_version, learners, viewer_id=data._viewer_id(),
                              delegate=True)


def figures(campaign_id: int, k: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(learners' figures per statement and node, three-way gap), cached per data version."""
    prev = previous_campaign(data.campaign_table(), campaign_id)
    return _figures(campaign_id, prev, k, data.published_version(campaign_id),
                    data.published_version(prev) if prev is not None else None, learner_version(campaign_id))


def three_way_section(campaign_id: int, k: int, region_id: int | None, site_id: int | None,
                      region_name: str, site_name: str) -> None:
    """Managers, trainers and learners on the same statements, at the page's scope.

    At a site where a side cannot be shown, the site's region follows, so learners
    are shown at region level where their site is too small.
    """
    tr, q = translator(), default()
    st.subheader(t("Managers, trainers and learners: three views"))
    items, three = figures(campaign_id, k)
    if not le.has_learner_figures(items):
        st.info(t("No learners' answers can be shown yet for this campaign."))
        return
    st.caption(t("Each learners' statement below asks, from the learner's seat, about the same thing as "
                 "a statement put to managers and trainers. Means on 0-100, 95 % interval in brackets; "
                 "* marks a gap whose interval excludes 0."))
    scopes = le.shown_nodes(three, region_id, site_id, t("Organisation"), region_name, site_name)
    for n, (scope, rid, sid, name) in enumerate(scopes):
        rows = ld.rows_at(three, scope, rid, sid)
        if n:
            st.caption(t("Some figures of the site cannot be shown: its region, for comparison."))
        st.markdown(f"**{plain(name)}**")
        if ld.fully_hidden(rows):
            st.info(ld.hidden_label(tr, k))
            continue
        sides = {side: t(name) for side, name in ld.SIDE_NAMES.items()}
        long = charts.three_way_long(rows, {i.id: f"{i.id} " + _short(i.text[tr.lang]) for i in q.items}, sides)
        if len(long):
            chart(f"three_way_{scope}", (tr.lang, long.to_json()),
                  lambda long=long, sides=sides: charts.three_way_chart(
                      long, t("Statement"), t("Score (0-100)"), t("Who answers"), list(sides.values())),
                  alt=t("Means of managers, trainers and learners per statement; the table below gives "
                        "each figure and its interval."))
        st.dataframe(ld.three_way_table(rows, q, tr, k), hide_index=True, width="stretch",
                     key=f"three_way_{scope}")
    node = scopes[0]
    with st.expander(t("Every learners' statement")):
        rows = ld.rows_at(items, *node[:3])
        if rows["hidden"].all() and site_id is not None:
            rows = ld.rows_at(items, "region", region_id, None)
            st.caption(t("Too few learners at this site: figures of its region."))
        st.dataframe(ld.learner_table(rows, q, tr, k), hide_index=True, width="stretch",
                     key="learner_items")


def export_tables(campaign_id: int, k: int, region_id: int | None, site_id: int | None,
                  region_name: str, site_name: str) -> list:
    """The three-way section as export tables, read during the page run (downloads build later).

    Same cached, released figures and same nodes as :func:`three_way_section`.
    """
    items, three = figures(campaign_id, k)
    if not le.has_learner_figures(items):
        return []
    nodes = le.shown_nodes(three, region_id, site_id, t("Organisation"), region_name, site_name)
    return le.three_way_tables(three, nodes, default(), translator(), k)


def _short(text: str, size: int = 48) -> str:
    """A statement cut to fit a chart's axis (the table gives it in full)."""
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"
