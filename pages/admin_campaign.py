"""Campaign follow-up for admins: completion by site, reminders, links, custom questions."""

import json

import streamlit as st

from i18n import RelaisError
from storage import queries
from survey import links, versions
from ui import context
from ui.context import lang, t
from ui.exports import audited
from ui.text import error_text
from ui.navigation import roles_for
from ui.official import official_setting

context.require(*roles_for("pages/admin_campaign.py"))
eng = context.engine()
st.title(t("Campaign follow-up"))
table = queries.campaigns_table(eng)
if table.empty:
    st.info(t("No campaign yet."))
    st.stop()
names = dict(zip(table["id"], table["name"]))
cid = st.selectbox(t("Campaign"), list(names), format_func=names.get, key="campaign")

official_setting(cid)

st.subheader(t("Completion by site"))
done = links.completion_by_site(eng, cid)
st.dataframe(done.drop(columns="site_id"), hide_index=True, width="stretch", column_config={
    "site": t("Site"), "invited": t("Invited"), "started": t("Started"),
    "submitted": t("Submitted")})

st.subheader(t("Who has not answered yet"))
waiting = links.not_answered(eng, cid)
status = {"none": t("Not started"), "draft": t("Started")}
st.dataframe(waiting.drop(columns="person_id").assign(status=waiting["status"].map(status)),
             hide_index=True, width="stretch", column_config={
                 "last_name": t("Last name"), "first_name": t("First name"),
                 "email": t("Email"), "site": t("Site"), "status": t("Status")})

st.subheader(t("Personal links for a mail merge"))
st.caption(t("Only a fingerprint of each link is stored, so links cannot be shown again: "
             "the export creates new links, and the previous links of the people exported "
             "stop working."))
only_waiting = st.checkbox(t("Only people who have not answered yet"), value=True, key="only")
base = st.text_input(t("Address of the application"), value="http://localhost:8501",
                     key="base_url")
ids = waiting["person_id"].tolist() if only_waiting else None
# The file holds working links: built only when clicked, after the account and role are
# checked again, and written to the audit log; never kept in the session.
st.download_button(t("Download the links (CSV)"), data=audited(
    "links_csv", lambda: links.export_links_csv(eng, cid, base, ids).encode("utf-8-sig"),
    {"format": "csv", "campaign": int(cid), "people": "waiting" if only_waiting else "all"}),
    file_name=f"liens-campagne-{cid}.csv", mime="text/csv", key="dl_csv", on_click="ignore",
    icon=":material/download:")

st.subheader(t("Withdraw a link"))
people = dict(zip(waiting["person_id"], waiting["last_name"] + " " + waiting["first_name"]))
who = st.selectbox(t("Person"), list(people), format_func=people.get, index=None,
                   key="revoke_who")
if st.button(t("Withdraw this link"), key="revoke", disabled=who is None):
    links.revoke(eng, cid, who)
    st.success(t("The link no longer works."))

st.subheader(t("Custom questions"))
st.caption(t("Up to {n} unscored questions (scale or single choice, in French and English), "
             "in JSON. They can change only until someone starts answering.",
             n=versions.MAX_CUSTOM_ITEMS))
current = [i.model_dump(mode="json", exclude_none=True) for i in versions.custom_items(eng, cid)]
raw = st.text_area(t("Custom questions (JSON)"), json.dumps(current, ensure_ascii=False,
                                                            indent=2), height=200,
                   key=f"custom_{cid}")
if st.button(t("Save the custom questions"), key="save_custom"):
    try:
        versions.set_custom_items(eng, cid, json.loads(raw or "[]"))
        st.success(t("Custom questions saved."))
    except json.JSONDecodeError as exc:
        st.error(t("The JSON is not valid (line {line}).", line=exc.lineno))
    except RelaisError as err:
        st.error(error_text(err, lang()))
