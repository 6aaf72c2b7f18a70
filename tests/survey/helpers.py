"""A small campaign with invited trainers, and complete answers for any questionnaire."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from storage.db import write_session
from storage.models import Campaign, Person, Region, Site
from storage.questionnaires import ensure_version
from survey.answering import NA
from survey.links import issue_link
from survey.loader import default_questionnaires
from survey.schema import Section


@dataclass
class Seeded:
    campaign_id: int
    other_campaign_id: int
    site_ids: list[int]
    person_ids: list[int]
    tokens: list[str]


def seed(engine: Engine, n: int = 3, status: str = "open") -> Seeded:
    """One region, two sites, n trainers each invited (with a link) to one open campaign."""
    pair = default_questionnaires()
    with write_session(engine) as s:
        reg = Region(code="R1", name="Région")
        s.add(reg)
        s.flush()
        sites = [Site(code=f"S{i}", name=f"Site {i}", region_id=reg.id) for i in (1, 2)]
        s.add_all(sites)
        s.flush()
        tqv, oqv = ensure_version(s, pair.trainer), ensure_version(s, pair.organisation)
        camps = [Campaign(name=name, starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 12, 31),
                          status=st, trainer_qv_id=tqv.id, organisation_qv_id=oqv.id)
                 for name, st in (("C", status), ("Autre", "open"))]
        s.add_all(camps)
        s.flush()
        people = [Person(first_name=f"P{i}", last_name=f"Nom{i}", email=f"p{i}@x.fr",
                         role="trainer", site_id=sites[i % 2].id) for i in range(n)]
        s.add_all(people)
        s.flush()
        tokens = [issue_link(s, camps[0].id, p.id) for p in people]
        return Seeded(camps[0].id, camps[1].id, [x.id for x in sites], [p.id for p in people],
                      tokens)


def section_answers(section: Section, seed_value: int = 2) -> dict:
    """Valid answers to every item of a section (varying with seed_value)."""
    out = {}
    for k, item in enumerate(section.items):
        v = (seed_value + k) % 5
        if item.type == "scale":
            out[item.id] = NA if (item.allow_na and v == 4 and k % 3 == 0) else v
        elif item.type == "boolean":
            out[item.id] = True
        elif item.type == "integer":
            out[item.id] = item.min + (seed_value % (item.max - item.min + 1))
        elif item.type == "single":
            out[item.id] = item.choices[0].id
        elif item.type == "multi":
            out[item.id] = [item.choices[0].id]
    return out
