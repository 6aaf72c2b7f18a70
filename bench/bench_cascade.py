"""The cascade planner on the large demo with opt-in learners (issue 18).

About 40 % of the trainers under the target on some area ask for training on those
areas (the demo's seeded requests, :mod:`cascade.simulate`); the planner places only them. Prints `name: value unit`: how many
asked, the planner's time and quality for them, the same figures for the former rule
(everyone under the target, for comparison), and the anonymous demand's time.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import figure, large_demo_url, peak_rss_mb  # noqa: E402
from cascade.demand import anonymous_demand  # noqa: E402
from cascade.requests import active  # noqa: E402
from cascade.simulate import below_target  # noqa: E402
from planning.inputs import build_instance, monthly_waves  # noqa: E402
from planning.model import Params  # noqa: E402
from planning.solve import solve  # noqa: E402
from storage.db import make_engine  # noqa: E402

CAMPAIGN = 2
LIMIT_S = 20.0


def _plan(engine, name: str, requests) -> None:  # noqa: ANN001
    params = Params(time_limit_s=LIMIT_S)
    waves = monthly_waves(dt.date(2026, 9, 1), 6)
    start = time.perf_counter()
    inst = build_instance(engine, CAMPAIGN, params, waves, requests=requests)
    figure(f"{name}.build_instance", time.perf_counter() - start, "s", 2)
    start = time.perf_counter()
    plan = solve(inst)
    figure(f"{name}.solve", time.perf_counter() - start, "s", 1)
    placed = {m for c in plan.cohorts for m in c.members}
    figure(f"{name}.learners", len(inst.learners), "people", 0)
    figure(f"{name}.relays", len(inst.relays), "people", 0)
    figure(f"{name}.learners_placed", len(placed), "people", 0)
    figure(f"{name}.cohorts", len(plan.cohorts), "cohorts", 0)
    figure(f"{name}.coverage", 100 * float(plan.stats.get("coverage", 0) or 0), "%", 1)
    figure(f"{name}.gap_to_bound", 100 * plan.gap, "%", 2)
    figure(f"{name}.needs_left_out", len(plan.left_out), "needs", 0)


def main() -> None:
    engine = make_engine(large_demo_url())
    wants = below_target(engine, CAMPAIGN)
    asked = active(engine, CAMPAIGN)  # the demo's seeded requests (cascade.simulate, 40 %)
    figure("cascade.trainers_under_target", len(wants), "people", 0)
    figure("cascade.opted_in", len(asked), "people", 0)
    figure("cascade.opt_in_share", 100 * len(asked) / max(1, len(wants)), "%", 1)
    _plan(engine, "cascade.opt_in", None)
    _plan(engine, "cascade.everyone_under_target", {p: frozenset(a) for p, a in wants.items()})
    start = time.perf_counter()
    demand = anonymous_demand(engine, CAMPAIGN)
    figure("cascade.anonymous_demand", time.perf_counter() - start, "s", 2)
    shown = demand[~demand["hidden"]]
    figure("cascade.demand_cells_shown", len(shown), "site-areas", 0)
    figure("cascade.demand_cells_hidden", int(demand["hidden"].sum()), "site-areas", 0)
    figure("cascade.demand_unnamed_total", float(shown["would_benefit"].sum()), "person-areas", 0)
    figure("cascade.peak_memory", peak_rss_mb(), "MB", 0)


if __name__ == "__main__":
    main()
