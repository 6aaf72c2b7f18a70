"""The real path on the large demo: database -> every site's and region's area scores.

Also times the demo build and a full rescore of stored scores (what a
questionnaire weight change costs).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import figure, large_demo_url, median_time, peak_rss_mb  # noqa: E402
from scoring.aggregate import organisation_aggregates, trainer_aggregates  # noqa: E402
from scoring.data import load_campaign  # noqa: E402
from storage.db import make_engine  # noqa: E402


def main() -> None:
    start = time.perf_counter()
    url = large_demo_url()
    build = time.perf_counter() - start
    engine = make_engine(url)
    campaign = 2

    def real_path() -> None:
        data = load_campaign(engine, campaign)
        trainer_aggregates(data.scores, data.respondents, campaign_id=campaign)
        organisation_aggregates(data.scores, data.respondents, campaign_id=campaign)

    data = load_campaign(engine, campaign)
    n = len(data.respondents)
    figure("scoring.large_demo.respondents", n, "responses", 0)
    figure("scoring.db_to_site_region_scores", median_time(real_path, 5), "s")
    figure("scoring.large_demo.load_campaign", median_time(lambda: load_campaign(engine, campaign), 5), "s")
    if build > 1:
        figure("demo.large.build_and_score", build, "s", 1)
    from scoring.store import rescore_all

    start = time.perf_counter()
    rescore_all(engine)
    figure("scoring.rescore_all_large", time.perf_counter() - start, "s")
    figure("scoring.db_path.peak_memory", peak_rss_mb(), "MB", 0)


if __name__ == "__main__":
    main()
