"""Streamlit glue for the trade filter: a select box shown only when the roster names trades."""

from __future__ import annotations

import streamlit as st

import trades
from ui import context
from ui.context import t

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
