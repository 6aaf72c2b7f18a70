"""Qualiopi evidence pack: a campaign's released figures and actions, mapped to the indicators they support.

The indicators and what each asks (in our own words) are in data/qualiopi.yaml.
Every figure about people comes from an :class:`dashboards.overview.Overview`
(released populations of the disclosure layer); a hidden figure is written as
"fewer than k responses", never as a number.  Counts that are not about
anyone's answers (invitations, action plans, cohorts of published plans) are
read as they are.  The pack is tables: the same tables make the XLSX (one
sheet each) and the PDF.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml
from sqlalchemy import select
from sqlalchemy.engine import Engine

from dashboards.display import hidden_label
from dashboards.overview import Overview, build_overview, level_distribution, node_rows
from dashboards.participation import participation
from dashboards.plans import STATUS_NAMES, actions
from dashboards.units import campaigns, previous_campaign
from disclosure.figures import released_tree
from disclosure.release import Release
from disclosure.store import releases
from i18n import N_, RelaisError, Translator
from reports.pdf import Report, to_pdf
from reports.tables import Table
from reports.xlsx import to_xlsx
from scoring.anonymity import DEFAULT_K
from scoring.data import load_campaign
from scoring.schema import OVERALL, TRAINER_AREAS
from storage.db import read_session
from storage.models import Campaign, CohortPlan

INDICATORS = Path(__file__).resolve().parent.parent / "data" / "qualiopi.yaml"
REMOTE = ("remote_sync", "remote_async")
CAMPAIGN_STATUS = {"draft": N_("Draft"), "open": N_("Open"), "closed": N_("Closed")}
REFERENCE = N_("Référentiel national qualité: annex of décret n° 2019-565 du 6 juin 2019, "
               "replaced from 1 November 2026 by the annex of décret n° 2026-728 du 1er août 2026 "
               "(indicators 1 to 32 keep their numbers and criteria), read with the Guide de "
               "lecture of the Ministry of Labour. Indicator summaries are ours, not the official "
               "text.")


@dataclass(frozen=True)
class Indicator:
    number: str
    criterion: int
    title: dict[str, str]
    asks: dict[str, str]
    evidence: tuple[str, ...]
    only_remote: bool = False


@functools.cache
def indicators() -> tuple[Indicator, ...]:
    """The indicators of data/qualiopi.yaml, in file order."""
    rows = yaml.safe_load(INDICATORS.read_text(encoding="utf-8"))
    return tuple(Indicator(str(r["number"]), int(r["criterion"]), dict(r["title"]), dict(r["asks"]),
                           tuple(r["evidence"]), bool(r.get("only_remote", False))) for r in rows)


@dataclass(frozen=True)
class Pack:
    """The evidence pack of one campaign: title lines and tables."""

    title: str
    subtitle: str
    notes: list[str]
    tables: list[Table]

    def xlsx(self) -> bytes:
        return to_xlsx(self.tables, self.title)

    def pdf(self) -> bytes:
        return to_pdf(Report(self.title, self.subtitle, "", self.notes, [], self.tables))


def _campaigns(engine: Engine, campaign_id: int, k: int):  # noqa: ANN202
    """This campaign's data, the previous one's, and their releases (decided and recorded)."""
    table = campaigns(engine)
    prev_id = previous_campaign(table, campaign_id)
    cur = load_campaign(engine, campaign_id)
    prev = load_campaign(engine, prev_id) if prev_id is not None else None
    return cur, prev, releases(engine, cur, prev, k)


def overview_for(engine: Engine, campaign_id: int, k: int = DEFAULT_K, lang: str = "fr") -> Overview:
    """The campaign's overview over released populations, as the pages read it (recorded)."""
    cur, prev, rels = _campaigns(engine, campaign_id, k)
    return build_overview(cur, prev, k=k, lang=lang, releases=rels)


def _number(value: float | None, hidden: bool, t: Translator, k: int) -> object:
    if hidden or value is None or (isinstance(value, float) and math.isnan(value)):
        return hidden_label(t, k)
    return round(float(value), 1)


def _org_row(frame: pd.DataFrame, area: str) -> tuple[float, float, bool]:
    rows = node_rows(frame, None, None)
    rows = rows[rows["area"] == area]
    if rows.empty:
        return math.nan, math.nan, True
    r = rows.iloc[0]
    return float(r["mean"]), float(r["n"]), bool(r["hidden"])


class _Figures:
    """Figure rows (indicator, figure, value, respondents) for each evidence key."""

    def __init__(self, engine: Engine, ov: Overview, t: Translator, campaign_id: int,
                 remote_frames: dict[str, pd.DataFrame], learners: list[tuple[str, object, object]]):
        self.engine, self.ov, self.t, self.k = engine, ov, t, ov.k
        self.campaign_id, self.remote, self.learners = campaign_id, remote_frames, learners
        self.part = participation(engine, campaign_id)

    def _score(self, label: str, frame: pd.DataFrame, area: str) -> tuple[str, object, object]:
        mean, n, hidden = _org_row(frame, area)
        return label, _number(mean, hidden, self.t, self.k), "" if hidden else int(n)

    def rows(self, key: str) -> list[tuple[str, object, object]]:
        t, ov = self.t, self.ov
        kind, _, what = key.partition(":")
        if kind == "area":
            name = t("Overall") if what == OVERALL else ov.area_names.get(what, what)
            return [self._score(t("Trainers' practice, {area} (0-100)", area=name), ov.trainers, what)]
        if kind == "element":
            name = ov.element_names.get(what, what)
            return [self._score(t("Managers' view of the organisation, {element} (0-100)", element=name),
                                ov.managers, what)]
        if kind in ("gap", "gaps"):
            return self._gaps(what or None)
        if kind == "levels":
            dist = level_distribution(ov)
            if dist["hidden"].all():
                return [(t("Trainers per level"), hidden_label(t, self.k), "")]
            return [(t("Trainers at level {level}", level=lv), int(n), "") for lv, n in zip(dist["level"], dist["n"])]
        if kind == "participation":
            part = self.part[self.part["role"] == what]
            label = t("Trainers who answered / invited") if what == "trainer" else t("Managers who answered / invited")
            return [(label, f"{int(part['submitted'].sum())} / {int(part['invited'].sum())}", "")]
        if kind == "progress":
            return self._progress()
        if kind == "modality":
            frame = self.remote.get(what)
            name = t("live remote teaching") if what == "remote_sync" else t("self-paced remote teaching")
            if frame is None:
                return [(t("Trainers' practice, {area} (0-100)", area=name), hidden_label(t, self.k), "")]
            return [self._score(t("Trainers' practice, {area} (0-100)", area=name), frame, OVERALL)]
        if kind == "actions":
            acts = actions(self.engine, campaign_id=self.campaign_id)
            done = int((acts["status"] == "done").sum())
            return [(t("Actions in the campaign's plans (done / all)"), f"{done} / {len(acts)}", "")]
        if kind == "cohorts":
            n, seats = cohorts_summary(self.engine, self.campaign_id)
            return [(t("Training-of-trainers cohorts in published plans (cohorts / seats)"), f"{n} / {seats}", "")]
        if kind == "campaign":
            return [(t("Questionnaire campaign of the teaching teams"), t("see the Campaign sheet"), "")]
        if kind == "learners":
            return self.learners or [(t("Learners' voice"), t("not collected in this campaign"), "")]
        raise RelaisError("Unknown evidence {key} in {file}", key=key, file=INDICATORS.name)

    def _gaps(self, element: str | None) -> list[tuple[str, object, object]]:
        t, gaps = self.t, self.ov.gaps
        rows = gaps[(gaps["scope"] == "org") & (gaps["kind"] == "element")]
        if element is not None:
            rows = rows[rows["key"] == element]
        out = []
        for r in rows.itertuples(index=False):
            name = self.ov.element_names.get(r.key, r.key)
            value = getattr(r, "gap", math.nan)
            out.append((t("Managers minus trainers, {element} (points)", element=name),
                        _number(value, bool(r.hidden), t, self.k), ""))
        return out or [(t("Managers minus trainers (points)"), hidden_label(t, self.k), "")]

    def _progress(self) -> list[tuple[str, object, object]]:
        t, prog = self.t, self.ov.progress
        if prog is None:
            return [(t("Progress since the previous campaign"), t("no earlier campaign on the same questionnaire"), "")]
        rows = node_rows(prog, None, None)
        rows = rows[rows["area"] == OVERALL]
        if rows.empty:
            return [(t("Progress since the previous campaign"), hidden_label(t, self.k), "")]
        r = rows.iloc[0]
        hidden = bool(r.get("hidden_paired", True))
        n = r.get("n_paired", math.nan)
        return [(t("Progress of the same trainers since the previous campaign (points)"),
                 _number(r.get("mean_delta", math.nan), hidden, t, self.k),
                 "" if hidden or pd.isna(n) else int(n))]


def cohorts_summary(engine: Engine, campaign_id: int) -> tuple[int, int]:
    """(cohorts, seats) of the published training-of-trainers plans of a campaign."""
    with read_session(engine) as s:
        rows = s.execute(select(CohortPlan.params, CohortPlan.plan)
                         .where(CohortPlan.status == "published")).all()
    n = seats = 0
    for params, body in rows:
        if (params or {}).get("campaign_id") != campaign_id:
            continue
        for cohort in (body or {}).get("plan", {}).get("cohorts", []):
            n += 1
            seats += len(cohort.get("members", ()))
    return n, seats


def remote_frames(cur, rel: Release) -> dict[str, pd.DataFrame]:  # noqa: ANN001 - CampaignData
    """Trainers' frames of the remote modality slices (released populations only)."""
    areas = (*TRAINER_AREAS, OVERALL)
    return {m: released_tree(rel, cur.respondents, cur.scores, "trainer", areas, m) for m in REMOTE}


def trains_remotely(frames: dict[str, pd.DataFrame]) -> bool:
    """True when a released figure shows trainers of the organisation teaching remotely."""
    return any(not _org_row(f, OVERALL)[2] for f in frames.values())


def build_pack(engine: Engine, campaign_id: int, t: Translator, ov: Overview | None = None,
               remote: bool | None = None, k: int = DEFAULT_K,
               learners: list[tuple[str, object, object]] | None = None) -> Pack:
    """The evidence pack of a campaign (module docstring).

    ``remote``: whether the organisation trains remotely (None: decided from
    released figures); ``learners``: rows (figure, value, respondents) of the
    learners' questionnaire, when that feature provides released figures.
    """
    with read_session(engine) as s:
        camp = s.get(Campaign, campaign_id)
        if camp is None:
            raise RelaisError("Campaign {campaign} does not exist.", campaign=campaign_id)
        name, starts, ends, status = camp.name, camp.starts_on, camp.ends_on, camp.status
    cur, prev, rels = _campaigns(engine, campaign_id, ov.k if ov is not None else k)
    if ov is None:
        ov = build_overview(cur, prev, k=k, lang=t.lang, releases=rels)
    frames = remote_frames(cur, rels[0])
    if remote is None:
        remote = trains_remotely(frames)
    figures = _Figures(engine, ov, t, campaign_id, frames, learners or [])
    lang = "fr" if t.lang == "fr" else "en"
    summary, detail = [], []
    for ind in indicators():
        if ind.only_remote and not remote:
            continue
        label = t("Indicator {number}", number=ind.number) if ind.number.isdigit() else ind.number
        rows = [row for key in ind.evidence for row in figures.rows(key)]
        summary.append({t("Indicator"): label, t("Criterion"): ind.criterion or "",
                        t("Title"): ind.title[lang], t("What it asks (our summary)"): ind.asks[lang],
                        t("Relais evidence"): "; ".join(r[0] for r in rows)})
        detail += [{t("Indicator"): label, t("Evidence figure"): f, t("Value"): v, t("Respondents"): n}
                   for f, v, n in rows]
    part = figures.part
    camp_frame = pd.DataFrame([
        {t("Item"): t("Campaign"), t("Value"): name},
        {t("Item"): t("Opens on"), t("Value"): t.date(starts, "long")},
        {t("Item"): t("Closes on"), t("Value"): t.date(ends, "long")},
        {t("Item"): t("Status"), t("Value"): t(CAMPAIGN_STATUS[status]) if status in CAMPAIGN_STATUS else status},
        *({t("Item"): t("Trainers who answered / invited") if role == "trainer" else t("Managers who answered / invited"),
           t("Value"): f"{int(g['submitted'].sum())} / {int(g['invited'].sum())}"}
          for role, g in part.groupby("role")),
    ])
    acts = actions(engine, campaign_id=campaign_id)
    names = {**ov.area_names, **ov.element_names}
    act_frame = pd.DataFrame({
        t("Plan name"): acts["plan_title"], t("Action"): acts["title"], t("Owner"): acts["owner"],
        t("Focus area"): [names.get(a, a) for a in acts["focus_area"]],
        t("Due on"): [t.date(d) if d is not None and not pd.isna(d) else "" for d in acts["due_on"]],
        t("Status"): [t(STATUS_NAMES.get(s_, s_)) for s_ in acts["status"]],
        t("Indicator of success"): acts["indicator"]})
    cohorts, seats = cohorts_summary(engine, campaign_id)
    coh_frame = pd.DataFrame([{t("Published cohorts"): cohorts, t("Seats"): seats}])
    tables = [Table(t("Indicators"), pd.DataFrame(summary)),
              Table(t("Figures"), pd.DataFrame(detail)),
              Table(t("Campaign"), camp_frame),
              Table(t("Action plans"), act_frame),
              Table(t("Cohorts"), coh_frame)]
    notes = [t(REFERENCE),
             t("Figures from fewer than {k} people are never shown.", k=ov.k),
             t("Distance training included: {answer}.", answer=t("yes") if remote else t("no"))]
    return Pack(t("Relais — Qualiopi evidence pack"), f"{name} ({t.date(starts)} – {t.date(ends)})",
                notes, tables)
