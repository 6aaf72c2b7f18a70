"""Action plans: Relais proposes focus areas; the director (or a site's manager) records actions."""

import datetime as dt

import streamlit as st

from champions.quadrants import QUADRANT_NAMES, site_quadrant
from champions.settings import approach_for
from dashboards import display, exports, plans
from dashboards.focus import propose
from dashboards.overview import progress_view, site_profile
from i18n import RelaisError
from reports.xlsx import to_xlsx
from scoring.schema import ORG_ELEMENTS, TRAINER_AREAS
from ui import champions_data, context, data
from ui.context import t
from ui.dashboards import XLSX_MIME, campaign_picker, focus_list
from ui.exports import audited
from access import can_export
from ui.navigation import roles_for
from ui.text import plain

viewer = context.require(*roles_for("pages/action_plans.py"))
tr = context.translator()
units = data.unit_table()
site_names = units.set_index("site_id")["site"].to_dict()
st.title(t("Action plans"))
scope = viewer.site_id if viewer.role == "manager" else None
if viewer.role == "manager" and scope is None:
    st.error(t("Your account is not attached to a site; ask your administrator."))
    st.stop()

c1, c2 = st.columns(2)
with c1:
    campaign_id = campaign_picker("plan_campaign")
if campaign_id is None:
    st.stop()
with c2:
    if scope is not None:
        plan_site = scope
        st.markdown(f"**{t('Site')}** — {plain(site_names.get(scope, ''))}")
    else:
        plan_site = st.selectbox(t("Plan for"), [None, *site_names], key="plan_site",
                                 format_func=lambda s: t("The whole organisation") if s is None else site_names[s])

ov = data.overview(campaign_id)
names = {**ov.area_names, **ov.element_names}
region_id = None if plan_site is None else int(units.loc[units["site_id"] == plan_site, "region_id"].iloc[0])

st.subheader(t("Suggested focus areas"))
if plan_site is None:
    prof = ov.trainers[ov.trainers["scope"] == "org"][["area", "mean", "hidden"]]
else:
    prof = site_profile(ov, plan_site, region_id).rename(columns={"site": "mean", "site_hidden": "hidden"})
focus = propose(prof, display.gap_display(ov, tr, plan_site), progress_view(ov, region_id, plan_site))
focus_list(ov, focus)

if plan_site is not None:  # the champions map's reading of this site, and the lead's advice
    quadrant = site_quadrant(champions_data.load(campaign_id).sites, plan_site)
    if quadrant is not None:
        advice = approach_for(context.engine(), quadrant, context.lang())
        st.info(t("On the champions map this site is “{quadrant}” (organisation medians). "
                  "Recommended approach: {advice}", quadrant=t(QUADRANT_NAMES[quadrant]),
                  advice=plain(advice)), icon=":material/scatter_plot:")
        st.button(t("Start an action from this approach"), key="use_approach",
                  on_click=lambda text=advice: st.session_state.update(new_title=text[:300]))

st.subheader(t("Add an action"))
areas = [a for a in (*[f.area for f in focus], *TRAINER_AREAS, *ORG_ELEMENTS)]
areas = list(dict.fromkeys(areas))
with st.form("new_action", clear_on_submit=True):
    f1, f2 = st.columns(2)
    focus_area = f1.selectbox(t("Focus area"), areas, format_func=lambda a: names.get(a, a), key="new_focus")
    title = f2.text_input(t("Action"), key="new_title", max_chars=300)
    f3, f4, f5 = st.columns(3)
    owner = f3.text_input(t("Owner"), key="new_owner", max_chars=160)
    due_on = f4.date_input(t("Due date"), value=dt.date.today() + dt.timedelta(days=90), key="new_due",
                           format="DD/MM/YYYY")
    status = f5.selectbox(t("Status"), plans.STATUSES, format_func=lambda s: t(plans.STATUS_NAMES[s]),
                          key="new_status")
    indicator = st.text_input(t("Measurable indicator"), key="new_indicator", max_chars=300,
                              placeholder=t("e.g. 80 % of trainers have used the LMS quiz tool by June"))
    submitted = st.form_submit_button(t("Save the action"), type="primary")
if submitted:
    try:
        plan_title = (t("Action plan — {site}", site=site_names[plan_site]) if plan_site is not None
                      else t("Action plan — organisation"))
        plan_id = plans.plan_for(context.engine(), campaign_id, plan_site, plan_title, viewer.person_id, scope)
        plans.add_action(context.engine(), plan_id, plans.ActionInput(
            title, owner, due_on, status, indicator, focus_area), scope)
        st.success(t("Action saved."))
    except RelaisError as err:
        context.show_error(err)

st.subheader(t("Actions"))
flash = st.session_state.pop("plan_flash", None)
if flash == "Action saved.":
    st.success(t("Action saved."))
elif flash == "Action deleted.":
    st.success(t("Action deleted."))
acts = plans.actions(context.engine(), scope=scope, campaign_id=campaign_id, site_id=plan_site)
late = int(acts["late"].sum())
if acts.empty:
    st.info(t("No action yet in this plan."))
else:
    if late:
        st.warning(t("{n} late action(s): due date passed and not done.", n=late))
    shown = exports.plan_table(acts, tr, names).frame
    st.dataframe(shown, hide_index=True, width="stretch")

    st.markdown("**" + t("Change an action") + "**")
    labels = dict(zip(acts["action_id"], acts["title"]))
    chosen = st.selectbox(t("Action"), list(labels), format_func=labels.get, key="edit_pick")
    row = acts.set_index("action_id").loc[chosen]
    with st.form(f"edit_{chosen}"):
        e1, e2 = st.columns(2)
        e_title = e1.text_input(t("Action"), value=row["title"], max_chars=300)
        e_owner = e2.text_input(t("Owner"), value=row["owner"], max_chars=160)
        e3, e4 = st.columns(2)
        e_due = e3.date_input(t("Due date"), value=row["due_on"], format="DD/MM/YYYY")
        e_status = e4.selectbox(t("Status"), plans.STATUSES, index=plans.STATUSES.index(row["status"]),
                                format_func=lambda s: t(plans.STATUS_NAMES[s]))
        e_indicator = st.text_input(t("Measurable indicator"), value=row["indicator"], max_chars=300)
        b1, b2 = st.columns(2)
        save = b1.form_submit_button(t("Save changes"))
        delete = b2.form_submit_button(t("Delete this action"))
    try:
        if save:
            plans.update_action(context.engine(), int(chosen), plans.ActionInput(
                e_title, e_owner, e_due, e_status, e_indicator, row["focus_area"]), scope)
            st.session_state["plan_flash"] = "Action saved."
            st.rerun()  # the table above was read before the change
        elif delete:
            plans.delete_action(context.engine(), int(chosen), scope)
            st.session_state["plan_flash"] = "Action deleted."
            st.rerun()
    except RelaisError as err:
        context.show_error(err)
    if can_export(viewer.role, "action_plan_xlsx"):
        plan_xlsx = audited("action_plan_xlsx",
                            lambda: to_xlsx([exports.plan_table(acts, tr, names)]),
                            {"format": "xlsx", "campaign": int(campaign_id)})
        st.download_button(t("Download XLSX"), data=plan_xlsx,
                           file_name="relais-plan-actions.xlsx", mime=XLSX_MIME, key="plan_xlsx",
                           on_click="ignore", icon=":material/table:")

st.subheader(t("Late actions in every plan you can see"))
all_late = plans.actions(context.engine(), scope=scope)
all_late = all_late[all_late["late"]]
if all_late.empty:
    st.caption(t("No late action."))
else:
    st.dataframe(exports.plan_table(all_late, tr, names).frame, hide_index=True, width="stretch")
