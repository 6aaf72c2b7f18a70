"""The three-way chart: managers', trainers' and learners' means per mirrored statement."""

from __future__ import annotations

import altair as alt
import pandas as pd

WIDTH = 640
SIDE_COLORS = ["#1f4e79", "#b35900", "#2e7d32"]  # managers, trainers, learners (distinct in grey too)


def three_way_long(rows: pd.DataFrame, statement: dict[str, str], side_names: dict[str, str]) -> pd.DataFrame:
    """statement, side, mean, ci_low, ci_high of every side that can be shown (hidden ones dropped)."""
    parts = []
    for side, name in side_names.items():
        shown = rows[~rows[f"hidden_{side}"].astype(bool)]
        parts.append(pd.DataFrame({"statement": shown["item"].map(statement), "side": name,
                                   "mean": shown[f"mean_{side}"], "ci_low": shown[f"ci_low_{side}"],
                                   "ci_high": shown[f"ci_high_{side}"]}))
    return pd.concat(parts, ignore_index=True)


def three_way_chart(frame: pd.DataFrame, statement_title: str, score_title: str, side_title: str,
                    sides: list[str]) -> alt.LayerChart:
    """A dot per side and statement, its 95 % interval as a bar; frame from three_way_long."""
    offset = alt.YOffset("side:N", sort=sides)
    base = alt.Chart(frame).encode(
        # the statements name themselves; an axis title would sit on the long labels
        y=alt.Y("statement:N", title=None, sort=None, axis=alt.Axis(labelLimit=260)),
        yOffset=offset,
        color=alt.Color("side:N", title=side_title, sort=sides,
                        scale=alt.Scale(domain=sides, range=SIDE_COLORS)))
    rules = base.mark_rule(strokeWidth=2).encode(
        x=alt.X("ci_low:Q", title=score_title, scale=alt.Scale(domain=[0, 100])), x2="ci_high:Q")
    dots = base.mark_point(filled=True, size=70).encode(
        x="mean:Q", shape=alt.Shape("side:N", sort=sides, legend=None),
        tooltip=[alt.Tooltip("statement:N", title=statement_title), alt.Tooltip("side:N", title=side_title),
                 alt.Tooltip("mean:Q", title=score_title, format=".1f")])
    n = max(int(frame["statement"].nunique()), 1)
    return alt.layer(rules, dots).properties(width=WIDTH, height=54 * n + 90)
