"""Benchmark: trade-filtered overview and the Qualiopi evidence pack on the large demo.

Prints ``name: value unit`` lines:

- trades.release_decide: one campaign's release decision, fresh (no history), with the
  trade slices offered after the modality slices;
- trades.overview_by_trade: build_overview for the demo's largest trade from those
  releases, median of 5;
- trades.released_slices: how many organisation/region/site trade slices the rule released;
- qualiopi.pack_tables: building the pack's tables (figures, campaign, plans, cohorts), once;
- qualiopi.pack_xlsx / qualiopi.pack_pdf: writing each file, once;
- trades.peak_memory: this process's peak resident memory.
"""

from __future__ import annotations

import collections
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import figure, large_demo_url, median_time, peak_rss_mb  # noqa: E402


def main() -> None:
    from dashboards.overview import build_overview
    from dashboards.units import campaigns, previous_campaign
    from disclosure.campaign import release_of
    from i18n import Translator
    from reports.qualiopi import build_pack
    from scoring.data import load_campaign
    from storage.db import make_engine
    from trades import person_trades

    engine = make_engine(large_demo_url())
    table = campaigns(engine)
    cid = int(table.iloc[0]["campaign_id"])
    prev_id = previous_campaign(table, cid)
    cur, prev = load_campaign(engine, cid), load_campaign(engine, prev_id)
    start = time.perf_counter()
    rel = release_of(cur, [], True, 5)
    figure("trades.release_decide", time.perf_counter() - start, "s")
    prev_rel = release_of(prev, [], True, 5)
    counts = collections.Counter(person_trades(engine).values())
    trade = counts.most_common(1)[0][0]
    figure("trades.overview_by_trade", median_time(
        lambda: build_overview(cur, prev, 5, trade=trade, releases=(rel, prev_rel))), "s")
    shown = sum(1 for (role, key), pop in rel.current.items() if "|trade:" in key and len(pop))
    figure("trades.released_slices", shown, "slices", 0)
    t = Translator("fr")
    start = time.perf_counter()
    pack = build_pack(engine, cid, t)
    figure("qualiopi.pack_tables", time.perf_counter() - start, "s")
    start = time.perf_counter()
    pack.xlsx()
    figure("qualiopi.pack_xlsx", time.perf_counter() - start, "s")
    start = time.perf_counter()
    pack.pdf()
    figure("qualiopi.pack_pdf", time.perf_counter() - start, "s")
    figure("trades.peak_memory", peak_rss_mb(), "MB", 0)
    engine.dispose()


if __name__ == "__main__":
    main()
