"""`make bench`: run every bench/bench_*.py in turn and print their figures.

Each benchmark is a script printing lines `name: value unit`; they run one at a
time (the machine has 2 cores) in their own process, so one's memory does not
count in another's peak. Exits non-zero when a benchmark fails.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIGURE = re.compile(r"^[\w.\-]+: \S+( \S+)?$")


def main(names: list[str]) -> int:
    scripts = sorted(HERE.glob("bench_*.py"))
    if names:
        scripts = [s for s in scripts if any(n in s.stem for n in names)]
    failed = []
    for script in scripts:
        start = time.perf_counter()
        print(f"# {script.name}", flush=True)
        proc = subprocess.run([sys.executable, str(script)], cwd=HERE.parent, text=True,
                              capture_output=True)
        for line in proc.stdout.splitlines():
            print(line if FIGURE.match(line) else f"#   {line}", flush=True)
        if proc.returncode != 0:
            failed.append(script.name)
            print(f"# FAILED {script.name} (exit {proc.returncode})\n{proc.stderr[-3000:]}",
                  flush=True)
        print(f"# {script.name} took {time.perf_counter() - start:.0f} s", flush=True)
    if failed:
        print(f"# failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
