"""The planner's editable inputs on the large demo database: tables, validation, apply, drafts.

Prints `name: value unit`; medians over several runs.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from pathlib import Path

import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import figure, large_demo_url, median_time, peak_rss_mb  # noqa: E402
from planning import overrides as ov  # noqa: E402
from planning.inputs import build_instance, directory, monthly_waves  # noqa: E402
from planning.model import Params  # noqa: E402
from planning.store import load, save_draft  # noqa: E402
from planning.solve import solve  # noqa: E402
from storage.db import make_engine  # noqa: E402
from storage.migrate import upgrade  # noqa: E402


def main() -> None:
    engine = make_engine(large_demo_url())
    base = build_instance(engine, 2, Params(time_limit_s=20), monthly_waves(dt.date(2026, 9, 1), 6))
    names = directory(engine, base)
    figure("planner_inputs.relays", len(base.relays), "rows", 0)
    figure("planner_inputs.learners", len(base.learners), "rows", 0)
    figure("planner_inputs.relay_frame",
           median_time(lambda: ov.relay_frame(base, names), 5), "s", 3)
    figure("planner_inputs.learner_frame",
           median_time(lambda: ov.learner_frame(base, names), 5), "s", 3)
    rf, lf = ov.relay_frame(base, names), ov.learner_frame(base, names)
    size = sum(pa.Table.from_pandas(f).nbytes for f in (rf, lf)) / 1024
    figure("planner_inputs.arrow_size_both_tables", size, "KiB", 0)
    # A lead's afternoon: 20 relays excluded, 20 with more hours, 50 learners excluded.
    state_r = {"edited_rows": {**{k: {"include": False} for k in range(0, 40, 2)},
                               **{k: {"hours": 20.0} for k in range(1, 40, 2)}}}
    state_l = {"edited_rows": {k: {"include": False} for k in range(0, 100, 2)}}

    def validate() -> ov.Overrides:
        return ov.overrides_from_frames(base, ov.with_edits(rf, state_r),
                                        ov.with_edits(lf, state_l, ov.LEARNERS_TABLE), names)

    edits = validate()
    figure("planner_inputs.validate_both_tables", median_time(validate, 5), "s", 3)
    figure("planner_inputs.apply", median_time(lambda: ov.apply(base, edits), 5), "s", 4)
    inst = ov.apply(base, edits)
    plan = solve(inst)
    with tempfile.TemporaryDirectory() as tmp:
        scratch = make_engine(f"sqlite:///{tmp}/drafts.db")
        upgrade(scratch)
        pid = save_draft(scratch, "bench", plan, inst, 2, overrides=edits, base=base)
        figure("planner_inputs.save_draft_with_edits", median_time(
            lambda: save_draft(scratch, "bench", plan, inst, 2, overrides=edits, base=base), 3),
            "s", 3)
        figure("planner_inputs.load_draft_with_edits", median_time(lambda: load(scratch, pid), 3),
               "s", 3)
        scratch.dispose()
    figure("planner_inputs.peak_memory", peak_rss_mb(), "MB", 0)


if __name__ == "__main__":
    main()
