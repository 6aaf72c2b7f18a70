"""The cascade on the planner page (lead): named requests, anonymous demand, and for published
plans the answers to invitations, extra seats, attendance and closing the plan."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from cascade import attendance, cohorts, requests, seats, session_edit, sessions
from cascade.demand import anonymous_demand
from i18n import N_, RelaisError
from planning import store
from planning.labels import AREA_LABELS, MODALITY_LABELS
from ui import attendance_grid, context
from ui.context import Viewer, t
from ui.text import plain

FLASH = "cascade_pl_flash"


def _act(action: Callable[[], object], done: str) -> Callable[[], None]:
    def run() -> None:
        try:
            action()
            st.session_state[FLASH] = ("success", t(done))
        except RelaisError as err:
            st.session_state[FLASH] = ("error", err.render(context.lang()))
    return run


def requests_and_demand(engine, campaign_id: int, target: str) -> None:  # noqa: ANN001
    """How many asked (named learners) and the unnamed demand per site and area."""
    asked = requests.active(engine, campaign_id)
    st.subheader(t("Who asked to learn"))
    st.caption(t("Only trainers who asked for training and agreed to be named are learners in "
                 "the plan. {n} trainers asked in this campaign.", n=len(asked)))
    if not st.toggle(t("Show the anonymous demand per site"), key="cascade_demand"):
        return
    frame = anonymous_demand(engine, campaign_id, target)
    shown = frame[~frame["hidden"] & (frame["would_benefit"] > 0)]
    if shown.empty:
        st.info(t("No demand can be shown: sites are too small or nobody else would benefit."))
        return
    places = cohorts.site_names(engine)
    table = pd.DataFrame({
        t("Site"): shown["site_id"].map(lambda s: places.get(int(s), "")),
        t("Area"): shown["area"].map(lambda a: t(AREA_LABELS.get(a, a))),
        t("Would benefit, without asking"): shown["would_benefit"].astype(int)})
    st.dataframe(table, hide_index=True, width="stretch")
    st.caption(t("Counts of trainers under the target who did not ask, from groups of at least "
                 "k people; no name. Open extra places in a published cohort to reach them."))


def published_plans(engine, viewer: Viewer) -> None:  # noqa: ANN001
    """Invitations, seats and attendance of a published (or closed) plan."""
    plans = [p for p in store.list_plans(engine) if p[2] in (cohorts.PUBLISHED, cohorts.CLOSED)]
    st.subheader(t("Invitations and attendance"))
    flash = st.session_state.pop(FLASH, None)
    if flash:
        (st.error if flash[0] == "error" else st.success)(flash[1])
    if not plans:
        st.info(t("No plan has been published yet."))
        return
    pid = st.selectbox(t("Published plan"), [p[0] for p in plans], key="cascade_plan",
                       format_func=lambda i: next(plain(p[1]) for p in plans if p[0] == i))
    rows = cohorts.cohorts_of_plan(engine, pid)
    status = rows[0].plan_status if rows else cohorts.PUBLISHED
    if status == cohorts.CLOSED:
        st.info(t("This plan is closed: its cohorts can no longer be changed."))
    fmt = context.translator()
    places = cohorts.site_names(engine)
    labels = {c.id: t("{area}, {date}, {relay}", area=t(AREA_LABELS.get(c.area, c.area)),
                      date=fmt.date(c.starts_on) if c.starts_on else "—",
                      relay=plain(c.relay_name) or t("no relay")) for c in rows}
    st.dataframe(pd.DataFrame({
        t("Cohort"): [labels[c.id] for c in rows],
        t("Modality"): [t(MODALITY_LABELS.get(c.modality, c.modality)) for c in rows],
        t("Place"): [places.get(c.site_id, "") if c.site_id else "" for c in rows],
        t("Places taken"): [f"{c.taken} / {c.capacity}" for c in rows],
        t("Status"): [t("Cancelled") if c.status == "cancelled" else t("Open") for c in rows]}),
        hide_index=True, width="stretch")
    live = [c for c in rows if c.status == "open"]
    if not live:
        return
    cid = st.selectbox(t("Cohort"), [c.id for c in live], format_func=labels.get,
                       key="cascade_cohort")
    people = seats.members(engine, cid)
    closed = status == cohorts.CLOSED
    st.markdown("#### " + t("Attendance"))
    attendance_grid.draw(
        engine, cid, people, "cascade_pl_att",
        lambda sid, p, v: attendance.record_by_lead(engine, cid, p, v, viewer.person_id,
                                                    session_id=sid),
        FLASH, disabled=closed)
    if closed:
        return
    _sessions(engine, cid, viewer)
    c1, c2 = st.columns(2)
    c1.number_input(t("Extra places to open"), 1, 50, 2, key="cascade_extra")
    c1.button(t("Open these places"), key="cascade_open", on_click=_act(
        lambda: seats.open_extra(engine, cid, int(st.session_state["cascade_extra"]),
                                 viewer.person_id),
        N_("Places opened: trainers of the site or region can take them from their link.")))
    c2.button(t("Close this plan"), key="cascade_close", on_click=_act(
        lambda: cohorts.close_plan(engine, pid, viewer.person_id),
        N_("The plan is closed: no more requests, answers or attendance changes.")))


def _sessions(engine, cid: int, viewer: Viewer) -> None:  # noqa: ANN001
    """The lead adds a session to the cohort, or removes one without attendance."""
    with st.expander(t("Sessions of this cohort")):
        meetings = sessions.of_cohort(engine, cid)
        places = cohorts.site_names(engine)
        with st.form(f"cascade_add_session_{cid}", border=False):
            c1, c2, c3 = st.columns(3)
            c1.date_input(t("Day"), key="cascade_s_day", format="DD/MM/YYYY",
                          value=meetings[-1].day if meetings and meetings[-1].day else None)
            c2.time_input(t("Start"), value=sessions.START, key="cascade_s_start")
            c3.number_input(t("Hours"), 0.5, session_edit.MAX_HOURS, 3.0, 0.5,
                            key="cascade_s_hours")
            st.checkbox(t("Remote"), key="cascade_s_remote")
            st.form_submit_button(t("Add this session"), key="cascade_s_add", on_click=_act(
                lambda: session_edit.add(
                    engine, cid, st.session_state["cascade_s_day"] or _no_day(),
                    st.session_state["cascade_s_start"], st.session_state["cascade_s_hours"],
                    st.session_state["cascade_s_remote"], viewer.person_id),
                N_("Session added: members see it on their link.")))
        if len(meetings) > 1:
            st.selectbox(t("Session to remove"), [m.id for m in meetings], key="cascade_s_pick",
                         format_func=lambda i: attendance_grid.session_label(
                             next(m for m in meetings if m.id == i), places))
            st.button(t("Remove this session"), key="cascade_s_remove", on_click=_act(
                lambda: session_edit.remove(engine, cid, st.session_state["cascade_s_pick"],
                                            viewer.person_id),
                N_("Session removed.")))


def _no_day():  # noqa: ANN202
    raise RelaisError(N_("Choose the day of the session."))
