"""Altair charts of the champions page: site map with quadrants and arrows, trainer density."""

from __future__ import annotations

from collections.abc import Callable

import altair as alt
import pandas as pd

from champions.quadrants import QUADRANT_NAMES, QUADRANTS

COLOURS = {"aligned": "#2e7d32", "isolated_pioneers": "#1565c0",
           "strategy_without_ground": "#ef6c00", "to_start": "#9e9e9e"}
SCALE = alt.Scale(domain=[0, 100])


def site_map(sites: pd.DataFrame, arrows: pd.DataFrame | None, tx: float, ty: float,
             t: Callable[..., str]) -> alt.LayerChart:
    """Visible sites at (top-down, bottom-up), sized by trainers, with threshold lines and labels."""
    names = [t(QUADRANT_NAMES[q]) for q in QUADRANTS]
    data = sites.assign(quadrant_name=sites["quadrant"].map(lambda q: t(QUADRANT_NAMES[q])),
                        basis_note=sites["basis"].map(
                            lambda b: t("Trainers' view only") if b == "trainers_only"
                            else t("Managers and trainers")))
    data = data[["site_id", "site", "region", "n_trainers", "bottom_up", "top_down",
                 "quadrant_name", "basis_note"]]
    pick = alt.selection_point(fields=["site_id"], name="site", on="click")
    x = alt.X("top_down:Q", title=t("Top-down index (strategy)"), scale=SCALE)
    y = alt.Y("bottom_up:Q", title=t("Bottom-up index (practice)"), scale=SCALE)
    points = alt.Chart(data).mark_circle(opacity=0.85, stroke="white").encode(
        x=x, y=y,
        size=alt.Size("n_trainers:Q", title=t("Trainers"), scale=alt.Scale(range=[80, 1200])),
        color=alt.Color("quadrant_name:N", title=t("Quadrant"),
                        scale=alt.Scale(domain=names, range=[COLOURS[q] for q in QUADRANTS])),
        tooltip=[alt.Tooltip("site:N", title=t("Site")), alt.Tooltip("region:N", title=t("Region")),
                 alt.Tooltip("n_trainers:Q", title=t("Trainers")),
                 alt.Tooltip("bottom_up:Q", title=t("Bottom-up index (practice)"), format=".0f"),
                 alt.Tooltip("top_down:Q", title=t("Top-down index (strategy)"), format=".0f"),
                 alt.Tooltip("basis_note:N", title=t("Top-down basis")),
                 alt.Tooltip("quadrant_name:N", title=t("Quadrant"))],
    ).add_params(pick)
    labels = alt.Chart(data).mark_text(dy=-14, fontSize=11).encode(x=x, y=y, text="site:N")
    lines = pd.DataFrame({"x": [tx], "y": [ty]})
    rules = (alt.Chart(lines).mark_rule(strokeDash=[4, 4], color="#555").encode(x="x:Q")
             + alt.Chart(lines).mark_rule(strokeDash=[4, 4], color="#555").encode(y="y:Q"))
    corners = pd.DataFrame({
        "x": [98, 2, 98, 2], "y": [98, 98, 2, 2],
        "align": ["right", "left", "right", "left"],
        "text": [t(QUADRANT_NAMES[q]) for q in QUADRANTS]})
    corner_text = alt.layer(*[
        alt.Chart(corners[corners["align"] == a]).mark_text(align=a, color="#777", fontSize=12,
                                                            fontStyle="italic")
        .encode(x="x:Q", y="y:Q", text="text:N") for a in ("left", "right")])
    layers = [rules, corner_text]
    if arrows is not None and len(arrows):
        moves = arrows[["site", "x_from", "y_from", "x_to", "y_to"]]
        layers.append(alt.Chart(moves).mark_rule(color="#888", strokeWidth=1.5).encode(
            x="x_from:Q", y="y_from:Q", x2="x_to:Q", y2="y_to:Q"))
        layers.append(alt.Chart(moves).mark_point(shape="circle", size=30, color="#888",
                                                  filled=True).encode(
            x="x_from:Q", y="y_from:Q",
            tooltip=[alt.Tooltip("site:N", title=t("Previous campaign"))]))
    layers += [points, labels]
    return alt.layer(*layers).properties(height=520)


def trainer_density(cells: pd.DataFrame, points: pd.DataFrame | None,
                    t: Callable[..., str]) -> alt.LayerChart:
    """Counts of trainers per (site strategy band, practice band), hidden cells left blank."""
    shown = cells[~cells["hidden"]]
    x = alt.X("x_band:Q", title=t("Top-down index of the trainer's site"), scale=SCALE)
    y = alt.Y("y_band:Q", title=t("Practice score (overall)"), scale=SCALE)
    rect = alt.Chart(shown).mark_rect(opacity=0.8).encode(
        x=x, x2="x_end:Q", y=y, y2="y_end:Q",
        color=alt.Color("n:Q", title=t("Trainers"), scale=alt.Scale(scheme="blues")),
        tooltip=[alt.Tooltip("n:Q", title=t("Trainers"))])
    layers = [rect]
    if points is not None and len(points):
        layers.append(alt.Chart(points).mark_circle(color="#d84315", size=40, opacity=0.9).encode(
            x="x:Q", y="y:Q",
            tooltip=[alt.Tooltip("name:N", title=t("Name")), alt.Tooltip("site:N", title=t("Site")),
                     alt.Tooltip("y:Q", title=t("Practice score (overall)"), format=".0f")]))
    return alt.layer(*layers).properties(height=420)
