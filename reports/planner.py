"""Exports of a cohort plan: tables, XLSX, CSV and one ICS calendar per relay.

Names: relays are consenting champions.  Learners are named in cohort lists
because the plan is operational (people must be invited); a cohort reveals
only that an area is a training priority for its members — no score, level,
gap or need weight of a learner is ever shown or exported, only the focus
items the cohort shares.  The ICS calendar of a relay lists their own
members' first and last names, for that relay only.

Every text cell goes through :func:`reports.safe.safe_frame` (spreadsheet
formula neutralisation) before it is written.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pandas as pd
from icalendar import Calendar, Event
from openpyxl import Workbook
from openpyxl.styles import Font

from cascade.sessions import START, split
from i18n import Translator
from planning.inputs import Directory
from planning.labels import AREA_LABELS, MODALITY_LABELS, REMOTE_PLACE
from planning.model import Instance, Plan
from planning.reach import in_scope
from reports.safe import safe_frame

ICS_DOMAIN = "relais.local"
START_HOUR = START.hour  # the sessions publication makes start then
TIMEZONE = ZoneInfo("Europe/Paris")


@dataclass(frozen=True)
class PlanTables:
    """The plan as translated frames, in the order of the XLSX sheets."""

    cohorts: pd.DataFrame
    members: pd.DataFrame
    left_out: pd.DataFrame
    load: pd.DataFrame
    parameters: pd.DataFrame

    def sheets(self, t: Translator) -> list[tuple[str, pd.DataFrame]]:
        """(sheet title, frame) pairs."""
        return [(t("Cohorts"), self.cohorts), (t("Members"), self.members),
                (t("Left out"), self.left_out), (t("Load per relay"), self.load),
                (t("Parameters"), self.parameters)]


def place(t: Translator, names: Directory, site_id: int | None) -> str:
    """Where a cohort meets: the site's name, or 'remote'."""
    return t(REMOTE_PLACE) if site_id is None else names.site(site_id)


def plan_tables(instance: Instance, plan: Plan, names: Directory, t: Translator) -> PlanTables:
    """Cohorts, members, left out, load per relay and parameters as translated frames."""
    waves = {w.index: w.date for w in instance.waves}
    relays = {r.person_id: r for r in instance.relays}
    learners = {lr.person_id: lr for lr in instance.learners}
    area = lambda a: t(AREA_LABELS.get(a, a))  # noqa: E731
    cohorts, members = [], []
    for n, c in enumerate(plan.cohorts, start=1):
        relay = relays.get(c.relay_id)
        cohorts.append({
            t("Cohort"): n, t("Date"): waves.get(c.wave_index), t("Relay"): names.person(c.relay_id),
            t("Area"): area(c.area), t("Modality"): t(MODALITY_LABELS.get(c.modality, c.modality)),
            t("Place"): place(t, names, c.site_id), t("Members"): len(c.members),
            t("Focus items"): ", ".join(c.focus_items)})
        for m in c.members:
            lr = learners.get(m)
            in_person = (relay is not None and lr is not None and c.modality != "remote"
                         and in_scope(lr, relay, instance.params))
            members.append({
                t("Cohort"): n, t("Date"): waves.get(c.wave_index), t("Area"): area(c.area),
                t("Relay"): names.person(c.relay_id), t("Member"): names.person(m),
                t("Member's site"): names.site(lr.site_id) if lr else "",
                t("Attends"): t("In person") if in_person else t("Remote")})
    left = [{t("Person"): names.person(lo.person_id),
             t("Site"): names.site(learners[lo.person_id].site_id)
             if lo.person_id in learners else "",
             t("Area"): area(lo.area), t("Reason"): t(lo.reason_code)} for lo in plan.left_out]
    led = Counter(c.relay_id for c in plan.cohorts)
    load = [{t("Relay"): names.person(r.person_id), t("Site"): names.site(r.site_id),
             t("Areas led"): ", ".join(area(a) for a in sorted(r.areas)),
             t("Cohorts"): led.get(r.person_id, 0),
             t("Hours planned"): led.get(r.person_id, 0) * instance.params.hours_per_cohort,
             t("Hours a month"): r.hours_per_month}
            for r in instance.relays]
    return PlanTables(
        cohorts=_frame(cohorts, [t("Cohort"), t("Date"), t("Relay"), t("Area"), t("Modality"),
                                 t("Place"), t("Members"), t("Focus items")]),
        members=_frame(members, [t("Cohort"), t("Date"), t("Area"), t("Relay"), t("Member"),
                                 t("Member's site"), t("Attends")]),
        left_out=_frame(left, [t("Person"), t("Site"), t("Area"), t("Reason")]),
        load=_frame(load, [t("Relay"), t("Site"), t("Areas led"), t("Cohorts"),
                           t("Hours planned"), t("Hours a month")]),
        parameters=parameters_frame(instance, plan, t))


def _frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns)


def parameters_frame(instance: Instance, plan: Plan, t: Translator) -> pd.DataFrame:
    """The settings and quality figures of the plan, one per row."""
    p = instance.params
    rows = [
        (t("Target level"), p.target_level),
        (t("Areas in scope"), ", ".join(t(AREA_LABELS.get(a, a)) for a in sorted(p.areas_in_scope))),
        (t("Waves"), ", ".join(w.date.isoformat() for w in instance.waves)),
        (t("Cohort size, minimum"), p.cohort_min),
        (t("Cohort size, maximum"), p.cohort_max),
        (t("Cohorts per relay per wave, maximum"), p.max_cohorts_per_relay_per_wave),
        (t("Cohorts per relay in total, maximum"), p.max_cohorts_per_relay_total),
        (t("Hours per cohort"), p.hours_per_cohort),
        (t("Face-to-face scope"), t("Site") if p.face_to_face_scope == "site" else t("Region")),
        (t("Remote cohorts allowed"), t("Yes") if p.allow_remote else t("No")),
        (t("Hybrid cohorts allowed"), t("Yes") if p.allow_hybrid else t("No")),
        (t("Coverage of weighted need"), float(plan.stats.get("coverage", 0) or 0)),
        (t("Optimality gap to the bound"), plan.gap),
        (t("Solver status"), plan.status),
    ]
    return pd.DataFrame(rows, columns=[t("Parameter"), t("Value")]).astype({t("Value"): object})


def to_xlsx(tables: PlanTables, t: Translator) -> bytes:
    """A workbook with one sheet per table, bold header, frozen first row."""
    wb = Workbook()
    wb.remove(wb.active)
    for title, frame in tables.sheets(t):
        ws = wb.create_sheet(title[:31])
        safe = safe_frame(frame)
        ws.append([str(c) for c in safe.columns])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in safe.itertuples(index=False):
            ws.append([_cell(v) for v in row])
        ws.freeze_panes = "A2"
        for col in ws.columns:
            width = max(len(str(c.value or "")) for c in list(col)[:200])
            ws.column_dimensions[col[0].column_letter].width = min(max(width + 2, 8), 60)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _cell(value: object) -> object:
    if value is None or (not isinstance(value, (str, dt.date)) and pd.isna(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def to_csv(frame: pd.DataFrame) -> bytes:
    """One table as CSV for French spreadsheets: UTF-8 with BOM, semicolons, cells neutralised."""
    return safe_frame(frame).to_csv(sep=";", index=False, decimal=",").encode("utf-8-sig")


def relay_calendar(instance: Instance, plan: Plan, relay_id: int, names: Directory,
                   t: Translator) -> bytes:
    """RFC 5545 calendar of one relay: one event per session of each cohort they lead (a
    cohort longer than a working day meets on consecutive working days, cascade.sessions)."""
    waves = {w.index: w.date for w in instance.waves}
    cal = Calendar()
    cal.add("prodid", "-//Relais//Cohort planner//FR")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", t("Cohorts led by {name}", name=names.person(relay_id)))
    hours = instance.params.hours_per_cohort
    stamp = dt.datetime.now(dt.UTC).replace(microsecond=0)
    for n, c in enumerate(plan.cohorts, start=1):
        if c.relay_id != relay_id or c.wave_index not in waves:
            continue
        parts = split(hours, waves[c.wave_index])  # the sessions publication will make
        for number, day, length in parts:
            start = dt.datetime(day.year, day.month, day.day, START_HOUR, tzinfo=TIMEZONE)
            ev = Event()
            ev.add("uid", f"cohort-{n}-{relay_id}-{day.isoformat()}-{c.area}@{ICS_DOMAIN}")
            ev.add("dtstamp", stamp)
            ev.add("dtstart", start)
            ev.add("dtend", start + dt.timedelta(hours=length))
            summary = t("Cohort {n}: {area} ({modality})", n=n,
                        area=t(AREA_LABELS.get(c.area, c.area)),
                        modality=t(MODALITY_LABELS.get(c.modality, c.modality)))
            if len(parts) > 1:
                summary += " · " + t("session {k} of {total}", k=number, total=len(parts))
            ev.add("summary", summary)
            ev.add("location", place(t, names, c.site_id))
            lines = [t("{count} members", count=len(c.members))]
            if c.focus_items:
                lines.append(t("Focus items: {items}", items=", ".join(c.focus_items)))
            lines += [f"- {names.person(m)}" for m in c.members]
            ev.add("description", "\n".join(lines))
            cal.add_component(ev)
    cal.add_missing_timezones()
    return cal.to_ical()
