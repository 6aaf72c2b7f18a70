"""Champions map: sites by strategy and practice, trainers, relay trainers and their coverage.

Lead and director see the map, the density and the coverage; only the lead
(to whom trainers consented to be named) sees names, individual points, the
rule and approach editors and the export.
"""

import streamlit as st

from champions import data as cdata
from champions import export, movement, quadrants, rules, settings, trainer_map
from i18n import RelaisError
from charts import text as ctext
from ui import champions_charts as charts
from ui.chart_text import text_alternative
from ui import champions_data, context
from ui.context import require, t
from ui.exports import audited
from ui.navigation import roles_for
from ui.text import error_text, plain, plain_list
from ui.trades import trade_caption, trade_picker

viewer = require(*roles_for("pages/champions_map.py"))
is_lead = viewer.role == "lead"
lang = context.lang()


tr = context.translator()  # the language read once: t() reads the session on every call


def why(lines) -> str:  # noqa: ANN001
    """A trainer's reasons as one line (thousands of rows: translated with tr, not t)."""
    return " · ".join(rules.render(lines, tr, area_names))


eng = context.engine()
st.title(t("Champions map"))
st.caption(t("Bottom-up practice held against top-down strategy, site by site."))

camps = cdata.campaigns(eng)
if not camps:
    st.info(t("No campaign yet."))
    st.stop()
camp_names = dict(camps)
c1, c2 = st.columns(2)
campaign_id = c1.selectbox(t("Campaign"), list(camp_names), format_func=camp_names.get,
                           key="ch_campaign")
older = [cid for cid, _ in camps][[cid for cid, _ in camps].index(campaign_id) + 1:]
trade = trade_picker(st, "ch_trade")
data = champions_data.load(campaign_id, trade=trade)
trade_caption(trade)
k = data.k
area_names = {a: names.get(lang) for a, names in data.area_names.items()}
regions = sorted(data.sites["region"].dropna().unique())
region = c2.selectbox(t("Region"), [None, *regions], key="ch_region",
                      format_func=lambda r: t("All regions") if r is None else r)

# --- thresholds -------------------------------------------------------------
with st.expander(t("Quadrant thresholds"), expanded=True):
    mode = st.radio(t("Thresholds"), ["median", "fixed"], horizontal=True, key="ch_mode",
                    format_func=lambda m: t("Organisation median") if m == "median"
                    else t("Fixed values"))
    a, b = st.columns(2)
    x_fixed = a.number_input(t("Top-down threshold (strategy)"), 0.0, 100.0, 50.0, 1.0, format="%.0f",
                             key="ch_x", disabled=mode == "median")
    y_fixed = b.number_input(t("Bottom-up threshold (practice)"), 0.0, 100.0, 50.0, 1.0, format="%.0f",
                             key="ch_y", disabled=mode == "median")
try:
    placed, tx, ty = quadrants.assign(data.sites[~data.sites["hidden"]],
                                      "median" if mode == "median" else x_fixed,
                                      "median" if mode == "median" else y_fixed)
except RelaisError as err:
    context.show_error(err)
    st.stop()
st.caption(t("Top-down threshold: {x}; bottom-up threshold: {y}. A site exactly on a line "
             "counts as high.", x=tr.number(tx, 1),
             y=tr.number(ty, 1)))


def in_region(frame):  # noqa: ANN001, ANN201
    return frame if region is None else frame[frame["region"] == region]


sites = in_region(placed)
hidden_sites = in_region(data.sites[data.sites["hidden"]])

# --- site map ---------------------------------------------------------------
st.subheader(t("Site map"))
arrows = None
if older:
    show_moves = st.toggle(t("Show movement since {campaign}", campaign=camp_names[older[0]]),
                           key="ch_moves")
    if show_moves:
        before = champions_data.load(older[0])
        arrows = in_region(movement.movement(before.sites, data.sites, tx, ty)
                           .merge(data.sites[["site_id", "region"]], on="site_id"))
alt_map = ctext.site_map_text(sites, tx, ty, tr,
                              lambda q: t(quadrants.QUADRANT_NAMES[q]))
event = st.altair_chart(charts.site_map(sites, arrows, tx, ty, t), key="ch_map",
                        on_select="rerun", selection_mode="site", width="stretch",
                        alt=alt_map.summary)
text_alternative(alt_map, "ch_map")
if not hidden_sites.empty:
    st.caption(t("Not placed (fewer than {k} answers): {sites}", k=k,
                 sites=plain_list(hidden_sites["site"])))
if (sites["basis"] == "trainers_only").any():
    st.caption(t("Sites with fewer than {k} managers answering: their top-down index is the "
                 "trainers' view alone, so no manager's answers can be recognised.", k=k))
if arrows is not None and arrows["moved"].any():
    st.caption(t("Changed quadrant since the previous campaign: {sites}",
                 sites=plain_list(arrows.loc[arrows["moved"], "site"])))

# --- quadrants and approaches ---------------------------------------------------
st.subheader(t("Quadrants"))
cols = st.columns(4)
for col, q in zip(cols, quadrants.QUADRANTS):
    members = sites.loc[sites["quadrant"] == q, "site"].tolist()
    with col:
        st.markdown(f"**{t(quadrants.QUADRANT_NAMES[q])}** ({len(members)})")
        st.caption(t(quadrants.QUADRANT_HINTS[q]))
        st.markdown(plain_list(members) if members else "—")
        st.info(plain(settings.approach_for(eng, q, lang)), icon=":material/lightbulb:")

if is_lead:
    with st.expander(t("Edit the recommended approaches")):
        st.caption(t("Your text replaces the default in your language and is carried into the "
                     "action plans. Leave a text empty to go back to the default."))
        q_edit = st.selectbox(t("Quadrant"), quadrants.QUADRANTS, key="ch_q_edit",
                              format_func=lambda q: t(quadrants.QUADRANT_NAMES[q]))
        text = st.text_area(t("Recommended approach"), settings.approach_for(eng, q_edit, lang),
                            key=f"ch_q_text_{q_edit}_{lang}", max_chars=settings.MAX_APPROACH_CHARS)

        def _save_approach() -> None:
            try:
                settings.save_approach(eng, q_edit, lang, text, viewer.person_id)
                st.session_state["ch_flash"] = t("Approach saved.")
            except RelaisError as err:
                st.session_state["ch_flash_error"] = error_text(err, lang)

        st.button(t("Save the approach"), key="ch_q_save", on_click=_save_approach)

# --- relay trainers ---------------------------------------------------------------
rule = settings.load_rule(eng)
st.subheader(t("Relay trainers"))
st.markdown("\n".join(f"- {line}" for line in rules.render(rule.describe(), t)))
if is_lead:
    with st.expander(t("Change the rule")), st.form("ch_rule_form"):
        r1, r2, r3 = st.columns(3)
        levels = list(rules.LEVEL_CODES)
        f_overall = r1.selectbox(t("Overall level at least"), levels,
                                 index=levels.index(rule.min_overall_level))
        f_area = r2.selectbox(t("Area level at least"), levels, index=levels.index(rule.min_area_level))
        f_n = r3.number_input(t("Number of areas at that level"), 0, 6, int(rule.min_areas_at_level))
        f_willing = r1.checkbox(t("Must be willing to relay"), rule.require_willing)
        f_hours = r2.number_input(t("Hours a month at least"), 0.0, 40.0, float(rule.min_hours), 1.0)
        r3.checkbox(t("Consent to be named (always required)"), True, disabled=True)
        if st.form_submit_button(t("Save the rule")):
            try:
                settings.save_rule(eng, rules.ChampionRule(f_overall, f_area, int(f_n), f_willing,
                                                           float(f_hours)), viewer.person_id)
                st.session_state["ch_flash"] = t("Rule saved.")
                st.rerun()
            except RelaisError as err:
                context.show_error(err)
for key, show in (("ch_flash", st.success), ("ch_flash_error", st.error)):
    if key in st.session_state:
        show(st.session_state.pop(key))

evaluated = champions_data.evaluated(campaign_id, rule, k, trade)
evaluated = evaluated.merge(data.sites[["site_id", "site", "region", "hidden"]]
                            .rename(columns={"hidden": "site_hidden"}), on="site_id", how="left")
evaluated = in_region(evaluated)
champions = evaluated[evaluated["qualifies"]]
st.metric(t("Consenting relay trainers"), len(champions))

# --- coverage ----------------------------------------------------------------------
st.subheader(t("Coverage per site"))
ratio = st.number_input(t("Target: one relay per how many trainers"), 5, 30,
                        quadrants.DEFAULT_TARGET_RATIO, 1, key="ch_ratio")
cov = quadrants.coverage(champions.groupby("site_id").size(),
                         sites.set_index("site_id")["n_trainers"], ratio)
cov = cov.join(sites.set_index("site_id")[["site", "quadrant"]])
st.dataframe(
    cov.assign(quadrant=cov["quadrant"].map(lambda q: t(quadrants.QUADRANT_NAMES[q])),
               under_target=cov["under_target"].map(lambda u: t("Under target") if u else "✓"))
    [["site", "quadrant", "n_trainers", "champions", "target", "under_target"]]
    .rename(columns={"site": t("Site"), "quadrant": t("Quadrant"), "n_trainers": t("Trainers"),
                     "champions": t("Relay trainers"), "target": t("Target"),
                     "under_target": t("Status")}),
    hide_index=True, width="stretch")
under = cov.loc[cov["under_target"], "site"].tolist()
if under:
    st.warning(t("Sites under target: {sites}", sites=plain_list(under)))

# --- site detail -------------------------------------------------------------------
st.subheader(t("Site detail"))
picked = (event.selection.get("site") or []) if event is not None else []
site_ids = sites["site_id"].tolist()
if picked and st.session_state.get("ch_map_last") != picked[0].get("site_id"):
    st.session_state["ch_map_last"] = picked[0].get("site_id")
    if picked[0].get("site_id") in site_ids:
        st.session_state["ch_site"] = picked[0]["site_id"]
if st.session_state.get("ch_site") not in site_ids:
    st.session_state.pop("ch_site", None)
site_label = dict(zip(sites["site_id"], sites["site"]))
chosen = st.selectbox(t("Site"), site_ids, key="ch_site", format_func=site_label.get,
                      index=None, placeholder=t("Click a site on the map or choose it here"))
if chosen is not None:
    row = sites[sites["site_id"] == chosen].iloc[0]
    m = st.columns(4)
    m[0].metric(t("Trainers"), int(row["n_trainers"]))
    m[1].metric(t("Bottom-up index (practice)"), f"{row['bottom_up']:.0f}")
    m[2].metric(t("Top-down index (strategy)"), f"{row['top_down']:.0f}",
                help=t("Trainers' view only") if row["basis"] == "trainers_only"
                else t("Managers and trainers"))
    quadrant_name = quadrants.QUADRANT_NAMES[row["quadrant"]]
    m[3].metric(t("Quadrant"), t(quadrant_name))
    st.info(plain(settings.approach_for(eng, row["quadrant"], lang)), icon=":material/lightbulb:")
    if chosen in cov.index:
        c = cov.loc[chosen]
        st.write(t("{n} relay trainers for a target of {target}.", n=int(c["champions"]),
                   target=int(c["target"])))

# --- names: lead only ------------------------------------------------------------------
if is_lead:
    scope = evaluated if chosen is None else evaluated[evaluated["site_id"] == chosen]
    named = scope[scope["consent_named"].fillna(False).astype(bool)]
    people = cdata.names_of(eng, named.loc[named["qualifies"] | named["emerging"], "person_id"].tolist())
    named = named.merge(people, on="person_id", how="inner")
    st.markdown(f"**{t('Relay trainers')}**"
                + (f" — {plain(site_label[chosen])}" if chosen else ""))
    st.dataframe(
        named.loc[named["qualifies"]].assign(
            why=lambda f: f["reasons"].map(why))
        [["name", "site", "overall_level", "relay_hours", "why"]]
        .rename(columns={"name": t("Name"), "site": t("Site"), "overall_level": t("Overall level"),
                         "relay_hours": t("Hours a month"), "why": t("Why they qualify")}),
        hide_index=True, width="stretch")
    st.markdown(f"**{t('Emerging relay trainers')}**")
    st.dataframe(
        named.loc[named["emerging"]].assign(
            why=lambda f: f["reasons"].map(why),
            miss=lambda f: f["missing"].map(why))
        [["name", "site", "overall_level", "miss", "why"]]
        .rename(columns={"name": t("Name"), "site": t("Site"), "overall_level": t("Overall level"),
                         "miss": t("What they miss"), "why": t("What they already have")}),
        hide_index=True, width="stretch")
    def _table():  # built only when a download is clicked (deferred, off the page run)
        return export.champions_table(champions, cdata.names_of(eng, champions["person_id"].tolist()),
                                      data.sites, area_names, t)

    e1, e2 = st.columns(2)
    e1.download_button(t("Export the consenting relay trainers (CSV)"),
                       audited("champions_csv", lambda: export.to_csv(_table()), {"format": "csv"}),
                       "relais-champions.csv", "text/csv",
                       key="ch_csv", on_click="ignore")
    e2.download_button(t("Export the consenting relay trainers (XLSX)"),
                       audited("champions_csv", lambda: export.to_xlsx(_table()),
                               {"format": "xlsx"}), "relais-champions.xlsx",
                       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key="ch_xlsx", on_click="ignore")
else:
    st.caption(t("Names of relay trainers are shown only to the digital-engineering lead, to "
                 "whom trainers consented to be named."))

# --- trainer map -------------------------------------------------------------------------
st.subheader(t("Trainers: practice against their site's strategy"))
site_scope = data.sites[data.sites["site_id"].isin(site_ids)]
# every placed site, so the all-regions squares are built from the same region squares
cells = trainer_map.density(data.density_trainers(), data.sites[data.sites["site_id"].isin(placed["site_id"])],
                            k=k, region=region)
points = None
if is_lead:
    points = trainer_map.named_points(data.trainers, site_scope)
    points = points.merge(cdata.names_of(eng, points["person_id"].tolist()), on="person_id")
alt_density = ctext.density_text(cells, 0 if points is None else len(points), tr)
st.altair_chart(charts.trainer_density(cells, points, t), width="stretch", alt=alt_density.summary)
text_alternative(alt_density, "ch_density")
st.caption(t("Squares count trainers; a square of fewer than {k} trainers is left blank.", k=k)
           + (" " + t("Dots are trainers who consented to be named.") if is_lead else ""))
