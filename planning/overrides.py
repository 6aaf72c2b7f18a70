"""The lead's edits to the planner's inputs, relay by relay and learner by learner.

The database says who can lead (consenting champions) and who needs training;
the lead may know better for one person: a relay who will be on leave
(excluded), who can give more hours this term, who also runs remote sessions,
or a learner whose priority on an area should be raised or dropped.

:class:`Overrides` stores only those *changes*, keyed by person id, so a fresh
read of the database still brings new people in and drops relays whose
consent was withdrawn: an edit whose person is no longer there is ignored
(:func:`ignored` lists them so the page can say so).

The page shows two tables (:func:`relay_frame`, :func:`learner_frame`) in
``st.data_editor``; :func:`overrides_from_frames` validates every edited cell
and raises :class:`i18n.RelaisError` naming the person and the column, so bad
input changes nothing.  No Streamlit here.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from i18n import N_, RelaisError, Translator
from planning.inputs import Directory
from planning.labels import AREA_LABELS
from planning.model import AREAS, MODALITIES, Instance, Learner, Relay

MAX_HOURS = 200.0
MAX_PRIORITY = 5.0

# Column keys of the two tables, with their labels (English msgids).
INCLUDE, NAME, SITE, REGION = "include", "name", "site", "region"
HOURS, RELAY_AREAS, RELAY_MODALITIES = "hours", "areas", "modalities"
COLUMN_LABELS: dict[str, str] = {
    INCLUDE: N_("Include"),
    NAME: N_("Name"),
    SITE: N_("Site"),
    REGION: N_("Region"),
    HOURS: N_("Hours per month"),
    RELAY_AREAS: N_("Areas led"),
    RELAY_MODALITIES: N_("Modalities"),
}
READ_ONLY = (NAME, SITE, REGION)

BAD_ROWS = N_("The table of {table} changed shape: rows cannot be added, removed or reordered")
BAD_INCLUDE = N_("{person}, column {column}: tick or untick the box")
MISSING = N_("{person}, column {column}: fill in a number")
BAD_NUMBER = N_("{person}, column {column}: \"{value}\" is not a number")
OUT_OF_RANGE = N_("{person}, column {column}: {value} is outside {low}–{high}")
BAD_CHOICE = N_("{person}, column {column}: \"{value}\" is not a known choice")
NO_AREA = N_("{person}: a relay kept in the plan needs at least one area")
NO_MODALITY = N_("{person}: a relay kept in the plan needs at least one modality")
RELAYS_TABLE = N_("relays")
LEARNERS_TABLE = N_("learners")


@dataclass(frozen=True)
class RelayEdit:
    """What the lead changed for one relay; None means "as in the database"."""

    excluded: bool = False
    hours_per_month: float | None = None
    areas: frozenset[str] | None = None
    modalities: frozenset[str] | None = None


@dataclass(frozen=True)
class LearnerEdit:
    """What the lead changed for one learner: excluded, or new weights on some areas.

    A weight of 0 removes the need on that area.
    """

    excluded: bool = False
    needs: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Overrides:
    """The lead's edits, by person id (only people whose row changed)."""

    relays: dict[int, RelayEdit] = field(default_factory=dict)
    learners: dict[int, LearnerEdit] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.relays or self.learners)


NONE = Overrides()


# --- applying ----------------------------------------------------------------

def _edited_relay(r: Relay, e: RelayEdit) -> Relay:
    return replace(
        r, hours_per_month=r.hours_per_month if e.hours_per_month is None else e.hours_per_month,
        areas=r.areas if e.areas is None else e.areas,
        modalities=r.modalities if e.modalities is None else e.modalities)


def _edited_needs(lr: Learner, e: LearnerEdit, scope: frozenset[str]) -> dict[str, float]:
    merged = {**lr.needs, **e.needs}
    return {a: w for a, w in merged.items() if w > 0 and a in scope}


def apply(instance: Instance, overrides: Overrides) -> Instance:
    """The instance with the edits: excluded people removed, edited values replaced.

    Edits of people absent from the instance are ignored (see :func:`ignored`);
    applying twice gives the same instance.
    """
    if not overrides:
        return instance
    scope = instance.params.areas_in_scope
    relays = []
    for r in instance.relays:
        e = overrides.relays.get(r.person_id)
        if e is None:
            relays.append(r)
        elif not e.excluded:
            relays.append(_edited_relay(r, e))
    learners = []
    for lr in instance.learners:
        e = overrides.learners.get(lr.person_id)
        if e is None:
            learners.append(lr)
        elif not e.excluded:
            needs = _edited_needs(lr, e, scope)
            if needs:
                learners.append(replace(lr, needs=needs, weak_items={
                    a: lr.weak_items.get(a, ()) for a in needs}))
    return replace(instance, relays=tuple(relays), learners=tuple(learners))


def ignored(instance: Instance, overrides: Overrides) -> list[int]:
    """Person ids of edits that no longer apply (the person left the relays or learners)."""
    relays = {r.person_id for r in instance.relays}
    learners = {lr.person_id for lr in instance.learners}
    return sorted({p for p in overrides.relays if p not in relays}
                  | {p for p in overrides.learners if p not in learners})


def summary(instance: Instance, overrides: Overrides) -> dict[str, int]:
    """How many relays and learners of this (unedited) instance are excluded or edited."""
    relays = {r.person_id: r for r in instance.relays}
    learners = {lr.person_id for lr in instance.learners}
    r = [e for p, e in overrides.relays.items() if p in relays]
    lr = [e for p, e in overrides.learners.items() if p in learners]
    # Kept relays given an area their own answers do not show as mastered.
    beyond = sum(1 for p, e in overrides.relays.items() if p in relays and not e.excluded
                 and e.areas is not None and not e.areas <= relays[p].areas)
    return {"relays_excluded": sum(e.excluded for e in r),
            "relays_edited": sum(not e.excluded for e in r),
            "learners_excluded": sum(e.excluded for e in lr),
            "learners_edited": sum(not e.excluded for e in lr),
            "areas_beyond_mastery": beyond,
            "ignored": len(ignored(instance, overrides))}


def excluded_relays(overrides: Overrides) -> frozenset[int]:
    """Relays the lead left out (not to be offered back as what-if candidates)."""
    return frozenset(p for p, e in overrides.relays.items() if e.excluded)


# --- tables for the editor ---------------------------------------------------

def relay_frame(instance: Instance, names: Directory, overrides: Overrides = NONE) -> pd.DataFrame:
    """One row per relay of the (unedited) instance, edits shown; index = person id."""
    rows = []
    for r in instance.relays:
        e = overrides.relays.get(r.person_id, RelayEdit())
        shown = _edited_relay(r, e)
        rows.append({INCLUDE: not e.excluded, NAME: names.person(r.person_id),
                     SITE: names.site(r.site_id), REGION: names.regions.get(r.region_id, ""),
                     HOURS: float(shown.hours_per_month),
                     RELAY_AREAS: [a for a in AREAS if a in shown.areas],
                     RELAY_MODALITIES: [m for m in MODALITIES if m in shown.modalities]})
    frame = pd.DataFrame(rows, columns=[INCLUDE, NAME, SITE, REGION, HOURS, RELAY_AREAS,
                                        RELAY_MODALITIES],
                         index=pd.Index([r.person_id for r in instance.relays], name="person_id"))
    frame[HOURS] = frame[HOURS].astype("float64")
    frame[INCLUDE] = frame[INCLUDE].astype(bool)
    return frame


def learner_areas(instance: Instance) -> list[str]:
    """The priority columns of the learners' table: areas in scope, in the usual order."""
    return [a for a in AREAS if a in instance.params.areas_in_scope]


def learner_frame(instance: Instance, names: Directory,
                  overrides: Overrides = NONE) -> pd.DataFrame:
    """One row per learner, one priority column per area in scope (empty: no need)."""
    areas = learner_areas(instance)
    rows = []
    for lr in instance.learners:
        e = overrides.learners.get(lr.person_id, LearnerEdit())
        needs = {**lr.needs, **e.needs}
        rows.append({INCLUDE: not e.excluded, NAME: names.person(lr.person_id),
                     SITE: names.site(lr.site_id), REGION: names.regions.get(lr.region_id, ""),
                     **{a: (float(needs[a]) if needs.get(a, 0) > 0 else np.nan) for a in areas}})
    frame = pd.DataFrame(rows, columns=[INCLUDE, NAME, SITE, REGION, *areas],
                         index=pd.Index([lr.person_id for lr in instance.learners],
                                        name="person_id"))
    for a in areas:
        frame[a] = frame[a].astype("float64")
    frame[INCLUDE] = frame[INCLUDE].astype(bool)
    return frame


def column_labels(t: Translator, areas: Iterable[str] = AREAS) -> dict[str, str]:
    """Column key -> translated label, for both tables."""
    return {**{k: t(v) for k, v in COLUMN_LABELS.items()},
            **{a: t(AREA_LABELS[a]) for a in areas}}


def with_edits(frame: pd.DataFrame, state: Mapping | None,
               table: str = RELAYS_TABLE) -> pd.DataFrame:
    """The frame with a data editor's cell edits (``{"edited_rows": {pos: {col: value}}}``).

    Added or deleted rows are refused (the tables have a fixed set of people);
    values are left as typed: :func:`overrides_from_frames` checks them.
    """
    out = frame.copy()
    if not state:
        return out
    if state.get("added_rows") or state.get("deleted_rows"):
        raise RelaisError(BAD_ROWS, table=RelaisError(table))
    for pos, changes in dict(state.get("edited_rows") or {}).items():
        try:
            i = int(pos)
        except (TypeError, ValueError):
            raise RelaisError(BAD_ROWS, table=RelaisError(table)) from None
        if not 0 <= i < len(out):
            raise RelaisError(BAD_ROWS, table=RelaisError(table))
        for col, value in dict(changes).items():
            if col not in out.columns or col in READ_ONLY:
                continue
            if out[col].dtype != object:
                out[col] = out[col].astype(object)
            out.iat[i, out.columns.get_loc(col)] = value
    return out


# --- validation ----------------------------------------------------------------

def _label(key: str) -> RelaisError:
    """A column's label as a nested message (translated when the error is rendered)."""
    return RelaisError(COLUMN_LABELS.get(key) or AREA_LABELS.get(key, key))


def _blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, str) and not value.strip():
        return True
    try:
        return bool(pd.isna(value)) if np.ndim(value) == 0 else False
    except (TypeError, ValueError):
        return False


def _number(value: object, who: str, key: str, low: float, high: float,
            blank: float | None) -> float | None:
    """A number in [low, high]; blank -> ``blank`` (or an error when None)."""
    if _blank(value):
        if blank is None:
            raise RelaisError(MISSING, person=who, column=_label(key))
        return blank
    if isinstance(value, (bool, np.bool_)):
        raise RelaisError(BAD_NUMBER, person=who, column=_label(key), value=str(value))
    if isinstance(value, numbers.Real):
        x = float(value)
    elif isinstance(value, str):
        try:
            x = float(value.strip().replace(",", "."))
        except ValueError:
            raise RelaisError(BAD_NUMBER, person=who, column=_label(key),
                              value=value[:40]) from None
    else:
        raise RelaisError(BAD_NUMBER, person=who, column=_label(key), value=str(value)[:40])
    if not math.isfinite(x) or not low <= x <= high:
        raise RelaisError(OUT_OF_RANGE, person=who, column=_label(key), value=str(value)[:40],
                          low=f"{low:g}", high=f"{high:g}")
    return x


def _include(value: object, who: str) -> bool:
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    raise RelaisError(BAD_INCLUDE, person=who, column=_label(INCLUDE))


def _choices(value: object, known: tuple[str, ...], who: str, key: str) -> frozenset[str]:
    """A set of known codes from a multiselect cell (a list; blank = none)."""
    if isinstance(value, str) or not isinstance(value, (list, tuple, set, frozenset, np.ndarray)):
        if _blank(value):
            return frozenset()
        raise RelaisError(BAD_CHOICE, person=who, column=_label(key), value=str(value)[:40])
    out = set()
    for v in value:
        if not isinstance(v, str) or v not in known:
            raise RelaisError(BAD_CHOICE, person=who, column=_label(key), value=str(v)[:40])
        out.add(v)
    return frozenset(out)


def _same_rows(frame: pd.DataFrame, ids: list[int], table: str, columns: Iterable[str]) -> None:
    if not isinstance(frame, pd.DataFrame) or len(frame) != len(ids) or any(
            c not in frame.columns for c in columns):
        raise RelaisError(BAD_ROWS, table=RelaisError(table))
    try:
        same = [int(i) for i in frame.index] == ids
    except (TypeError, ValueError):
        same = False
    if not same:
        raise RelaisError(BAD_ROWS, table=RelaisError(table))


def overrides_from_frames(base: Instance, relay_df: pd.DataFrame, learner_df: pd.DataFrame,
                          names: Directory | None = None) -> Overrides:
    """The edits the two tables hold against the *unedited* instance, every cell checked.

    Raises RelaisError naming the person and the column of the first bad cell.
    """
    who = (lambda pid: names.person(pid)) if names else (lambda pid: f"#{pid}")  # noqa: E731
    _same_rows(relay_df, [r.person_id for r in base.relays], RELAYS_TABLE,
               (INCLUDE, HOURS, RELAY_AREAS, RELAY_MODALITIES))
    areas = learner_areas(base)
    _same_rows(learner_df, [lr.person_id for lr in base.learners], LEARNERS_TABLE,
               (INCLUDE, *areas))
    relays: dict[int, RelayEdit] = {}
    for r, (_, row) in zip(base.relays, relay_df.iterrows()):
        name = who(r.person_id)
        keep = _include(row[INCLUDE], name)
        hours = _number(row[HOURS], name, HOURS, 0.0, MAX_HOURS, None)
        led = _choices(row[RELAY_AREAS], AREAS, name, RELAY_AREAS)
        mods = _choices(row[RELAY_MODALITIES], MODALITIES, name, RELAY_MODALITIES)
        if keep and not led:
            raise RelaisError(NO_AREA, person=name)
        if keep and not mods:
            raise RelaisError(NO_MODALITY, person=name)
        edit = RelayEdit(
            excluded=not keep,
            hours_per_month=None if abs(hours - r.hours_per_month) < 1e-9 else hours,
            areas=None if led == r.areas else led,
            modalities=None if mods == r.modalities else mods)
        if edit != RelayEdit():
            relays[r.person_id] = edit
    learners: dict[int, LearnerEdit] = {}
    for lr, (_, row) in zip(base.learners, learner_df.iterrows()):
        name = who(lr.person_id)
        keep = _include(row[INCLUDE], name)
        changed = {}
        for a in areas:
            w = _number(row[a], name, a, 0.0, MAX_PRIORITY, 0.0)
            if abs(w - lr.needs.get(a, 0.0)) > 1e-9:
                changed[a] = round(w, 4)
        if not keep or changed:
            learners[lr.person_id] = LearnerEdit(excluded=not keep, needs=changed)
    return Overrides(relays, learners)


# --- JSON ------------------------------------------------------------------------

def to_json(overrides: Overrides) -> dict:
    """Overrides as JSON: person ids as strings, sets as sorted lists, unchanged fields left out."""
    relays = {}
    for pid, e in sorted(overrides.relays.items()):
        d: dict = {"excluded": e.excluded}
        if e.hours_per_month is not None:
            d["hours_per_month"] = e.hours_per_month
        if e.areas is not None:
            d["areas"] = sorted(e.areas)
        if e.modalities is not None:
            d["modalities"] = sorted(e.modalities)
        relays[str(pid)] = d
    learners = {str(pid): {"excluded": e.excluded, "needs": dict(sorted(e.needs.items()))}
                for pid, e in sorted(overrides.learners.items())}
    return {"relays": relays, "learners": learners}


def from_json(d: Mapping | None) -> Overrides:
    """The Overrides stored by :func:`to_json` (missing or empty -> no edit)."""
    if not d:
        return NONE
    relays = {}
    for pid, e in dict(d.get("relays") or {}).items():
        relays[int(pid)] = RelayEdit(
            excluded=bool(e.get("excluded", False)),
            hours_per_month=(None if e.get("hours_per_month") is None
                             else float(e["hours_per_month"])),
            areas=None if e.get("areas") is None else frozenset(e["areas"]),
            modalities=None if e.get("modalities") is None else frozenset(e["modalities"]))
    learners = {int(pid): LearnerEdit(bool(e.get("excluded", False)),
                                      {str(a): float(w) for a, w in (e.get("needs") or {}).items()})
                for pid, e in dict(d.get("learners") or {}).items()}
    return Overrides(relays, learners)
