"""Build a planner Instance from one campaign in the database.

Who leads (relays)
    Trainers who qualify as champions under the default rule: overall level
    >= B2, at least two areas at >= C1, willing to act as relay, some hours a
    month, and consent *currently* in force to be named to the lead
    (``consent_named`` from :func:`scoring.data.load_campaign`, which reads
    the latest consent row, so a withdrawal drops the person at once).  A
    relay leads only areas they both *offered* (profile ``relay_areas``) and
    *master* (area score >= C1's cut-off): offering an area one scored B1 on
    does not make one its relay.  Modalities come from the profile:
    face_to_face -> face_to_face, remote_sync / remote_async -> remote,
    hybrid -> hybrid.

Who learns (learners)
    Only trainers who *asked* to be trained and agreed to be named to the lead
    (an active :mod:`cascade.requests` request for the campaign), on the areas
    they asked for that are in scope, under the target level's lower cut-off
    (``scoring.levels.CUTOFFS``) and not led by themselves.  Everyone else is
    counted, unnamed, in the anonymous demand (:mod:`cascade.demand`).  Need weight:

        (cut-off - score) / 100 * (1 + weakness of the site's strategy)

    where weakness = (100 - top-down index of the site) / 100, the released
    top-down index the champions map shows (:mod:`disclosure.topdown`; a
    hidden or unreleased site falls back to the organisation's released index,
    then to 0.5).  A
    weak strategy means the cascade is the main way practice spreads there,
    so those needs weigh up to twice as much.  Weights are rounded to hundredths
    (at least 0.01), the unit the solvers count in, so a proof of optimality
    holds for the weights shown, not for rounded ones.  ``weak_items`` per area are
    the learner's three lowest-scored items of that area (N/A left out).

A person can be both: a relay on the areas they master and a learner on the
others (the rules forbid sitting in one's own cohort).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine

from planning.model import AREAS, Instance, Learner, Params, Relay, Wave
from scoring.data import CampaignData, load_campaign
from disclosure.release import Release
from disclosure.store import releases
from disclosure.topdown import released_top_down
from scoring.anonymity import DEFAULT_K
from scoring.levels import CUTOFFS, LEVEL_CODES
from scoring.schema import OVERALL
from storage.db import read_session
from storage.models import Answer, Person, Region, Site

MODALITY_MAP = {"face_to_face": "face_to_face", "remote_sync": "remote",
                "remote_async": "remote", "hybrid": "hybrid"}
WEAK_ITEMS = 3
DEFAULT_WEAKNESS = 0.5

ChampionRule = Callable[[Mapping[str, object], dict[str, float]], bool]


def cutoff(level: str) -> float:
    """Lower bound (0-100) of a level; A1 starts at 0."""
    i = LEVEL_CODES.index(level)
    return 0.0 if i == 0 else CUTOFFS[i - 1]


def stored_rule(engine: Engine, data: CampaignData) -> ChampionRule:
    """The champion rule the lead set on the champions page, as a predicate on a trainer row.

    Relays are then exactly the champions that page lists for the campaign.
    """
    from champions.rules import evaluate, trainers_frame
    from champions.settings import load_rule

    judged = evaluate(load_rule(engine), trainers_frame(data.scores, data.respondents))
    chosen = set(judged.loc[judged["qualifies"].astype(bool), "response_id"].astype(int))
    return lambda row, _scores: int(row["response_id"]) in chosen


def default_champion_rule(row: Mapping[str, object], area_scores: dict[str, float]) -> bool:
    """Overall >= B2, two areas >= C1, willing, hours > 0, consenting now."""
    overall = area_scores.get(OVERALL, math.nan)
    strong = [a for a in AREAS if area_scores.get(a, -1) >= cutoff("C1") - 1e-9]
    return (overall >= cutoff("B2") - 1e-9 and len(strong) >= 2 and bool(row["relay_willing"])
            and float(row["relay_hours"]) > 0 and bool(row["consent_named"]))


def monthly_waves(start: dt.date, count: int) -> tuple[Wave, ...]:
    """count waves on the same day of consecutive months (day clipped to 28)."""
    day = min(start.day, 28)
    out = []
    for w in range(count):
        month = start.month - 1 + w
        out.append(Wave(w, dt.date(start.year + month // 12, month % 12 + 1, day)))
    return tuple(out)


def dated_waves(dates: Iterable[dt.date]) -> tuple[Wave, ...]:
    """Waves on typed dates, sorted, duplicates dropped."""
    return tuple(Wave(i, d) for i, d in enumerate(sorted(set(dates))))


def weak_items(engine: Engine, response_ids: Iterable[int],
               items: pd.DataFrame) -> dict[tuple[int, str], tuple[str, ...]]:
    """(response_id, area) -> lowest-scored item ids of that area, for these responses only."""
    ids = sorted({int(r) for r in response_ids})
    area_of = dict(zip(items["item_id"], items["area"]))
    rows: list = []
    with read_session(engine) as s:
        for i in range(0, len(ids), 500):  # keep IN lists short on every database
            rows += s.execute(
                select(Answer.response_id, Answer.item_id, Answer.value)
                .where(Answer.response_id.in_(ids[i:i + 500]), Answer.not_applicable.is_(False),
                       Answer.value.is_not(None))).all()
    frame = pd.DataFrame(rows, columns=["response_id", "item_id", "value"])
    frame["area"] = frame["item_id"].map(area_of)
    frame = frame[frame["area"].isin(AREAS)].sort_values(["response_id", "area", "value",
                                                          "item_id"])
    lowest = frame.groupby(["response_id", "area"], sort=False).head(WEAK_ITEMS)
    out: dict[tuple[int, str], tuple[str, ...]] = {}
    for rid, area, item in lowest[["response_id", "area", "item_id"]].itertuples(index=False):
        key = (int(rid), str(area))
        out[key] = (*out.get(key, ()), str(item))
    return out


def site_weakness(data: CampaignData, rel: Release) -> dict[int, float]:
    """site_id -> (100 - released top-down index) / 100, falling back to the org's.

    The index is the one the champions map shows (:func:`disclosure.topdown.released_top_down`,
    over the populations released for it), never one computed over responses not released:
    a need weight that moved with one more submission would give that person's rating away
    to whoever reads the plan's weights.
    """
    td = released_top_down(data, rel)
    org = td.loc[td["scope"] == "org", "top_down"]
    org_value = float(org.iloc[0]) if len(org) and pd.notna(org.iloc[0]) else math.nan
    fallback = (100 - org_value) / 100 if not math.isnan(org_value) else DEFAULT_WEAKNESS
    out: dict[int, float] = {}
    for site, value in zip(td["site_id"], td["top_down"]):
        if site is not None and not pd.isna(site):
            out[int(site)] = (100 - float(value)) / 100 if pd.notna(value) else fallback
    sites = data.respondents["site_id"].dropna().astype(int)
    return {int(s): min(1.0, max(0.0, out.get(int(s), fallback))) for s in sites.unique()}


def build_instance(
    engine: Engine, campaign_id: int, params: Params, waves: tuple[Wave, ...],
    target_level: str | None = None, areas: Iterable[str] | None = None,
    champion_rule: ChampionRule | None = None,
    requests: Mapping[int, Iterable[str]] | None = None, k: int = DEFAULT_K,
) -> Instance:
    """The planner's Instance for a campaign: relays, learners, waves and params.

    requests: person_id -> areas asked for (default: the campaign's active requests).
    The sites' strategy weakness comes from released figures only (``k``: the
    disclosure threshold of those releases); relays only from consent in force.
    """
    from cascade.requests import active as active_requests

    from dataclasses import replace

    target = target_level or params.target_level
    scope = frozenset(areas) if areas is not None else params.areas_in_scope
    params = replace(params, target_level=target, areas_in_scope=scope)
    data = load_campaign(engine, campaign_id)
    asked = {int(p): frozenset(a) for p, a in (
        active_requests(engine, campaign_id) if requests is None else requests).items()}
    rule = champion_rule or stored_rule(engine, data)
    trainers = data.respondents[(data.respondents["role"] == "trainer")
                                & data.respondents["person_id"].notna()
                                & data.respondents["site_id"].notna()]
    by_resp: dict[int, dict[str, float]] = {}
    for rid, area, score in data.scores[["response_id", "area", "score"]].itertuples(index=False):
        if pd.notna(score):
            by_resp.setdefault(int(rid), {})[str(area)] = float(score)
    rel, _ = releases(engine, data, None, k)
    weakness = site_weakness(data, rel)
    threshold = cutoff(target)
    relays: list[Relay] = []
    needs: dict[int, dict[str, float]] = {}
    for row in trainers.itertuples(index=False):
        s = by_resp.get(int(row.response_id), {})
        led = set()
        # relays are named to the lead: only on a consent in force now, whatever the rule says
        if bool(row.consent_named) and rule(row._asdict(), s):
            led = {a for a in row.relay_areas if s.get(a, -1) >= cutoff("C1") - 1e-9}
            mods = {MODALITY_MAP[m] for m in row.modalities if m in MODALITY_MAP}
            if led and mods:
                relays.append(Relay(int(row.person_id), int(row.site_id), int(row.region_id),
                                    frozenset(led), float(row.relay_hours), frozenset(mods)))
        w = 1 + weakness.get(int(row.site_id), DEFAULT_WEAKNESS)
        wanted = asked.get(int(row.person_id), frozenset()) - led
        need = {a: max(0.01, round((threshold - s[a]) / 100 * w, 2))
                for a in AREAS if a in wanted and a in scope and a in s
                and s[a] < threshold - 1e-9}
        if need:
            needs[int(row.response_id)] = need
    weak = weak_items(engine, needs, data.trainer_items) if needs else {}
    learners = []
    for row in trainers[trainers["response_id"].isin(needs)].itertuples(index=False):
        rid = int(row.response_id)
        learners.append(Learner(
            int(row.person_id), int(row.site_id), int(row.region_id), needs[rid],
            {a: weak.get((rid, a), ()) for a in needs[rid]}))
    return Instance(tuple(sorted(relays, key=lambda r: r.person_id)),
                    tuple(sorted(learners, key=lambda lr: lr.person_id)), waves, params)


def relaxed_rule(row: Mapping[str, object], area_scores: dict[str, float]) -> bool:
    """Willing, some hours, consenting now: anyone who could lead one area they master."""
    return bool(row["relay_willing"]) and float(row["relay_hours"]) > 0 and bool(
        row["consent_named"])


def candidate_relays(engine: Engine, campaign_id: int, instance: Instance) -> tuple[Relay, ...]:
    """Consenting, willing trainers with a mastered area who are not relays yet (what-if)."""
    wider = build_instance(engine, campaign_id, instance.params, instance.waves,
                           champion_rule=relaxed_rule)
    have = {r.person_id for r in instance.relays}
    return tuple(r for r in wider.relays if r.person_id not in have)


def with_relay(instance: Instance, relay: Relay) -> Instance:
    """The same instance with one more relay (what-if)."""
    from dataclasses import replace

    relays = tuple(sorted((*instance.relays, relay), key=lambda r: r.person_id))
    return replace(instance, relays=relays)


@dataclass(frozen=True)
class Directory:
    """Display names: people (first + last), sites and regions, by id."""

    people: dict[int, str]
    sites: dict[int, str]
    regions: dict[int, str]

    def person(self, pid: int) -> str:
        return self.people.get(pid, f"#{pid}")

    def site(self, sid: int | None) -> str:
        return self.sites.get(sid, "") if sid is not None else ""


def directory(engine: Engine, instance: Instance, extra: Iterable[int] = ()) -> Directory:
    """Names of the instance's relays and learners (and extra ids), every site and region."""
    ids = sorted({r.person_id for r in instance.relays}
                 | {lr.person_id for lr in instance.learners} | set(extra))
    people: dict[int, str] = {}
    with read_session(engine) as s:
        for i in range(0, len(ids), 500):
            for pid, first, last, erased in s.execute(
                    select(Person.id, Person.first_name, Person.last_name, Person.erased)
                    .where(Person.id.in_(ids[i:i + 500]))).all():
                people[pid] = f"#{pid}" if erased else f"{first} {last}".strip()
        sites = dict(s.execute(select(Site.id, Site.name)).all())
        regions = dict(s.execute(select(Region.id, Region.name)).all())
    return Directory(people, sites, regions)
