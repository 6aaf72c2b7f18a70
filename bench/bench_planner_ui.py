"""The planner around the solver, on the large demo database: inputs, solve, store, exports.

Prints `name: value unit`; medians over several runs (the solve once: it is
the planner's own benchmark that measures it in depth).
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import figure, large_demo_url, median_time, peak_rss_mb  # noqa: E402
from i18n import Translator  # noqa: E402
from planning.inputs import build_instance, directory, monthly_waves  # noqa: E402
from planning.model import Params  # noqa: E402
from planning.rules import check_plan  # noqa: E402
from planning.solve import solve  # noqa: E402
from planning.store import load, save_draft  # noqa: E402
from reports.planner import plan_tables, relay_calendar, to_csv, to_xlsx  # noqa: E402
from storage.db import make_engine  # noqa: E402
from storage.migrate import upgrade  # noqa: E402


def main() -> None:
    engine = make_engine(large_demo_url())
    params, waves = Params(time_limit_s=20), monthly_waves(dt.date(2026, 9, 1), 6)
    build = lambda: build_instance(engine, 2, params, waves)  # noqa: E731
    inst = build()
    figure("planner_ui.large_demo.relays", len(inst.relays), "relays", 0)
    figure("planner_ui.large_demo.learners", len(inst.learners), "learners", 0)
    figure("planner_ui.large_demo.needs", sum(len(lr.needs) for lr in inst.learners), "needs", 0)
    figure("planner_ui.build_instance", median_time(build, 3), "s")
    start = time.perf_counter()
    plan = solve(inst)
    figure("planner_ui.solve_20s_limit", time.perf_counter() - start, "s")
    figure("planner_ui.coverage", plan.stats.get("coverage", 0), "ratio", 4)
    figure("planner_ui.gap_to_bound", 100 * plan.gap, "%", 3)
    figure("planner_ui.cohorts", len(plan.cohorts), "cohorts", 0)
    figure("planner_ui.check_plan", median_time(lambda: check_plan(inst, plan), 5), "s", 3)
    names, t = directory(engine, inst), Translator("fr")
    tables = plan_tables(inst, plan, names, t)
    figure("planner_ui.tables", median_time(lambda: plan_tables(inst, plan, names, t), 5), "s", 3)
    figure("planner_ui.xlsx", median_time(lambda: to_xlsx(tables, t), 3), "s", 3)
    figure("planner_ui.xlsx_size", len(to_xlsx(tables, t)) / 1024, "KiB", 0)
    figure("planner_ui.csv_members", median_time(lambda: to_csv(tables.members), 5), "s", 3)
    busiest = max({c.relay_id for c in plan.cohorts},
                  key=lambda r: sum(c.relay_id == r for c in plan.cohorts))
    figure("planner_ui.ics_one_relay", median_time(
        lambda: relay_calendar(inst, plan, busiest, names, t), 5), "s", 3)
    with tempfile.TemporaryDirectory() as tmp:  # drafts go to a scratch database, not the cache
        scratch = make_engine(f"sqlite:///{tmp}/drafts.db")
        upgrade(scratch)
        pid = save_draft(scratch, "bench", plan, inst, campaign_id=2)
        figure("planner_ui.save_draft", median_time(
            lambda: save_draft(scratch, "bench", plan, inst, campaign_id=2), 3), "s", 3)
        figure("planner_ui.load_draft", median_time(lambda: load(scratch, pid), 3), "s", 3)
        scratch.dispose()
    figure("planner_ui.peak_memory", peak_rss_mb(), "MB", 0)


if __name__ == "__main__":
    main()
