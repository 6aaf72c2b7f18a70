"""Relais proposes 2-3 focus areas for a site or the organisation, each with why.

Three reasons, in this order of preference, one area each, never the same
area twice:

1. ``low_score``: the trainers' area with the lowest visible mean;
2. ``real_gap``: the organisation element with the largest real perception
   gap (managers and trainers disagree beyond the 95 % interval);
3. ``little_progress``: the trainers' area with the smallest visible mean
   change since the previous campaign;

and, when fewer than two came out, ``next_lowest``: the next lowest areas.

Only visible (guarded) figures are used, so a proposal never reveals a hidden one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from i18n import N_
from scoring.schema import OVERALL

REASONS = {
    "low_score": N_("Lowest score among the trainers' areas: {score} / 100."),
    "real_gap": N_("Managers and trainers see this element differently: a gap of {gap} points, "
                   "beyond the margin of error."),
    "little_progress": N_("Least progress since the previous campaign: {delta} points."),
    "next_lowest": N_("Among the lowest scores of the trainers' areas: {score} / 100."),
}


@dataclass(frozen=True)
class Focus:
    """A proposed focus area: area or element id, reason code, msgid and its parameters."""

    area: str
    reason: str
    message: str
    params: dict = field(default_factory=dict)


def _fmt(value: float) -> str:
    return f"{value:+.1f}" if value < 0 else f"{value:.1f}"


def propose(profile: pd.DataFrame, gaps: pd.DataFrame, progress: pd.DataFrame | None,
            limit: int = 3) -> list[Focus]:
    """Up to ``limit`` focus areas from guarded frames.

    profile: area, mean, hidden (the scope's trainer areas); gaps: key, gap, real, hidden
    (elements); progress: area, mean_delta, hidden_paired, or None.
    """
    chosen: list[Focus] = []
    used: set[str] = set()

    def add(area: str, reason: str, **params: object) -> None:
        if area not in used and len(chosen) < limit:
            used.add(area)
            chosen.append(Focus(area, reason, REASONS[reason], dict(params)))

    areas = profile[(profile["area"] != OVERALL) & ~profile["hidden"].astype(bool)
                    & profile["mean"].notna()]
    for _, row in areas.sort_values(["mean", "area"]).head(1).iterrows():
        add(str(row["area"]), "low_score", score=f"{row['mean']:.0f}")
    real = gaps[~gaps["hidden"].astype(bool) & gaps["real"].fillna(False).astype(bool)]
    if len(real):
        real = real.assign(_abs=real["gap"].abs()).sort_values(["_abs", "key"], ascending=[False, True])
        row = real.iloc[0]
        add(str(row["key"]), "real_gap", gap=_fmt(float(row["gap"])))
    if progress is not None:
        moved = progress[(progress["area"] != OVERALL) & ~progress["hidden_paired"].astype(bool)
                         & progress["mean_delta"].notna() & ~progress["area"].isin(used)]
        for _, row in moved.sort_values(["mean_delta", "area"]).head(1).iterrows():
            add(str(row["area"]), "little_progress", delta=_fmt(float(row["mean_delta"])))
    if len(chosen) < 2:  # fill with the next lowest area so a plan has two anchors when it can
        for _, row in areas.sort_values(["mean", "area"]).iterrows():
            if len(chosen) >= 2:
                break
            add(str(row["area"]), "next_lowest", score=f"{row['mean']:.0f}")
    return chosen
