"""A mutable plan under construction, keeping every hard rule true as it grows.

Greedy, realisation and repair all edit a Draft through ``open``/``add``/
``remove`` so that capacities, waves and needs are checked in one place.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from planning.model import Cohort, Instance, Learner, Relay
from planning.reach import (
    allowed_modalities, can_join, locality, make_cohort, month_capacity, month_of,
    needed_pairs, per_wave_capacity, relay_areas, total_capacity,
)


@dataclass
class DraftCohort:
    """A cohort being filled."""

    relay: Relay
    area: str
    modality: str
    wave: int
    members: list[int] = field(default_factory=list)
    target: int = 0


class Draft:
    """Cohorts plus the bookkeeping that keeps them valid."""

    def __init__(self, instance: Instance):
        self.instance = instance
        self.params = instance.params
        self.relays = {r.person_id: r for r in instance.relays}
        self.learners: dict[int, Learner] = {lr.person_id: lr for lr in instance.learners}
        self.need = needed_pairs(instance)
        self.waves = [w.index for w in instance.waves]
        self.cap_wave = {r.person_id: per_wave_capacity(r, self.params) for r in instance.relays}
        self.cap_total = {r.person_id: total_capacity(r, instance) for r in instance.relays}
        self.cap_month = {r.person_id: month_capacity(r, self.params) for r in instance.relays}
        self.month = {w.index: month_of(w.date) for w in instance.waves}
        self.cohorts: list[DraftCohort | None] = []
        self.busy: dict[int, dict[int, int]] = defaultdict(dict)  # learner -> wave -> cohort
        self.placed: dict[tuple[int, str], int] = {}  # (learner, area) -> cohort
        self.load_wave: dict[tuple[int, int], int] = defaultdict(int)
        self.load_month: dict[tuple[int, object], int] = defaultdict(int)
        self.load: dict[int, int] = defaultdict(int)
        self._by_area: dict[str, list[int]] = defaultdict(list)

    def can_open(self, relay_id: int, wave: int) -> bool:
        """True when the relay has cohort slots left in this wave, hours left in its month,
        and learns in no cohort of the wave."""
        return (self.load_wave[(relay_id, wave)] < self.cap_wave[relay_id]
                and self.load_month[(relay_id, self.month[wave])] < self.cap_month[relay_id]
                and self.load[relay_id] < self.cap_total[relay_id]
                and wave not in self.busy.get(relay_id, {}))

    def options(self, relay: Relay) -> list[tuple[str, str]]:
        """(area, modality) pairs the relay may lead."""
        return [(a, m) for a in relay_areas(relay, self.params)
                for m in allowed_modalities(relay, self.params)]

    def open(self, relay_id: int, area: str, modality: str, wave: int, target: int = 0) -> int:
        """Open an empty cohort and return its index."""
        assert self.can_open(relay_id, wave)
        self.cohorts.append(DraftCohort(self.relays[relay_id], area, modality, wave, [], target))
        self.load_wave[(relay_id, wave)] += 1
        self.load_month[(relay_id, self.month[wave])] += 1
        self.load[relay_id] += 1
        self._by_area[area].append(len(self.cohorts) - 1)
        return len(self.cohorts) - 1

    def close(self, idx: int) -> list[int]:
        """Dissolve a cohort; returns its former members."""
        c = self.cohorts[idx]
        assert c is not None
        members = list(c.members)
        for m in members:
            self.remove(idx, m)
        self.load_wave[(c.relay.person_id, c.wave)] -= 1
        self.load_month[(c.relay.person_id, self.month[c.wave])] -= 1
        self.load[c.relay.person_id] -= 1
        self.cohorts[idx] = None
        return members

    def can_add(self, idx: int, pid: int) -> bool:
        """True when the learner may join this cohort without breaking a rule."""
        c = self.cohorts[idx]
        if c is None or len(c.members) >= self.params.cohort_max:
            return False
        if (pid, c.area) not in self.need or (pid, c.area) in self.placed:
            return False
        if c.wave in self.busy[pid] or self.load_wave.get((pid, c.wave), 0) > 0:
            return False  # one place a wave: learning elsewhere, or leading
        return can_join(self.learners[pid], c.relay, c.modality, self.params)

    def add(self, idx: int, pid: int) -> None:
        """Put a learner in a cohort (caller checked can_add)."""
        c = self.cohorts[idx]
        c.members.append(pid)
        self.busy[pid][c.wave] = idx
        self.placed[(pid, c.area)] = idx

    def remove(self, idx: int, pid: int) -> None:
        """Take a learner out of a cohort."""
        c = self.cohorts[idx]
        c.members.remove(pid)
        del self.busy[pid][c.wave]
        del self.placed[(pid, c.area)]

    def local(self, idx: int, pid: int) -> int:
        """Locality points of the learner in this cohort."""
        c = self.cohorts[idx]
        return locality(self.learners[pid], c.relay, c.modality, self.params)

    def by_area(self, area: str) -> list[int]:
        """Indices of open cohorts on an area."""
        return [i for i in self._by_area[area] if self.cohorts[i] is not None]

    def live(self) -> list[int]:
        """Indices of cohorts still open."""
        return [i for i, c in enumerate(self.cohorts) if c is not None]

    def to_cohorts(self) -> list[Cohort]:
        """Frozen cohorts with meeting place and focus items."""
        return [make_cohort(c.relay, c.area, c.modality, c.wave,
                            [self.learners[m] for m in c.members])
                for c in self.cohorts if c is not None and c.members]
