"""The bar chart of a personal result, shared by the page and the PDF."""

from __future__ import annotations

import altair as alt
import pandas as pd

from i18n import Translator
from survey.result import PersonalResult


def result_chart(result: PersonalResult, lang: str) -> alt.Chart:
    """Horizontal bars: score 0-100 per area, labelled with the level."""
    t = Translator(lang)
    frame = pd.DataFrame([{"area": a.name, "score": a.score if a.score is not None else 0.0,
                           "level": f"{a.level or '—'} {a.level_name}"} for a in result.areas])
    base = alt.Chart(frame).encode(
        y=alt.Y("area:N", sort=None, title=None, axis=alt.Axis(labelLimit=260)),
        x=alt.X("score:Q", scale=alt.Scale(domain=[0, 100]), title=t("Score (0-100)")))
    bars = base.mark_bar(color="#2b6cb0").encode(
        tooltip=[alt.Tooltip("area:N", title=t("Area")),
                 alt.Tooltip("score:Q", title=t("Score"), format=".0f"),
                 alt.Tooltip("level:N", title=t("Level"))])
    labels = base.mark_text(align="left", dx=4).encode(text="level:N")
    return (bars + labels).properties(width=420, height=40 * len(frame))
