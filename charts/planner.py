"""Gantt chart of a cohort plan: one bar per cohort, a row per relay, a colour per area."""

from __future__ import annotations

import altair as alt
import pandas as pd

BAR_DAYS = 21  # a wave's cohort is drawn over three weeks so bars read at a glance


def gantt_frame(rows: list[dict]) -> pd.DataFrame:
    """Frame for :func:`gantt` from rows with cohort, date, relay, area, modality, members."""
    frame = pd.DataFrame(rows, columns=["cohort", "date", "relay", "area", "modality", "members"])
    frame["start"] = pd.to_datetime(frame["date"])
    frame["end"] = frame["start"] + pd.Timedelta(days=BAR_DAYS)
    return frame


def gantt(frame: pd.DataFrame, labels: dict[str, str]) -> alt.Chart:
    """Bars from wave date over BAR_DAYS, y = relay, colour = area; labels are translated titles."""
    return alt.Chart(frame).mark_bar(cornerRadius=3).encode(
        x=alt.X("start:T", title=labels["date"], axis=alt.Axis(format="%b %Y")),
        x2="end:T",
        y=alt.Y("relay:N", title=labels["relay"], sort="ascending"),
        color=alt.Color("area:N", title=labels["area"], legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("cohort:Q", title=labels["cohort"]),
                 alt.Tooltip("date:T", title=labels["date"], format="%d/%m/%Y"),
                 alt.Tooltip("relay:N", title=labels["relay"]),
                 alt.Tooltip("area:N", title=labels["area"]),
                 alt.Tooltip("modality:N", title=labels["modality"]),
                 alt.Tooltip("members:Q", title=labels["members"])],
    ).properties(height=alt.Step(22))
