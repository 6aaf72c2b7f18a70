"""Overview: participation, maturity, levels, heatmaps, perception gaps and progress, filtered."""

import datetime as dt

import streamlit as st

from charts import dashboards as charts
from charts import text as ctext
from dashboards import display, exports, plans
from dashboards.overview import MODALITIES, headline
from dashboards.participation import rate
from i18n import N_
from reports.pdf import Report
from ui import context, data, learners_view, recognition_view
from ui.context import t
from ui.chart_text import text_alternative
from ui.dashboards import campaign_picker, chart, downloads, gap_notes
from ui.navigation import roles_for
from ui.text import plain
from ui.trades import site_trade_fallback, trade_caption, trade_notes, trade_picker
from ui.qualiopi import qualiopi_downloads
from ui.official import region_gaps

MODALITY_NAMES = {"face_to_face": N_("Face to face"), "hybrid": N_("Blended"),
                  "remote_sync": N_("Remote, live"), "remote_async": N_("Remote, self-paced")}

ALL = 0
viewer = context.require(*roles_for("pages/overview.py"))
tr = context.translator()
st.title(t("Overview"))
units = data.unit_table()
own_site = viewer.site_id if viewer.role == "manager" else None
if viewer.role == "manager" and own_site is None:
    st.error(t("Your account is not attached to a site; ask your administrator."))
    st.stop()


def _pick_region() -> None:
    """Clicking a region in the regions heatmap narrows the page to its sites."""
    event = st.session_state.get("ov_region_map")
    picked = (event or {}).get("selection", {}).get("region_pick") or []
    if picked:
        st.session_state["ov_region"] = int(picked[0]["unit_id"])
        st.session_state["ov_site"] = ALL


cols = st.columns(4)
with cols[0]:
    campaign_id = campaign_picker("ov_campaign")
if campaign_id is None:
    st.stop()
regions = units.drop_duplicates("region_id").set_index("region_id")["region"].to_dict()
site_names = units.set_index("site_id")["site"].to_dict()
if own_site is not None:
    region_id = int(units.loc[units["site_id"] == own_site, "region_id"].iloc[0])
    site_id = own_site
    cols[1].caption(t("Region") + f" — {plain(regions[region_id])}")
    cols[2].caption(t("Site") + f" — {plain(site_names[site_id])}")
else:
    # 0 stands for "all": a widget whose state is None shows an empty placeholder
    region_id = cols[1].selectbox(t("Region"), [ALL, *regions], key="ov_region",
                                  format_func=lambda r: t("All regions") if r == ALL else regions[r]) or None
    in_region = units if region_id is None else units[units["region_id"] == region_id]
    site_ids = [ALL, *in_region["site_id"].tolist()]
    if st.session_state.get("ov_site") not in site_ids:
        st.session_state["ov_site"] = ALL
    site_id = cols[2].selectbox(t("Site"), site_ids, key="ov_site",
                                format_func=lambda s: t("All sites") if s == ALL else site_names[s]) or None
    if site_id is not None:
        region_id = int(units.loc[units["site_id"] == site_id, "region_id"].iloc[0])
trade = trade_picker(st, "ov_trade")
modality = None if trade is not None else cols[3].selectbox(
    t("Modality taught"), ["", *MODALITIES], key="ov_modality",
    format_func=lambda m: t("All modalities") if not m else t(MODALITY_NAMES[m])) or None

version = data.published_version(campaign_id)
ov = data.overview(campaign_id, modality, version=version, trade=trade)
part = data.participation_table(campaign_id, version)
# everything a chart on this page depends on (the overview is cached on the same version)
key = (campaign_id, modality, region_id, site_id, context.lang(), version, trade)
k = ov.k
head = headline(ov, region_id, site_id)
scope_part = part.merge(units[["site_id", "region_id"]], on="site_id")
if site_id is not None:
    scope_part = scope_part[scope_part["site_id"] == site_id]
elif region_id is not None:
    scope_part = scope_part[scope_part["region_id"] == region_id]
submitted_rate = rate(scope_part[scope_part["role"] == "trainer"])

m1, m2, m3 = st.columns(3)
m1.metric(t("Trainers who submitted"), "—" if submitted_rate is None else tr.percent(submitted_rate))
m2.metric(t("Trainers' practice (0-100)"), display.score_label(tr, head["practice"][0], head["practice"][2], k))
m3.metric(t("Organisation maturity index (0-100)"),
          display.score_label(tr, head["maturity"][0], head["maturity"][2], k),
          help=t("Mean of the site managers' organisation scores over the seven DigCompOrg elements."))
if data.next_publication() is not None and data.campaign_status(campaign_id) == "open":
    st.caption(t("While the campaign is open, scores are published again at most every {seconds} "
                 "seconds; participation is live.", seconds=data.publish_interval()))
if modality:
    st.caption(t("The modality filter applies to trainers' scores; gaps and progress cover everyone."))
trade_caption(trade)
site_trade_fallback(ov, region_id, site_id, regions.get(region_id, ""))

st.subheader(t("Participation"))
pframe = display.participation_display(part, units, tr, "trainer", region_id, site_id)
unit_title = t("Region") if region_id is None and site_id is None else t("Site")
alt_part = ctext.participation_text(pframe, unit_title, t("Status"), tr)
chart("participation", key, lambda: charts.participation_chart(pframe, unit_title, t("Trainers"), t("Status")),
      alt=alt_part.summary)
text_alternative(alt_part, "ov_participation")

c1, c2 = st.columns(2)
with c1:
    st.subheader(t("Trainers' levels"))
    levels = display.levels_display(ov, tr, region_id, site_id)
    if levels["hidden"].all():
        st.info(display.hidden_label(tr, k))
    else:
        alt_levels = ctext.levels_text(levels, t("Level"), t("Trainers"), tr)
        chart("levels", key, lambda: charts.levels_chart(levels, t("Level"), t("Trainers")),
              alt=alt_levels.summary)
        text_alternative(alt_levels, "ov_levels")
with c2:
    st.subheader(t("Progress since the previous campaign"))
    st.caption(display.progress_note(ov, tr))
    names = (t("Previous campaign"), t("This campaign"))
    prog = display.progress_display(ov, tr, names, region_id, site_id)
    if prog is None:
        st.info(t("No earlier campaign with questions in common to compare with."))
    elif prog["mean"].isna().all():
        st.info(display.hidden_label(tr, k))
    else:
        alt_prog = ctext.progress_text(prog, t("Area"), t("Campaign"), tr)
        chart("progress", key, lambda: charts.progress_chart(prog, t("Area"), t("Score (0-100)"), t("Campaign")),
              alt=alt_prog.summary)
        text_alternative(alt_prog, "ov_progress")

if own_site is None:
    st.subheader(t("Maturity by region"))
    st.caption(t("Click a region to narrow the page to its sites."))
    rmap = display.heatmap_display(ov, units, tr, "region")
    alt_regions = ctext.heatmap_text(rmap, t("Region"), t("Area"), t("Score (0-100)"), tr)
    chart("regions", key[:2] + key[4:], lambda: charts.heatmap_chart(rmap, t("Region"), t("Area"), t("Score (0-100)"),
                                                                   "region_pick"),
          key="ov_region_map", on_select=_pick_region, selection_mode="region_pick",
          alt=alt_regions.summary)
    text_alternative(alt_regions, "ov_regions")
st.subheader(t("Maturity by site"))
smap = display.heatmap_display(ov, units, tr, "site", region_id)
if site_id is not None:
    smap = smap[smap["unit_id"] == site_id]
alt_sites = ctext.heatmap_text(smap, t("Site"), t("Area"), t("Score (0-100)"), tr)
chart("sites", key, lambda: charts.heatmap_chart(smap, t("Site"), t("Area"), t("Score (0-100)")),
      alt=alt_sites.summary)
text_alternative(alt_sites, "ov_sites")
st.caption(t("Grey cells: {hidden}.", hidden=display.hidden_label(tr, k)))

st.subheader(t("How managers and trainers each see the organisation"))
gaps = display.gap_display(ov, tr, site_id)
if region_id is not None and site_id is None:
    st.caption(t("Gaps are measured for the whole organisation or for one site, not per region: "
                 "below, the organisation's."))
if gaps["hidden"].all():
    st.info(display.hidden_label(tr, k))
else:
    alt_gaps = ctext.gap_text(gaps, t("Element"), t("Managers minus trainers (points)"), t("Gap"), tr)
    chart("gaps", key, lambda: charts.gap_chart(gaps, t("Element"), t("Managers minus trainers (points)"), t("Gap")),
          alt=alt_gaps.summary)
    text_alternative(alt_gaps, "ov_gaps")
gap_notes(gaps, k)
learners_view.three_way_section(campaign_id, k, region_id, site_id, regions.get(region_id, ""),
                                site_names.get(site_id, ""))
if site_id is None:
    region_gaps(campaign_id, version, region_id, ov.element_names, regions, k)

scope_title = site_names.get(site_id) or regions.get(region_id) or t("Organisation")
# the three views as the page shows them, read now: the download builds later, outside the run
three_way = learners_view.export_tables(campaign_id, k, region_id, site_id, regions.get(region_id, ""),
                                        site_names.get(site_id, ""))


def _tables():
    if site_id is not None:
        return [*exports.site_tables(ov, units, part, tr, site_id, region_id), *three_way]
    return [*exports.overview_tables(ov, units, part, tr, region_id), *three_way]


def _report():
    acts = plans.actions(context.engine(), scope=own_site, campaign_id=campaign_id,
                         site_id=site_id if site_id is not None else None)
    tables = [*_tables(), exports.plan_table(acts, tr, {**ov.area_names, **ov.element_names})]
    figures = [(t("Maturity by site"), charts.heatmap_chart(smap, t("Site"), t("Area"), t("Score (0-100)")))]
    if not gaps["hidden"].all():
        figures.append((t("How managers and trainers each see the organisation"),
                        charts.gap_chart(gaps, t("Element"), t("Managers minus trainers (points)"), t("Gap"))))
    if prog is not None and not prog["mean"].isna().all():
        figures.append((t("Progress since the previous campaign"),
                        charts.progress_chart(prog, t("Area"), t("Score (0-100)"), t("Campaign"))))
    return Report(t("Relais — digital maturity report"), scope_title,
                  t("Generated on {date}", date=tr.date(dt.date.today(), "long")),
                  [t("Figures from fewer than {k} people are never shown.", k=k), *trade_notes(trade)],
                  figures, tables)


downloads(viewer, "site_xlsx" if own_site is not None else "overview_xlsx", "relais-vue-ensemble",
          _tables, _report, "ov")
if viewer.role == "director":
    recognition_view.draw_effect(context.engine(), viewer, key="ov_effect")
if own_site is None:
    qualiopi_downloads(viewer, campaign_id, data.overview(campaign_id, version=version))
