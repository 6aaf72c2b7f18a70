"""Draw a chart's text alternative under it: its sentence, then its table in a collapsed box."""

from __future__ import annotations

import streamlit as st

from charts.text import TextAlternative
from ui.context import t
from ui.text import plain


def text_alternative(alt: TextAlternative, key: str) -> None:
    """The summary as text a screen reader reaches, and the figures as a real HTML table."""
    st.caption(plain(alt.summary))  # the sentence quotes typed names: shown as text
    with st.expander(t("The chart's figures as a table"), key=f"{key}_figures"):
        # st.table renders Markdown in its cells, and they quote typed names: shown as text
        table = alt.table.map(lambda v: plain(v) if isinstance(v, str) else v)
        st.table(table, hide_index=True, alt=alt.summary)
