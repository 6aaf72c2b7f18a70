"""Aggregated CP-SAT master: how many cohorts of each kind, fed by which groups.

Learners are grouped by (site, area): inside a group they are interchangeable
for every rule but the one-cohort-per-wave rule, which the master drops.
Cohort kinds are (relay, area, modality).  In-person seats flow from a group
to the kinds within reach; remote seats flow through one pool per area to any
kind that takes remote members (remote, or hybrid when allowed:
:func:`planning.reach.takes_remote`).  The waves are dropped: a relay's cohorts
only count against their capacity over the horizon (waves, months and total).

The master is a relaxation of the full model, so its proven bound on covered
need is a valid upper bound for every plan.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from planning.evaluate import combined_weights
from planning.model import IN_PERSON, Instance
from planning.reach import (
    LOCAL_REGION, LOCAL_SITE, allowed_modalities, leaders, need_int, needed_pairs,
    per_wave_capacity, relay_areas, takes_remote, total_capacity,
)

Kind = tuple[int, str, str]  # relay, area, modality
Group = tuple[int, str]  # site, area


@dataclass
class MasterResult:
    """Cohort counts and seat flows chosen by the master, with its bound."""

    status: str
    counts: dict[Kind, int] = field(default_factory=dict)
    inflow: dict[tuple[Group, Kind], int] = field(default_factory=dict)
    remote_in: dict[Kind, int] = field(default_factory=dict)
    pool_out: dict[Group, int] = field(default_factory=dict)
    chosen: set[tuple[int, str]] = field(default_factory=set)
    bound: float = 0.0
    combined_bound: int = 0


def groups_of(instance: Instance) -> dict[Group, list[int]]:
    """Learners per (site, area), heaviest need first."""
    need = needed_pairs(instance)
    site = {lr.person_id: lr.site_id for lr in instance.learners}
    out: dict[Group, list[int]] = defaultdict(list)
    for (pid, a), w in sorted(need.items(), key=lambda kv: (-kv[1], kv[0])):
        out[(site[pid], a)].append(pid)
    return dict(out)


def solve_master(instance: Instance, time_limit: float, workers: int = 2,
                 hint: set[tuple[int, str]] | None = None) -> MasterResult:
    """Solve the aggregated model; status, counts, flows and the need bound."""
    p = instance.params
    need = needed_pairs(instance)
    k_w, f_w, lmax = combined_weights(instance)
    region_of_site = {lr.site_id: lr.region_id for lr in instance.learners}
    groups = groups_of(instance)
    m = cp_model.CpModel()
    n: dict[Kind, cp_model.IntVar] = {}
    relays_by_id = {r.person_id: r for r in instance.relays}
    load_terms = []
    maxload = m.new_int_var(0, lmax, "maxload")
    for r in instance.relays:
        cap = total_capacity(r, instance)
        if cap <= 0:
            continue
        mine = [m.new_int_var(0, cap, f"n{r.person_id}{a}{mo}") for a in relay_areas(r, p)
                for mo in allowed_modalities(r, p)]
        for var, key in zip(mine, [(r.person_id, a, mo) for a in relay_areas(r, p)
                                   for mo in allowed_modalities(r, p)]):
            n[key] = var
        m.add(sum(mine) <= cap)
        m.add(sum(mine) <= maxload)
        load_terms.append(sum(mine))
    relays = {r.person_id: r for r in instance.relays}
    seats: dict[Kind, list] = defaultdict(list)
    y: dict[tuple[Group, Kind], cp_model.IntVar] = {}
    loc_terms = []
    by_area_remote: dict[str, list[Kind]] = defaultdict(list)
    for kind in n:
        rid, a, mo = kind
        if takes_remote(relays_by_id[rid], mo, p):
            by_area_remote[a].append(kind)
    pool: dict[Group, cp_model.IntVar] = {}
    z_terms = []
    can_lead = leaders(instance)
    learns: dict[int, list] = defaultdict(list)
    for g, members in groups.items():
        site, a = g
        cap_g = len(members)
        inflows = []
        for kind in n:
            rid, ka, mo = kind
            r = relays[rid]
            if ka != a or mo not in IN_PERSON:
                continue
            near = site == r.site_id if p.face_to_face_scope == "site" else (
                region_of_site[site] == r.region_id)
            if not near:
                continue
            v = m.new_int_var(0, min(cap_g, p.cohort_max * total_capacity(r, instance)), "y")
            y[(g, kind)] = v
            seats[kind].append(v)
            inflows.append(v)
            loc_terms.append((LOCAL_SITE if site == r.site_id else LOCAL_REGION) * v)
        if by_area_remote.get(a):
            pool[g] = m.new_int_var(0, cap_g, "p")
            inflows.append(pool[g])
        if not inflows:
            continue
        z = [m.new_bool_var("z") for _ in members]
        # Heaviest first inside a group, among the learners who cannot lead: a relay who
        # leads learns only in the waves they do not lead in (below), so is not interchangeable.
        ordered = [zv for pid, zv in zip(members, z) if pid not in can_lead]
        for z1, z2 in zip(ordered, ordered[1:]):
            m.add_implication(z2, z1)
        m.add(sum(z) == sum(inflows))
        for pid, zv in zip(members, z):
            z_terms.append((need_int(need[(pid, a)]), zv, pid, a))
            if pid in can_lead:
                learns[pid].append(zv)
    # One place a wave, waves dropped: a relay leads at most per-wave-capacity cohorts in
    # each wave they do not learn in.
    for pid, zs in learns.items():
        cap_w = per_wave_capacity(relays[pid], p)
        mine = [v for kind, v in n.items() if kind[0] == pid]
        m.add(sum(mine) + cap_w * sum(zs) <= cap_w * len(instance.waves))
    remote_q: dict[Kind, cp_model.IntVar] = {}
    for a, kinds in by_area_remote.items():
        for kind in kinds:
            remote_q[kind] = m.new_int_var(0, p.cohort_max * p.max_cohorts_per_relay_total, "q")
            seats[kind].append(remote_q[kind])
        m.add(sum(remote_q[kd] for kd in kinds) == sum(v for (s, ga), v in pool.items() if ga == a))
    for kind, var in n.items():
        total = sum(seats[kind]) if seats[kind] else 0
        m.add(total >= p.cohort_min * var)
        m.add(total <= p.cohort_max * var)
    m.maximize(k_w * sum(c * zv for c, zv, _, _ in z_terms) + f_w * sum(loc_terms)
               + (lmax - maxload))
    if hint:
        for _, zv, pid, a in z_terms:
            m.add_hint(zv, int((pid, a) in hint))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, time_limit)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = p.seed
    status = solver.solve(m)
    name = solver.status_name(status)
    res = MasterResult(status=name)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return res
    res.bound = bound_from(solver.best_objective_bound, k_w, need)
    res.combined_bound = int(solver.best_objective_bound + 1e-6)
    res.counts = {kd: solver.value(v) for kd, v in n.items() if solver.value(v) > 0}
    res.inflow = {key: solver.value(v) for key, v in y.items() if solver.value(v) > 0}
    res.remote_in = {kd: solver.value(v) for kd, v in remote_q.items() if solver.value(v) > 0}
    res.pool_out = {g: solver.value(v) for g, v in pool.items() if solver.value(v) > 0}
    res.chosen = {(pid, a) for _, zv, pid, a in z_terms if solver.value(zv)}
    return res


def bound_from(combined_bound: float, k_w: int, need: dict[tuple[int, str], float]) -> float:
    """Covered-need bound from a bound on the combined objective (see evaluate)."""
    units = int(combined_bound // k_w)
    slack = sum(abs(w * 100 - need_int(w)) for w in need.values()) / 100
    return units / 100 + slack
