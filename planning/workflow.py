"""What the planner page does with a plan, as plain functions (no Streamlit).

Typed dates, figures after hand edits, a relay swap that moves the meeting
place with the relay, violations rendered with names instead of ids, the
what-if comparison as a table, and the Gantt rows.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

import pandas as pd

from i18n import N_, RelaisError, Translator
from planning.editing import compare_plans, swap_relay
from planning.evaluate import reasons, score
from planning.inputs import Directory
from planning.labels import AREA_LABELS, MODALITY_LABELS
from planning.model import Instance, Plan
from planning.reach import cohort_place
from planning.rules import MESSAGES, Violation

_SPLIT = re.compile(r"[\s,;]+")
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")


def parse_dates(text: str) -> list[dt.date]:
    """Dates typed as 2026-09-15 or 15/09/2026, separated by commas, spaces or lines."""
    out = []
    for n, token in enumerate((tok for tok in _SPLIT.split(text or "") if tok), start=1):
        for fmt in DATE_FORMATS:
            try:
                out.append(dt.datetime.strptime(token, fmt).date())
                break
            except ValueError:
                continue
        else:
            raise RelaisError(
                'Date {n} "{value}" is not a date: write it as 15/09/2026 or 2026-09-15',
                n=n, value=token[:40])
    if not out:
        raise RelaisError("Type at least one date")
    return out


def refresh(instance: Instance, plan: Plan) -> Plan:
    """Figures, left-out list and gap recomputed after a hand edit (cohort order kept)."""
    stats = score(instance, plan.cohorts)
    left = reasons(instance, plan.cohorts)
    stats["left_out"] = len(left)
    objective = float(stats["covered_need"])
    gap = (plan.bound - objective) / plan.bound if plan.bound > 0 else 0.0
    return replace(plan, stats=stats, left_out=left, objective=objective,
                   gap=round(max(gap, 0.0), 6))


def swap_relay_with_place(instance: Instance, plan: Plan, cohort_idx: int, relay_id: int) -> Plan:
    """Give a cohort to another relay; an in-person cohort moves to the new relay's site."""
    out = swap_relay(plan, cohort_idx, relay_id)
    relay = next((r for r in instance.relays if r.person_id == relay_id), None)
    if relay is not None:
        c = out.cohorts[cohort_idx]
        site, region = cohort_place(relay, c.modality)
        out.cohorts[cohort_idx] = replace(c, site_id=site, region_id=region)
    return out


def kpis(plan: Plan) -> dict[str, float]:
    """Headline figures: coverage, learners placed, needs left out, relays used, gap."""
    placed = {m for c in plan.cohorts for m in c.members}
    return {"coverage": float(plan.stats.get("coverage", 0) or 0),
            "learners_placed": len(placed), "left_out": len(plan.left_out),
            "relays_used": int(plan.stats.get("relays_used", 0) or 0),
            "cohorts": len(plan.cohorts), "gap": plan.gap, "bound": plan.bound,
            "objective": plan.objective}


PROOF_NOTES = {
    0: N_("Not proven optimal in the time given: the gap to the bound says how far the "
          "covered need may be from the best."),
    1: N_("Covered need: proven optimal. Meeting close to home, then an even load for the "
          "relays: the best found in the time given."),
    2: N_("Covered need, then meeting close to home: proven optimal. An even load for the "
          "relays: the best found in the time given."),
    3: N_("Proven optimal on all three criteria: covered need, then meeting close to home, "
          "then an even load for the relays."),
}


def proof_note(plan: Plan) -> str | None:
    """Which criteria the solver proved optimal (msgid), when the exact model ran."""
    proven = plan.stats.get("stages_proven")
    if proven is None:  # not from the exact model, or edited by hand (refresh re-scores)
        return None
    proven = max(0, min(3, int(proven)))
    if plan.status == "OPTIMAL":  # the need met its bound (perhaps the decomposition's)
        proven = max(proven, 1)
    return PROOF_NOTES[proven]


def describe(v: Violation, instance: Instance, names: Directory, t: Translator) -> str:
    """A violation in the reader's language, with people's names, area labels and dates."""
    waves = {w.index: w.date for w in instance.waves}
    p = dict(v.params)
    for key in ("relay", "person"):
        if key in p:
            p[key] = names.person(p[key])
    if "area" in p:
        p["area"] = t(AREA_LABELS.get(p["area"], p["area"]))
    if "modality" in p:
        p["modality"] = t(MODALITY_LABELS.get(p["modality"], p["modality"]))
    if "wave" in p and p["wave"] in waves:
        p["wave"] = t.date(waves[p["wave"]])
    if "month" in p:
        p["month"] = t.date(p["month"], "MMMM y")
    return t(MESSAGES[v.kind], **p)


def gantt_rows(instance: Instance, plan: Plan, names: Directory, t: Translator) -> list[dict]:
    """One row per cohort for charts.planner.gantt_frame."""
    waves = {w.index: w.date for w in instance.waves}
    return [{"cohort": n, "date": waves.get(c.wave_index), "relay": names.person(c.relay_id),
             "area": t(AREA_LABELS.get(c.area, c.area)),
             "modality": t(MODALITY_LABELS.get(c.modality, c.modality)),
             "members": len(c.members)}
            for n, c in enumerate(plan.cohorts, start=1) if c.wave_index in waves]


FIGURES = {
    "coverage": N_("Coverage of weighted need"),
    "pairs_covered": N_("Needs covered"),
    "cohorts": N_("Cohorts"),
    "relays_used": N_("Relays used"),
    "max_load": N_("Most cohorts for one relay"),
    "mean_load": N_("Mean cohorts per relay used"),
    "members_same_site": N_("Members on their own site"),
    "members_remote": N_("Members attending remotely"),
    "left_out": N_("Needs left out"),
}


def comparison_table(a: Plan, b: Plan, instance_a: Instance, instance_b: Instance,
                     t: Translator) -> pd.DataFrame:
    """Current plan vs variant, figure by figure, with the difference."""
    ra, rb = refresh(instance_a, a), refresh(instance_b, b)
    both = compare_plans(ra, rb)
    rows = [{t("Figure"): t(label), t("Current plan"): both[k]["a"], t("Variant"): both[k]["b"],
             t("Difference"): both[k]["delta"]} for k, label in FIGURES.items() if k in both]
    return pd.DataFrame(rows)
