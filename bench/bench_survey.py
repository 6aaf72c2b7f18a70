"""Survey figures: time to save a section (SQLite, PostgreSQL), 8 people saving at once, page load.

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


def concurrent_saves(url: str, people: int = 8) -> tuple[float, float, int]:
    """People saving one answer at a time, all at once (a campaign's peak on one server).

    Returns the median and worst save in ms, and how many saves failed.
    """
    import threading

    from survey.answering import Change, load_state, save_changes

    engine = make_engine(url)
    upgrade(engine)
    data = seed(engine, people)
    times, failures = [], []

    def answer(token: str) -> None:
        rid = start_or_resume(engine, resolve(engine, token)).response_id
        for sec in questionnaire_for(engine, rid).sections:
            for item_id, value in section_answers(sec).items():
                start = time.perf_counter()
                try:
                    base = load_state(engine, rid).revisions.get(item_id)
                    save_changes(engine, rid, [Change(item_id, value, base)])
                except Exception:  # noqa: BLE001 - counted: a failed save is the figure
                    failures.append(item_id)
                times.append(time.perf_counter() - start)

    threads = [threading.Thread(target=answer, args=(tok,)) for tok in data.tokens]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    engine.dispose()
    return statistics.median(times) * 1000, max(times) * 1000, len(failures)


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
        p50, worst, failed = concurrent_saves(f"sqlite:///{tmp}/c.db")
        print(f"survey.concurrent_saves.8_people.sqlite.median: {p50:.1f} ms")
        print(f"survey.concurrent_saves.8_people.sqlite.max: {worst:.0f} ms")
        print(f"survey.concurrent_saves.8_people.sqlite.failed: {failed} saves")
        print(f"survey.page_load: {page_load_median(Path(tmp)):.2f} s")


if __name__ == "__main__":
    main()
