"""The Qualiopi pack's learners' rows (indicator 30, stakeholders' views) are the learners'
figures the overview releases at organisation level, never a hidden one."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.demo_db import use_database


def _rows_page(campaign_id: int, k: int) -> None:
    import streamlit as st

    from ui.qualiopi import _learner_rows

    st.session_state["rows"] = _learner_rows(campaign_id, k)


def test_pack_rows_are_the_released_learners_figures(demo_url):
    from survey.learner_questionnaire import default

    use_database(demo_url)
    at = AppTest.from_function(_rows_page, args=(1, 5), default_timeout=120).run()
    assert not at.exception, at.exception
    rows = at.session_state["rows"]
    texts = {i.text["fr"] for i in default().items}
    assert rows and {r[0] for r in rows} <= texts
    assert all(r[2] >= 5 and 0 <= r[1] <= 100 for r in rows)
    at = AppTest.from_function(_rows_page, args=(1, 10_000), default_timeout=120).run()
    assert at.session_state["rows"] == []  # nothing released under a threshold nobody passes
