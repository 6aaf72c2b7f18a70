"""Learners' links: create one per site (or cohort) for a campaign, see answers counts, close."""

import streamlit as st

from i18n import RelaisError
from survey import learners
from ui import context, data
from ui.context import t
from ui.dashboards import campaign_picker
from ui.navigation import roles_for
from ui.text import plain

viewer = context.require(*roles_for("pages/learner_links.py"))
eng = context.engine()
st.title(t("Learners' links"))
st.caption(t("A learners' link is shared by a whole group: it names nobody, needs no account, and "
             "accepts one answer per device. Only a fingerprint of each link is stored, so copy "
             "it when it is created."))
campaign_id = campaign_picker("ll_campaign")
if campaign_id is None:
    st.stop()
units = data.unit_table()
site_names = units.set_index("site_id")["site"].to_dict()

fresh = st.session_state.get("ll_fresh")
if fresh:
    st.success(t("New link for {site}: copy it now, it cannot be shown again.", site=plain(fresh[0])))
    st.code(fresh[1], language=None)

with st.form("ll_new"):
    site = st.selectbox(t("Site"), list(site_names), format_func=site_names.get, key="ll_site")
    cohort = st.text_input(t("Cohort (optional)"), max_chars=120, key="ll_cohort")
    base = st.text_input(t("Address of the application"), value=st.context.url.rsplit("/", 1)[0]
                         if st.context.url else "http://localhost:8501", key="ll_base")
    if st.form_submit_button(t("Create a learners' link"), type="primary"):
        try:
            token = learners.create_link(eng, campaign_id, int(site), cohort, viewer.person_id)
        except RelaisError as err:
            context.show_error(err)
        else:
            st.session_state["ll_fresh"] = (site_names[site], f"{base.rstrip('/')}/{learners.ROUTE}?l={token}")
            st.rerun()

table = learners.links_table(eng, campaign_id)
st.subheader(t("Links of this campaign"))
if table.empty:
    st.info(t("No learners' link yet for this campaign."))
    st.stop()
tr = context.translator()
shown = table.assign(status=table["closed_at"].map(lambda v: t("Open") if v is None or v != v else t("Closed")),
                     created_at=table["created_at"].map(lambda v: tr.date(v, "short")))
st.dataframe(shown[["site", "cohort", "created_at", "answers", "status"]], hide_index=True, width="stretch",
             column_config={"site": t("Site"), "cohort": t("Cohort"), "created_at": t("Created on"),
                            "answers": t("Answers"), "status": t("Status")})
open_links = table[table["closed_at"].isna()]
labels = {int(r.link_id): f"{r.site}" + (f" · {r.cohort}" if r.cohort else "") + f" (#{int(r.link_id)})"
          for r in open_links.itertuples()}
which = st.selectbox(t("Link to close"), list(labels), format_func=labels.get, index=None, key="ll_close_which")
if st.button(t("Close this link"), key="ll_close", disabled=which is None):
    try:
        learners.close_link(eng, int(which), viewer.person_id)
    except RelaisError as err:
        context.show_error(err)
    else:
        st.session_state.pop("ll_fresh", None)
        st.rerun()
