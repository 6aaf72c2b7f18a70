"""Hard rules of a plan, checked independently of any solver.

Used on every solver output in tests and on plans edited by hand: each
violation carries an English msgid with named parameters, rendered in the
reader's language by the page (``violation.render("fr")``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from i18n import N_, RelaisError
from planning.model import MODALITIES, Instance, Plan
from planning.reach import (
    allowed_modalities, cohort_place, in_scope, month_capacity, month_of, takes_remote,
)

MESSAGES: dict[str, str] = {
    "unknown_relay": N_("Cohort {cohort}: person {relay} is not a relay trainer"),
    "unknown_wave": N_("Cohort {cohort}: wave {wave} does not exist"),
    "unknown_modality": N_("Cohort {cohort}: unknown modality {modality}"),
    "area_out_of_scope": N_("Cohort {cohort}: area {area} is not in the plan's scope"),
    "area_not_mastered": N_("Cohort {cohort}: relay {relay} does not master {area}"),
    "modality_not_allowed": N_(
        "Cohort {cohort}: relay {relay} cannot lead a {modality} cohort under these settings"),
    "wrong_place": N_("Cohort {cohort}: it must meet where its relay {relay} works"),
    "unknown_learner": N_("Cohort {cohort}: person {person} is not a learner"),
    "self_training": N_("Cohort {cohort}: relay {relay} cannot be a member of their own cohort"),
    "no_need": N_("Cohort {cohort}: person {person} does not need {area}"),
    "duplicate_member": N_("Cohort {cohort}: person {person} is listed twice"),
    "too_small": N_("Cohort {cohort}: {size} members, fewer than the minimum {min}"),
    "too_large": N_("Cohort {cohort}: {size} members, more than the maximum {max}"),
    "out_of_scope": N_(
        "Cohort {cohort}: person {person} cannot meet relay {relay} face to face"),
    "hybrid_out_of_scope": N_(
        "Cohort {cohort}: person {person} could only join relay {relay}'s hybrid cohort "
        "remotely, and remote participation needs remote cohorts across the organisation "
        "allowed and offered by the relay"),
    "twice_in_wave": N_("Person {person} is in {count} cohorts during wave {wave}"),
    "lead_and_learn_same_wave": N_(
        "Person {person} leads a cohort and learns in another during wave {wave}"),
    "twice_same_area": N_("Person {person} is in {count} cohorts on {area}"),
    "hours_per_wave": N_(
        "Relay {relay} needs {hours} h in wave {wave}, more than their {budget} h a month"),
    "hours_per_month": N_(
        "Relay {relay} needs {hours} h over the {waves} waves of {month}, more than their "
        "{budget} h a month"),
    "cohorts_per_wave": N_(
        "Relay {relay} leads {count} cohorts in wave {wave}, more than the maximum {max}"),
    "cohorts_total": N_("Relay {relay} leads {count} cohorts, more than the maximum {max}"),
}


# The rules in words, for the page (the checks below and planning.reach are the definition).
RULE_SUMMARY: tuple[str, ...] = (
    N_("A person is in at most one cohort a wave, whether leading or learning."),
    N_("A relay's hours are counted per calendar month, over every wave that falls in it; "
       "the cohorts a relay leads are also capped per wave and in total."),
    N_("Face-to-face cohorts gather people of one region or one site, as chosen; so does the "
       "in-person part of a hybrid cohort."),
    N_("People from further away join a hybrid cohort remotely only when remote cohorts "
       "across the organisation are allowed and its relay offers remote teaching."),
    N_("A relay leads only the modalities they offered, and only those the settings allow; "
       "cohorts across the organisation are remote."),
)


@dataclass(frozen=True)
class Violation:
    """One broken rule: a kind, its msgid, parameters and the cohort concerned."""

    kind: str
    params: dict = field(default_factory=dict, hash=False)
    cohort_index: int | None = None

    @property
    def error(self) -> RelaisError:
        """The violation as a RelaisError, ready for ``render(lang)``."""
        return RelaisError(MESSAGES[self.kind], **self.params)

    def render(self, lang: str) -> str:
        """The violation in the reader's language."""
        return self.error.render(lang)

    def __str__(self) -> str:
        return str(self.error)


def check_plan(instance: Instance, plan: Plan) -> list[Violation]:
    """Every hard rule the plan breaks; empty when the plan is valid."""
    p = instance.params
    relays = {r.person_id: r for r in instance.relays}
    learners = {lr.person_id: lr for lr in instance.learners}
    waves = {w.index for w in instance.waves}
    out: list[Violation] = []
    per_wave: Counter = Counter()
    per_area: Counter = Counter()
    relay_wave: Counter = Counter()
    relay_total: Counter = Counter()
    for i, c in enumerate(plan.cohorts):
        n = i + 1
        add = lambda kind, **kw: out.append(Violation(kind, {"cohort": n, **kw}, i))  # noqa: E731
        relay = relays.get(c.relay_id)
        if relay is None:
            add("unknown_relay", relay=c.relay_id)
        if c.wave_index not in waves:
            add("unknown_wave", wave=c.wave_index)
        if c.modality not in MODALITIES:
            add("unknown_modality", modality=c.modality)
        if c.area not in p.areas_in_scope:
            add("area_out_of_scope", area=c.area)
        if relay is not None:
            relay_wave[(c.relay_id, c.wave_index)] += 1
            relay_total[c.relay_id] += 1
            if c.area not in relay.areas:
                add("area_not_mastered", relay=c.relay_id, area=c.area)
            if c.modality in MODALITIES and c.modality not in allowed_modalities(relay, p):
                add("modality_not_allowed", relay=c.relay_id, modality=c.modality)
            if c.modality in MODALITIES and (c.site_id, c.region_id) != cohort_place(
                    relay, c.modality):
                add("wrong_place", relay=c.relay_id)
        size = len(c.members)
        if size < p.cohort_min:
            add("too_small", size=size, min=p.cohort_min)
        if size > p.cohort_max:
            add("too_large", size=size, max=p.cohort_max)
        for person, k in Counter(c.members).items():
            if k > 1:
                add("duplicate_member", person=person)
        for m in dict.fromkeys(c.members):
            per_wave[(m, c.wave_index)] += 1
            per_area[(m, c.area)] += 1
            if m == c.relay_id:
                add("self_training", relay=c.relay_id)
                continue
            lr = learners.get(m)
            if lr is None:
                add("unknown_learner", person=m)
                continue
            if lr.needs.get(c.area, 0) <= 0:
                add("no_need", person=m, area=c.area)
            if relay is None or in_scope(lr, relay, p):
                continue
            if c.modality == "face_to_face":
                add("out_of_scope", person=m, relay=c.relay_id)
            elif c.modality == "hybrid" and not takes_remote(relay, c.modality, p):
                add("hybrid_out_of_scope", person=m, relay=c.relay_id)
    out += _person_and_relay_totals(instance, per_wave, per_area, relay_wave, relay_total)
    return out


def _person_and_relay_totals(
    instance: Instance, per_wave: Counter, per_area: Counter,
    relay_wave: Counter, relay_total: Counter,
) -> list[Violation]:
    """Violations of per-person and per-relay limits across cohorts."""
    p = instance.params
    relays = {r.person_id: r for r in instance.relays}
    out = [Violation("twice_in_wave", {"person": m, "wave": w, "count": k})
           for (m, w), k in sorted(per_wave.items()) if k > 1]
    out += [Violation("lead_and_learn_same_wave", {"person": m, "wave": w})
            for (m, w) in sorted(per_wave) if relay_wave.get((m, w), 0) > 0]
    out += [Violation("twice_same_area", {"person": m, "area": a, "count": k})
            for (m, a), k in sorted(per_area.items()) if k > 1]
    dates = {w.index: w.date for w in instance.waves}
    by_relay: dict[int, list[tuple[int, int]]] = defaultdict(list)
    by_month: dict[tuple, dict[int, int]] = defaultdict(dict)
    for (r, w), k in sorted(relay_wave.items()):
        by_relay[r].append((w, k))
        if w in dates:
            by_month[(r, month_of(dates[w]))][w] = k
    for (r, month), waves in sorted(by_month.items()):
        budget = relays[r].hours_per_month
        k = sum(waves.values())
        if k <= month_capacity(relays[r], p):
            continue
        hours = k * p.hours_per_cohort
        if len(waves) == 1:
            out.append(Violation("hours_per_wave", {
                "relay": r, "wave": next(iter(waves)), "hours": hours, "budget": budget}))
        else:
            out.append(Violation("hours_per_month", {
                "relay": r, "month": month, "waves": len(waves), "hours": hours,
                "budget": budget}))
    for r, items in by_relay.items():
        for w, k in items:
            if k > p.max_cohorts_per_relay_per_wave:
                out.append(Violation("cohorts_per_wave", {
                    "relay": r, "wave": w, "count": k, "max": p.max_cohorts_per_relay_per_wave}))
    out += [Violation("cohorts_total", {"relay": r, "count": k,
                                        "max": p.max_cohorts_per_relay_total})
            for r, k in sorted(relay_total.items()) if k > p.max_cohorts_per_relay_total]
    return out
