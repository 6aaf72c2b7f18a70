"""Organisation page section: declare the organisation's model (admins) or read it (directors)."""

from __future__ import annotations

import streamlit as st
from sqlmodel import select

from i18n import RelaisError
from scoring.org_model import (PEDAGOGIES, PRODUCTIONS, clear_site_model, declare_model,
                               declared_table)
from storage.db import read_session
from storage.models import Site
from ui import context
from ui.context import t

_ORG = "__org__"


def _sites(engine) -> dict[int, str]:  # noqa: ANN001
    with read_session(engine) as s:
        return {site.id: site.name for site in s.exec(select(Site).order_by(Site.name)).all()}


def _current_table(engine, sites: dict[int, str]) -> None:  # noqa: ANN001
    table = declared_table(engine)
    if table.empty:
        st.info(t("No model declared yet: questionnaire v2 scores every item for everyone."))
        return
    shown = table.assign(
        where=table["site_id"].map(lambda s: t("Whole organisation") if s is None or s != s
                                   else sites.get(int(s), str(s))),
        pedagogy=table["pedagogy"].map(lambda v: t(PEDAGOGIES.get(v, v))),
        production=table["production"].map(lambda v: t(PRODUCTIONS.get(v, v))),
    )[["where", "pedagogy", "production"]]
    st.dataframe(shown, hide_index=True, width="stretch", column_config={
        "where": t("Applies to"), "pedagogy": t("Pedagogical model"),
        "production": t("Digital resources produced by")})


def _save(engine, person_id: int | None) -> None:  # noqa: ANN001
    """Form callback: declare the chosen model before the page redraws (so the table is fresh)."""
    where = st.session_state["org_model_where"]
    try:
        n = declare_model(engine, None if where == _ORG else int(where),
                          st.session_state["org_model_pedagogy"],
                          st.session_state["org_model_production"], by=person_id)
    except RelaisError as err:
        st.session_state["org_model_msg"] = ("error", err)
    else:
        st.session_state["org_model_msg"] = ("success", n)


def _clear(engine) -> None:  # noqa: ANN001
    n = clear_site_model(engine, int(st.session_state["org_model_clear_site"]))
    st.session_state["org_model_msg"] = ("success", n)


def model_section(viewer_role: str, person_id: int | None) -> None:
    """The 'Our pedagogical model' section of the Organisation page."""
    engine = context.engine()
    st.subheader(t("Our pedagogical model"))
    st.caption(t("Questionnaire v2 scores trainers and managers against the model you declare: "
                 "items that presume another model are left out or capped, and each personal "
                 "result says so. Saving recomputes the stored results it affects at once."))
    kind, value = st.session_state.pop("org_model_msg", (None, None))
    if kind == "error":
        context.show_error(value)
    elif kind == "success":
        st.success(t("Model saved; {n} stored results recomputed.", n=value))
    sites = _sites(engine)
    _current_table(engine, sites)
    if viewer_role != "admin":
        return
    with st.form("org_model_form"):
        st.selectbox(t("Applies to"), [_ORG, *sites], key="org_model_where",
                     format_func=lambda v: t("Whole organisation") if v == _ORG else sites[v])
        st.radio(t("Pedagogical model"), list(PEDAGOGIES), key="org_model_pedagogy",
                 format_func=lambda v: t(PEDAGOGIES[v]), horizontal=True)
        st.radio(t("Digital resources produced by"), list(PRODUCTIONS), key="org_model_production",
                 format_func=lambda v: t(PRODUCTIONS[v]), horizontal=True)
        st.form_submit_button(t("Save the model"), on_click=_save, args=(engine, person_id))
    own = [int(s) for s in declared_table(engine)["site_id"].dropna()]
    if own:
        st.selectbox(t("Site following its own model"), own, key="org_model_clear_site",
                     format_func=lambda v: sites.get(v, str(v)))
        st.button(t("Make this site follow the organisation's model"), key="org_model_clear",
                  on_click=_clear, args=(engine,))
