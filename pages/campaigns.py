"""Campaigns: dates, status and how many responses were submitted."""

import streamlit as st

from i18n import N_

from storage import queries
from ui import context
from ui.context import t
from ui.navigation import roles_for

STATUS = {"draft": N_("Draft"), "open": N_("Open"), "closed": N_("Closed")}

context.require(*roles_for("pages/campaigns.py"))
st.title(t("Campaigns"))
table = queries.campaigns_table(context.engine())
if table.empty:
    st.info(t("No campaign yet."))
    st.stop()
fmt = context.translator()
table = table.assign(starts_on=table["starts_on"].map(fmt.date),
                     ends_on=table["ends_on"].map(fmt.date),
                     status=table["status"].map(lambda s: t(STATUS.get(s, s))))
st.dataframe(
    table.drop(columns="id"), hide_index=True, width="stretch",
    column_config={"name": t("Campaign"), "starts_on": t("Start"), "ends_on": t("End"),
                   "status": t("Status"), "submitted": t("Submitted responses")},
)
