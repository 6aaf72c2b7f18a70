"""The overview's three-way gap (managers, trainers, learners) as export tables (no Streamlit).

The export shows the nodes the overview page shows, in the same order, from the
same disclosure-released frame (:func:`disclosure.learner_store.learner_figures`):
the organisation; or one region; or one site, followed by its region when a side
of the site cannot be shown. A side under k, or a gap with a hidden side, is the
"fewer than k" text, never a number.
"""

from __future__ import annotations

import math

import pandas as pd

from dashboards.display import hidden_label
from dashboards.learners_display import SIDE_NAMES, rows_at
from i18n import N_, Translator
from reports.tables import Table
from survey.learner_questionnaire import LearnerQuestionnaire

Node = tuple[str, int | None, int | None, str]  # scope, region_id, site_id, name shown
HIDDEN_SIDES = ["hidden_managers", "hidden_trainers", "hidden_learners"]
GAPS = {"lm": ("managers", N_("Learners minus managers")), "lt": ("trainers", N_("Learners minus trainers"))}


def has_learner_figures(items: pd.DataFrame) -> bool:
    """False when the overview shows no three-way section at all (no learner figure released)."""
    return not (items.empty or items["n"].isna().all())


def shown_nodes(three: pd.DataFrame, region_id: int | None, site_id: int | None,
                org_name: str, region_name: str, site_name: str) -> list[Node]:
    """The nodes the overview draws, in order (the page and its exports both use this)."""
    if site_id is None:
        return [("region", region_id, None, region_name) if region_id is not None else
                ("org", None, None, org_name)]
    site = ("site", region_id, site_id, site_name)
    if rows_at(three, "site", region_id, site_id)[HIDDEN_SIDES].any().any():
        return [site, ("region", region_id, None, region_name)]
    return [site]


def _num(value: float, hidden: bool, t: Translator, k: int, digits: int = 1) -> object:
    if hidden or value is None or (isinstance(value, float) and math.isnan(value)):
        return hidden_label(t, k)
    return round(float(value), digits) if digits else int(value)


def three_way_tables(three: pd.DataFrame, nodes: list[Node], q: LearnerQuestionnaire,
                     t: Translator, k: int) -> list[Table]:
    """Two long tables: each side's mean per statement and node, then the learners' two gaps."""
    score, low, high = t("Score (0-100)"), t("Interval low"), t("Interval high")
    scope, statement, n_col = t("Scope"), t("Statement (learners' wording)"), t("Respondents")
    means, gaps = [], []
    for kind, rid, sid, name in nodes:
        for r in rows_at(three, kind, rid, sid).to_dict("records"):
            text = q.item(r["item"]).text[t.lang]
            for side, label in SIDE_NAMES.items():
                hidden = bool(r[f"hidden_{side}"])
                means.append({scope: name, statement: text, t("Who answers"): t(label),
                              score: _num(r[f"mean_{side}"], hidden, t, k),
                              low: _num(r[f"ci_low_{side}"], hidden, t, k),
                              high: _num(r[f"ci_high_{side}"], hidden, t, k),
                              n_col: _num(r[f"n_{side}"], hidden, t, k, digits=0)})
            for key, (side, label) in GAPS.items():
                hidden = bool(r["hidden_learners"] or r[f"hidden_{side}"]) or math.isnan(r[f"gap_{key}"])
                lo, hi = r[f"gap_{key}_low"], r[f"gap_{key}_high"]
                gaps.append({scope: name, statement: text, t("Comparison"): t(label),
                             t("Gap"): _num(r[f"gap_{key}"], hidden, t, k),
                             low: _num(lo, hidden, t, k), high: _num(hi, hidden, t, k),
                             t("Real gap"): hidden_label(t, k) if hidden else
                             (t("No") if lo <= 0 <= hi else t("Yes"))})
    if not means:
        return []
    fmt = {c: "0.0" for c in (score, low, high, t("Gap"))} | {n_col: "0"}
    means_frame, gaps_frame = pd.DataFrame(means), pd.DataFrame(gaps)
    return [Table(t("Three views"), means_frame, {c: f for c, f in fmt.items() if c in means_frame}),
            Table(t("Learners' gaps"), gaps_frame, {c: f for c, f in fmt.items() if c in gaps_frame})]
