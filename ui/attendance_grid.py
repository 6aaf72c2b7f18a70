"""Attendance of a cohort, session by session: the relay's link page and the planner page share it.

One bordered group per session (its number, day, hour, length and place) holding one
checkbox per member, labelled with the member's name: every box is reached with Tab and
ticked with Space, and a screen reader reads the session's heading and the name. With
several sessions a read-only table (members × sessions) sums it up, with who completed
the cohort (present at every session). Each tick is saved and audited at once; a refused
change (closed plan, person or session not in the cohort) puts the box back and says why.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from cascade import attendance, cohorts, seats, sessions
from cascade.sessions import SessionView
from i18n import RelaisError
from ui import context
from ui.context import t
from ui.text import plain

Record = Callable[[int, int, bool], None]  # (session_id, person_id, attended)


def session_label(m: SessionView, places: dict[int, str]) -> str:
    """'Session 2 · 16 Sept 2026, 09:00 · 6 h · Lille' in the reader's language."""
    fmt = context.translator()
    place = t("online") if m.remote else plain(places.get(m.site_id, "")) or t("to be confirmed")
    digits = 0 if float(m.hours).is_integer() else 1
    return t("Session {n} · {date}, {time} · {hours} h · {place}", n=m.number,
             date=fmt.date(m.day), time=m.start.strftime("%H:%M"),
             hours=fmt.number(m.hours, digits), place=place)


def _toggle(key: str, record: Record, session_id: int, person_id: int, flash: str,
            wrap: Callable[[Callable[[], None]], Callable[[], None]]) -> Callable[[], None]:
    def run() -> None:
        value = bool(st.session_state[key])
        try:
            record(session_id, person_id, value)
            st.session_state[flash] = ("success", t("Attendance saved."))
        except RelaisError as err:
            st.session_state[key] = not value  # nothing changed: the box says so too
            st.session_state[flash] = ("error", err.render(context.lang()))
    return wrap(run)


def draw(engine, cohort_id: int, people: list[tuple[int, str, str]], key: str,  # noqa: ANN001
         record: Record, flash: str, disabled: bool = False,
         wrap: Callable[[Callable[[], None]], Callable[[], None]] = lambda f: f) -> None:
    """The session × member attendance of one cohort; record saves one tick (it may refuse)."""
    meetings = sessions.of_cohort(engine, cohort_id)
    if not people:
        st.caption(t("No member yet."))
        return
    if not meetings:
        st.caption(t("This cohort has no session."))
        return
    marks = attendance.grid(engine, cohort_id)
    places = cohorts.site_names(engine)
    for m in meetings:
        with st.container(border=True, key=f"{key}_s_{cohort_id}_{m.id}"):
            st.markdown("**" + session_label(m, places) + "**")
            for pid, name, status in people:
                k = f"{key}_{cohort_id}_{m.id}_{pid}"
                label = f"{plain(name)} · " + (t("accepted") if status == seats.ACCEPTED
                                               else t("not answered yet"))
                st.checkbox(label, value=marks.get((m.id, pid), False), key=k, disabled=disabled,
                            on_change=_toggle(k, record, m.id, pid, flash, wrap))
    if len(meetings) > 1:
        st.dataframe(summary(meetings, people, marks), hide_index=True, width="stretch")
    st.caption(t("Tick who attended each session; each change is saved and recorded. A member "
                 "completes the cohort by attending every session."))


def summary(meetings: list[SessionView], people: list[tuple[int, str, str]],
            marks: dict[tuple[int, int], bool]) -> pd.DataFrame:
    """Members × sessions: ✓ present, — not (yet) marked present; and who completed."""
    fmt = context.translator()
    table = {t("Member"): [plain(n) for _, n, _ in people]}
    for m in meetings:
        head = t("Session {n} ({date})", n=m.number, date=fmt.date(m.day, "short"))
        table[head] = ["✓" if marks.get((m.id, p), False) else "—" for p, _, _ in people]
    table[t("All sessions attended")] = [t("yes") if all(marks.get((m.id, p), False) for m in meetings)
                             else t("no") for p, _, _ in people]
    return pd.DataFrame(table)
