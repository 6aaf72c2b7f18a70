"""Charts of the overview and site pages: heatmap, gaps, progress, levels, participation, profile."""

from __future__ import annotations

import altair as alt
import pandas as pd

HIDDEN_COLOR = "#d9d9d9"
REAL_COLOR, NOT_REAL_COLOR = "#c0392b", "#95a5a6"
WIDTH = 640
# Heights count the whole chart, axes and legend included (Streamlit fits charts to them).


def heatmap_chart(frame: pd.DataFrame, unit_title: str, area_title: str, score_title: str,
                  select_name: str | None = None) -> alt.LayerChart:
    """Units x areas heatmap; frame: unit, area_label, mean (NaN hidden), label, text.

    With select_name, clicking a row selects its unit (a point selection on 'unit_id').
    """
    base = alt.Chart(frame).encode(
        y=alt.Y("unit:N", title=unit_title, sort=None),
        x=alt.X("area_label:N", title=area_title, sort=None, axis=alt.Axis(labelAngle=-30, labelLimit=150, labelOverlap=False)),
    )
    rect = base.mark_rect(stroke="white").encode(
        color=alt.condition("isValid(datum.mean)", alt.Color(
            "mean:Q", title=score_title, scale=alt.Scale(domain=[0, 100], scheme="blues")),
            alt.value(HIDDEN_COLOR)),
        tooltip=[alt.Tooltip("unit:N", title=unit_title), alt.Tooltip("area_label:N", title=area_title),
                 alt.Tooltip("label:N", title=score_title)],
    )
    if select_name:
        sel = alt.selection_point(name=select_name, fields=["unit_id"], on="click")
        rect = rect.add_params(sel).encode(
            opacity=alt.condition(sel, alt.value(1.0), alt.value(0.6)))
    text = base.mark_text(fontSize=11).encode(
        text="text:N",
        color=alt.condition("datum.mean > 60", alt.value("white"), alt.value("black")))
    # Streamlit fits the whole chart (axes, rotated labels, legend) into height: leave room
    height = 26 * int(frame["unit"].nunique()) + 170
    return alt.layer(rect, text).properties(width=WIDTH, height=height)


def gap_chart(frame: pd.DataFrame, element_title: str, gap_title: str, real_title: str) -> alt.LayerChart:
    """Diverging bars of managers-minus-trainers gaps with their 95 % intervals.

    frame: element, gap, ci_low, ci_high (NaN when hidden), real_label, label.
    """
    shown = frame[frame["gap"].notna()]
    base = alt.Chart(shown).encode(y=alt.Y("element:N", title=element_title, sort=None,
                                           axis=alt.Axis(labelLimit=220)))
    bars = base.mark_bar().encode(
        x=alt.X("gap:Q", title=gap_title, scale=alt.Scale(domain=[-40, 40], clamp=True)),
        color=alt.Color("real_label:N", title=real_title,
                        scale=alt.Scale(range=[REAL_COLOR, NOT_REAL_COLOR])),
        tooltip=[alt.Tooltip("element:N", title=element_title), alt.Tooltip("label:N", title=gap_title)],
    )
    rules = base.mark_rule(color="black").encode(x="ci_low:Q", x2="ci_high:Q")
    zero = alt.Chart(pd.DataFrame({"x": [0]})).mark_rule(color="#555").encode(x="x:Q")
    return alt.layer(bars, rules, zero).properties(width=WIDTH, height=28 * len(shown) + 70)


def progress_chart(frame: pd.DataFrame, area_title: str, score_title: str, when_title: str) -> alt.LayerChart:
    """Slope chart: one line per area from the previous to this campaign.

    frame: area_label, when (campaign label), order (0, 1), mean (NaN hidden).
    """
    shown = frame[frame["mean"].notna()]
    base = alt.Chart(shown).encode(
        x=alt.X("when:N", title=when_title, sort=alt.EncodingSortField("order"),
                axis=alt.Axis(labelAngle=0)),
        y=alt.Y("mean:Q", title=score_title, scale=alt.Scale(zero=False)),
        color=alt.Color("area_label:N", title=area_title),
        tooltip=[alt.Tooltip("area_label:N", title=area_title), alt.Tooltip("when:N", title=when_title),
                 alt.Tooltip("mean:Q", title=score_title, format=".1f")],
    )
    return alt.layer(base.mark_line(), base.mark_point(filled=True, size=60)).properties(
        width=WIDTH // 2, height=320)


def levels_chart(frame: pd.DataFrame, level_title: str, count_title: str) -> alt.Chart:
    """Trainers per level: frame level_label, n (NaN hidden)."""
    return alt.Chart(frame[frame["n"].notna()]).mark_bar(color="#2e86c1").encode(
        x=alt.X("level_label:N", title=level_title, sort=None, axis=alt.Axis(labelAngle=-30, labelOverlap=False)),
        y=alt.Y("n:Q", title=count_title),
        tooltip=[alt.Tooltip("level_label:N", title=level_title), alt.Tooltip("n:Q", title=count_title)],
    ).properties(width=WIDTH // 2, height=260)


def participation_chart(frame: pd.DataFrame, unit_title: str, count_title: str, status_title: str) -> alt.Chart:
    """Nested bars per unit: invited (widest), started, submitted drawn over each other.

    frame: site (the unit's name), status_label, n, order (0 invited, 1 started, 2 submitted).
    """
    frame = frame.sort_values(["order", "site"])
    return alt.Chart(frame).mark_bar(height={"band": 0.8}).encode(
        y=alt.Y("site:N", title=unit_title, sort=None),
        x=alt.X("n:Q", title=count_title, stack=None),
        color=alt.Color("status_label:N", title=status_title, sort=alt.EncodingSortField("order"),
                        scale=alt.Scale(range=["#d6eaf8", "#5dade2", "#1b4f72"])),
        order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip("site:N", title=unit_title), alt.Tooltip("status_label:N", title=status_title),
                 alt.Tooltip("n:Q", title=count_title)],
    ).properties(width=WIDTH, height=24 * int(frame["site"].nunique()) + 80)


def profile_chart(frame: pd.DataFrame, area_title: str, score_title: str, scope_title: str) -> alt.Chart:
    """A site against its region and the organisation: frame area_label, scope_label, mean (NaN hidden)."""
    return alt.Chart(frame[frame["mean"].notna()]).mark_bar().encode(
        y=alt.Y("area_label:N", title=area_title, sort=None, axis=alt.Axis(labelLimit=220)),
        x=alt.X("mean:Q", title=score_title, scale=alt.Scale(domain=[0, 100])),
        yOffset=alt.YOffset("scope_label:N", sort=None),
        color=alt.Color("scope_label:N", title=scope_title, sort=None),
        tooltip=[alt.Tooltip("area_label:N", title=area_title), alt.Tooltip("scope_label:N", title=scope_title),
                 alt.Tooltip("mean:Q", title=score_title, format=".1f")],
    ).properties(width=WIDTH, height=max(160, 60 * frame["area_label"].nunique()))
