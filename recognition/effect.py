"""The cohorts' measured effect: did attendees' area scores move more than comparable trainers'?

For one area, in the campaign after the plan's, *attendees* are trainers who
attended a cohort on that area (learner rows of the attendance frame with
``attended``) and have a score in that area in both campaigns. *Comparators*
are trainers with scores in both campaigns who attended no cohort on the
area (they may have attended one on another area).

Comparable means a similar starting score: an attendee is kept only when at
least one comparator started within ``caliper`` points of them, and a
comparator only when they started within ``caliper`` points of a kept
attendee (caliper matching). The effect is the difference of the two
groups' mean changes, with a Welch 95 % interval (unequal variances,
Welch-Satterthwaite degrees of freedom).

Every figure is a sum over one of the two groups (mean start, mean change,
their spread), so the disclosure layer can check the two groups as
populations (see :mod:`disclosure.effect`).

Frames
------
``scores`` (one campaign): person_id int, response_id int, area str, score float.
``attendance``: the cascade's attendance frame (person_id, role, area,
cohort_id str, plan_id, hours, attended, campaign_id).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from i18n import N_, Translator

CALIPER = 10.0
MIN_VARIANCE_N = 2  # a Welch interval needs two people on each side

ATTENDANCE_COLUMNS = [
    "person_id",
    "role",
    "area",
    "cohort_id",
    "plan_id",
    "hours",
    "attended",
    "campaign_id",
]


@dataclass
class Groups:
    """The two matched groups of one area: person ids and both responses of each."""

    area: str
    attendees: pd.DataFrame  # person_id, response_before, response_after, before, after
    comparators: pd.DataFrame  # same columns
    unmatched: int = 0  # attendees without a comparator within the caliper


@dataclass
class Effect:
    """The estimate for one area (or one relay's cohorts on an area)."""

    area: str
    n_attended: int
    n_comparison: int
    change_attended: float = float("nan")
    change_comparison: float = float("nan")
    start_attended: float = float("nan")
    start_comparison: float = float("nan")
    effect: float = float("nan")
    low: float = float("nan")
    high: float = float("nan")
    unmatched: int = 0
    shown: bool = True
    relay_id: int | None = None
    populations: dict = field(default_factory=dict, repr=False)  # for the disclosure check

    @property
    def estimable(self) -> bool:
        return bool(np.isfinite(self.low) and np.isfinite(self.high))


def check_attendance(frame: pd.DataFrame) -> pd.DataFrame:
    """The attendance frame with its documented columns and types (cohort_id as a string)."""
    missing = [c for c in ATTENDANCE_COLUMNS if c not in frame.columns]
    if missing:
        from i18n import RelaisError

        raise RelaisError("The attendance table lacks the columns {cols}.", cols=", ".join(missing))
    out = frame[ATTENDANCE_COLUMNS].copy()
    out["person_id"] = out["person_id"].astype(np.int64)
    out["cohort_id"] = out["cohort_id"].astype(str)
    out["area"] = out["area"].astype(str)
    out["attended"] = out["attended"].astype(bool)
    out["hours"] = out["hours"].astype(float)
    return out


def _paired(before: pd.DataFrame, after: pd.DataFrame, area: str) -> pd.DataFrame:
    """Trainers scored on area both times: person_id, response_id_before/_after, before, after."""
    cols = ["person_id", "response_id", "score"]
    b = before.loc[
        (before["area"] == area) & before["score"].notna() & before["person_id"].notna(), cols
    ]
    a = after.loc[
        (after["area"] == area) & after["score"].notna() & after["person_id"].notna(), cols
    ]
    both = b.merge(a, on="person_id", suffixes=("_before", "_after"))
    both = both.rename(columns={"score_before": "before", "score_after": "after"})
    both["person_id"] = both["person_id"].astype(np.int64)
    return both[["person_id", "response_id_before", "response_id_after", "before", "after"]]


def attendees_of(attendance: pd.DataFrame, area: str, relay_id: int | None = None) -> np.ndarray:
    """Person ids of learners who attended a cohort on area (of one relay's cohorts when given)."""
    att = check_attendance(attendance)
    rows = att[(att["area"] == area) & (att["role"] == "learner") & att["attended"]]
    if relay_id is not None:
        led = att.loc[(att["role"] == "relay") & (att["person_id"] == relay_id), "cohort_id"]
        rows = rows[rows["cohort_id"].isin(set(led))]
    return np.unique(rows["person_id"].to_numpy(np.int64))


def match(
    pairs: pd.DataFrame,
    attendees: np.ndarray,
    area: str,
    comparators: np.ndarray | None = None,
    caliper: float = CALIPER,
) -> Groups:
    """Caliper matching on the starting score (module docstring)."""
    treated = pairs[pairs["person_id"].isin(attendees)]
    pool = pairs[~pairs["person_id"].isin(attendees)]
    if comparators is not None:
        pool = pool[pool["person_id"].isin(comparators)]
    c_start = np.sort(pool["before"].to_numpy(float))

    def near(values: np.ndarray, sorted_ref: np.ndarray) -> np.ndarray:
        if not len(sorted_ref):
            return np.zeros(len(values), dtype=bool)
        lo = np.searchsorted(sorted_ref, values - caliper, side="left")
        hi = np.searchsorted(sorted_ref, values + caliper, side="right")
        return hi > lo

    kept_t = treated[near(treated["before"].to_numpy(float), c_start)]
    kept_c = pool[near(pool["before"].to_numpy(float), np.sort(kept_t["before"].to_numpy(float)))]
    return Groups(
        area,
        kept_t.reset_index(drop=True),
        kept_c.reset_index(drop=True),
        unmatched=len(treated) - len(kept_t),
    )


def welch(x: np.ndarray, y: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """mean(x) - mean(y) and its Welch interval (NaN bounds when a side has fewer than 2)."""
    diff = float(np.mean(x) - np.mean(y)) if len(x) and len(y) else float("nan")
    if len(x) < MIN_VARIANCE_N or len(y) < MIN_VARIANCE_N:
        return diff, float("nan"), float("nan")
    vx, vy = np.var(x, ddof=1) / len(x), np.var(y, ddof=1) / len(y)
    se2 = vx + vy
    if se2 == 0:
        return diff, diff, diff
    from scipy import stats  # here: scipy.stats takes seconds to import, pages rarely need it

    df = se2**2 / (vx**2 / (len(x) - 1) + vy**2 / (len(y) - 1))
    half = float(stats.t.ppf(0.5 + level / 2, df) * np.sqrt(se2))
    return diff, diff - half, diff + half


def estimate(groups: Groups, relay_id: int | None = None) -> Effect:
    """The effect of one pair of groups (not yet checked for disclosure)."""
    a, c = groups.attendees, groups.comparators
    da = (a["after"] - a["before"]).to_numpy(float)
    dc = (c["after"] - c["before"]).to_numpy(float)
    eff, low, high = welch(da, dc)
    return Effect(
        area=groups.area,
        n_attended=len(a),
        n_comparison=len(c),
        change_attended=float(da.mean()) if len(da) else float("nan"),
        change_comparison=float(dc.mean()) if len(dc) else float("nan"),
        start_attended=float(a["before"].mean()) if len(a) else float("nan"),
        start_comparison=float(c["before"].mean()) if len(c) else float("nan"),
        effect=eff,
        low=low,
        high=high,
        unmatched=groups.unmatched,
        relay_id=relay_id,
        populations={
            "attended": (
                a["response_id_before"].to_numpy(np.int64),
                a["response_id_after"].to_numpy(np.int64),
            ),
            "comparison": (
                c["response_id_before"].to_numpy(np.int64),
                c["response_id_after"].to_numpy(np.int64),
            ),
        },
    )


def area_groups(
    attendance: pd.DataFrame,
    before: pd.DataFrame,
    after: pd.DataFrame,
    areas: list[str] | None = None,
    caliper: float = CALIPER,
) -> list[Groups]:
    """The matched groups of every area that had a cohort (or of the areas given)."""
    att = check_attendance(attendance)
    names = sorted(att["area"].unique()) if areas is None else list(areas)
    learners_by_area = att[att["role"] == "learner"]
    out = []
    for area in names:
        pairs = _paired(before, after, area)
        attended = attendees_of(att, area)
        # people who were placed in a cohort on the area but did not attend are neither group:
        # their change says nothing about the cohort nor about trainers left to themselves
        placed = learners_by_area.loc[learners_by_area["area"] == area, "person_id"].to_numpy(
            np.int64
        )
        pool = np.setdiff1d(pairs["person_id"].to_numpy(np.int64), placed)
        out.append(match(pairs, attended, area, pool, caliper))
    return out


def effects(
    attendance: pd.DataFrame,
    before: pd.DataFrame,
    after: pd.DataFrame,
    areas: list[str] | None = None,
    caliper: float = CALIPER,
) -> list[Effect]:
    """One effect per area (raw: pass through :func:`disclosure.effect.guard` before showing)."""
    return [estimate(g) for g in area_groups(attendance, before, after, areas, caliper)]


def relay_effects(
    attendance: pd.DataFrame,
    before: pd.DataFrame,
    after: pd.DataFrame,
    relay_ids: list[int],
    caliper: float = CALIPER,
) -> list[Effect]:
    """One effect per relay and area they led, against the area's comparators (raw)."""
    att = check_attendance(attendance)
    learners = att[att["role"] == "learner"]
    relays = att[att["role"] == "relay"]
    by_area: dict[str, tuple[pd.DataFrame, np.ndarray]] = {}  # the area's pairs and pool, once
    out = []
    for relay in relay_ids:
        led = relays[relays["person_id"] == relay]
        for area in sorted(led["area"].unique()):
            if area not in by_area:
                pairs = _paired(before, after, area)
                placed = learners.loc[learners["area"] == area, "person_id"].to_numpy(np.int64)
                by_area[area] = pairs, np.setdiff1d(pairs["person_id"].to_numpy(np.int64), placed)
            pairs, pool = by_area[area]
            cohorts = set(led.loc[led["area"] == area, "cohort_id"])
            mine = learners[
                (learners["area"] == area)
                & learners["attended"]
                & learners["cohort_id"].isin(cohorts)
            ]
            attended = np.unique(mine["person_id"].to_numpy(np.int64))
            out.append(estimate(match(pairs, attended, area, pool, caliper), relay_id=int(relay)))
    return out


def hide(effect: Effect) -> Effect:
    """The same effect with every figure about people removed (the counts too)."""
    return Effect(
        area=effect.area, n_attended=0, n_comparison=0, shown=False, relay_id=effect.relay_id
    )


def verdict(effect: Effect, area_name: str, lang: str) -> str:
    """One sentence a director can read: what the cohorts did on this area."""
    t = Translator(lang)
    if not effect.shown:
        return t(
            N_("Not enough participants to say what the cohorts on {area} changed."), area=area_name
        )
    if not effect.estimable:
        return t(
            N_("Not enough participants to say what the cohorts on {area} changed."), area=area_name
        )
    n = round(abs(effect.effect))
    if effect.low > 0:
        return t(
            N_("The cohorts on {area} raised practice by about {n} points."), area=area_name, n=n
        )
    if effect.high < 0:
        return t(
            N_(
                "Trainers who attended the cohorts on {area} progressed less than comparable "
                "trainers, by about {n} points."
            ),
            area=area_name,
            n=n,
        )
    return t(
        N_(
            "No clear change yet: the cohorts on {area} may have raised practice or not "
            "(the interval includes zero)."
        ),
        area=area_name,
    )
