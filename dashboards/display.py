"""Guarded frames turned into labelled display frames, for pages and exports alike.

A hidden figure becomes the translated "fewer than {k} responses" in its
label, and stays NaN in its number: never 0.  Callers pass a Translator.
"""

from __future__ import annotations

import math

import pandas as pd

from dashboards.overview import Overview, gap_view, heatmap, level_distribution, progress_view, site_profile
from i18n import N_, Translator
from scoring.levels import LEVEL_NAMES
from scoring.schema import OVERALL

HIDDEN = N_("fewer than {k} responses")
STATUS_ORDER = {"invited": 0, "started": 1, "submitted": 2}
STATUS_LABELS = {"invited": N_("Invited"), "started": N_("Started"), "submitted": N_("Submitted")}


def hidden_label(t: Translator, k: int) -> str:
    return t(HIDDEN, k=k)


def score_label(t: Translator, value: float, hidden: bool, k: int, digits: int = 1) -> str:
    """A score for people: the number in their locale, or why it is not shown."""
    if hidden or value is None or (isinstance(value, float) and math.isnan(value)):
        return hidden_label(t, k)
    return t.number(value, digits)


def area_label(ov: Overview, t: Translator, area: str) -> str:
    """Display name of a trainer area, an organisation element or 'overall'."""
    if area == OVERALL:
        return t("Overall")
    return ov.area_names.get(area) or ov.element_names.get(area) or area


def heatmap_display(ov: Overview, units: pd.DataFrame, t: Translator, scope: str = "site",
                    region_id: int | None = None) -> pd.DataFrame:
    """heatmap() with area_label, label (score or why hidden) and short text for cells."""
    frame = heatmap(ov.trainers, units, scope, region_id)
    frame["unit_id"] = frame["unit_id"].map(lambda v: None if pd.isna(v) else int(v))
    frame["area_label"] = frame["area"].map(lambda a: area_label(ov, t, a))
    frame["label"] = [score_label(t, m, h, ov.k) for m, h in zip(frame["mean"], frame["hidden"])]
    frame["text"] = [f"< {ov.k}" if h else f"{m:.0f}" for m, h in zip(frame["mean"], frame["hidden"])]
    return frame


def gap_display(ov: Overview, t: Translator, site_id: int | None = None) -> pd.DataFrame:
    """gap_view() with element name, real_label and label."""
    frame = gap_view(ov, site_id)
    frame["element"] = frame["key"].map(lambda a: area_label(ov, t, a))
    frame["real_label"] = frame["real"].map(
        lambda r: t("Real gap") if r is True or (not pd.isna(r) and bool(r)) else t("Within the margin of error"))
    frame["label"] = [
        hidden_label(t, ov.k) if h else t("{gap} points (95 % interval {low} to {high})",
                                         gap=t.number(g), low=t.number(lo), high=t.number(hi))
        for g, lo, hi, h in zip(frame["gap"], frame["ci_low"], frame["ci_high"], frame["hidden"])]
    return frame


def progress_display(ov: Overview, t: Translator, names: tuple[str, str], region_id: int | None = None,
                     site_id: int | None = None) -> pd.DataFrame | None:
    """Long slope-chart frame: area_label, when, order, mean (NaN when hidden)."""
    view = progress_view(ov, region_id, site_id)
    if view is None:
        return None
    rows = []
    for _, r in view.iterrows():
        label = area_label(ov, t, r["area"])
        rows.append({"area": r["area"], "area_label": label, "when": names[0], "order": 0,
                     "mean": r["mean_from"] if not r["hidden_from"] else float("nan")})
        rows.append({"area": r["area"], "area_label": label, "when": names[1], "order": 1,
                     "mean": r["mean_to"] if not r["hidden_to"] else float("nan")})
    return pd.DataFrame(rows)


def progress_note(ov: Overview, t: Translator) -> str:
    """What the progress figures compare: the shared items when the two campaigns are on
    different questionnaire versions, else the general rule."""
    if ov.shared_items is not None:
        return t("This campaign and the previous one use different versions of the trainers' "
                 "questionnaire: progress compares only the {n} questions both versions share, "
                 "scored the same way in both campaigns.", n=len(ov.shared_items))
    return t("Between campaigns on different questionnaire versions, progress compares only "
             "the items both versions share.")


def levels_display(ov: Overview, t: Translator, region_id: int | None = None,
                   site_id: int | None = None) -> pd.DataFrame:
    frame = level_distribution(ov, region_id, site_id)
    frame["level_label"] = frame["level"].map(lambda c: f"{c} {t(LEVEL_NAMES[c])}")
    return frame


def participation_display(part: pd.DataFrame, units: pd.DataFrame, t: Translator, role: str = "trainer",
                          region_id: int | None = None, site_id: int | None = None) -> pd.DataFrame:
    """Long frame site (unit name), status_label, order, n for one role.

    Per region for the whole organisation, per site once narrowed to a region or a site.
    """
    rows = part[part["role"] == role].merge(units[["site_id", "site", "region_id", "region"]], on="site_id")
    if region_id is None and site_id is None:
        rows = rows.groupby(["region_id", "region"], as_index=False)[list(STATUS_ORDER)].sum()
        rows = rows.rename(columns={"region": "site"})
    else:
        rows = rows[rows["region_id"] == region_id] if site_id is None else rows[rows["site_id"] == site_id]
    long = rows.melt(id_vars=["site"], value_vars=list(STATUS_ORDER), var_name="status", value_name="n")
    long["status_label"] = long["status"].map(lambda s: t(STATUS_LABELS[s]))
    long["order"] = long["status"].map(STATUS_ORDER)
    return long.sort_values(["site", "order"], ignore_index=True)


def profile_display(ov: Overview, t: Translator, site_id: int, region_id: int) -> pd.DataFrame:
    """Long frame area_label, scope_label, mean (NaN hidden), label for the profile chart."""
    prof = site_profile(ov, site_id, region_id)
    rows = []
    for _, r in prof.iterrows():
        for scope, name in (("site", t("This site")), ("region", t("Region")), ("org", t("Organisation"))):
            hidden = bool(r[f"{scope}_hidden"])
            rows.append({"area": r["area"], "area_label": area_label(ov, t, r["area"]), "scope_label": name,
                         "mean": float("nan") if hidden else r[scope],
                         "label": score_label(t, r[scope], hidden, ov.k)})
    return pd.DataFrame(rows)
