"""The relay-trainer (champion) rule: readable, editable, and explained per person.

A trainer qualifies when every criterion holds:

* ``overall``  overall level >= ``min_overall_level`` (default B2);
* ``areas``    at least ``min_areas_at_level`` areas (default 2) at level >=
  ``min_area_level`` (default C1); an area without a score ("not applicable"
  or too few answers) never counts;
* ``willing``  answered yes to "willing to act as a relay" (when required);
* ``hours``    offers at least ``min_hours`` hours a month (default 1);
* ``consent``  consents, *now*, to be named to the lead.  Always required:
  a trainer who did not consent (or withdrew after the campaign) is never
  named, so the rule cannot switch it off.

A consenting trainer who does not qualify is *emerging* when they miss
exactly one of the other criteria and, if that criterion is a level, they
would meet it one level lower (overall B1 for a B2 rule; two areas at B2 or
above for a C1 rule).  ``reasons`` and ``missing`` are lists of
``(msgid, params)`` translated at the edge with :func:`render`.

Input frame (:func:`trainers_frame`): one row per submitted trainer response,
columns response_id, person_id, site_id, region_id, overall, one column per
area in ``areas`` (score 0-100 or NaN), relay_willing, relay_hours,
relay_areas, consent_named.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, fields

import numpy as np
import pandas as pd

from i18n import N_, RelaisError
from scoring.levels import LEVEL_CODES, level_codes_array
from scoring.schema import OVERALL, TRAINER_AREAS

CRITERIA: tuple[str, ...] = ("overall", "areas", "willing", "hours", "consent")
CRITERION_NAMES: dict[str, str] = {
    "overall": N_("Overall level"),
    "areas": N_("Strong areas"),
    "willing": N_("Willing to relay"),
    "hours": N_("Hours available"),
    "consent": N_("Consent to be named"),
}


@dataclass(frozen=True)
class ChampionRule:
    """The relay-trainer rule, stored as JSON in Setting 'champion_rule'."""

    min_overall_level: str = "B2"
    min_area_level: str = "C1"
    min_areas_at_level: int = 2
    require_willing: bool = True
    min_hours: float = 1.0
    require_consent: bool = True

    def __post_init__(self) -> None:
        for name in ("min_overall_level", "min_area_level"):
            if getattr(self, name) not in LEVEL_CODES:
                raise RelaisError("Champion rule: {field} must be one of {levels}, not {value}.",
                                  field=name, levels=", ".join(LEVEL_CODES),
                                  value=getattr(self, name))
        if not 0 <= int(self.min_areas_at_level) <= len(TRAINER_AREAS) \
                or int(self.min_areas_at_level) != self.min_areas_at_level:
            raise RelaisError("Champion rule: the number of areas must be a whole number "
                              "between 0 and {n}, not {value}.", n=len(TRAINER_AREAS),
                              value=self.min_areas_at_level)
        if not 0 <= float(self.min_hours) <= 40:
            raise RelaisError("Champion rule: hours must be between 0 and 40, not {value}.",
                              value=self.min_hours)
        if not self.require_consent:
            raise RelaisError("Champion rule: consent to be named cannot be switched off; a "
                              "trainer who did not consent is never named.")

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, value: dict | None) -> ChampionRule:
        """The rule from stored JSON; unknown keys are ignored, missing ones default."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in (value or {}).items() if k in known})

    def describe(self) -> list[tuple[str, dict]]:
        """The rule in words, as (msgid, params) lines."""
        lines = [(N_("Overall level at least {level}"), {"level": self.min_overall_level}),
                 (N_("At least {n} areas at level {level} or above"),
                  {"n": self.min_areas_at_level, "level": self.min_area_level})]
        if self.require_willing:
            lines.append((N_("Willing to act as a relay"), {}))
        lines.append((N_("At least {hours} hours a month available"), {"hours": _num(self.min_hours)}))
        lines.append((N_("Consents to be named to the lead"), {}))
        return lines


def _num(value: float) -> str:
    return f"{value:g}"


def _rank(code: str) -> int:
    return LEVEL_CODES.index(code)


def trainers_frame(scores: pd.DataFrame, respondents: pd.DataFrame,
                   areas: Sequence[str] = TRAINER_AREAS) -> pd.DataFrame:
    """One row per trainer response with overall and area scores side by side (see module doc)."""
    trainers = respondents[respondents["role"] == "trainer"][[
        "response_id", "person_id", "site_id", "region_id", "relay_willing", "relay_hours",
        "relay_areas", "consent_named"]]
    wanted = [OVERALL, *areas]
    sub = scores[scores["area"].astype(str).isin(wanted)]
    wide = sub.pivot_table(index="response_id", columns=sub["area"].astype(str), values="score",
                           aggfunc="first")
    wide = wide.reindex(columns=wanted)
    out = trainers.merge(wide, left_on="response_id", right_index=True, how="left")
    return out.rename(columns={OVERALL: "overall"}).reset_index(drop=True)


def evaluate(rule: ChampionRule, trainers: pd.DataFrame,
             areas: Sequence[str] = TRAINER_AREAS) -> pd.DataFrame:
    """trainers plus overall_level, strong_areas, ok_<criterion>, qualifies, emerging, reasons, missing."""
    out = trainers.copy()
    overall = level_codes_array(out["overall"].to_numpy(dtype=float, na_value=np.nan))
    area_codes = np.column_stack([
        level_codes_array(out[a].to_numpy(dtype=float, na_value=np.nan)) for a in areas
    ]) if len(areas) else np.zeros((len(out), 0), dtype=np.int8)
    need_overall, need_area = _rank(rule.min_overall_level), _rank(rule.min_area_level)
    n_strong = (area_codes >= need_area).sum(axis=1)
    n_near = (area_codes >= need_area - 1).sum(axis=1)  # NaN areas are -1: never count
    willing = out["relay_willing"].fillna(False).astype(bool).to_numpy()
    hours = out["relay_hours"].astype(float).fillna(0.0).to_numpy()
    consent = out["consent_named"].fillna(False).astype(bool).to_numpy()
    ok = {
        "overall": overall >= need_overall,
        "areas": n_strong >= rule.min_areas_at_level,
        "willing": willing | (not rule.require_willing),
        "hours": hours >= float(rule.min_hours),
        "consent": consent,
    }
    near = {"overall": overall == need_overall - 1,
            "areas": n_near >= rule.min_areas_at_level,
            "willing": np.ones(len(out), bool), "hours": np.ones(len(out), bool)}
    for name, values in ok.items():
        out[f"ok_{name}"] = values
    n_missed = sum((~ok[c]).astype(int) for c in CRITERIA if c != "consent")
    qualifies = np.logical_and.reduce([ok[c] for c in CRITERIA])
    one_near = np.logical_or.reduce([~ok[c] & near[c] for c in near])
    out["qualifies"] = qualifies
    out["emerging"] = consent & ~qualifies & (n_missed == 1) & one_near
    out["overall_level"] = [LEVEL_CODES[c] if c >= 0 else None for c in overall]
    out["strong_areas"] = [tuple(a for a, c in zip(areas, row) if c >= need_area)
                           for row in area_codes]
    cols = {c: out[c].tolist() for c in ("overall", "relay_willing", "relay_hours", "relay_areas")}
    area_scores = out[list(areas)].to_numpy(dtype=float, na_value=np.nan) if len(areas) else None
    out["reasons"] = [
        _reasons(rule, {c: v[i] for c, v in cols.items()}, areas, area_codes[i], area_scores[i],
                 overall[i]) if consent[i] else []
        for i in range(len(out))]
    out["missing"] = [_missing(rule, ok, i, overall[i], n_strong[i], hours[i])
                      for i in range(len(out))]
    return out


def _reasons(rule: ChampionRule, row: dict, areas: Sequence[str], codes: np.ndarray,
             scores: np.ndarray, overall: int) -> list[tuple[str, dict]]:
    """Why a trainer meets the criteria they meet: which levels, areas and answers."""
    reasons: list[tuple[str, dict]] = []
    if overall >= _rank(rule.min_overall_level):
        reasons.append((N_("Overall level {level} (score {score})"),
                        {"level": LEVEL_CODES[overall], "score": round(float(row["overall"]))}))
    for area, code, score in zip(areas, codes, scores):
        if code >= _rank(rule.min_area_level):
            reasons.append((N_("{area}: level {level} (score {score})"),
                            {"area": area, "level": LEVEL_CODES[code], "score": round(float(score))}))
    if bool(row["relay_willing"]):
        reasons.append((N_("Answered yes to 'willing to act as a relay'"), {}))
    hours = row["relay_hours"]
    if hours == hours and float(hours or 0) > 0:  # NaN-safe
        reasons.append((N_("Offers {hours} hours a month"), {"hours": _num(float(row["relay_hours"]))}))
    offered = tuple(row["relay_areas"] or ())
    if offered:
        reasons.append((N_("Offers to support colleagues in: {areas}"), {"areas": offered}))
    return reasons


def _missing(rule: ChampionRule, ok: dict, i: int, overall: int, n_strong: int,
             hours: float) -> list[tuple[str, dict]]:
    """Which criteria a trainer misses, with what they have against what the rule asks."""
    out: list[tuple[str, dict]] = []
    if not ok["overall"][i]:
        out.append((N_("Overall level {level}, the rule asks {need}"),
                    {"level": LEVEL_CODES[overall] if overall >= 0 else "—",
                     "need": rule.min_overall_level}))
    if not ok["areas"][i]:
        out.append((N_("{n} areas at {level} or above, the rule asks {need}"),
                    {"n": int(n_strong), "level": rule.min_area_level,
                     "need": rule.min_areas_at_level}))
    if not ok["willing"][i]:
        out.append((N_("Did not say they are willing to relay"), {}))
    if not ok["hours"][i]:
        out.append((N_("{hours} hours a month available, the rule asks {need}"),
                    {"hours": _num(hours), "need": _num(float(rule.min_hours))}))
    if not ok["consent"][i]:
        out.append((N_("Has not consented to be named"), {}))
    return out


def render(lines: Sequence[tuple[str, dict]], t: Callable[..., str],
           area_names: dict[str, str] | None = None) -> list[str]:
    """Translate (msgid, params) lines; area ids in params become area names."""
    names = area_names or {}
    out = []
    for msgid, params in lines:
        shown = dict(params)
        if "area" in shown:
            shown["area"] = names.get(shown["area"], shown["area"])
        if isinstance(shown.get("areas"), tuple):
            shown["areas"] = ", ".join(names.get(a, a) for a in shown["areas"])
        out.append(t(msgid, **shown))
    return out
