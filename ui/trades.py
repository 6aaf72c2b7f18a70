"""Streamlit glue for the trade filter: a select box shown only when the roster names trades."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import trades
from dashboards.display import area_label, hidden_label, score_label
from dashboards.trade_fallback import site_trade_fallback as fallback_of
from ui import context
from ui.context import t
from ui.text import plain

ALL = ""


@st.cache_data(ttl=600, show_spinner=False)
def _known(url: str) -> tuple[str, ...]:
    del url  # cache key only
    present = set(trades.person_trades(context.engine()).values())
    return tuple(c for c in trades.codes() if c in present)


def known_trades() -> tuple[str, ...]:
    """Trade codes at least one person of the roster has, in vocabulary order."""
    eng = context.engine()
    return _known(eng.url.render_as_string(hide_password=True))


def trade_picker(container, key: str) -> str | None:  # noqa: ANN001 - a Streamlit container
    """The chosen trade code, or None for all trades (and when the roster names none)."""
    options = known_trades()
    if not options:
        return None
    names = trades.names(context.lang())
    return container.selectbox(t("Trade"), [ALL, *options], key=key,
                               format_func=lambda c: t("All trades") if c == ALL else names[c],
                               help=t("Trainers' figures for one trade are shown only where the "
                                      "trade's group is large enough and differs from every other "
                                      "figure by enough people.")) or None


def trade_notes(trade: str | None) -> list[str]:
    """The line a report carries when its trainers' figures are one trade's."""
    if trade is None:
        return []
    return [t("Trainers' figures are for the trade {trade} only; managers' figures, gaps and "
              "progress cover everyone.", trade=trades.names(context.lang())[trade])]


def trade_caption(trade: str | None) -> None:
    if trade is not None:
        st.caption(t("Trainers' figures are for the trade {trade} only; managers' figures, gaps and "
                     "progress cover everyone.", trade=trades.names(context.lang())[trade]))


def same_trade_option() -> bool:
    """The planner's 'prefer cohorts within one trade' box (only when the roster names trades)."""
    if not known_trades():
        return False
    return st.checkbox(t("Prefer cohorts within one trade"), False, key="pl_same_trade",
                       help=t("After planning, members are swapped between cohorts of the same wave "
                              "and area so that more colleagues of one trade learn together, "
                              "never at the cost of coverage, locality or anyone's hours."))


def site_trade_fallback(ov, region_id: int | None, site_id: int | None,  # noqa: ANN001 - Overview
                        region_name: str) -> None:
    """Where the site's figures for the chosen trade are hidden: the region's (else the
    organisation's) released figures for that trade, saying why (dashboards.trade_fallback)."""
    fb = fallback_of(ov, region_id, site_id)
    if fb is None:
        return
    tr = context.translator()
    trade = trades.names(context.lang())[ov.trade]
    if fb.level == "none":
        st.info(t("Figures for the trade {trade} are hidden at this site, in its region and for "
                  "the organisation: {hidden}, or too close to another figure shown.",
                  trade=trade, hidden=hidden_label(tr, ov.k)))
        return
    mean, n = fb.overall()
    where = (t("the region {region}", region=plain(region_name)) if fb.level == "region"
             else t("the organisation"))
    st.markdown("**" + t("The trade {trade} beyond this site", trade=trade) + "**")
    st.caption(t("At this site, figures for the trade {trade} are hidden: too few of its trainers "
                 "answered, or the group differs from another figure shown by too few people. "
                 "Shown instead: the figures of {where} for this trade, over {n} trainers.",
                 trade=trade, where=where, n=tr.number(n, 0)))
    if fb.level == "region":
        label = t("Trainers' practice, {trade}, region {region} (0-100)", trade=trade,
                  region=plain(region_name))
    else:
        label = t("Trainers' practice, {trade}, whole organisation (0-100)", trade=trade)
    st.metric(label, score_label(tr, mean, False, ov.k))
    st.dataframe(pd.DataFrame({
        t("Area"): [area_label(ov, tr, a) for a in fb.rows["area"]],
        t("Score (0-100)"): [score_label(tr, m, bool(h), ov.k)
                             for m, h in zip(fb.rows["mean"], fb.rows["hidden"])]}),
        hide_index=True, width="stretch")
