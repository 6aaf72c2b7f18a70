"""Site profile: one site against its region and the organisation, strengths, weaknesses, gaps."""

import datetime as dt

import streamlit as st

from charts import dashboards as charts
from charts import text as ctext
from dashboards import display, exports, plans
from dashboards.focus import propose
from dashboards.overview import headline, progress_view, site_profile, strengths_weaknesses
from reports.pdf import Report
from ui import context, data
from ui.context import t
from ui.chart_text import text_alternative
from ui.dashboards import campaign_picker, downloads, focus_list, gap_notes
from ui.navigation import roles_for
from ui.text import plain
from ui.trades import site_trade_fallback, trade_caption, trade_picker
from ui.official import site_official_gaps

viewer = context.require(*roles_for("pages/site_profile.py"))
tr = context.translator()
units = data.unit_table()
site_names = units.set_index("site_id")["site"].to_dict()
st.title(t("Site profile"))

wanted = st.query_params.get("site")
if viewer.role == "manager":
    if viewer.site_id is None:
        st.error(t("Your account is not attached to a site; ask your administrator."))
        st.stop()
    if wanted not in (None, str(viewer.site_id)):
        st.error(t("You may only see the figures of your own site."))
        st.stop()
    site_id = viewer.site_id
    st.subheader(plain(site_names.get(site_id, "")))
    campaign_id = campaign_picker("site_campaign")
else:
    if wanted is not None and "site_pick" not in st.session_state:
        try:
            if int(wanted) in site_names:
                st.session_state["site_pick"] = int(wanted)
        except ValueError:
            pass
    c1, c2 = st.columns(2)
    with c1:
        site_id = st.selectbox(t("Site"), list(site_names), key="site_pick",
                               format_func=lambda s: f"{site_names[s]} ({units.set_index('site_id').loc[s, 'region']})")
    with c2:
        campaign_id = campaign_picker("site_campaign")
if campaign_id is None or site_id is None:
    st.stop()
trade = trade_picker(st, "site_trade")
region_id = int(units.loc[units["site_id"] == site_id, "region_id"].iloc[0])
region_name = units.loc[units["site_id"] == site_id, "region"].iloc[0]

ov = data.overview(campaign_id, trade=trade)
trade_caption(trade)
k = ov.k
part = data.participation_table(campaign_id, data.published_version(campaign_id))
head_site, head_region = headline(ov, region_id, site_id), headline(ov, region_id)
mine = part[(part["site_id"] == site_id)].set_index("role")
m1, m2, m3, m4 = st.columns(4)
for col, role, label in ((m1, "trainer", t("Trainers who submitted")), (m2, "manager", t("Managers who submitted"))):
    col.metric(label, f"{int(mine.loc[role, 'submitted']) if role in mine.index else 0} / "
                      f"{int(mine.loc[role, 'invited']) if role in mine.index else 0}")
m3.metric(t("Trainers' practice (0-100)"),
          display.score_label(tr, head_site["practice"][0], head_site["practice"][2], k))
m4.metric(t("Organisation maturity index (0-100)"),
          display.score_label(tr, head_site["maturity"][0], head_site["maturity"][2], k),
          help=t("Managers' figures are shown for the site only when at least {k} managers answered; "
                 "the region's index is {value}.", k=k,
                 value=display.score_label(tr, head_region["maturity"][0], head_region["maturity"][2], k)))
site_trade_fallback(ov, region_id, site_id, region_name)

st.subheader(t("This site against {region} and the organisation", region=plain(region_name)))
profile = display.profile_display(ov, tr, site_id, region_id)
if profile["mean"].isna().all():
    st.info(display.hidden_label(tr, k))
else:
    alt_profile = ctext.profile_text(profile, t("Area"), tr)
    st.altair_chart(charts.profile_chart(profile, t("Area"), t("Score (0-100)"), t("Compared with")),
                    width="stretch", alt=alt_profile.summary)
    text_alternative(alt_profile, "sp_profile")
strong, weak = strengths_weaknesses(site_profile(ov, site_id, region_id))
c1, c2 = st.columns(2)
with c1:
    st.markdown("**" + t("Strengths") + "**")
    for area in strong:
        st.markdown("- " + display.area_label(ov, tr, area))
    if not strong:
        st.caption(t("No area clearly above the organisation (or too few responses)."))
with c2:
    st.markdown("**" + t("Weaknesses") + "**")
    for area in weak:
        st.markdown("- " + display.area_label(ov, tr, area))
    if not weak:
        st.caption(t("No area clearly below the organisation (or too few responses)."))

st.subheader(t("How managers and trainers each see the organisation"))
gaps = display.gap_display(ov, tr, site_id)
if gaps["hidden"].all():
    st.info(t("At this site: {hidden}. Managers' and trainers' views are compared for the "
              "organisation on the overview.", hidden=display.hidden_label(tr, k)))
else:
    alt_gaps = ctext.gap_text(gaps, t("Element"), t("Managers minus trainers (points)"), t("Gap"), tr)
    st.altair_chart(charts.gap_chart(gaps, t("Element"), t("Managers minus trainers (points)"), t("Gap")),
                    width="stretch", alt=alt_gaps.summary)
    text_alternative(alt_gaps, "sp_gaps")
    gap_notes(gaps, k)

site_official_gaps(campaign_id, data.published_version(campaign_id), site_id, ov.element_names, k)

st.subheader(t("Progress since the previous campaign"))
st.caption(display.progress_note(ov, tr))
prog = display.progress_display(ov, tr, (t("Previous campaign"), t("This campaign")), region_id, site_id)
if prog is None:
    st.info(t("No earlier campaign with questions in common to compare with."))
elif prog["mean"].isna().all():
    st.info(display.hidden_label(tr, k))
else:
    alt_prog = ctext.progress_text(prog, t("Area"), t("Campaign"), tr)
    st.altair_chart(charts.progress_chart(prog, t("Area"), t("Score (0-100)"), t("Campaign")), width="stretch",
                    alt=alt_prog.summary)
    text_alternative(alt_prog, "sp_progress")

st.subheader(t("Suggested focus areas"))
prof_frame = site_profile(ov, site_id, region_id).rename(columns={"site": "mean", "site_hidden": "hidden"})
focus = propose(prof_frame, display.gap_display(ov, tr, site_id), progress_view(ov, region_id, site_id))
focus_list(ov, focus)
st.caption(t("Turn these into actions with an owner and a due date on the Action plans page."))


def _tables():
    return exports.site_tables(ov, units, part, tr, site_id, region_id)


def _report():
    acts = plans.actions(context.engine(), scope=site_id if viewer.role == "manager" else None,
                         campaign_id=campaign_id, site_id=site_id)
    figures = []
    if not profile["mean"].isna().all():
        figures.append((t("This site against {region} and the organisation", region=region_name),
                        charts.profile_chart(profile, t("Area"), t("Score (0-100)"), t("Compared with"))))
    if prog is not None and not prog["mean"].isna().all():
        figures.append((t("Progress since the previous campaign"),
                        charts.progress_chart(prog, t("Area"), t("Score (0-100)"), t("Campaign"))))
    tables = [*_tables(), exports.plan_table(acts, tr, {**ov.area_names, **ov.element_names})]
    return Report(t("Relais — digital maturity report"), f"{site_names[site_id]} ({region_name})",
                  t("Generated on {date}", date=tr.date(dt.date.today(), "long")),
                  [t("Figures from fewer than {k} people are never shown.", k=k)], figures, tables)


downloads(viewer, "site_xlsx", f"relais-site-{site_id}", _tables, _report, "site")
