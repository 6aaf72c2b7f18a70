"""Apply a roster in one transaction: all lines or none, and the same file twice changes nothing."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from accounts.demo import refuse_import_into_demo
from i18n import N_
from roster.parse import ImportProblem, fold, parse
from roster.validate import Validation, load_directory, validate
from storage import audit
from storage.db import read_session, write_session
from storage.models import Person, Region, Site, utcnow
from trades.store import set_trade


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int
    unchanged: int
    deactivated: int
    sites_created: int
    regions_created: int


class RosterRejected(ImportProblem):
    """The roster has problems; nothing was written. ``problems`` lists them by line."""

    def __init__(self, validation: Validation):
        super().__init__(N_("The roster has {n} problems; nothing was imported."),
                         n=len(validation.problems))
        self.problems = validation.problems


def preview(engine: Engine, data: bytes, filename: str, create_sites: bool = False) -> Validation:
    """Parse and validate without writing (raises ImportProblem if the file is unreadable)."""
    rows = parse(data, filename)
    with read_session(engine) as s:
        refuse_import_into_demo(s)
        return validate(rows, load_directory(s), create_sites)


def import_roster(engine: Engine, data: bytes, filename: str, actor: Person | None = None,
                  create_sites: bool = False, deactivate_missing: bool = False,
                  dry_run: bool = False, where: str = "app") -> ImportSummary:
    """Import every line or none; raise RosterRejected listing every problem by line."""
    rows = parse(data, filename)
    with write_session(engine) as s:
        refuse_import_into_demo(s)
        # Validated again inside the transaction, so the checks hold for what is written.
        validation = validate(rows, load_directory(s), create_sites)
        if not validation.ok:
            raise RosterRejected(validation)
        summary = _apply(s, validation, deactivate_missing, actor, where)
        audit.record(s, actor, "roster_import", filename[:120], {
            "created": summary.created, "updated": summary.updated,
            "unchanged": summary.unchanged, "deactivated": summary.deactivated,
            "sites_created": summary.sites_created, "dry_run": dry_run}, where)
        if dry_run:
            s.rollback()
        return summary


def _code(label: str, taken: set[str]) -> str:
    base = re.sub(r"[^A-Z0-9]+", "-", fold(label).upper()).strip("-")[:36] or "X"
    code, n = base, 1
    while code in taken:
        n += 1
        code = f"{base}-{n}"
    taken.add(code)
    return code


def _apply(s: Session, v: Validation, deactivate_missing: bool, actor: Person | None,
           where: str) -> ImportSummary:
    d = load_directory(s)
    region_ids = dict(d.regions)
    taken = set(s.exec(select(Region.code)).all())
    for key, label in v.new_regions.items():
        region = Region(code=_code(label, taken), name=label)
        s.add(region)
        s.flush()
        region_ids[key] = region.id
    site_ids = dict(d.sites)
    taken = set(s.exec(select(Site.code)).all())
    for key, (label, region_key) in v.new_sites.items():
        site = Site(code=_code(label, taken), name=label, region_id=region_ids[region_key])
        s.add(site)
        s.flush()
        site_ids[key] = site.id

    created = updated = unchanged = 0
    kept: set[int] = set()
    now = utcnow()
    for p in v.people:
        site_id = site_ids[p.site] if p.site else None
        wanted = {"first_name": p.first_name, "last_name": p.last_name, "email": p.email,
                  "role": p.role, "site_id": site_id, "active": True}
        if p.external_id is not None:
            wanted["external_id"] = p.external_id
        if p.person_id is None:
            person = Person(**wanted, language=p.language)
            s.add(person)
            s.flush()
            kept.add(person.id)
            created += 1
            if v.has_trade:
                set_trade(s, person.id, p.trade)
            continue
        person = s.get(Person, p.person_id)
        kept.add(person.id)
        changes = {k: v_ for k, v_ in wanted.items() if getattr(person, k) != v_}
        if v.has_trade and set_trade(s, person.id, p.trade) and not changes:
            updated += 1
            continue
        if not changes:
            unchanged += 1
            continue
        if "role" in changes:
            audit.record(s, actor, "role_changed", f"person:{person.id}",
                         {"from": person.role, "to": p.role, "by": "roster_import"}, where)
        for k, v_ in changes.items():
            setattr(person, k, v_)
        person.updated_at = now
        updated += 1

    deactivated = 0
    if deactivate_missing:
        # Admins are rarely in an HR roster; they are never switched off by an import.
        leavers = s.exec(select(Person).where(Person.active, ~Person.erased,
                                              Person.role != "admin")).all()
        for person in leavers:
            if person.id not in kept and (actor is None or person.id != actor.id):
                person.active, person.updated_at = False, now
                deactivated += 1
    s.flush()
    return ImportSummary(created, updated, unchanged, deactivated, len(v.new_sites),
                         len(v.new_regions))
