"""Cohort plans in the database: drafts, edits, publication.

A CohortPlan row keeps, as JSON, the parameters and inputs it was planned on
(``params``: campaign, settings, waves) and the plan itself with the instance
it was checked against (``plan``: cohorts, left out, figures, relays,
learners), so a draft reopens exactly as it was left.  The lead's edits to
relays and learners (:mod:`planning.overrides`) are kept in ``params`` under
``"overrides"``, and the unedited instance they apply to under ``plan["base"]``
(only when there are edits), so the editor reopens with excluded people too.
Publishing re-runs :func:`planning.rules.check_plan` — by default against an
instance the caller rebuilt from the database *now*, with the draft's edits
applied, so a relay who withdrew consent since the draft blocks publication
while a relay whose hours the lead raised does not — and refuses with the
violations.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, fields

from sqlalchemy import select
from sqlalchemy.engine import Engine

from i18n import N_, RelaisError
from planning import overrides as ov
from planning.model import Cohort, Instance, Learner, LeftOut, Params, Plan, Relay, Wave
from planning.rules import Violation, check_plan
from storage.db import read_session, write_session
from storage.models import AuditLog, CohortPlan, utcnow

DRAFT, PUBLISHED = "draft", "published"
REFUSED = N_("The plan breaks {count} rules and cannot be published")


class PublishRefused(RelaisError):
    """Publication refused: the plan breaks hard rules (see .violations)."""

    def __init__(self, violations: list[Violation]):
        super().__init__(REFUSED, count=len(violations))
        self.violations = violations


@dataclass(frozen=True)
class StoredPlan:
    """A plan as read back: row fields, the plan, its instance and campaign."""

    id: int
    name: str
    status: str
    campaign_id: int | None
    plan: Plan
    instance: Instance
    created_by: int | None
    created_at: dt.datetime
    updated_at: dt.datetime
    published_at: dt.datetime | None
    overrides: ov.Overrides = ov.NONE
    base: Instance | None = None  # the unedited instance the overrides apply to

    @property
    def base_instance(self) -> Instance:
        """The instance before the lead's edits (the stored one when there is none)."""
        return self.base if self.base is not None else self.instance


# --- JSON <-> values -------------------------------------------------------

def params_to_json(p: Params) -> dict:
    """Params as JSON (areas as a sorted list)."""
    d = asdict(p)
    d["areas_in_scope"] = sorted(p.areas_in_scope)
    return d


def params_from_json(d: dict) -> Params:
    """Params from JSON, ignoring unknown keys (older rows keep loading)."""
    known = {f.name for f in fields(Params)}
    d = {k: v for k, v in d.items() if k in known}
    if "areas_in_scope" in d:
        d["areas_in_scope"] = frozenset(d["areas_in_scope"])
    return Params(**d)


def instance_to_json(inst: Instance) -> dict:
    """Relays, learners and waves as JSON (params are stored apart)."""
    return {
        "relays": [{**asdict(r), "areas": sorted(r.areas), "modalities": sorted(r.modalities)}
                   for r in inst.relays],
        "learners": [{**asdict(lr), "weak_items": {a: list(v) for a, v in lr.weak_items.items()}}
                     for lr in inst.learners],
        "waves": [{"index": w.index, "date": w.date.isoformat()} for w in inst.waves],
    }


def instance_from_json(d: dict, params: Params) -> Instance:
    """The Instance stored by instance_to_json."""
    relays = tuple(Relay(r["person_id"], r["site_id"], r["region_id"], frozenset(r["areas"]),
                         float(r["hours_per_month"]), frozenset(r["modalities"]))
                   for r in d.get("relays", []))
    learners = tuple(Learner(lr["person_id"], lr["site_id"], lr["region_id"],
                             {a: float(w) for a, w in lr["needs"].items()},
                             {a: tuple(v) for a, v in lr.get("weak_items", {}).items()})
                     for lr in d.get("learners", []))
    waves = tuple(Wave(w["index"], dt.date.fromisoformat(w["date"])) for w in d.get("waves", []))
    return Instance(relays, learners, waves, params)


def plan_to_json(plan: Plan) -> dict:
    """A Plan as JSON."""
    return {
        "cohorts": [{**asdict(c), "members": list(c.members), "focus_items": list(c.focus_items)}
                    for c in plan.cohorts],
        "left_out": [asdict(lo) for lo in plan.left_out],
        "stats": dict(plan.stats), "objective": plan.objective, "bound": plan.bound,
        "gap": plan.gap, "status": plan.status, "method": plan.method,
        "message": plan.message, "message_params": dict(plan.message_params),
    }


def plan_from_json(d: dict) -> Plan:
    """The Plan stored by plan_to_json."""
    cohorts = [Cohort(**{**c, "members": tuple(c["members"]),
                         "focus_items": tuple(c.get("focus_items", ()))})
               for c in d.get("cohorts", [])]
    return Plan(cohorts=cohorts, left_out=[LeftOut(**lo) for lo in d.get("left_out", [])],
                stats=dict(d.get("stats", {})), objective=float(d.get("objective", 0)),
                bound=float(d.get("bound", 0)), gap=float(d.get("gap", 0)),
                status=d.get("status", "UNKNOWN"), method=d.get("method", ""),
                message=d.get("message", ""), message_params=dict(d.get("message_params", {})))


def _row_json(plan: Plan, instance: Instance, campaign_id: int | None,
              overrides: ov.Overrides = ov.NONE,
              base: Instance | None = None) -> tuple[dict, dict]:
    params = {"campaign_id": campaign_id, "settings": params_to_json(instance.params)}
    body = {"plan": plan_to_json(plan), "instance": instance_to_json(instance)}
    if overrides:
        params["overrides"] = ov.to_json(overrides)
        if base is not None:
            body["base"] = instance_to_json(base)
    return params, body


def _stored(row: CohortPlan) -> StoredPlan:
    params = params_from_json(row.params.get("settings", {}))
    return StoredPlan(
        id=row.id, name=row.name, status=row.status, campaign_id=row.params.get("campaign_id"),
        plan=plan_from_json(row.plan.get("plan", {})),
        instance=instance_from_json(row.plan.get("instance", {}), params),
        created_by=row.created_by, created_at=row.created_at, updated_at=row.updated_at,
        published_at=row.published_at,
        overrides=ov.from_json(row.params.get("overrides")),
        base=instance_from_json(row.plan["base"], params) if row.plan.get("base") else None)


# --- rows ------------------------------------------------------------------

def _audit(s, actor_id: int | None, action: str, plan_id: int, detail: dict) -> None:  # noqa: ANN001
    s.add(AuditLog(actor_id=actor_id, action=action, target=f"cohortplan:{plan_id}",
                   detail=detail))


def save_draft(engine: Engine, name: str, plan: Plan, instance: Instance,
               campaign_id: int | None, created_by: int | None = None,
               overrides: ov.Overrides = ov.NONE, base: Instance | None = None) -> int:
    """Store a new draft and return its id (with the lead's edits and the unedited instance)."""
    name = (name or "").strip()
    if not name:
        raise RelaisError("Give the plan a name")
    params, body = _row_json(plan, instance, campaign_id, overrides, base)
    with write_session(engine) as s:
        row = CohortPlan(name=name[:160], status=DRAFT, params=params, plan=body,
                         created_by=created_by)
        s.add(row)
        s.flush()
        _audit(s, created_by, "cohort_plan.save", row.id, {"name": row.name})
        return int(row.id)


def update_draft(engine: Engine, plan_id: int, plan: Plan, instance: Instance,
                 actor_id: int | None = None, overrides: ov.Overrides = ov.NONE,
                 base: Instance | None = None) -> None:
    """Replace a draft's plan and edits; a published plan is never changed."""
    with write_session(engine) as s:
        row = s.get(CohortPlan, plan_id)
        if row is None:
            raise RelaisError("Plan {plan} does not exist", plan=plan_id)
        if row.status != DRAFT:
            raise RelaisError("Plan {plan} is published and can no longer be changed",
                              plan=plan_id)
        row.params, row.plan = _row_json(plan, instance, row.params.get("campaign_id"),
                                         overrides, base)
        row.updated_at = utcnow()
        _audit(s, actor_id, "cohort_plan.update", plan_id, {})


def load(engine: Engine, plan_id: int) -> StoredPlan:
    """One stored plan."""
    with read_session(engine) as s:
        row = s.get(CohortPlan, plan_id)
        if row is None:
            raise RelaisError("Plan {plan} does not exist", plan=plan_id)
        return _stored(row)


def list_plans(engine: Engine, status: str | None = None) -> list[tuple[int, str, str, dt.datetime]]:
    """(id, name, status, updated_at) of stored plans, newest first."""
    q = select(CohortPlan.id, CohortPlan.name, CohortPlan.status, CohortPlan.updated_at)
    if status:
        q = q.where(CohortPlan.status == status)
    with read_session(engine) as s:
        return [tuple(r) for r in s.execute(q.order_by(CohortPlan.id.desc())).all()]


def publish(engine: Engine, plan_id: int, actor_id: int | None = None,
            instance: Instance | None = None) -> None:
    """Publish a draft after re-checking every rule; PublishRefused lists the violations.

    instance: the campaign rebuilt from the database now, *before* the lead's
    edits — the draft's overrides are applied to it here.
    """
    with write_session(engine) as s:
        row = s.get(CohortPlan, plan_id)
        if row is None:
            raise RelaisError("Plan {plan} does not exist", plan=plan_id)
        if row.status in (PUBLISHED, "closed"):  # closed: published, then closed (cascade)
            return
        stored = _stored(row)
        check_on = (ov.apply(instance, stored.overrides) if instance is not None
                    else stored.instance)
        violations = check_plan(check_on, stored.plan)
        if violations:
            raise PublishRefused(violations)
        row.status, row.published_at = PUBLISHED, utcnow()
        row.updated_at = row.published_at
        _audit(s, actor_id, "cohort_plan.publish", plan_id,
               {"cohorts": len(stored.plan.cohorts)})
        from cascade.cohorts import open_cohorts  # invitations on the learners' links

        open_cohorts(s, plan_id)


# --- people leaving a plan: erasure and consent withdrawal -----------------------------------

REVIEW_KEY = "review"  # params[REVIEW_KEY]: {"withdrawn": [person ids], "erased": count}


def _without(instance: Instance, plan: Plan, gone: set[int]) -> tuple[Instance, Plan]:
    """The instance and plan with these people removed: as relays (with the cohorts they lead),
    learners (with their needs and weak items), members and left-out needs."""
    inst = Instance(tuple(r for r in instance.relays if r.person_id not in gone),
                    tuple(lr for lr in instance.learners if lr.person_id not in gone),
                    instance.waves, instance.params)
    cohorts = [Cohort(**{**asdict(c), "members": tuple(m for m in c.members if m not in gone)})
               for c in plan.cohorts if c.relay_id not in gone]
    cohorts = [c for c in cohorts if c.members]
    kept = Plan(cohorts=cohorts, left_out=[lo for lo in plan.left_out if lo.person_id not in gone],
                stats=dict(plan.stats), objective=plan.objective, bound=plan.bound, gap=plan.gap,
                status=plan.status, method=plan.method, message=plan.message,
                message_params=dict(plan.message_params))
    return inst, kept


def _names_person(row: CohortPlan, person_id: int) -> bool:
    """True when a stored plan names the person anywhere (instance, base, cohorts, edits)."""
    sp = _stored(row)
    people = {r.person_id for r in sp.base_instance.relays} | {lr.person_id for lr in sp.base_instance.learners}
    people |= {r.person_id for r in sp.instance.relays} | {lr.person_id for lr in sp.instance.learners}
    people |= {c.relay_id for c in sp.plan.cohorts} | {m for c in sp.plan.cohorts for m in c.members}
    people |= {lo.person_id for lo in sp.plan.left_out}
    people |= set(sp.overrides.relays) | set(sp.overrides.learners) if sp.overrides else set()
    return person_id in people


def forget_person(session, person_id: int) -> int:  # noqa: ANN001
    """Remove an erased person from every stored plan, draft or published; return how many changed.

    The plan is marked for review (a published plan changed under the lead's
    feet), without naming who left.
    """
    changed = 0
    for row in session.exec(select(CohortPlan)).scalars().all():
        if not _names_person(row, person_id):
            continue
        sp = _stored(row)
        inst, plan = _without(sp.instance, sp.plan, {person_id})
        base = _without(sp.base, sp.plan, {person_id})[0] if sp.base is not None else None
        edits = ov.Overrides({p: e for p, e in sp.overrides.relays.items() if p != person_id},
                             {p: e for p, e in sp.overrides.learners.items() if p != person_id})
        params, body = _row_json(plan, inst, sp.campaign_id, edits, base)
        review = dict(row.params.get(REVIEW_KEY) or {})
        review["withdrawn"] = [p for p in review.get("withdrawn", []) if p != person_id]
        review["erased"] = int(review.get("erased", 0)) + 1
        params[REVIEW_KEY] = review
        row.params, row.plan, row.updated_at = params, body, utcnow()
        session.add(row)
        changed += 1
    return changed


def flag_withdrawal(session, person_id: int) -> int:  # noqa: ANN001
    """Mark every stored plan naming a person who withdrew consent as needing review."""
    changed = 0
    for row in session.exec(select(CohortPlan)).scalars().all():
        if not _names_person(row, person_id):
            continue
        params = dict(row.params)
        review = dict(params.get(REVIEW_KEY) or {})
        review["withdrawn"] = sorted(set(review.get("withdrawn", [])) | {person_id})
        params[REVIEW_KEY] = review
        row.params = params
        session.add(row)
        changed += 1
    return changed


def withdrawn(sp_or_row) -> set[int]:  # noqa: ANN001
    """People of a stored plan who withdrew consent since it was made."""
    params = sp_or_row.params if isinstance(sp_or_row, CohortPlan) else sp_or_row
    return set((params.get(REVIEW_KEY) or {}).get("withdrawn", []))


def review_of(engine: Engine, plan_id: int) -> dict:
    """{'withdrawn': [ids], 'erased': n} of a stored plan ({} when nothing to review)."""
    with read_session(engine) as s:
        row = s.get(CohortPlan, plan_id)
        return dict((row.params.get(REVIEW_KEY) or {}) if row is not None else {})


def for_export(engine: Engine, plan_id: int | None, instance: Instance,
               plan: Plan) -> tuple[Instance, Plan]:
    """The instance and plan an export may show: without people who withdrew their consent
    since the plan was saved (flagged by :func:`flag_withdrawal`) or were erased since."""
    gone = set(review_of(engine, plan_id).get("withdrawn", [])) if plan_id is not None else set()
    everyone = [r.person_id for r in instance.relays] + [lr.person_id for lr in instance.learners]
    if everyone:
        from privacy.consent import erased_among

        gone |= erased_among(engine, everyone)
    return _without(instance, plan, gone) if gone else (instance, plan)
