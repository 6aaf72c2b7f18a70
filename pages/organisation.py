"""Organisation: regions, sites and headcounts as loaded from the roster."""

import streamlit as st

from storage import queries
from ui import context
from ui.context import t
from ui.navigation import roles_for

context.require(*roles_for("pages/organisation.py"))
st.title(t("Organisation"))
table = queries.organisation_table(context.engine())
c1, c2, c3 = st.columns(3)
c1.metric(t("Regions"), table["region"].nunique())
c2.metric(t("Sites"), len(table))
c3.metric(t("Trainers"), int(table["trainers"].sum()))
st.dataframe(
    table, hide_index=True, width="stretch",
    column_config={"region": t("Region"), "site": t("Site"), "city": t("City"),
                   "trainers": t("Trainers"), "managers": t("Managers")},
)

from ui.org_model import model_section  # noqa: E402  (issue 20: the organisation's model)

_viewer = context.viewer()
model_section(_viewer.role if _viewer else "", _viewer.person_id if _viewer else None)
