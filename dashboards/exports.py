"""Export tables of the overview, a site and an action plan (hidden figures as text, never 0)."""

from __future__ import annotations

import math

import pandas as pd

from dashboards.display import area_label, gap_display, heatmap_display, hidden_label, levels_display
from dashboards.overview import Overview, headline, progress_view, site_profile
from dashboards.plans import STATUS_NAMES
from i18n import Translator
from reports.tables import Table

SCORE_FMT = "0.0"


def _value(value: float, hidden: bool, t: Translator, k: int) -> object:
    """A number for a visible figure, the 'fewer than k' text for a hidden one."""
    if hidden or value is None or (isinstance(value, float) and math.isnan(value)):
        return hidden_label(t, k)
    return round(float(value), 1)


def _heat_table(ov: Overview, units: pd.DataFrame, t: Translator, scope: str,
                region_id: int | None, site_id: int | None = None) -> pd.DataFrame:
    frame = heatmap_display(ov, units, t, scope, region_id)
    if site_id is not None:
        frame = frame[frame["unit_id"] == site_id]
    frame["value"] = [_value(m, h, t, ov.k) for m, h in zip(frame["mean"], frame["hidden"])]
    wide = frame.pivot_table(index=["region", "unit"], columns="area_label", values="value",
                             aggfunc="first", sort=False)
    wide = wide[list(dict.fromkeys(frame["area_label"]))].reset_index()
    wide.columns.name = None
    first = t("Region") if scope == "region" else t("Site")
    wide = wide.rename(columns={"region": t("Region"), "unit": first})
    return wide.loc[:, ~wide.columns.duplicated()]


def _gap_table(ov: Overview, t: Translator, site_id: int | None) -> pd.DataFrame:
    g = gap_display(ov, t, site_id)
    table = pd.DataFrame({
        t("Element"): g["element"],
        t("Managers"): [_value(v, h, t, ov.k) for v, h in zip(g["mean_managers"], g["hidden"])],
        t("Trainers"): [_value(v, h, t, ov.k) for v, h in zip(g["mean_trainers"], g["hidden"])],
        t("Gap"): [_value(v, h, t, ov.k) for v, h in zip(g["gap"], g["hidden"])],
        t("Interval low"): [_value(v, h, t, ov.k) for v, h in zip(g["ci_low"], g["hidden"])],
        t("Interval high"): [_value(v, h, t, ov.k) for v, h in zip(g["ci_high"], g["hidden"])],
        t("Real gap"): [hidden_label(t, ov.k) if h else (t("Yes") if bool(r) else t("No"))
                        for r, h in zip(g["real"], g["hidden"])],
    })
    table.loc[~g["shared"].to_numpy(bool), table.columns[1:]] = t("No shared statement")
    return table


def _progress_table(ov: Overview, t: Translator, region_id: int | None, site_id: int | None) -> pd.DataFrame | None:
    view = progress_view(ov, region_id, site_id)
    if view is None:
        return None
    return pd.DataFrame({
        t("Area"): [area_label(ov, t, a) for a in view["area"]],
        t("Previous campaign"): [_value(v, h, t, ov.k) for v, h in zip(view["mean_from"], view["hidden_from"])],
        t("This campaign"): [_value(v, h, t, ov.k) for v, h in zip(view["mean_to"], view["hidden_to"])],
        t("Change (same people)"): [_value(v, h, t, ov.k) for v, h in zip(view["mean_delta"], view["hidden_paired"])],
    })


def _participation_table(part: pd.DataFrame, units: pd.DataFrame, t: Translator,
                         region_id: int | None, site_id: int | None) -> pd.DataFrame:
    rows = part.merge(units[["site_id", "site", "region_id", "region"]], on="site_id")
    if region_id is not None:
        rows = rows[rows["region_id"] == region_id]
    if site_id is not None:
        rows = rows[rows["site_id"] == site_id]
    roles = {"trainer": t("Trainers"), "manager": t("Managers")}
    return pd.DataFrame({
        t("Region"): rows["region"], t("Site"): rows["site"], t("Role"): rows["role"].map(roles),
        t("Invited"): rows["invited"], t("Started"): rows["started"], t("Submitted"): rows["submitted"],
    })


def overview_tables(ov: Overview, units: pd.DataFrame, part: pd.DataFrame, t: Translator,
                    region_id: int | None = None) -> list[Table]:
    """The overview's tables at the chosen scope (organisation or one region)."""
    head = headline(ov, region_id)
    lv = levels_display(ov, t, region_id)
    tables = [
        Table(t("Summary"), pd.DataFrame({
            t("Indicator"): [t("Trainers' practice (0-100)"), t("Organisation maturity index (0-100)")],
            t("Value"): [_value(head["practice"][0], head["practice"][2], t, ov.k),
                         _value(head["maturity"][0], head["maturity"][2], t, ov.k)],
        }), {t("Value"): SCORE_FMT}),
        Table(t("Participation"), _participation_table(part, units, t, region_id, None)),
        Table(t("Levels"), pd.DataFrame({
            t("Level"): lv["level_label"],
            t("Trainers"): [_value(n, h, t, ov.k) for n, h in zip(lv["n"], lv["hidden"])]})),
        Table(t("Regions"), _heat_table(ov, units, t, "region", None), None),
        Table(t("Sites"), _heat_table(ov, units, t, "site", region_id), None),
        Table(t("Perception gaps"), _gap_table(ov, t, None)),
    ]
    prog = _progress_table(ov, t, region_id, None)
    if prog is not None:
        tables.append(Table(t("Progress"), prog))
    return [Table(x.title, x.frame, x.formats or {c: SCORE_FMT for c in x.frame.columns}) for x in tables]


def site_tables(ov: Overview, units: pd.DataFrame, part: pd.DataFrame, t: Translator,
                site_id: int, region_id: int) -> list[Table]:
    """One site's tables: profile against region and organisation, gaps, progress, participation."""
    prof = site_profile(ov, site_id, region_id)
    tables = [
        Table(t("Profile"), pd.DataFrame({
            t("Area"): [area_label(ov, t, a) for a in prof["area"]],
            t("This site"): [_value(v, h, t, ov.k) for v, h in zip(prof["site"], prof["site_hidden"])],
            t("Region"): [_value(v, h, t, ov.k) for v, h in zip(prof["region"], prof["region_hidden"])],
            t("Organisation"): [_value(v, h, t, ov.k) for v, h in zip(prof["org"], prof["org_hidden"])],
        })),
        Table(t("Participation"), _participation_table(part, units, t, None, site_id)),
        Table(t("Perception gaps"), _gap_table(ov, t, site_id)),
    ]
    prog = _progress_table(ov, t, region_id, site_id)
    if prog is not None:
        tables.append(Table(t("Progress"), prog))
    return [Table(x.title, x.frame, {c: SCORE_FMT for c in x.frame.columns}) for x in tables]


def plan_table(actions: pd.DataFrame, t: Translator, names: dict[str, str]) -> Table:
    """An action plan as a table: focus, action, owner, due date, status, indicator, late."""
    return Table(t("Action plan"), pd.DataFrame({
        t("Site"): actions["site"].fillna(t("Organisation")),
        t("Focus area"): actions["focus_area"].map(lambda a: names.get(a, a)),
        t("Action"): actions["title"], t("Owner"): actions["owner"],
        t("Due date"): actions["due_on"],
        t("Status"): actions["status"].map(lambda s: t(STATUS_NAMES.get(s, s))),
        t("Indicator"): actions["indicator"],
        t("Late"): actions["late"].map(lambda v: t("Yes") if v else t("No")),
    }), {t("Due date"): "DD/MM/YYYY"})
