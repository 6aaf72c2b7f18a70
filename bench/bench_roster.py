"""Roster files: time and peak memory to refuse XLSX files that lie about their size, and to
read a real 20,000-line workbook (the cost of the streaming checks).

Run: python bench/bench_roster.py
"""

from __future__ import annotations

import io
import statistics
import sys
import time
import tracemalloc
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import openpyxl  # noqa: E402

from roster.parse import ImportProblem, parse  # noqa: E402
from roster.xlsx_guard import check_archive  # noqa: E402
from tests.roster import xlsx_bombs as bombs  # noqa: E402


def measure(data: bytes, runs: int = 5) -> tuple[float, float]:
    """Median seconds of parse(data), refused or not, and its peak MB in one traced run
    (tracemalloc slows Python several times, so the times are taken without it)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        _parse(data)
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    _parse(data)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return statistics.median(times), peak / 1e6


def _parse(data: bytes) -> None:
    try:
        parse(data, "bench.xlsx")
    except ImportProblem:
        pass


def real_workbook(lines: int) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(bombs.HEADER)
    for i in range(lines):
        ws.append([f"Prénom{i}", f"Nom{i}", f"p{i}@ex.fr", "formateur", f"SITE-{i % 12}"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def main() -> None:
    measure(real_workbook(10), runs=1)  # imports out of the figures
    for name, build in (("million_rows_claimed", bombs.million_rows_claimed),
                        ("last_row_far_away", bombs.last_row_far_away),
                        ("one_wide_row", bombs.one_wide_row),
                        ("ratio_bomb", bombs.many_compressed_bytes)):
        data = build()
        seconds, mb = measure(data)
        print(f"xlsx_{name}_file: {len(data) / 1024:.1f} KB")
        print(f"xlsx_{name}_refused: {seconds * 1000:.1f} ms")
        print(f"xlsx_{name}_peak: {mb:.2f} MB")
    data = real_workbook(20_000)
    seconds, mb = measure(data, runs=3)
    print(f"xlsx_20000_lines_file: {len(data) / 1024:.0f} KB")
    print(f"xlsx_20000_lines_read: {seconds:.2f} s")
    print(f"xlsx_20000_lines_peak: {mb:.1f} MB")
    start = time.perf_counter()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        check_archive(zf)
    print(f"xlsx_20000_lines_checks_only: {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
