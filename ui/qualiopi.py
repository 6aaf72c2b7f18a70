"""Streamlit glue for the Qualiopi evidence pack: two audited downloads for the director."""

from __future__ import annotations

import streamlit as st

from access import can_export
from reports.qualiopi import build_pack
from ui import context
from ui.context import Viewer, t
from ui.exports import audited

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _learner_rows(campaign_id: int, k: int) -> list[tuple[str, object, object]]:
    """The learners' released organisation-level figures as pack rows (statement, mean 0-100, n)."""
    from survey.learner_questionnaire import default
    from ui import learners_view

    items, _ = learners_view.figures(campaign_id, k)
    if items.empty:
        return []
    shown = items[(items["scope"] == "org") & ~items["hidden"].astype(bool) & items["n"].notna()]
    texts = {i.id: i.text.get(context.lang(), i.text.get("fr", i.id)) for i in default().items}
    return [(texts.get(r.item, r.item), round(float(r.mean), 2), int(r.n))
            for r in shown.itertuples(index=False)]


def qualiopi_downloads(viewer: Viewer, campaign_id: int, ov) -> None:  # noqa: ANN001 - Overview
    """The pack of a campaign as XLSX and PDF, built when clicked from the unfiltered overview."""
    if not can_export(viewer.role, "qualiopi_pack"):
        return
    st.subheader(t("Qualiopi evidence pack"))
    st.caption(t("Maps this campaign's released figures, action plans and cohorts to the Qualiopi "
                 "indicators they support (staff competence, learner engagement, resources, "
                 "stakeholders' views, distance training)."))
    remote = st.radio(t("Does the organisation train remotely?"), ["auto", "yes", "no"], horizontal=True,
                      key="qp_remote", format_func=lambda v: {
                          "auto": t("Decide from the released figures"), "yes": t("Yes"),
                          "no": t("No")}[v])
    engine, tr = context.engine(), context.translator()
    flag = None if remote == "auto" else remote == "yes"

    # read during the page run (cached with the overview's three-way section): the download
    # builds the pack later, outside the run, where the session is not available
    learners = _learner_rows(campaign_id, ov.k)

    def pack():  # noqa: ANN202
        return build_pack(engine, campaign_id, tr, ov=ov, remote=flag, learners=learners)

    stem = f"relais-qualiopi-{campaign_id}"
    c1, c2 = st.columns(2)
    c1.download_button(t("Download the pack (XLSX)"),
                       data=audited("qualiopi_pack", lambda: pack().xlsx(), {"format": "xlsx", "file": stem}),
                       file_name=f"{stem}.xlsx", mime=XLSX_MIME, key="qp_xlsx", on_click="ignore",
                       icon=":material/table:")
    c2.download_button(t("Download the pack (PDF)"),
                       data=audited("qualiopi_pack", lambda: pack().pdf(), {"format": "pdf", "file": stem}),
                       file_name=f"{stem}.pdf", mime="application/pdf", key="qp_pdf", on_click="ignore",
                       icon=":material/picture_as_pdf:")
