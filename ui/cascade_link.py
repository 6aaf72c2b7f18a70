"""The cascade on a trainer's personal link page: ask for training, answer an invitation,
take an open seat, and (relays) see one's cohorts and record attendance. No account."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from cascade import attendance, cohorts, requests, seats, sessions
from cascade.cohorts import CohortView
from i18n import N_, RelaisError
from planning.labels import AREA_LABELS, MODALITY_LABELS
from planning.model import AREAS
from survey.links import LinkContext
from ui import attendance_grid, context
from ui.context import t
from ui.survey_glue import guarded
from ui.text import plain

FLASH = "cascade_flash"


def _act(engine, ctx: LinkContext, action: Callable[[], object],  # noqa: ANN001
         done: str) -> Callable[[], None]:
    """A link-checked callback that shows done, or the refusal's clear message."""
    def run() -> None:
        try:
            action()
            st.session_state[FLASH] = ("success", t(done))
        except RelaisError as err:
            st.session_state[FLASH] = ("error", err.render(context.lang()))
    return guarded(engine, ctx, run)


def _describe(c: CohortView, places: dict[int, str]) -> str:
    fmt = context.translator()
    place = (t("online") if c.modality == "remote"
             else plain(places.get(c.site_id, "")) or t("to be confirmed"))
    return t("**{area}** · {date} · {modality}, {place} · relay: {relay} · {hours} h",
             area=t(AREA_LABELS.get(c.area, c.area)),
             date=fmt.date(c.starts_on) if c.starts_on else "—",
             modality=t(MODALITY_LABELS.get(c.modality, c.modality)), place=place,
             relay=plain(c.relay_name) or "—", hours=fmt.number(c.hours, 0))


def draw(engine, ctx: LinkContext, priorities: list[str]) -> None:  # noqa: ANN001
    """The whole cascade section of a link page."""
    token = st.query_params.get("t")
    st.subheader(t("Train with colleagues"))
    flash = st.session_state.pop(FLASH, None)
    if flash:
        (st.error if flash[0] == "error" else st.success)(flash[1])
    places = cohorts.site_names(engine)
    _request(engine, ctx, token, priorities)
    _invitations(engine, ctx, token, places)
    _relay(engine, ctx, token, places)


def _request(engine, ctx: LinkContext, token: str, priorities: list[str]) -> None:  # noqa: ANN001
    mine = requests.current(engine, ctx.campaign_id, ctx.person_id)
    if not requests.is_open(engine, ctx.campaign_id):
        st.info(t("Requests for training are closed for this campaign: its plan has been "
                  "closed."))
        return
    if mine:
        st.markdown(t("You asked to be trained on: {areas}.",
                      areas=", ".join(t(AREA_LABELS[a]) for a in mine)))
        st.button(t("Withdraw my request"), key="cascade_withdraw",
                  on_click=_act(engine, ctx, lambda: requests.withdraw(engine, token),
                                N_("Your request is withdrawn: you are no longer in any cohort.")))
    else:
        st.caption(t("Colleagues who master an area (relays) lead small groups. Ask to join one: "
                     "nobody is placed in a group without asking."))
    with st.form("cascade_request", border=True):
        st.multiselect(t("Areas I want to be trained on"), list(AREAS),
                               default=mine or [a for a in priorities if a in AREAS],
                               format_func=lambda a: t(AREA_LABELS[a]), key="cascade_areas")
        st.checkbox(t("I agree that the digital-engineering lead sees this request "
                                "with my name (I can withdraw it at any time here)."),
                              key="cascade_consent")
        label = t("Update my request") if mine else t("Ask for training")
        st.form_submit_button(label, key="cascade_ask", on_click=_act(
            engine, ctx, lambda: requests.ask(engine, token, st.session_state["cascade_areas"],
                                              st.session_state["cascade_consent"]),
            N_("Your request is recorded.")))


def _invitations(engine, ctx: LinkContext, token: str, places: dict[int, str]) -> None:  # noqa: ANN001
    mine = seats.my_seats(engine, token)
    if mine:
        st.markdown("#### " + t("My cohorts"))
    for m in mine:
        c = m.cohort
        with st.container(border=True):
            st.markdown(_describe(c, places))
            meetings = sessions.of_cohort(engine, c.id)
            if len(meetings) > 1:  # the dates a learner commits to
                st.markdown("\n".join("- " + attendance_grid.session_label(m, places)
                                       for m in meetings))
            status = {"invited": t("Proposed to you: please answer."),
                      "accepted": t("You accepted this place."),
                      "declined": t("You declined this place.")}[m.status]
            st.caption(status)
            if c.plan_status == cohorts.CLOSED or m.status == seats.DECLINED:
                continue
            cols = st.columns(2)
            if m.status != seats.ACCEPTED:
                cols[0].button(t("Accept"), key=f"cascade_accept_{c.id}", type="primary",
                               on_click=_act(engine, ctx, lambda cid=c.id: seats.answer(
                                   engine, token, cid, True), N_("You accepted the place.")))
            cols[1].button(t("Decline"), key=f"cascade_decline_{c.id}",
                           on_click=_act(engine, ctx, lambda cid=c.id: seats.answer(
                               engine, token, cid, False), N_("You declined: the place is freed.")))
    free = seats.open_seats(engine, token)
    if free:
        st.markdown("#### " + t("Open places near you"))
        st.checkbox(t("I agree that the digital-engineering lead sees my name in the cohort I "
                      "join."), key="cascade_seat_consent")
    for c in free:
        with st.container(border=True):
            st.markdown(_describe(c, places))
            st.caption(t("{free} of {capacity} places free", free=c.capacity - c.taken,
                         capacity=c.capacity))
            st.button(t("Take this place"), key=f"cascade_take_{c.id}", on_click=_act(
                engine, ctx, lambda cid=c.id: seats.take(
                    engine, token, cid, st.session_state.get("cascade_seat_consent", False)),
                N_("The place is yours.")))


def _relay(engine, ctx: LinkContext, token: str, places: dict[int, str]) -> None:  # noqa: ANN001
    led = seats.led_by(engine, token)
    if not led:
        return
    st.markdown("#### " + t("Cohorts I lead"))
    for c in led:
        with st.container(border=True):
            st.markdown(_describe(c, places))
            people = seats.members(engine, c.id)
            attendance_grid.draw(
                engine, c.id, people, "cascade_att",
                lambda sid, p, v, cid=c.id: attendance.record_by_relay(engine, token, cid, p, v,
                                                                       session_id=sid),
                FLASH, disabled=c.plan_status == cohorts.CLOSED,
                wrap=lambda run: guarded(engine, ctx, run))
