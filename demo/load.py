"""Write the demo organisation into a database, in bulk (seconds even at national size)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import logging
from dataclasses import dataclass

import numpy as np
from sqlalchemy import insert
from sqlalchemy.engine import Engine
from sqlmodel import select

from accounts.demo import mark_demo_database
from demo.answers import AnswerModel, DemoResponse, shape_of
from demo.organisation import DemoPerson, make_people, make_sites, params
from storage.db import write_session
from trades.demo import write_demo_trades
from storage.models import (
    Account, Answer, Campaign, Consent, Invitation, Person, Region, Response, Site,
)
from scoring.store import rescore_all
from storage.questionnaires import ensure_version
from survey.loader import default_questionnaires

log = logging.getLogger(__name__)
SIZES = ("tiny", "default", "large", "xlarge")
FLUSH_EVERY = 2_000  # responses held in memory before they are written (national demo)


@dataclass(frozen=True)
class DemoSummary:
    regions: int
    sites: int
    people: int
    trainers: int
    managers: int
    campaigns: int
    responses: int
    answers: int


def _utc(day: dt.date, rng: np.random.Generator) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(8), tzinfo=dt.UTC) + dt.timedelta(
        minutes=int(rng.integers(0, 10 * 60)))


def generate_and_load(engine: Engine, size: str = "default", seed: int = 7,
                      cascade: bool = False) -> DemoSummary:
    """Generate the demo organisation for a seed and write it in one transaction.

    cascade: also run a first cascade between the two campaigns (cascade.demo_loop), as
    `manage.py demo` does so that the pages show the whole loop.
    """
    if size not in SIZES:
        raise ValueError(f"unknown demo size {size!r}; choose one of {', '.join(SIZES)}")
    rng = np.random.default_rng(seed)
    trainer_q, org_q = default_questionnaires()
    tshape = shape_of(trainer_q)
    org_items = tuple((i, a) for i, a, _ in shape_of(org_q).practice)
    sites = make_sites(rng, size)
    people = make_people(rng, size, sites, list(tshape.areas))
    model = AnswerModel(rng, tshape, org_items)
    p = params()
    n_answers = n_responses = 0

    with write_session(engine) as s:
        region_ids = {}
        for code in dict.fromkeys(site.region for site in sites):
            region_ids[code] = s.scalar(insert(Region).returning(Region.id),
                                        {"code": code, "name": p["regions"][code]["name"]})
        site_ids = {site.code: s.scalar(insert(Site).returning(Site.id), {
            "code": site.code, "name": site.name, "city": site.city,
            "region_id": region_ids[site.region]}) for site in sites}
        person_rows = [{
            "external_id": x.external_id, "email": x.email, "first_name": x.first_name,
            "last_name": x.last_name, "role": x.role, "site_id": site_ids.get(x.site),
            "language": "fr", "active": not x.left} for x in people]
        person_ids = list(s.scalars(insert(Person).returning(Person.id, sort_by_parameter_order=True),
                                    person_rows))
        tqv, oqv = ensure_version(s, trainer_q), ensure_version(s, org_q)
        by_code = {site.code: site for site in sites}
        drift = {site.code: float(rng.normal(0.04, 0.04)) for site in sites}

        for c_idx, spec in enumerate(p["campaigns"]):
            camp = Campaign(name=spec["name"]["fr"], starts_on=spec["starts_on"],
                            ends_on=spec["ends_on"], status=spec["status"],
                            trainer_qv_id=tqv.id, organisation_qv_id=oqv.id)
            s.add(camp)
            s.flush()
            present = [x for x in people if x.role != "admin" and x.role != "lead"
                       and not (c_idx == 0 and x.joined_late) and not (c_idx > 0 and x.left)]
            _invite(s, rng, camp.id, [person_ids[x.key] for x in present], spec["ends_on"])
            responses = []
            for person in present:
                draw = rng.random()
                if draw >= spec["submitted"] + spec["started"]:
                    continue
                site = by_code.get(person.site)
                strategy = (site.strategy if site else
                            float(np.mean([x.strategy for x in sites]))) + c_idx * drift.get(
                                person.site, 0.04)
                when = _utc(spec["starts_on"] + dt.timedelta(days=int(rng.integers(0, 40))), rng)
                if person.role == "trainer":
                    answers, profile = model.trainer(person, site, c_idx, strategy)
                    qv_id, n_sections = tqv.id, len(trainer_q.sections)
                    answers += _profile_answers(profile)
                else:
                    answers, profile = model.manager(strategy), {}
                    qv_id, n_sections = oqv.id, len(org_q.sections)
                submitted = draw < spec["submitted"]
                if not submitted:  # a draft stops part-way: keep the first sections only
                    answers = answers[: max(1, len(answers) // 3)]
                responses.append((person, qv_id, DemoResponse(
                    person_key=person.key, questionnaire="trainer" if qv_id == tqv.id else "org",
                    status="submitted" if submitted else "draft",
                    current_section=n_sections - 1 if submitted else 1, started_at=when,
                    submitted_at=when + dt.timedelta(minutes=int(rng.integers(9, 25)))
                    if submitted else None, answers=answers,
                    profile=profile if submitted else {})))
                if len(responses) >= FLUSH_EVERY:
                    n_answers += _write_responses(s, camp.id, responses, person_ids, site_ids)
                    n_responses += len(responses)
                    responses = []
            n_answers += _write_responses(s, camp.id, responses, person_ids, site_ids)
            n_responses += len(responses)
        _write_consents(s, people, person_ids)
        write_demo_trades(s, seed, people, person_ids)
        _write_demo_accounts(s, people, person_ids)
        # The demo sign-in is offered only on a database marked here (accounts.demo).
        mark_demo_database(s)
    # stored area scores, as a real submission writes them and as dashboards read them
    rescore_all(engine)
    from cascade.simulate import seed_requests  # learners of the planner ask to learn (issue 18)

    seed_requests(engine, seed=seed)
    from demo.learners import write_learners  # learners' voice (issue 20): links and answers

    write_learners(engine, seed)
    if cascade:
        from cascade.demo_loop import simulate  # the planner and badges: load on use

        simulate(engine, seed)

    return DemoSummary(
        regions=len(region_ids), sites=len(sites), people=len(people),
        trainers=sum(x.role == "trainer" for x in people),
        managers=sum(x.role == "manager" for x in people),
        campaigns=len(p["campaigns"]), responses=n_responses, answers=n_answers)


DEMO_PASSWORD = "relais-demo"  # documented in the README; demo databases only


def _write_demo_accounts(s, people: list[DemoPerson], person_ids: list[int]) -> None:  # noqa: ANN001
    """Staff can also sign in with email and the shared demo password (one hash for all)."""
    from accounts.passwords import HASHER

    shared = HASHER.hash(DEMO_PASSWORD)
    rows = [{"person_id": person_ids[x.key], "password_hash": shared} for x in people
            if x.role in {"manager", "director", "lead", "admin"}]
    if rows:
        s.execute(insert(Account), rows)


def _profile_answers(profile: dict) -> list[tuple[str, int | None, bool, str | None]]:
    out = []
    for key, value in profile.items():
        if isinstance(value, list):
            out.append((key, None, False, json.dumps(value)))
        else:
            out.append((key, int(value), False, None))
    return out


def _invite(s, rng, campaign_id: int, person_ids: list[int], ends_on: dt.date) -> None:  # noqa: ANN001
    """Personal links for everyone invited; only the token's hash is kept."""
    expires = dt.datetime.combine(ends_on, dt.time(23, 59), tzinfo=dt.UTC)
    rows = []
    for pid in person_ids:
        token = base64.urlsafe_b64encode(rng.bytes(24)).decode().rstrip("=")
        rows.append({"campaign_id": campaign_id, "person_id": pid, "expires_at": expires,
                     "token_hash": hashlib.sha256(token.encode()).hexdigest()})
    s.execute(insert(Invitation), rows)


def _write_responses(s, campaign_id: int, responses: list, person_ids: list[int],  # noqa: ANN001
                     site_ids: dict[str, int]) -> int:
    rows = [{
        "campaign_id": campaign_id, "person_id": person_ids[person.key],
        "questionnaire_version_id": qv_id, "role": person.role,
        "site_id": site_ids.get(person.site), "status": r.status,
        "idempotency_key": hashlib.sha256(
            f"demo:{campaign_id}:{person_ids[person.key]}:{qv_id}".encode()).hexdigest(),
        "current_section": r.current_section, "started_at": r.started_at,
        "updated_at": r.submitted_at or r.started_at, "submitted_at": r.submitted_at,
        "profile": r.profile} for person, qv_id, r in responses]
    if not rows:
        return 0
    ids = list(s.scalars(insert(Response).returning(Response.id, sort_by_parameter_order=True), rows))
    answer_rows = [(rid, item, value, na, choice, r.submitted_at or r.started_at)
                   for rid, (_, _, r) in zip(ids, responses)
                   for item, value, na, choice in r.answers]
    _bulk_answers(s, answer_rows)
    return len(answer_rows)


ANSWER_COLUMNS = ("response_id", "item_id", "value", "not_applicable", "choice", "saved_at")


def _bulk_answers(s, rows: list[tuple]) -> None:  # noqa: ANN001
    """Answers straight through the driver: COPY on PostgreSQL, executemany on SQLite.

    Millions of rows at national size: building an ORM/Core parameter dict per row
    costs more than the database's own work, so the rows go to the driver as tuples.
    """
    if not rows:
        return
    conn = s.connection()
    cols = ", ".join(ANSWER_COLUMNS)
    if conn.dialect.name == "postgresql":
        raw = conn.connection.driver_connection  # psycopg 3
        with raw.cursor() as cur, cur.copy(f"COPY answer ({cols}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    stamp = Answer.__table__.c.saved_at.type.bind_processor(conn.dialect)
    marks = ", ".join("?" for _ in ANSWER_COLUMNS)
    conn.exec_driver_sql(f"INSERT INTO answer ({cols}, revision) VALUES ({marks}, 0)",
                         [(*row[:5], stamp(row[5]) if stamp else row[5]) for row in rows])


def _write_consents(s, people: list[DemoPerson], person_ids: list[int]) -> None:  # noqa: ANN001
    """Consent to be named to the digital lead, as the trainers gave it in their profile."""
    # The latest submitted profile decides, as it would in the app.
    rows = s.exec(select(Response.person_id, Response.profile, Response.submitted_at)
                  .where(Response.role == "trainer", Response.status == "submitted")
                  .order_by(Response.submitted_at)).all()
    latest = {pid: (prof, at) for pid, prof, at in rows}
    rows = [{"person_id": pid, "kind": "named_to_lead", "granted": bool(prof.get("consent_named")),
             "at": at} for pid, (prof, at) in latest.items()]
    if rows:
        s.execute(insert(Consent), rows)
