"""Roster import: upload, check every line, preview the problems, then import all or nothing."""

import pandas as pd
import streamlit as st

from i18n import RelaisError
from roster.apply import RosterRejected, import_roster, preview
from roster.parse import MAX_UPLOAD_BYTES
from storage import queries
from ui import auth, context
from ui.context import t
from ui.navigation import ROLE_NAMES, roles_for
from ui.text import plain_list

viewer = context.require(*roles_for("pages/admin_roster.py"))
engine = context.engine()
st.title(t("Roster import"))
st.write(t("A CSV or Excel file with one person per line. Columns are found by their header, "
           "in French or English: Prénom, Nom, Courriel, Matricule, Rôle, Site, Région, Langue."))
mb = MAX_UPLOAD_BYTES // (1024 * 1024)
upload = st.file_uploader(t("Roster file (CSV or XLSX, at most {mb} MB)", mb=mb),
                          type=["csv", "txt", "xlsx"], key="roster_file", max_upload_size=mb)
create_sites = st.checkbox(t("Create missing sites and regions"), key="roster_create_sites")
deactivate = st.checkbox(t("Deactivate people absent from the file (their past answers are "
                           "kept)"), key="roster_deactivate")
if upload is None:
    st.stop()
if upload.size > MAX_UPLOAD_BYTES:
    st.error(t("The file is larger than {mb} MB.", mb=mb))
    st.stop()

data = upload.getvalue()  # kept in memory only for this run; nothing is written to disk
try:
    result = preview(engine, data, upload.name, create_sites)
except RelaisError as err:
    context.show_error(err)
    st.stop()

if result.problems:
    st.error(t("{n} problems: nothing will be imported until they are fixed.",
               n=len(result.problems)))
    st.dataframe(pd.DataFrame({
        t("Line"): [p.line for p in result.problems],
        t("Problem"): [p.render(context.lang()) for p in result.problems]}),
        hide_index=True, width="stretch")
    st.stop()

known = sum(p.person_id is not None for p in result.people)
st.success(t("{n} people ready: {new} new, {known} already known.", n=len(result.people),
             new=len(result.people) - known, known=known))
if result.new_sites:
    st.info(t("New sites to create: {sites}", sites=plain_list(
        label for label, _ in result.new_sites.values())))
st.dataframe(pd.DataFrame({
    t("Line"): [p.line for p in result.people],
    t("Name"): [f"{p.first_name} {p.last_name}" for p in result.people],
    t("Email"): [p.email for p in result.people],
    t("Role"): [t(ROLE_NAMES[p.role]) for p in result.people]}), hide_index=True,
    width="stretch")

if st.button(t("Import"), key="roster_import", type="primary"):
    actor = queries.get_person(engine, viewer.person_id)
    try:
        summary = import_roster(engine, data, upload.name, actor, create_sites, deactivate,
                                where=auth.where())
    except RosterRejected as err:
        context.show_error(err)
        st.stop()
    except RelaisError as err:
        context.show_error(err)
        st.stop()
    st.success(t("Imported: {created} created, {updated} updated, {unchanged} unchanged, "
                 "{deactivated} deactivated, {sites} sites created.", created=summary.created,
                 updated=summary.updated, unchanged=summary.unchanged,
                 deactivated=summary.deactivated, sites=summary.sites_created))
