"""Benchmark: learners' voice on the large demo (all sites with learners' links and answers).

Prints ``name: value unit`` lines:

- learners.answers: learners' responses of the latest campaign;
- learners.three_way.first: learners' releases decided and recorded from an
  empty history, learners' figures per statement and node, and the three-way
  gap (the trainers' and managers' release read as the overview leaves it) -
  the first read after an upgrade;
- learners.three_way.warm: the same with the history recorded, median of 3;
- learners.release_rows: learners' release rows the first read recorded;
- learners.submit: one learner's answers saved through a link (checks, rate
  limit, one transaction), median of 20 on SQLite.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import figure, large_demo_url, median_time  # noqa: E402


def main() -> None:
    from sqlalchemy import delete, func, select

    from dashboards.units import units
    from disclosure.learner_store import learner_figures
    from disclosure.store import releases
    from scoring.data import campaign_ids, load_campaign
    from storage.db import make_engine, read_session, write_session
    from storage.models import LearnerAnswer, LearnerLink, LearnerRelease, LearnerResponse
    from survey import learners
    from survey.learner_questionnaire import default

    engine = make_engine(large_demo_url())
    ids = campaign_ids(engine)
    cur, prev = load_campaign(engine, ids[-1]), load_campaign(engine, ids[-2])
    rel, _ = releases(engine, cur, prev)
    unit_frame = units(engine)
    with read_session(engine) as s:
        n = s.execute(select(func.count()).select_from(LearnerResponse)
                      .where(LearnerResponse.campaign_id == cur.campaign_id)).scalar_one()
    figure("learners.answers", n, "responses", 0)
    with write_session(engine) as s:
        s.exec(delete(LearnerRelease))
    start = time.perf_counter()
    learner_figures(engine, cur, rel, unit_frame, 5)
    figure("learners.three_way.first", time.perf_counter() - start, "s")
    figure("learners.three_way.warm", median_time(
        lambda: learner_figures(engine, cur, rel, unit_frame, 5), runs=3), "s")
    with read_session(engine) as s:
        rows = s.execute(select(func.count()).select_from(LearnerRelease)).scalar_one()
    figure("learners.release_rows", rows, "rows", 0)
    site = int(unit_frame["site_id"].iloc[0])
    token = learners.create_link(engine, cur.campaign_id, site, "bench")
    answers = {i.id: 3 for i in default().items}
    count = iter(range(10_000))
    figure("learners.submit", 1000 * median_time(
        lambda: learners.submit(engine, token, f"bench-device-{next(count)}", answers), runs=20), "ms")
    # leave the shared large demo as it was built (other benches read it)
    link_id = learners.resolve(engine, token).link_id
    with write_session(engine) as s:
        done = select(LearnerResponse.id).where(LearnerResponse.link_id == link_id)
        s.exec(delete(LearnerAnswer).where(LearnerAnswer.response_id.in_(done)))
        s.exec(delete(LearnerResponse).where(LearnerResponse.link_id == link_id))
        s.exec(delete(LearnerLink).where(LearnerLink.id == link_id))


if __name__ == "__main__":
    main()
