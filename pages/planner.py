"""Cohort planner: settings, plan, Gantt chart, hand edits, drafts, publication, exports, what-if.

The lead plans; the director sees published plans read-only.  The current
plan lives in st.session_state; drafts and published plans in the database.
"""

import datetime as dt

import streamlit as st

from charts.planner import gantt, gantt_frame
from charts.text import gantt_text
from ui.chart_text import text_alternative
from i18n import RelaisError
from planning import inputs, overrides, store, workflow
from planning.editing import move_learner
from planning.labels import AREA_LABELS, MODALITY_LABELS, STATUS_LABELS
from planning.model import AREAS, MODALITIES, Params
from planning.rules import RULE_SUMMARY, check_plan
from planning.solve import validate  # every solve runs in a worker (ui.solve_jobs)
from planning.whatif import variant as what_if_variant
from ui.trades import same_trade_option
from ui import whatif
from reports import planner as export
from scoring.data import campaign_ids
from scoring.levels import LEVEL_CODES
from storage import queries
from ui import context, recognition_view, solve_jobs
from ui.context import t
from ui import cascade_planner
from ui.exports import allowed, audited
from ui.navigation import roles_for
from ui.text import error_text, plain

viewer = context.require(*roles_for("pages/planner.py"))
engine = context.engine()
tr = context.translator()
S = st.session_state
st.title(t("Cohort planner"))


def show_plan(instance, plan, names, key: str):  # noqa: ANN001, ANN201
    """KPIs, Gantt chart and tables of a plan."""
    if plan.message:
        st.warning(t(plan.message, **plan.message_params))
    k = workflow.kpis(plan)
    cols = st.columns(6)
    cols[0].metric(t("Coverage of weighted need"), tr.percent(k["coverage"], 1))
    cols[1].metric(t("Learners placed"), k["learners_placed"])
    cols[2].metric(t("Needs left out"), k["left_out"])
    cols[3].metric(t("Cohorts"), k["cohorts"])
    cols[4].metric(t("Relays used"), k["relays_used"])
    cols[5].metric(t("Gap to the bound"), tr.percent(k["gap"], 1),
                   help=t("Covered need {objective} out of a proven maximum of {bound}",
                          objective=tr.number(k["objective"], 2), bound=tr.number(k["bound"], 2)))
    st.caption(t("Solver status: {status}", status=t(STATUS_LABELS.get(plan.status, plan.status))))
    if note := workflow.proof_note(plan):
        st.caption(t(note))
    rows = workflow.gantt_rows(instance, plan, names, tr)
    if rows:
        labels = {"date": t("Date"), "relay": t("Relay"), "area": t("Area"),
                  "cohort": t("Cohort"), "modality": t("Modality"), "members": t("Members")}
        st.subheader(t("Waves"))
        frame = gantt_frame(rows)
        alt_gantt = gantt_text(frame, labels, tr)
        st.altair_chart(gantt(frame, labels), width="stretch", key=f"{key}_gantt",
                        alt=alt_gantt.summary)
        text_alternative(alt_gantt, f"{key}_gantt")
    tables = export.plan_tables(instance, plan, names, tr)
    st.caption(t("Learners are named because the plan is operational; no score or level of "
                 "a learner is shown. A relay's calendar lists their members' names: send it "
                 "to that relay only."))
    tabs = st.tabs([t("Cohorts"), t("Members"), t("Left out"), t("Load per relay")])
    for tab, frame in zip(tabs, (tables.cohorts, tables.members, tables.left_out, tables.load)):
        tab.dataframe(frame, hide_index=True, width="stretch")
    return tables


def downloads(instance, plan, names, tables, key: str, plan_id: int | None = None) -> None:  # noqa: ANN001
    """XLSX, CSV and one ICS per relay; people who withdrew their consent are left out."""
    st.subheader(t("Exports"))
    review = store.review_of(engine, plan_id) if plan_id is not None else {}
    if review.get("withdrawn") or review.get("erased"):
        st.warning(t("People named in this plan withdrew their consent or were erased since it was "
                     "made: review the plan. The exports leave them out."))
    kept = store.for_export(engine, plan_id, instance, plan)
    if kept != (instance, plan):
        instance, plan = kept
        tables = export.plan_tables(instance, plan, names, tr)
    c1, c2, c3 = st.columns(3)
    if not allowed("cohorts_xlsx"):
        return
    c1.download_button(t("Download XLSX"),
                       audited("cohorts_xlsx", lambda: export.to_xlsx(tables, tr), {"format": "xlsx"}),
                       "plan-cohortes.xlsx",
                       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key=f"{key}_xlsx", on_click="ignore")
    c2.download_button(t("Download CSV (members)"),
                       audited("cohorts_xlsx", lambda: export.to_csv(tables.members), {"format": "csv"}),
                       "plan-membres.csv", "text/csv", key=f"{key}_csv", on_click="ignore")
    leading = sorted({c.relay_id for c in plan.cohorts}, key=names.person)
    if leading:
        who = c3.selectbox(t("Calendar of relay"), leading, format_func=names.person,
                           key=f"{key}_ics_relay")
        c3.download_button(t("Download ICS"),
                           audited("cohorts_ics",
                                   lambda: export.relay_calendar(instance, plan, who, names, tr),
                                   {"relay": who}),
                           f"cohortes-relais-{who}.ics", "text/calendar", key=f"{key}_ics",
                           on_click="ignore")


# --- director: published plans, read only ---------------------------------
if viewer.role != "lead":
    published = [p for p in store.list_plans(engine)  # closed plans stay readable (cascade)
                 if p[2] in (store.PUBLISHED, "closed")]
    if not published:
        st.info(t("No plan has been published yet."))
        st.stop()
    pid = st.selectbox(t("Published plan"), [p[0] for p in published],
                       format_func=lambda i: next(p[1] for p in published if p[0] == i))
    sp = store.load(engine, pid)
    names = inputs.directory(engine, sp.instance)
    tables = show_plan(sp.instance, sp.plan, names, "pub")
    downloads(sp.instance, sp.plan, names, tables, "pub", pid)
    st.stop()

# --- lead: settings --------------------------------------------------------
campaigns = queries.campaigns_table(engine)
if campaigns.empty:
    st.info(t("No campaign yet."))
    st.stop()
names_of = dict(zip(campaigns["id"], campaigns["name"]))
ids = [i for i in reversed(campaign_ids(engine)) if i in names_of]

drafts = store.list_plans(engine, store.DRAFT)
if drafts:
    with st.expander(t("Open a saved draft")):
        choice = st.selectbox(t("Draft"), [d[0] for d in drafts], key="pl_open_choice",
                              format_func=lambda i: next(d[1] for d in drafts if d[0] == i))

        def _open() -> None:
            sp = store.load(engine, S["pl_open_choice"])
            whatif.drop(engine)  # a comparison under way was made against the previous plan
            S.update(pl_instance=sp.instance, pl_plan=sp.plan, pl_campaign=sp.campaign_id,
                     pl_draft=sp.id, pl_name=sp.name, pl_variant=None, pl_notice=None,
                     pl_base=sp.base_instance, pl_overrides=sp.overrides,
                     pl_edit_gen=S.get("pl_edit_gen", 0) + 1)

        st.button(t("Open the draft"), key="pl_open", on_click=_open)

with st.form("pl_settings"):
    st.subheader(t("Settings"))
    campaign = st.selectbox(t("Campaign"), ids, format_func=names_of.get)
    c1, c2, c3 = st.columns(3)
    mode = c1.radio(t("Waves"), ["monthly", "dates"], key="pl_mode",
                    format_func=lambda m: t("One a month") if m == "monthly" else t("Typed dates"))
    start = c2.date_input(t("First wave"), dt.date.today().replace(day=1) + dt.timedelta(days=31),
                          format="DD/MM/YYYY", key="pl_start")
    count = c3.number_input(t("Number of waves"), 1, 24, 3, key="pl_count")
    typed = st.text_input(t("Wave dates (if typed)"), placeholder="15/09/2026, 13/10/2026",
                          key="pl_dates")
    areas = st.multiselect(t("Areas in scope"), AREAS, default=list(AREAS), key="pl_areas",
                           format_func=lambda a: t(AREA_LABELS[a]))
    c1, c3 = st.columns(2)
    target = c1.selectbox(t("Target level"), LEVEL_CODES[1:], index=1, key="pl_target")
    scope = c3.radio(t("Face-to-face cohorts gather"), ["region", "site"], key="pl_scope",
                     format_func=lambda s: t("Within one region") if s == "region"
                     else t("Within one site"))
    c1, c2, c3, c4 = st.columns(4)
    cmin = c1.number_input(t("Cohort size, minimum"), 1, 50, 6, key="pl_min")
    cmax = c2.number_input(t("Cohort size, maximum"), 1, 50, 12, key="pl_max")
    per_wave = c3.number_input(t("Cohorts per relay per wave, maximum"), 1, 10, 1, key="pl_pw")
    total = c4.number_input(t("Cohorts per relay in total, maximum"), 1, 50, 4, key="pl_tot")
    c1, c2, c3, c4 = st.columns(4)
    hours = c1.number_input(t("Hours per cohort"), 0.5, 40.0, 6.0, step=0.5, key="pl_hours")
    remote = c2.checkbox(t("Remote cohorts across the organisation"), True, key="pl_remote")
    hybrid = c3.checkbox(t("Hybrid cohorts"), True, key="pl_hybrid")
    limit = c4.number_input(t("Time limit (seconds)"), 1, 60, 20, key="pl_limit")
    same_trade = same_trade_option()
    submitted = st.form_submit_button(t("Plan"), type="primary")

cascade_planner.requests_and_demand(engine, campaign, target)  # issue 18: who asked, demand
cascade_planner.published_plans(engine, viewer)

with st.expander(t("Rules every plan keeps")):
    st.markdown("\n".join(f"- {t(rule)}" for rule in RULE_SUMMARY))


def _clear_edits() -> None:
    """Forget the lead's edits to relays and learners and plan again on the database's data."""
    _replan(overrides.NONE)


def _replan(edits: overrides.Overrides) -> None:
    """Apply edits to the unedited instance and queue its solve; the current plan stays on error."""
    base = S.get("pl_base") or S["pl_instance"]
    inst = overrides.apply(base, edits)
    if problem := validate(inst):
        S["pl_edit_error"] = RelaisError(problem[1], **problem[2])
        return
    solve_jobs.start(engine, "pl_job", inst, S.get("pl_campaign"), viewer.person_id,
                     same_trade=S.get("pl_job_same_trade", False))
    S["pl_job_apply"] = {"pl_overrides": edits}  # the draft, base and campaign stay


if submitted:
    try:
        waves = (inputs.monthly_waves(start, int(count)) if mode == "monthly"
                 else inputs.dated_waves(workflow.parse_dates(typed)))
        if not areas:
            raise RelaisError("Choose at least one area")
        params = Params(cohort_min=int(cmin), cohort_max=int(cmax),
                        max_cohorts_per_relay_per_wave=int(per_wave),
                        max_cohorts_per_relay_total=int(total), hours_per_cohort=float(hours),
                        face_to_face_scope=scope, allow_remote=remote, allow_hybrid=hybrid,
                        time_limit_s=float(limit))
        with st.spinner(t("Reading the campaign…")):
            base = inputs.build_instance(engine, campaign, params, waves, target, areas)
        inst = overrides.apply(base, S.get("pl_overrides", overrides.NONE))
        if problem := validate(inst):  # bad settings: say why at once, keep the current plan
            raise RelaisError(problem[1], **problem[2])
        # The solve (and the same-trade swaps) runs in a worker; the panel below follows it.
        solve_jobs.start(engine, "pl_job", inst, campaign, viewer.person_id,
                         same_trade=bool(same_trade))
        S["pl_job_apply"] = {"pl_base": base, "pl_campaign": campaign, "pl_draft": None}
        S["pl_job_same_trade"] = bool(same_trade)  # kept for "Plan again with these inputs"
    except RelaisError as err:
        context.show_error(err)

try:
    if (done := solve_jobs.outcome(engine, "pl_job")) is not None:
        inst, plan = done
        if plan.message and not plan.cohorts:
            raise RelaisError(plan.message, **plan.message_params)
        whatif.drop(engine)  # a comparison under way was made against the previous plan
        S.update(pl_instance=inst, pl_plan=plan, pl_variant=None, pl_notice=None,
                 **S.get("pl_job_apply", {}),
                 pl_edit_gen=S.get("pl_edit_gen", 0) + 1)
except RelaisError as err:
    context.show_error(err)
solve_jobs.progress_panel(engine, "pl_job")

if S.get("pl_overrides"):
    st.info(t("Your edits to relays and learners are applied again each time you press Plan."))
    if S.get("pl_plan") is not None:
        st.button(t("Clear the edits"), key="pl_ed_clear", on_click=_clear_edits)

if viewer.role == "lead":
    with st.expander(t("Badges and measured effect of the cohorts")):
        recognition_view.draw_badge_admin(engine, viewer, key="pl_badges")
        # reading two campaigns takes a moment: only when asked, not on every planner rerun
        if st.toggle(t("Show the measured effect"), key="pl_effect_on"):
            recognition_view.draw_effect(engine, viewer, key="pl_effect")
if S.get("pl_plan") is None:
    if S.get("pl_job") is None:
        st.info(t("Choose the settings, then press Plan."))
    st.stop()

inst, plan = S["pl_instance"], S["pl_plan"]
base = S.get("pl_base") or inst  # the instance before the lead's edits
edits = S.get("pl_overrides", overrides.NONE)
names = inputs.directory(engine, base)
if S.get("pl_draft"):
    st.caption(t("Draft: {name}", name=plain(S.get("pl_name", ""))))
tables = show_plan(inst, plan, names, "cur")

# --- relays and learners, one by one -----------------------------------------
gen = S.get("pl_edit_gen", 0)
rkey, lkey = f"pl_ed_relays_{gen}", f"pl_ed_learners_{gen}"
cached = S.get("pl_frames")
if not cached or cached[0] is not base or cached[1] is not edits:  # once per plan: large demos
    cached = (base, edits, overrides.relay_frame(base, names, edits),
              overrides.learner_frame(base, names, edits))
    S["pl_frames"] = cached


def _replan_from_tables() -> None:
    _, _, rframe, lframe = S["pl_frames"]
    try:
        new = overrides.overrides_from_frames(
            S.get("pl_base") or S["pl_instance"],
            overrides.with_edits(rframe, S.get(rkey), overrides.RELAYS_TABLE),
            overrides.with_edits(lframe, S.get(lkey), overrides.LEARNERS_TABLE), names)
    except RelaisError as err:
        S["pl_edit_error"] = err
        return
    _replan(new)


with st.expander(t("Relays and learners"), expanded=bool(edits)):
    counts = overrides.summary(base, edits)
    st.caption(t("Relays: {relays_excluded} excluded, {relays_edited} edited. "
                 "Learners: {learners_excluded} excluded, {learners_edited} edited.", **counts))
    if counts["areas_beyond_mastery"]:
        st.caption(t("Relays leading an area their own answers do not show as mastered: "
                     "{count}. Check with them before publishing.",
                     count=counts["areas_beyond_mastery"]))
    if counts["ignored"]:
        st.caption(t("{count} edits no longer apply: those people are no longer relays or "
                     "learners of the campaign.", count=counts["ignored"]))
    labels = overrides.column_labels(t)
    fixed = {k: st.column_config.TextColumn(labels[k], disabled=True)
             for k in overrides.READ_ONLY}
    include = st.column_config.CheckboxColumn(labels[overrides.INCLUDE])
    rtab, ltab = st.tabs([t("Relays"), t("Learners")])
    rtab.data_editor(cached[2], key=rkey, num_rows="fixed", hide_index=True, width="stretch",
                     column_config={
                         overrides.INCLUDE: include, **fixed,
                         overrides.HOURS: st.column_config.NumberColumn(
                             labels[overrides.HOURS], min_value=0.0,
                             max_value=overrides.MAX_HOURS, step=0.5, format="%.1f"),
                         overrides.RELAY_AREAS: st.column_config.MultiselectColumn(
                             labels[overrides.RELAY_AREAS], options=AREAS,
                             format_func=lambda a: t(AREA_LABELS[a])),
                         overrides.RELAY_MODALITIES: st.column_config.MultiselectColumn(
                             labels[overrides.RELAY_MODALITIES], options=MODALITIES,
                             format_func=lambda m: t(MODALITY_LABELS[m]))})
    ltab.caption(t("Priority of each need, from 0 to {max}: empty or 0 means no need on "
                   "that area.", max=tr.number(overrides.MAX_PRIORITY, 0)))
    ltab.data_editor(cached[3], key=lkey, num_rows="fixed", hide_index=True, width="stretch",
                     column_config={
                         overrides.INCLUDE: include, **fixed,
                         **{a: st.column_config.NumberColumn(
                             labels[a], min_value=0.0, max_value=overrides.MAX_PRIORITY,
                             step=0.01, format="%.2f")
                            for a in overrides.learner_areas(base)}})
    st.button(t("Plan again with these inputs"), key="pl_ed_replan",
              on_click=_replan_from_tables)
    if S.get("pl_edit_error") is not None:
        context.show_error(S.pop("pl_edit_error"))

# --- hand edits -------------------------------------------------------------
st.subheader(t("Edit by hand"))
violations = check_plan(inst, plan)
if violations:
    st.error(t("{count} rules are broken:", count=len(violations)))
    for v in violations:
        st.markdown("- " + plain(workflow.describe(v, inst, names, tr)))
elif plan.cohorts:
    st.success(t("Every rule is met."))

cohort_label = lambda i: t("Cohort {n}: {relay}, {area}", n=i + 1,  # noqa: E731
                           relay=names.person(plan.cohorts[i].relay_id),
                           area=t(AREA_LABELS[plan.cohorts[i].area]))
if plan.cohorts:
    e1, e2 = st.columns(2)
    with e1:
        placed = [(i, m) for i, c in enumerate(plan.cohorts) for m in c.members]
        st.selectbox(t("Learner to move"), range(len(placed)), key="pl_mv_who",
                     format_func=lambda k: f"{names.person(placed[k][1])} — "
                     f"{cohort_label(placed[k][0])}")
        st.selectbox(t("To cohort"), range(len(plan.cohorts)), key="pl_mv_to",
                     format_func=cohort_label)

        def _move() -> None:
            src, person = placed[S["pl_mv_who"]]
            new = move_learner(S["pl_plan"], person, src, S["pl_mv_to"])
            S["pl_plan"] = workflow.refresh(S["pl_instance"], new)

        st.button(t("Move the learner"), key="pl_mv", on_click=_move)
    with e2:
        st.selectbox(t("Cohort"), range(len(plan.cohorts)), key="pl_sw_cohort",
                     format_func=cohort_label)
        st.selectbox(t("New relay"), [r.person_id for r in inst.relays], key="pl_sw_relay",
                     format_func=names.person)

        def _swap() -> None:
            new = workflow.swap_relay_with_place(S["pl_instance"], S["pl_plan"],
                                                 S["pl_sw_cohort"], S["pl_sw_relay"])
            S["pl_plan"] = workflow.refresh(S["pl_instance"], new)

        st.button(t("Swap the relay"), key="pl_sw", on_click=_swap)

# --- draft and publication --------------------------------------------------
st.subheader(t("Save and publish"))
d1, d2, d3 = st.columns([2, 1, 1])
d1.text_input(t("Plan name"), value=S.get("pl_name", ""), key="pl_name_input")


def _save() -> None:
    try:
        if S.get("pl_draft"):
            store.update_draft(engine, S["pl_draft"], S["pl_plan"], S["pl_instance"],
                               viewer.person_id, S.get("pl_overrides", overrides.NONE),
                               S.get("pl_base"))
        else:
            S["pl_draft"] = store.save_draft(engine, S["pl_name_input"], S["pl_plan"],
                                             S["pl_instance"], S["pl_campaign"], viewer.person_id,
                                             S.get("pl_overrides", overrides.NONE),
                                             S.get("pl_base"))
        S["pl_name"] = S["pl_name_input"] or S.get("pl_name", "")
        S["pl_notice"] = ("success", t("Draft saved."))
    except RelaisError as err:
        S["pl_notice"] = ("error", error_text(err, context.lang()))


def _publish() -> None:
    _save()
    if S["pl_notice"][0] == "error":
        return
    now = S["pl_instance"]
    if S.get("pl_campaign") is not None:  # check against consents and scores as they are now
        now = inputs.build_instance(engine, S["pl_campaign"], now.params, now.waves)
    try:  # the draft's edits are applied to the rebuilt instance before the check
        store.publish(engine, S["pl_draft"], viewer.person_id, instance=now)
        S["pl_notice"] = ("success", t("Plan published."))
    except store.PublishRefused as err:
        checked = overrides.apply(now, S.get("pl_overrides", overrides.NONE))
        lines = [workflow.describe(v, checked, names, tr) for v in err.violations]
        S["pl_notice"] = ("error", "\n".join([error_text(err, context.lang())]
                                             + [f"- {plain(x)}" for x in lines]))


d2.button(t("Save draft"), key="pl_save", on_click=_save)
d3.button(t("Publish"), key="pl_publish", type="primary", on_click=_publish)
if S.get("pl_notice"):
    kind, text = S["pl_notice"]
    (st.success if kind == "success" else st.error)(text)

downloads(inst, plan, names, tables, "cur", S.get("pl_draft"))

# --- what-if ----------------------------------------------------------------
st.subheader(t("Compare with a variant"))
if S.get("pl_cand_for") is not inst:  # once per plan: reading the campaign takes a moment
    left_out = overrides.excluded_relays(edits)  # the lead excluded them: not offered back
    S["pl_candidates"] = tuple(
        r for r in (inputs.candidate_relays(engine, S["pl_campaign"], inst)
                    if S.get("pl_campaign") else ()) if r.person_id not in left_out)
    S["pl_cand_for"] = inst
candidates = S["pl_candidates"]
cand_names = inputs.directory(engine, inst, extra=[r.person_id for r in candidates])
with st.form("pl_whatif"):
    w1, w2, w3 = st.columns(3)
    more = w1.number_input(t("Extra waves"), 0, 12, 1, key="pl_wi_waves")
    vmax = w2.number_input(t("Cohort size, maximum"), 1, 50, inst.params.cohort_max,
                           key="pl_wi_max")
    extra = w3.selectbox(t("One more relay"), [None, *range(len(candidates))], key="pl_wi_relay",
                         format_func=lambda i: t("Nobody") if i is None else
                         cand_names.person(candidates[i].person_id))
    compare = st.form_submit_button(t("Compare"))
if compare:  # a worker solves the variant; the table below waits for it
    variant = what_if_variant(inst, int(more), int(vmax),
                              None if extra is None else candidates[extra])
    whatif.start(engine, variant, S.get("pl_campaign"), viewer.person_id)
whatif.follow(engine)
if S.get("pl_variant"):
    variant, vplan = S["pl_variant"]
    st.dataframe(workflow.comparison_table(plan, vplan, inst, variant, tr), hide_index=True,
                 width="stretch")
