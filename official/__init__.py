"""A site's official position: site managers' organisation questionnaire, named, per campaign.

By default a site manager answers anonymously like everyone else, so with
k = 5 and 1-3 managers per site no site's managers-vs-trainers gap can be
shown.  An organisation may choose, per campaign and *before any manager
answers*, that each site manager's organisation questionnaire is the site's
official position: named, like a signed self-assessment.  The managers'
privacy notice says so before their first question.  The site gap then holds
the official position against the site's trainers' released figures; the
trainers' side still goes through the disclosure layer.

The choice cannot change once a manager has started answering that
campaign: they answered under the notice they were shown.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from disclosure.campaign import gap_items
from disclosure.release import Release, gap_key, site_key
from i18n import N_, RelaisError
from scoring.data import CampaignData
from scoring.gaps import _person_scores, shared_item_ids
from storage import audit
from storage.db import read_session, write_session
from storage.models import Campaign, CampaignOfficialPosition, Person, Response, utcnow

NOTICE = N_("**Your answers are your site's official position.** For this campaign, your "
            "organisation has chosen that each site manager's organisation questionnaire is the "
            "official position of their site, shown with your name, like a signed "
            "self-assessment. It is compared with your site's trainers' answers only when enough "
            "trainers answered. Your personal details are used for nothing else.")
LOCKED = N_("Campaign {campaign}: site managers have already started answering, so the choice of "
            "an official position can no longer change (they answered under the notice they "
            "were shown).")


def is_official(engine: Engine, campaign_id: int) -> bool:
    """True when the campaign's site managers answer as their site's official position."""
    with read_session(engine) as s:
        row = s.get(CampaignOfficialPosition, campaign_id)
        return bool(row and row.enabled)


def managers_started(engine: Engine, campaign_id: int) -> int:
    """How many manager responses (draft or submitted) the campaign already has."""
    with read_session(engine) as s:
        return int(s.execute(select(func.count(Response.id)).where(
            Response.campaign_id == campaign_id, Response.role == "manager")).scalar() or 0)


def set_official(engine: Engine, campaign_id: int, enabled: bool, actor: Person | None = None,
                 where: str = "app") -> None:
    """Choose (or undo) the official position for a campaign; refused once managers started."""
    with write_session(engine) as s:
        if s.get(Campaign, campaign_id) is None:
            raise RelaisError("Campaign {campaign} does not exist.", campaign=campaign_id)
        row = s.get(CampaignOfficialPosition, campaign_id)
        if bool(row and row.enabled) == enabled:
            return
        started = s.execute(select(func.count(Response.id)).where(
            Response.campaign_id == campaign_id, Response.role == "manager")).scalar()
        if started:
            raise RelaisError(LOCKED, campaign=campaign_id)
        if row is None:
            row = CampaignOfficialPosition(campaign_id=campaign_id)
            s.add(row)
        row.enabled, row.set_at = enabled, utcnow()
        row.set_by = actor.id if actor is not None else None
        audit.record(s, actor, "official_position", f"campaign:{campaign_id}", {"enabled": enabled}, where)


GAP_COLUMNS = ["site_id", "key", "managers", "n_managers", "mean_managers", "n_trainers",
               "mean_trainers", "gap", "hidden"]


def official_site_gaps(data: CampaignData, rel: Release, engine: Engine | None = None) -> pd.DataFrame:
    """Per site and DigCompOrg element: the official (named) managers' position against the
    site's trainers' released figure.  Columns: GAP_COLUMNS; hidden when the trainers' side
    is not released (fewer than k, or the release rule held it back)."""
    items = gap_items(data)
    resp = data.respondents
    shared = shared_item_ids(data.answers, resp)
    people = _person_scores(data.answers, items, resp, shared)
    people = people[people["kind"] == "element"]
    if people.empty:
        return pd.DataFrame(columns=GAP_COLUMNS)
    managers = people[people["role"] == "manager"]
    trainers = people[people["role"] == "trainer"]
    names = _names(engine, resp, managers["response_id"]) if engine is not None else {}
    rows = []
    for (site, element), mine in managers.groupby(["site_id", "key"]):
        key = gap_key(f"gap:element:{element}", site_key(site))
        pop = rel.population("trainer", key)
        side = trainers[(trainers["key"] == element) & trainers["response_id"].isin(pop)]
        shown = len(side) >= rel.k
        m_mean = float(mine["score"].mean())
        t_mean = float(side["score"].mean()) if shown else np.nan
        rows.append({"site_id": int(site), "key": str(element),
                     "managers": ", ".join(sorted(names.get(int(r), "") for r in mine["response_id"]) or ()),
                     "n_managers": len(mine), "mean_managers": m_mean,
                     "n_trainers": len(side) if shown else np.nan, "mean_trainers": t_mean,
                     "gap": m_mean - t_mean if shown else np.nan, "hidden": not shown})
    return pd.DataFrame(rows, columns=GAP_COLUMNS)


def _names(engine: Engine, resp: pd.DataFrame, response_ids: pd.Series) -> dict[int, str]:
    """response_id -> the manager's name (they answered as named; erased people have none)."""
    mine = resp[resp["response_id"].isin(response_ids) & resp["person_id"].notna()]
    ids = [int(p) for p in mine["person_id"]]
    with read_session(engine) as s:
        rows = dict(((pid, f"{fn} {ln}") for pid, fn, ln in s.execute(
            select(Person.id, Person.first_name, Person.last_name)
            .where(Person.id.in_(ids), ~Person.erased)).all())) if ids else {}
    return {int(r): rows.get(int(p), "") for r, p in zip(mine["response_id"], mine["person_id"])}
