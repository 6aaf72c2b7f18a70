"""Streamlit parts of recognition: my badges (link page), badges (lead), the measured effect."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st
from sqlmodel import select

from i18n import RelaisError
from recognition import service
from recognition.effect import Effect, verdict
from scoring.anonymity import DEFAULT_K
from scoring.data import current_consents
from storage.db import read_session
from storage.models import Person
from ui import data
from ui.context import lang, show_error, t
from ui.text import plain

ISSUER_NAME = "Relais"


def _area(area: str) -> str:
    return service.area_names().get(area, {}).get(lang(), area)


def draw_my_badges(engine, person_id: int, key: str) -> None:  # noqa: ANN001
    """The person's badges with downloads (a signed .jwt and a badge image), on their link page."""
    from recognition import badges  # openbadgeslib loads on use: the overview shows only the effect

    mine = [b for b in badges.badges_of(engine, person_id) if b.token]
    if not mine:
        return
    st.subheader(t("My badges"))
    st.caption(
        t(
            "Each badge is an Open Badges 3.0 credential signed by your organisation: anyone can "
            "check it with an Open Badges verifier. Your badges stay valid if you withdraw your "
            "consent or ask for your data to be erased; only the digital-engineering lead can "
            "revoke a badge, and a revoked badge no longer passes the check."
        )
    )
    for b in mine:
        title = badges.achievement_text(b.role, _area(b.area), b.hours, lang())[0]
        cols = st.columns([3, 1, 1])
        label = title if b.revoked_at is None else t("{badge} (revoked)", badge=title)
        cols[0].markdown(plain(label))
        if b.revoked_at is None:
            cols[1].download_button(
                t("Credential (.jwt)"),
                b.token,
                file_name=f"badge-{b.id}.jwt",
                mime="application/vc+jwt",
                key=f"{key}_jwt_{b.id}",
            )
            cols[2].download_button(
                t("Image (.svg)"),
                badges.badge_svg(b.token, title, _area(b.area), b.hours),
                file_name=f"badge-{b.id}.svg",
                mime="image/svg+xml",
                key=f"{key}_svg_{b.id}",
            )


def draw_badge_admin(engine, viewer, key: str, frame: pd.DataFrame | None = None) -> None:  # noqa: ANN001
    """The lead issues the badges recorded attendance earns, and revokes one with a reason."""
    from recognition import badges
    from recognition.keys import load_key

    st.subheader(t("Badges"))
    frame = service.attendance(engine) if frame is None else frame
    if frame is None:
        st.info(t("No attendance has been recorded yet: badges are issued from attendance."))
    elif st.button(t("Issue the badges earned"), key=f"{key}_issue"):
        try:
            n = badges.issue_badges(engine, frame, load_key(), ISSUER_NAME, service.area_names())
            st.success(t("{n} badges issued.", n=n))
        except RelaisError as err:
            show_error(err)
    table = badges.all_badges(engine)
    if table.empty:
        return
    with read_session(engine) as s:
        named = current_consents(s)
    # a name only while the person agrees to be named to the lead;
    # the badge number is enough to revoke
    full = (table["first_name"].fillna("") + " " + table["last_name"].fillna("")).str.strip()
    agreed = (
        table["person_id"]
        .map(lambda p: bool(named.get(int(p))) if pd.notna(p) else False)
        .astype(bool)
    )
    who = full.where(agreed, t("(not named)")).where(table["person_id"].notna(), t("(erased)"))
    shown = pd.DataFrame(
        {
            t("Badge"): table["id"],
            t("Person"): who.map(plain),
            t("Role"): table["role"].map({"relay": t("relay trainer"), "learner": t("learner")}),
            t("Area"): table["area"].map(_area),
            t("Hours"): table["hours"],
            t("Revoked"): table["revoked_at"].notna(),
        }
    )
    st.dataframe(shown, hide_index=True, key=f"{key}_table")
    live = table[table["revoked_at"].isna()]
    if live.empty:
        return
    with st.form(f"{key}_revoke"):
        # a selectbox shows plain text: the unescaped name
        label = dict(zip(table["id"], who + " · " + table["area"].map(_area)))
        pick = st.selectbox(
            t("Badge to revoke"),
            live["id"].tolist(),
            key=f"{key}_pick",
            format_func=lambda i: f"{i} · {label.get(i, '')}",
        )
        reason = st.text_input(t("Reason (kept with the badge)"), key=f"{key}_reason")
        if st.form_submit_button(t("Revoke")):
            with read_session(engine) as s:
                actor = s.get(Person, viewer.person_id)
            try:
                badges.revoke(engine, int(pick), actor, reason)
                st.success(t("Badge {id} revoked: it no longer passes verification.", id=int(pick)))
            except RelaisError as err:
                show_error(err)


def _fmt(x: float) -> str:
    return "" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:+.1f}"


def _rows(effects: list[Effect], names: dict[int, str] | None = None) -> pd.DataFrame:
    rows = []
    for e in effects:
        row = {}
        if names is not None:
            row[t("Relay trainer")] = plain(names.get(e.relay_id, ""))
        row.update(
            {
                t("Area"): _area(e.area),
                t("Attended"): e.n_attended if e.shown else None,
                t("Comparable trainers"): e.n_comparison if e.shown else None,
                t("Effect (points)"): _fmt(e.effect)
                if e.shown
                else t("fewer than {k} people", k=DEFAULT_K),
                t("95% interval"): f"{_fmt(e.low)} … {_fmt(e.high)}"
                if e.shown and e.estimable
                else "",
                t("What it says"): verdict(e, _area(e.area), lang()),
            }
        )
        rows.append(row)
    return pd.DataFrame(rows)


def _measured(engine, frame: pd.DataFrame, viewer_id: int | None, with_relays: bool):  # noqa: ANN001, ANN202
    """service.measured, decided once per state of what it reads: the campaigns' published
    data, the attendance and (for the named relays) the consents in force. Deciding it
    (the span check included) takes seconds on a large organisation; a rerun that changed
    none of these reuses the decision, and any change to them decides again at once."""
    versions = tuple((int(c), data.published_version(int(c)))
                     for c in data.campaign_table()["campaign_id"])
    attended = int(pd.util.hash_pandas_object(frame, index=False).sum()) if len(frame) else 0
    consents = ()
    if with_relays:
        with read_session(engine) as s:
            consents = tuple(sorted(current_consents(s).items()))
    return _measured_cached(engine, frame, viewer_id, with_relays, versions, attended, consents)


@st.cache_resource(ttl=3600, max_entries=16, show_spinner=False)
def _measured_cached(_engine, _frame: pd.DataFrame, _viewer_id: int | None, with_relays: bool,  # noqa: ANN001, ANN202
                     versions: tuple, attended: int, consents: tuple):
    return service.measured(
        _engine,
        _frame,
        viewer_id=_viewer_id,
        with_relays=with_relays,
        load=lambda cid: data._campaign(cid, data.published_version(cid)),
    )


def draw_effect(engine, viewer, key: str, frame: pd.DataFrame | None = None) -> None:  # noqa: ANN001
    """The measured effect per area (lead and director); per consenting relay for the lead."""
    st.subheader(t("Did the cohorts change practice?"))
    frame = service.attendance(engine) if frame is None else frame
    if frame is None:
        st.info(
            t(
                "No attendance has been recorded yet: the effect is measured in the campaign after "
                "the cohorts."
            )
        )
        return
    with_relays = viewer.role == "lead"
    result = _measured(engine, frame, viewer.person_id, with_relays)
    if result is None:
        st.info(t("The effect is measured in the next campaign, which has not started yet."))
        return
    areas, relays = result
    st.caption(
        t(
            "For each area: the change in score, from the plan's campaign to the next, of trainers "
            "who attended a cohort, against trainers who did not and started within 10 points of "
            "them. A figure is shown only when both groups have at least {k} people and it cannot "
            "be combined with other figures to learn about fewer people.",
            k=DEFAULT_K,
        )
    )
    for e in areas:
        st.markdown(plain(verdict(e, _area(e.area), lang())))
    st.dataframe(_rows(areas), hide_index=True, key=f"{key}_areas")
    if with_relays and relays:
        with read_session(engine) as s:
            names = {
                p.id: f"{p.first_name} {p.last_name}"
                for p in s.exec(
                    select(Person).where(Person.id.in_([e.relay_id for e in relays]))
                ).all()
            }
        st.markdown("**" + t("Per relay trainer (those who agreed to be named)") + "**")
        st.dataframe(
            _rows([e for e in relays if e.shown], names), hide_index=True, key=f"{key}_relays"
        )
        hidden = sum(not e.shown for e in relays)
        if hidden:
            st.caption(
                t(
                    "{n} relay results hidden: fewer than {k} people on a side, or a group that "
                    "other figures would give away.",
                    n=hidden,
                    k=DEFAULT_K,
                )
            )
