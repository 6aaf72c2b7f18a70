"""Take screenshots of the demo app in Debian's Chromium (for the README and for review).

Usage: .venv/bin/python scripts/screenshots.py ROLE "MENU LINK TEXT" [OUT.png] [--wait S]
Starts `streamlit run` on a throwaway copy of the demo database.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

ROLE_LABELS = {"director": "Directeur·rice de la formation", "manager": "Responsable de site",
               "lead": "Responsable ingénierie numérique", "admin": "Administrateur·rice",
               "trainer": "Formateur·rice"}


def main() -> None:
    import os
    import subprocess

    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import free_port, wait_ready
    from tests.demo_db import build_demo_db

    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    wait = float(sys.argv[sys.argv.index("--wait") + 1]) if "--wait" in sys.argv else 4.0
    role, path = args[0], args[1]
    out = Path(args[2]) if len(args) > 2 else ROOT / "test-artifacts" / f"{role}-{path.replace(' ', '_')}.png"
    tmp = Path(tempfile.mkdtemp())
    url = build_demo_db(tmp)
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, env={**os.environ, "DATABASE_URL": url}, stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base, proc)
        with sync_playwright() as pw:
            b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = b.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(base)
            page.get_by_role("button", name=ROLE_LABELS[role]).click()
            page.get_by_text("Bienvenue").first.wait_for(timeout=30_000)
            # a new URL would open a new session: navigate through the menu instead
            page.get_by_role("link", name=path).click()
            time.sleep(wait)
            out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(out), full_page=True)
            print(out)
            b.close()
    finally:
        proc.terminate()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
