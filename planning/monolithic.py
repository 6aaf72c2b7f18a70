"""Plain CP-SAT on the whole model: cohort slots per relay x wave x area.

A slot opens in at most one modality; ``x[l, s]`` seats learner l in slot s;
``b[l, s]`` marks an in-person seat (face-to-face or hybrid slot, learner in
scope).  Same combined objective as :mod:`planning.evaluate`, so the solver's
bound converts into a bound on covered need.
"""

from __future__ import annotations

import time
from collections import defaultdict

from ortools.sat.python import cp_model

from planning.evaluate import combined_weights, finish
from planning.master import bound_from
from planning.model import Cohort, Instance, Plan
from planning.reach import (
    allowed_modalities, in_scope, locality, make_cohort, month_capacity, need_int, needed_pairs,
    per_wave_capacity, relay_areas, takes_remote, total_capacity, waves_by_month,
)


def monolithic_plan(instance: Instance, time_limit: float = 60.0, workers: int = 2,
                    hint: Plan | None = None) -> Plan:
    """Solve the full model with CP-SAT; objective, best bound and gap."""
    start = time.perf_counter()
    p = instance.params
    need = needed_pairs(instance)
    k_w, f_w, lmax = combined_weights(instance)
    learners = {lr.person_id: lr for lr in instance.learners}
    by_area: dict[str, list[int]] = defaultdict(list)
    for (pid, a) in sorted(need):
        by_area[a].append(pid)
    m = cp_model.CpModel()
    maxload = m.new_int_var(0, lmax, "maxload")
    slots = []  # (relay, area, wave, {modality: var}, {pid: x})
    per_wave_seat: dict[tuple[int, int], list] = defaultdict(list)
    per_area_seat: dict[tuple[int, str], list] = defaultdict(list)
    leading: dict[tuple[int, int], list] = defaultdict(list)  # (relay, wave) -> open slots
    months = waves_by_month(instance)
    obj_need, obj_loc = [], []
    for r in instance.relays:
        cap_w, cap = per_wave_capacity(r, p), total_capacity(r, instance)
        mods = allowed_modalities(r, p)
        if cap <= 0 or not mods:
            continue
        mine = []
        wide = [mo for mo in mods if takes_remote(r, mo, p)]  # may seat people out of scope
        of_wave = {}
        for w in instance.waves:
            in_wave = []
            for a in relay_areas(r, p):
                for _ in range(cap_w):
                    mod = {mo: m.new_bool_var("o") for mo in mods}
                    is_open = sum(mod.values())
                    m.add(is_open <= 1)
                    in_person = sum(v for mo, v in mod.items() if mo != "remote")
                    xs = {}
                    for pid in by_area[a]:
                        lr = learners[pid]
                        if pid == r.person_id:
                            continue
                        near = in_scope(lr, r, p)
                        if not near and not wide:
                            continue
                        x = m.new_bool_var("x")
                        xs[pid] = x
                        if near:
                            m.add(x <= is_open)
                            loc = locality(lr, r, "face_to_face", p)
                            if "face_to_face" in mods or "hybrid" in mods:
                                b = m.new_bool_var("b")
                                m.add(b <= x)
                                m.add(b <= in_person)
                                obj_loc.append(loc * b)
                        else:
                            m.add(x <= sum(mod[mo] for mo in wide))
                        per_wave_seat[(pid, w.index)].append(x)
                        per_area_seat[(pid, a)].append(x)
                        obj_need.append(need_int(need[(pid, a)]) * x)
                    size = sum(xs.values())
                    m.add(size >= p.cohort_min * is_open)
                    m.add(size <= p.cohort_max * is_open)
                    in_wave.append(is_open)
                    leading[(r.person_id, w.index)].append(is_open)
                    slots.append((r, a, w.index, mod, xs))
            m.add(sum(in_wave) <= cap_w)
            of_wave[w.index] = in_wave
            mine += in_wave
        for waves in months.values():  # hours per calendar month, over its waves
            if len(waves) > 1:
                m.add(sum(v for wi in waves for v in of_wave[wi]) <= month_capacity(r, p))
        m.add(sum(mine) <= cap)
        m.add(sum(mine) <= maxload)
    for group in (per_wave_seat, per_area_seat):
        for xs in group.values():
            if len(xs) > 1:
                m.add_at_most_one(xs)
    for (rid, w), opens in leading.items():  # one place a wave: leading or learning
        for o in opens:
            for x in per_wave_seat.get((rid, w), ()):
                m.add(o + x <= 1)
    m.maximize(k_w * sum(obj_need) + f_w * sum(obj_loc) + (lmax - maxload))
    if hint is not None:
        _add_hint(m, slots, hint)
    build_s = time.perf_counter() - start
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, time_limit - build_s)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = p.seed
    status = solver.solve(m)
    name = solver.status_name(status)
    total = sum(need.values())
    extra = {"build_s": round(build_s, 3), "time_s": round(time.perf_counter() - start, 3),
             "variables": len(m.proto.variables)}
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        bound = total if status != cp_model.INFEASIBLE else 0.0
        return finish(instance, [], bound=bound, status=name, method="monolithic", extra=extra)
    cohorts: list[Cohort] = []
    for r, a, w, mod, xs in slots:
        chosen = [mo for mo, v in mod.items() if solver.value(v)]
        if chosen:
            members = [learners[pid] for pid, x in xs.items() if solver.value(x)]
            cohorts.append(make_cohort(r, a, chosen[0], w, members))
    bound = bound_from(solver.best_objective_bound, k_w, need)
    return finish(instance, cohorts, bound=bound, status=name, method="monolithic", extra=extra)


def _add_hint(m: cp_model.CpModel, slots: list, plan: Plan) -> None:
    """Warm start from a plan: map each of its cohorts onto a free matching slot."""
    wanted = defaultdict(list)
    for c in plan.cohorts:
        wanted[(c.relay_id, c.area, c.wave_index)].append(c)
    for r, a, w, mod, xs in slots:
        queue = wanted.get((r.person_id, a, w))
        c = queue.pop() if queue else None
        for mo, v in mod.items():
            m.add_hint(v, int(c is not None and c.modality == mo))
        members = set(c.members) if c is not None else set()
        for pid, x in xs.items():
            m.add_hint(x, int(pid in members))
