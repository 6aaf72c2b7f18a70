"""Tables of learners' figures and of the three-way gap, ready to show (no Streamlit).

Values are written for people: "58.3 [51.0-65.6] (n = 24)" in the reader's
locale, or the hidden label when a side has fewer than k people.
"""

from __future__ import annotations

import math

import pandas as pd

from dashboards.display import hidden_label
from i18n import N_, Translator
from survey.learner_questionnaire import LearnerQuestionnaire

SIDE_NAMES = {"managers": N_("Managers"), "trainers": N_("Trainers"), "learners": N_("Learners")}


def _mean(t: Translator, mean: float, low: float, high: float, n: float, hidden: bool, k: int) -> str:
    if hidden or mean is None or math.isnan(mean):
        return hidden_label(t, k)
    return t("{mean} [{low}-{high}] (n = {n})", mean=t.number(mean), low=t.number(low),
             high=t.number(high), n=int(n))


def _gap(t: Translator, gap: float, low: float, high: float, k: int) -> str:
    if gap is None or math.isnan(gap):
        return hidden_label(t, k)
    sign = "+" if gap > 0 else ""
    real = "" if low <= 0 <= high else " *"
    return f"{sign}{t.number(gap)} [{t.number(low)}; {t.number(high)}]{real}"


def rows_at(frame: pd.DataFrame, scope: str, region_id: int | None = None,
            site_id: int | None = None) -> pd.DataFrame:
    """Rows of one node of a learners' or three-way frame."""
    rows = frame[frame["scope"] == scope]
    if scope == "region":
        rows = rows[rows["region_id"] == region_id]
    elif scope == "site":
        rows = rows[rows["site_id"] == site_id]
    return rows


def three_way_table(rows: pd.DataFrame, q: LearnerQuestionnaire, t: Translator, k: int) -> pd.DataFrame:
    """One line per mirrored statement: the learners' wording, three means, two gaps."""
    out = pd.DataFrame({t("Statement (learners' wording)"): [q.item(i).text[t.lang] for i in rows["item"]]})
    for side, name in SIDE_NAMES.items():
        out[t(name)] = [_mean(t, r[f"mean_{side}"], r[f"ci_low_{side}"], r[f"ci_high_{side}"],
                              r[f"n_{side}"], r[f"hidden_{side}"], k) for _, r in rows.iterrows()]
    out[t("Learners minus managers")] = [_gap(t, r["gap_lm"], r["gap_lm_low"], r["gap_lm_high"], k)
                                         for _, r in rows.iterrows()]
    out[t("Learners minus trainers")] = [_gap(t, r["gap_lt"], r["gap_lt_low"], r["gap_lt_high"], k)
                                         for _, r in rows.iterrows()]
    return out


def learner_table(rows: pd.DataFrame, q: LearnerQuestionnaire, t: Translator, k: int) -> pd.DataFrame:
    """Every learners' statement at one node: its wording and the learners' mean (0-100)."""
    return pd.DataFrame({
        t("Statement"): [q.item(i).text[t.lang] for i in rows["item"]],
        t("Learners"): [_mean(t, r["mean"], r["ci_low"], r["ci_high"], r["n"], r["hidden"], k)
                        for _, r in rows.iterrows()]})


def fully_hidden(rows: pd.DataFrame) -> bool:
    """True when no side of any statement can be shown at this node."""
    return bool(rows.empty or rows[["hidden_managers", "hidden_trainers", "hidden_learners"]].all().all())
