"""Small read/write queries used by the app shell (people, language, organisation)."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import select

from storage.db import read_session, write_session
from storage.models import Campaign, Person, Region, Response, Site, utcnow


def get_person(engine: Engine, person_id: int) -> Person | None:
    with read_session(engine) as s:
        return s.get(Person, person_id)


def set_language(engine: Engine, person_id: int, lang: str) -> None:
    """Remember a person's language choice."""
    with write_session(engine) as s:
        person = s.get(Person, person_id)
        if person is not None and person.language != lang:
            person.language = lang
            person.updated_at = utcnow()


def is_empty(engine: Engine) -> bool:
    """True when no region exists yet (a fresh database)."""
    with read_session(engine) as s:
        return s.exec(select(func.count()).select_from(Region)).one() == 0


def demo_people(engine: Engine) -> dict[str, Person]:
    """One active person per role, for the demo sign-in (the lowest id of each role)."""
    with read_session(engine) as s:
        first = (select(Person.role, func.min(Person.id)).where(Person.active)
                 .group_by(Person.role))
        ids = dict(s.exec(first).all())
        return {role: s.get(Person, pid) for role, pid in ids.items()}


def site_name(engine: Engine, site_id: int | None) -> str:
    if site_id is None:
        return ""
    with read_session(engine) as s:
        site = s.get(Site, site_id)
        return site.name if site else ""


def organisation_table(engine: Engine) -> pd.DataFrame:
    """Sites with their region and active headcount by role.

    Columns: region, site, city, trainers, managers.
    """
    with read_session(engine) as s:
        rows = s.exec(
            select(Region.name, Site.name, Site.city, Person.role, func.count(Person.id))
            .join(Site, Site.region_id == Region.id)
            .join(Person, (Person.site_id == Site.id) & Person.active, isouter=True)
            .group_by(Region.name, Site.name, Site.city, Person.role)
        ).all()
    frame = pd.DataFrame(rows, columns=["region", "site", "city", "role", "n"])
    if frame.empty:
        return pd.DataFrame(columns=["region", "site", "city", "trainers", "managers"])
    wide = frame.pivot_table(index=["region", "site", "city"], columns="role", values="n",
                             aggfunc="sum", fill_value=0)
    out = pd.DataFrame({
        "trainers": wide.get("trainer", 0), "managers": wide.get("manager", 0),
    }).reset_index()
    return out.sort_values(["region", "site"]).reset_index(drop=True)


def campaigns_table(engine: Engine) -> pd.DataFrame:
    """Campaigns with their dates, status and submitted responses (newest first)."""
    with read_session(engine) as s:
        rows = s.exec(
            select(Campaign.id, Campaign.name, Campaign.starts_on, Campaign.ends_on,
                   Campaign.status, func.count(Response.id))
            .join(Response, (Response.campaign_id == Campaign.id)
                  & (Response.status == "submitted"), isouter=True)
            .group_by(Campaign.id).order_by(Campaign.starts_on.desc())
        ).all()
    return pd.DataFrame(rows, columns=["id", "name", "starts_on", "ends_on", "status", "submitted"])
