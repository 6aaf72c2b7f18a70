"""Audit log: read-only, newest first, filtered by action and date."""

import datetime as dt

import streamlit as st

from cascade.log import ACTION_NAMES as CASCADE_ACTIONS
from i18n import N_
from storage.audit import ACTIONS, audit_table
from reports.csv import to_csv
from reports.tables import Table
from ui import context
from ui.context import t
from ui.exports import audited
from ui.navigation import roles_for

ACTION_NAMES = {
    "sign_in": N_("Sign-in"), "sign_in_failed": N_("Failed sign-in"), "sign_out": N_("Sign-out"),
    "locked_out": N_("Account locked"), "password_reset": N_("Password reset"),
    "role_changed": N_("Role changed"), "roster_import": N_("Roster import"),
    "export": N_("Export"), "person_exported": N_("Personal data exported"),
    "person_erased": N_("Person erased"), "consent_withdrawn": N_("Consent withdrawn"),
    "retention_anonymised": N_("Expired answers anonymised"),
    "password_changed": N_("Password changed"),
}

ACTION_NAMES.update(CASCADE_ACTIONS)  # issue 18
context.require(*roles_for("pages/admin_audit.py"))
st.title(t("Audit log"))
c1, c2 = st.columns(2)
action = c1.selectbox(t("Action"), ["", *ACTIONS], key="audit_action",
                      format_func=lambda a: t(ACTION_NAMES[a]) if a else t("All actions"))
since = c2.date_input(t("Since"), value=dt.date.today() - dt.timedelta(days=30),
                      key="audit_since")
table = audit_table(context.engine(), action or None,
                    dt.datetime.combine(since, dt.time(0), tzinfo=dt.UTC))
st.caption(t("Times are in UTC. The log cannot be edited."))
if table.empty:
    st.info(t("No entry for these filters."))
    st.stop()
fmt = context.translator()
table = table.assign(at=table["at"].map(lambda v: fmt.date(v, "short")),
                     action=table["action"].map(lambda a: t(ACTION_NAMES.get(a, a))))
headers = {"at": t("When (UTC)"), "actor": t("Who"), "action": t("Action"), "target": t("About"),
           "detail": t("Detail")}
export = Table(t("Audit log"), table.rename(columns=headers))  # built now: t() needs the session
st.download_button(t("Download the log (CSV)"), data=audited("audit_csv", lambda: to_csv(export),
                                                             {"format": "csv", "rows": len(table)}),
    file_name="journal-relais.csv", mime="text/csv", key="audit_csv", on_click="ignore",
    icon=":material/download:")
st.dataframe(table, hide_index=True, width="stretch",
             column_config=headers)
