"""Survey figures: median time to save a section (SQLite, PostgreSQL) and to load the page.

Run: python bench/bench_survey.py  (PostgreSQL via RELAIS_TEST_PG_URL, skipped if unset)
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from storage.db import make_engine  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from survey.answering import questionnaire_for, save_section, start_or_resume  # noqa: E402
from survey.links import resolve  # noqa: E402
from tests.survey.helpers import section_answers, seed  # noqa: E402

RUNS = 60


def save_median(url: str) -> float:
    engine = make_engine(url)
    upgrade(engine)
    data = seed(engine, 1)
    rid = start_or_resume(engine, resolve(engine, data.tokens[0])).response_id
    q = questionnaire_for(engine, rid)
    times = []
    for n in range(RUNS):
        sec = q.sections[n % len(q.sections)]
        answers = section_answers(sec, n)
        start = time.perf_counter()
        save_section(engine, rid, sec.id, answers, current_section=n % len(q.sections))
        times.append(time.perf_counter() - start)
    engine.dispose()
    return statistics.median(times) * 1000


def page_load_median(folder: Path) -> float:
    from streamlit.testing.v1 import AppTest

    from tests.demo_db import build_demo_db, use_database
    from tests.ui.test_survey_pages import fresh_trainer_link

    url = build_demo_db(folder)
    use_database(url)
    times = []
    for _ in range(5):
        token, _ = fresh_trainer_link(url)
        at = AppTest.from_file(str(ROOT / "pages/questionnaire.py"), default_timeout=60)
        at.session_state["lang"] = "fr"
        at.query_params["t"] = token
        at.run()
        at.button(key="start").click()
        start = time.perf_counter()
        at.run()  # the first section, as drawn after "start"
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        print(f"survey.save_section.sqlite: {save_median(f'sqlite:///{tmp}/b.db'):.1f} ms")
        pg = os.environ.get("RELAIS_TEST_PG_URL", "")
        if pg and pg != "unavailable":
            from tests.conftest import fresh_pg_url

            print(f"survey.save_section.postgresql: {save_median(fresh_pg_url()):.1f} ms")
        else:
            print("survey.save_section.postgresql: skipped (no RELAIS_TEST_PG_URL)")
        print(f"survey.page_load: {page_load_median(Path(tmp)):.2f} s")


if __name__ == "__main__":
    main()
