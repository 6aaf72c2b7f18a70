"""Check every line of a roster against itself and the database; collect every problem."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd
from sqlmodel import Session, select

from i18n import N_
from roster.parse import ImportProblem, fold
from storage.models import Person, Region, Site
from trades import codes, trade_of

EMAIL = re.compile(r"^[^@\s;,<>\"']+@[^@\s;,<>\"']+\.[^@\s;,<>\"']{2,}$")
ROLES = {
    "trainer": ("formateur", "formatrice", "formateur rice", "formateur trice", "trainer"),
    "manager": ("responsable", "responsable de site", "responsable site", "manager",
                "site manager"),
    "director": ("directeur", "directrice", "directeur rice", "directeur trice", "director",
                 "directeur de la formation", "directrice de la formation", "training director"),
    "lead": ("referent numerique", "referente numerique", "referent e numerique", "lead",
             "digital lead", "digital engineering lead", "referent"),
    "admin": ("admin", "administrateur", "administratrice", "administrator"),
}
ROLE_OF = {syn: role for role, syns in ROLES.items() for syn in syns}
LANGS = {"": "fr", "fr": "fr", "francais": "fr", "french": "fr", "en": "en", "anglais": "en",
         "english": "en"}
NEEDS_SITE = {"trainer", "manager"}
MAX_NAME = 120


@dataclass(frozen=True)
class Directory:
    """What the database already holds, keyed for matching (folded names, lower-case emails)."""

    sites: dict[str, int]
    regions: dict[str, int]
    by_email: dict[str, int]
    by_external: dict[str, int]


def load_directory(s: Session) -> Directory:
    sites: dict[str, int] = {}
    for site in s.exec(select(Site)).all():
        sites[fold(site.code)] = site.id
        sites.setdefault(fold(site.name), site.id)
    regions: dict[str, int] = {}
    for region in s.exec(select(Region)).all():
        regions[fold(region.code)] = region.id
        regions.setdefault(fold(region.name), region.id)
    by_email, by_external = {}, {}
    for pid, email, ext in s.exec(select(Person.id, Person.email, Person.external_id)).all():
        if email:
            by_email[email.lower()] = pid
        if ext:
            by_external[ext] = pid
    return Directory(sites, regions, by_email, by_external)


@dataclass
class RosterPerson:
    """One valid line: who, with which role and site; person_id when already known."""

    line: int
    first_name: str
    last_name: str
    email: str
    external_id: str | None
    role: str
    site: str | None  # folded key into Directory.sites or Validation.new_sites
    language: str
    person_id: int | None
    trade: str | None = None  # a code of data/trades.yaml; None: no trade column or empty cell


@dataclass
class Validation:
    people: list[RosterPerson] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    new_sites: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> (label, region)
    new_regions: dict[str, str] = field(default_factory=dict)  # key -> label
    has_trade: bool = False  # the file has a trade column: its cells replace stored trades

    @property
    def ok(self) -> bool:
        return not self.problems


def validate(rows: pd.DataFrame, directory: Directory, create_sites: bool = False) -> Validation:
    """Every problem of every line; the people to import only if there is none."""
    out = Validation(has_trade="trade" in rows.attrs.get("columns", ()))
    if rows.empty:
        out.problems.append(ImportProblem("The file has no people, only a header line."))
        return out
    seen_email: dict[str, int] = {}
    seen_ext: dict[str, int] = {}
    seen_person: dict[int, int] = {}
    for row in rows.itertuples(index=False):
        problems = _check_row(row, directory, create_sites, out, seen_email, seen_ext,
                              seen_person)
        out.problems.extend(problems)
    if out.problems:
        out.people.clear()
    return out


def _check_row(row, d: Directory, create_sites: bool, out: Validation,  # noqa: ANN001
               seen_email: dict, seen_ext: dict, seen_person: dict) -> list[ImportProblem]:
    line, problems = row.line, []
    for value, message in ((row.first_name, N_("Line {line}: the first name is empty.")),
                           (row.last_name, N_("Line {line}: the last name is empty."))):
        if not value:
            problems.append(ImportProblem(message, line=line))
        elif len(value) > MAX_NAME:
            problems.append(ImportProblem("Line {line}: a name is longer than {n} characters.",
                                          line=line, n=MAX_NAME))
    email = row.email.strip().lower()
    if not email:
        problems.append(ImportProblem("Line {line}: the email is empty.", line=line))
    elif len(email) > 254 or not EMAIL.match(email):
        problems.append(ImportProblem("Line {line}: {email} is not a valid email address.",
                                      line=line, email=row.email))
    elif email in seen_email:
        problems.append(ImportProblem("Line {line}: the email {email} is already on line "
                                      "{first}.", line=line, email=email,
                                      first=seen_email[email]))
    else:
        seen_email[email] = line
    ext = row.external_id.strip() or None
    if ext is not None:
        if len(ext) > 80:
            problems.append(ImportProblem("Line {line}: the id {external_id} is too long.",
                                          line=line, external_id=ext[:20]))
        elif ext in seen_ext:
            problems.append(ImportProblem("Line {line}: the id {external_id} is already on line "
                                          "{first}.", line=line, external_id=ext,
                                          first=seen_ext[ext]))
        else:
            seen_ext[ext] = line
    role = ROLE_OF.get(fold(row.role))
    if role is None:
        problems.append(ImportProblem(
            "Line {line}: unknown role “{role}” (expected formateur, responsable, directeur, "
            "référent numérique or admin).", line=line, role=row.role))
    language = LANGS.get(fold(row.language))
    if language is None:
        problems.append(ImportProblem("Line {line}: unknown language “{language}” (fr or en).",
                                      line=line, language=row.language))
    site = _check_site(row, d, create_sites, out, role, problems)
    trade = None
    if getattr(row, "trade", ""):
        trade = trade_of(row.trade)
        if trade is None:
            problems.append(ImportProblem(
                "Line {line}: unknown trade “{trade}” (expected one of: {known}; or leave the cell "
                "empty).", line=line, trade=row.trade[:60], known=", ".join(codes())))

    by_email = d.by_email.get(email) if email else None
    by_ext = d.by_external.get(ext) if ext else None
    if by_email is not None and by_ext is not None and by_email != by_ext:
        problems.append(ImportProblem("Line {line}: the email {email} and the id {external_id} "
                                      "belong to two different people.", line=line,
                                      email=email, external_id=ext))
    person_id = by_ext if by_ext is not None else by_email
    if person_id is not None:
        if person_id in seen_person:
            problems.append(ImportProblem("Line {line}: this person is already on line {first}.",
                                          line=line, first=seen_person[person_id]))
        else:
            seen_person[person_id] = line
    if not problems:
        out.people.append(RosterPerson(line, row.first_name, row.last_name, email, ext, role,
                                       site, language, person_id, trade))
    return problems


def _check_site(row, d: Directory, create_sites: bool, out: Validation, role: str | None,  # noqa: ANN001
                problems: list) -> str | None:
    line, key = row.line, fold(row.site)
    if not key:
        if role in NEEDS_SITE:
            problems.append(ImportProblem("Line {line}: trainers and site managers need a site.",
                                          line=line))
        return None
    if key in d.sites or key in out.new_sites:
        return key
    if not create_sites:
        problems.append(ImportProblem("Line {line}: unknown site “{site}”. Tick “Create missing "
                                      "sites and regions” to create it.", line=line,
                                      site=row.site))
        return None
    region_key = fold(row.region)
    if not region_key:
        problems.append(ImportProblem("Line {line}: the new site “{site}” needs a region.",
                                      line=line, site=row.site))
        return None
    if region_key not in d.regions:
        out.new_regions.setdefault(region_key, row.region)
    out.new_sites[key] = (row.site, region_key)
    return key
