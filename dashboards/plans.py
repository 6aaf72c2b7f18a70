"""Action plans: per site or for the organisation, actions with owner, due date, status, indicator.

``scope`` says whose plans a caller may touch: None for every plan (the
director), a site id for that site's plans only (its manager).  A plan or an
action outside the scope is refused with a RelaisError, as is bad input;
nothing is written then.  An action is late when its due date is before
today and it is not done.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine

from i18n import N_, RelaisError
from storage.db import read_session, write_session
from storage.models import ActionPlan, PlanAction, Site, utcnow

STATUSES = ("todo", "doing", "done")
STATUS_NAMES = {"todo": N_("To do"), "doing": N_("In progress"), "done": N_("Done")}
ACTION_COLUMNS = ["plan_id", "plan_title", "site_id", "site", "action_id", "focus_area", "title",
                  "owner", "due_on", "status", "indicator", "late"]


@dataclass(frozen=True)
class ActionInput:
    """What a person types for an action."""

    title: str
    owner: str = ""
    due_on: dt.date | None = None
    status: str = "todo"
    indicator: str = ""
    focus_area: str = ""


def validate(action: ActionInput) -> ActionInput:
    """The action with trimmed text, or a RelaisError naming the field that is wrong."""
    title = (action.title or "").strip()
    if not title:
        raise RelaisError("The action needs a title.")
    if len(title) > 300:
        raise RelaisError("The action title is too long ({n} characters, at most 300).", n=len(title))
    if action.status not in STATUSES:
        raise RelaisError("Unknown status “{status}”: choose to do, in progress or done.",
                          status=action.status)
    if action.due_on is None:
        raise RelaisError("The action “{title}” needs a due date.", title=title)
    if not isinstance(action.due_on, dt.date):
        raise RelaisError("The due date of “{title}” is not a date.", title=title)
    owner, indicator = (action.owner or "").strip(), (action.indicator or "").strip()
    if not owner:
        raise RelaisError("The action “{title}” needs an owner.", title=title)
    if not indicator:
        raise RelaisError("The action “{title}” needs a measurable indicator.", title=title)
    if len(owner) > 160 or len(indicator) > 300:
        raise RelaisError("The owner (160) or indicator (300 characters) of “{title}” is too long.",
                          title=title)
    return ActionInput(title, owner, action.due_on, action.status, indicator,
                       (action.focus_area or "")[:40])


def _check_scope(plan: ActionPlan | None, scope: int | None) -> ActionPlan:
    if plan is None:
        raise RelaisError("This action plan no longer exists.")
    if scope is not None and plan.site_id != scope:
        raise RelaisError("You may only change the action plan of your own site.")
    return plan


def plan_for(engine: Engine, campaign_id: int | None, site_id: int | None, title: str,
             created_by: int | None, scope: int | None = None) -> int:
    """Id of the plan of a site (None: the organisation) for a campaign, created when missing."""
    if scope is not None and site_id != scope:
        raise RelaisError("You may only change the action plan of your own site.")
    with write_session(engine) as s:
        found = s.execute(select(ActionPlan.id).where(
            ActionPlan.campaign_id == campaign_id,
            ActionPlan.site_id.is_(None) if site_id is None else ActionPlan.site_id == site_id,
        ).order_by(ActionPlan.id)).scalars().first()
        if found is not None:
            return int(found)
        plan = ActionPlan(campaign_id=campaign_id, site_id=site_id, title=title.strip()[:200] or "—",
                          created_by=created_by)
        s.add(plan)
        s.flush()
        return int(plan.id)


def add_action(engine: Engine, plan_id: int, action: ActionInput, scope: int | None = None) -> int:
    """Validate and save a new action in a plan; returns its id."""
    clean = validate(action)
    with write_session(engine) as s:
        plan = _check_scope(s.get(ActionPlan, plan_id), scope)
        row = PlanAction(plan_id=plan.id, focus_area=clean.focus_area, title=clean.title,
                         owner=clean.owner, due_on=clean.due_on, status=clean.status,
                         indicator=clean.indicator)
        s.add(row)
        plan.updated_at = utcnow()
        s.flush()
        return int(row.id)


def update_action(engine: Engine, action_id: int, action: ActionInput, scope: int | None = None) -> None:
    """Validate and save new values for an existing action."""
    clean = validate(action)
    with write_session(engine) as s:
        row = s.get(PlanAction, action_id)
        if row is None:
            raise RelaisError("This action no longer exists.")
        plan = _check_scope(s.get(ActionPlan, row.plan_id), scope)
        for name in ("title", "owner", "due_on", "status", "indicator", "focus_area"):
            setattr(row, name, getattr(clean, name))
        row.updated_at = plan.updated_at = utcnow()


def delete_action(engine: Engine, action_id: int, scope: int | None = None) -> None:
    """Remove an action from its plan."""
    with write_session(engine) as s:
        row = s.get(PlanAction, action_id)
        if row is None:
            raise RelaisError("This action no longer exists.")
        _check_scope(s.get(ActionPlan, row.plan_id), scope)
        s.delete(row)


def actions(engine: Engine, scope: int | None = None, today: dt.date | None = None,
            campaign_id: int | None = None, site_id: int | None | str = "any") -> pd.DataFrame:
    """Actions of the plans in scope (ACTION_COLUMNS), late ones first, then by due date.

    site_id: "any" for every plan in scope, None for the organisation plan, an id for a site.
    """
    today = today or dt.date.today()
    query = (select(ActionPlan.id, ActionPlan.title, ActionPlan.site_id, Site.name, PlanAction.id,
                    PlanAction.focus_area, PlanAction.title, PlanAction.owner, PlanAction.due_on,
                    PlanAction.status, PlanAction.indicator)
             .join(PlanAction, PlanAction.plan_id == ActionPlan.id)
             .join(Site, Site.id == ActionPlan.site_id, isouter=True))
    if scope is not None:
        query = query.where(ActionPlan.site_id == scope)
    if campaign_id is not None:
        query = query.where(ActionPlan.campaign_id == campaign_id)
    if site_id != "any":
        query = query.where(ActionPlan.site_id.is_(None) if site_id is None
                            else ActionPlan.site_id == site_id)
    with read_session(engine) as s:
        rows = s.execute(query).all()
    frame = pd.DataFrame(rows, columns=ACTION_COLUMNS[:-1])
    frame["late"] = [is_late(d, st, today) for d, st in zip(frame["due_on"], frame["status"])]
    frame["_due"] = pd.to_datetime(frame["due_on"])
    frame = frame.sort_values(["late", "_due", "action_id"], ascending=[False, True, True])
    return frame.drop(columns="_due").reset_index(drop=True)[ACTION_COLUMNS]


def is_late(due_on: dt.date | None, status: str, today: dt.date) -> bool:
    """Due before today and not done."""
    return due_on is not None and not pd.isna(due_on) and due_on < today and status != "done"
