"""People and personal data: find a person, export their data, erase them, reset, change role."""

import json

import streamlit as st

from access import require_export
from accounts import signin
from accounts.people import search_people
from i18n import RelaisError
from privacy.erase import erase_person, export_person
from storage import queries
from ui import auth, context
from ui.context import t
from ui.exports import audited
from ui.navigation import ROLE_NAMES, roles_for

viewer = context.require(*roles_for("pages/admin_people.py"))
engine = context.engine()
st.title(t("People and personal data"))
query = st.text_input(t("Search by name, email or matricule"), key="people_query")
if not query.strip():
    st.stop()
found = search_people(engine, query)
if found.empty:
    st.info(t("Nobody matches this search."))
    st.stop()
labels = {row.id: f"{row.name} · {row.email or '—'} · {t(ROLE_NAMES.get(row.role, row.role))}"
          for row in found.itertuples()}
person_id = st.selectbox(t("Person"), list(labels), format_func=labels.get, key="people_pick")
row = found.set_index("id").loc[person_id]
actor = queries.get_person(engine, viewer.person_id)

st.subheader(t("Export their data"))
if st.button(t("Prepare the JSON export"), key="people_export"):
    try:
        require_export(viewer.role, "person_json")
        st.session_state["people_export_data"] = (person_id, json.dumps(
            export_person(engine, person_id, actor, auth.where()), ensure_ascii=False, indent=2))
    except RelaisError as err:
        context.show_error(err)
prepared = st.session_state.get("people_export_data")
if prepared and prepared[0] == person_id:
    text = prepared[1]  # served on click only while the admin's account may still export
    st.download_button(t("Download the JSON file"), audited("person_json", lambda: text,
                                                            {"format": "json"}),
                       file_name=f"person-{person_id}.json", mime="application/json",
                       key="people_download", on_click="ignore")

st.subheader(t("Role"))
roles = list(ROLE_NAMES)
new_role = st.selectbox(t("Role"), roles, index=roles.index(row.role), format_func=lambda r:
                        t(ROLE_NAMES[r]), key="people_role")
if new_role != row.role and st.button(t("Change the role"), key="people_set_role"):
    signin.set_role(engine, actor, person_id, new_role, auth.where())
    st.success(t("Role changed."))

if row.role != "trainer" and row.email:
    st.subheader(t("Password"))
    if st.button(t("Reset the password"), key="people_reset"):
        temporary = signin.reset_password(engine, actor, row.email, auth.where())
        st.success(t("Give this one-time password to the person; it is shown only once: "
                     "{password}", password=temporary))

st.subheader(t("Erase this person"))
st.caption(t("Their name, email, links, consents and raw answers are removed; their scores "
             "stay in the figures anonymously. This cannot be undone."))
sure = st.checkbox(t("I understand that this cannot be undone"), key="people_erase_sure")
if st.button(t("Erase"), key="people_erase", disabled=not sure, type="primary"):
    try:
        erase_person(engine, person_id, actor, auth.where())
        st.session_state.pop("people_export_data", None)
        st.success(t("The person has been erased."))
    except RelaisError as err:
        context.show_error(err)
