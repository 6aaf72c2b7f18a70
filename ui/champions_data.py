"""Cached reads for the champions page: one campaign's guarded frames per data version.

Caching stays at this edge (DESIGN.md): the domain (champions.data) reads
fresh every call; here the result is kept until answers, consents or people
change (champions.data.data_version), so a consent withdrawal shows at once.
"""

from __future__ import annotations

import streamlit as st

from champions import data as champions_data
from champions import rules
from scoring.anonymity import DEFAULT_K
from ui import context


@st.cache_data(show_spinner=False, max_entries=16)
def _load(url: str, campaign_id: int, version: tuple, k: int,
          trade: str | None = None) -> champions_data.ChampionsData:
    del url, version  # cache keys only
    return champions_data.load(context.engine(), campaign_id, k=k, trade=trade)


def load(campaign_id: int, k: int = DEFAULT_K, trade: str | None = None) -> champions_data.ChampionsData:
    """The campaign's champions data, cached per database, campaign and data version."""
    eng = context.engine()
    version = champions_data.data_version(eng, campaign_id)
    return _load(eng.url.render_as_string(hide_password=True), campaign_id, version, k, trade)



@st.cache_resource(show_spinner=False, max_entries=16)
def _evaluated(url: str, campaign_id: int, version: tuple, k: int, trade: str | None,
               rule: rules.ChampionRule):  # noqa: ANN202 - DataFrame, shared read-only
    return rules.evaluate(rule, _load(url, campaign_id, version, k, trade).trainers)


def evaluated(campaign_id: int, rule: rules.ChampionRule, k: int = DEFAULT_K,
              trade: str | None = None):  # noqa: ANN201 - DataFrame
    """rules.evaluate of the campaign's trainers, once per data version and rule (tens of
    thousands of trainers at national scale: not on every rerun). Read-only."""
    eng = context.engine()
    version = champions_data.data_version(eng, campaign_id)
    return _evaluated(eng.url.render_as_string(hide_password=True), campaign_id, version, k, trade, rule)
