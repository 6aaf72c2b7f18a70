"""Text alternatives of the charts: a sentence saying what a chart shows and a table of its
figures (RGAA 1.3/1.4, WCAG 1.1.1 and 1.4.1). No Streamlit here.

Each function takes the very frame its chart is drawn from, so the table holds the same
figures as the chart and nothing more: a figure the chart hides (NaN, with a label saying
why) is hidden in the table the same way. Meaning carried by colour in the chart (status,
quadrant, area, sign of a gap) is written out in words in the table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from i18n import Translator


@dataclass(frozen=True)
class TextAlternative:
    """What a screen reader gets instead of a chart: one sentence and a table."""

    summary: str
    table: pd.DataFrame  # columns titled in the reader's language, first column names the row


def _extremes(t: Translator, rows: pd.DataFrame, value: str, name: Callable[[pd.Series], str],
              shown: Callable[[pd.Series], str]) -> str:
    """' Highest: …; lowest: ….' over the rows whose value is shown, or '' when none is."""
    rows = rows[rows[value].notna()]
    if len(rows) < 2:
        return ""
    hi, lo = rows.loc[rows[value].idxmax()], rows.loc[rows[value].idxmin()]
    if hi[value] == lo[value]:
        return " " + t("All the same: {value}.", value=shown(hi))
    return " " + t("Highest: {high} ({high_value}); lowest: {low} ({low_value}).",
                    high=name(hi), high_value=shown(hi), low=name(lo), low_value=shown(lo))


def _wide(frame: pd.DataFrame, rows: str, cols: str, values: str, row_title: str) -> pd.DataFrame:
    """Long frame to a table: one row per `rows`, one column per `cols`, in first-seen order."""
    table = frame.pivot_table(index=rows, columns=cols, values=values, aggfunc="first", sort=False)
    table = table.reindex(index=list(dict.fromkeys(frame[rows])),
                          columns=list(dict.fromkeys(frame[cols])))
    return table.rename_axis(index=row_title, columns=None).reset_index()


def heatmap_text(frame: pd.DataFrame, unit_title: str, area_title: str, score_title: str,
                 t: Translator) -> TextAlternative:
    """Units x areas; frame: unit, area_label, mean (NaN hidden), label (score or why hidden)."""
    summary = t("{score} for each {unit} (rows) and each {area} (columns).",
                 score=score_title, unit=unit_title.lower(), area=area_title.lower())
    summary += _extremes(t, frame, "mean", lambda r: f"{r['unit']}, {r['area_label']}",
                         lambda r: r["label"])
    return TextAlternative(summary, _wide(frame, "unit", "area_label", "label", unit_title))


def gap_text(frame: pd.DataFrame, element_title: str, gap_title: str, real_title: str,
             t: Translator) -> TextAlternative:
    """Managers-minus-trainers gaps; frame: element, gap (NaN hidden), label, real_label."""
    shown = frame[frame["gap"].notna()]
    sides = [t("managers see more") if g > 0 else t("trainers see more") if g < 0
             else t("same view") for g in shown["gap"]]
    table = pd.DataFrame({element_title: shown["element"],
                          gap_title: [f"{'+' if g > 0 else ''}{lab}" for g, lab
                                      in zip(shown["gap"], shown["label"])],
                          t("Who sees more"): sides, real_title: shown["real_label"]})
    summary = t("Gap between what managers and trainers each answered, element by element, "
                 "with its 95 % interval; a positive gap means managers see more.")
    if len(shown):
        top = shown.loc[shown["gap"].abs().idxmax()]
        signed = ("+" if top["gap"] > 0 else "") + top["label"]
        summary += " " + t("Largest gap: {element}, {gap}.", element=top["element"], gap=signed)
    return TextAlternative(summary, table.reset_index(drop=True))


def progress_text(frame: pd.DataFrame, area_title: str, when_title: str,
                  t: Translator) -> TextAlternative:
    """Area scores then and now; frame: area_label, when, order, mean (NaN hidden)."""
    frame = frame.sort_values("order", kind="stable").assign(
        shown=[t("not shown") if pd.isna(m) else t.number(m) for m in frame.sort_values(
            "order", kind="stable")["mean"]])
    summary = t("Mean score of each {area}, in the previous campaign and in this one.",
                area=area_title.lower())
    return TextAlternative(summary, _wide(frame, "area_label", "when", "shown", area_title))


def levels_text(frame: pd.DataFrame, level_title: str, count_title: str,
                t: Translator) -> TextAlternative:
    """Trainers per level; frame: level_label, n (NaN hidden)."""
    shown = frame[frame["n"].notna()]
    table = pd.DataFrame({level_title: shown["level_label"],
                          count_title: [t.number(n, 0) for n in shown["n"]]})
    summary = t("Number of trainers at each level, from A1 to C2.")
    summary += _extremes(t, shown, "n", lambda r: r["level_label"], lambda r: t.number(r["n"], 0))
    return TextAlternative(summary, table.reset_index(drop=True))


def participation_text(frame: pd.DataFrame, unit_title: str, status_title: str,
                       t: Translator) -> TextAlternative:
    """Invited, started, submitted per unit; frame: site, status_label, n, order."""
    frame = frame.sort_values(["order"], kind="stable")
    summary = t("Trainers invited, who started and who submitted, per {unit}.",
                unit=unit_title.lower())
    table = _wide(frame.assign(n=frame["n"].astype(int)), "site", "status_label", "n", unit_title)
    return TextAlternative(summary, table)


def profile_text(frame: pd.DataFrame, area_title: str, t: Translator) -> TextAlternative:
    """A site against its region and the organisation; frame: area_label, scope_label, label."""
    summary = t("Mean score of each {area} for this site, its region and the organisation.",
                area=area_title.lower())
    return TextAlternative(summary, _wide(frame, "area_label", "scope_label", "label", area_title))


def gantt_text(frame: pd.DataFrame, labels: dict[str, str], t: Translator) -> TextAlternative:
    """The cohorts of a plan; frame from charts.planner.gantt_frame (cohort, date, relay, …)."""
    frame = frame.sort_values(["start", "cohort"], kind="stable")
    table = pd.DataFrame({labels["cohort"]: frame["cohort"].astype(int),
                          labels["date"]: [t.date(d.date()) for d in frame["start"]],
                          labels["relay"]: frame["relay"], labels["area"]: frame["area"],
                          labels["modality"]: frame["modality"],
                          labels["members"]: frame["members"].astype(int)})
    summary = t("{n} cohorts, one bar per cohort on its relay's row, coloured by area.",
                 n=len(frame))
    if len(frame):
        summary += " " + t("First wave on {first}, last on {last}.",
                            first=t.date(frame["start"].min().date()),
                            last=t.date(frame["start"].max().date()))
    return TextAlternative(summary, table.reset_index(drop=True))


def site_map_text(sites: pd.DataFrame, tx: float, ty: float, t: Translator,
                  quadrant_name: Callable[[str], str]) -> TextAlternative:
    """Placed sites; sites: site, region, n_trainers, top_down, bottom_up, quadrant."""
    whole = lambda values: [t.number(v, 0) for v in values]  # noqa: E731
    table = pd.DataFrame({t("Site"): sites["site"], t("Region"): sites["region"],
                          t("Trainers"): sites["n_trainers"].astype(int),
                          t("Top-down index (strategy)"): whole(sites["top_down"]),
                          t("Bottom-up index (practice)"): whole(sites["bottom_up"]),
                          t("Quadrant"): sites["quadrant"].map(quadrant_name)})
    summary = t("Each site placed by its top-down index (strategy, across) and its bottom-up "
                 "index (practice, upwards); the thresholds {x} and {y} split the map into four "
                 "named quadrants; the larger the dot, the more trainers.",
                 x=t.number(tx, 1), y=t.number(ty, 1))
    return TextAlternative(summary, table.reset_index(drop=True))


def density_text(cells: pd.DataFrame, named: int, t: Translator) -> TextAlternative:
    """Trainers per (strategy band, practice band).

    cells: x_band, x_end, y_band, y_end, n, hidden (True below the anonymity threshold).
    """
    shown = cells[~cells["hidden"]].sort_values(["x_band", "y_band"])
    bands = lambda lo, hi: [f"{t.number(a, 0)}–{t.number(b, 0)}"  # noqa: E731
                            for a, b in zip(shown[lo], shown[hi])]
    table = pd.DataFrame({t("Top-down index of the trainer's site"): bands("x_band", "x_end"),
                          t("Practice score (overall)"): bands("y_band", "y_end"),
                          t("Trainers"): shown["n"].astype(int)})
    summary = t("Trainers counted by their site's strategy (across) and their own practice "
                 "(upwards); only squares of enough trainers are shown.")
    if named:
        summary += " " + t("{n} trainers who consented to be named are drawn as dots.", n=named)
    return TextAlternative(summary, table.reset_index(drop=True))


def result_text(areas: list, t: Translator) -> TextAlternative:
    """A personal result: score 0-100 and level per area (survey.result.AreaResult items)."""
    table = pd.DataFrame({t("Area"): [a.name for a in areas],
                          t("Score (0-100)"): [t("not answered") if a.score is None
                                                else t.number(a.score, 0) for a in areas],
                          t("Level"): [f"{a.level or '—'} {a.level_name}".strip()
                                       for a in areas]})
    summary = t("My score out of 100 and my level in each area.")
    frame = pd.DataFrame({"name": [a.name for a in areas],
                          "score": [a.score for a in areas]}).astype({"score": float})
    summary += _extremes(t, frame, "score", lambda r: r["name"], lambda r: t.number(r["score"], 0))
    return TextAlternative(summary, table)
