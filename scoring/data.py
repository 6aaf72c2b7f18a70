"""Read one campaign's stored scores into the frames the scoring functions take.

Dashboards, the champions map and the planner all start here, so a campaign
is read the same way everywhere: stored area scores (never raw answers, except
the few shared and sharing items that gaps and indices need), respondents with
their site, region and profile, and consent as it stands *now* (a withdrawal
takes effect everywhere at once).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from scoring.levels import level_of
from scoring.store import questionnaire_of
from storage.bulk import fetch_rows, json_values
from storage.db import read_session
from storage.models import Answer, Campaign, Consent, Person, Response, ResponseScore, Site
from survey.schema import Questionnaire

RESPONDENT_COLUMNS = ("response_id", "person_id", "site_id", "region_id", "role", "campaign_id",
                      "relay_willing", "relay_hours", "relay_areas", "consent_named",
                      "modalities", "years_practice")


@dataclass(frozen=True)
class CampaignData:
    """Everything the scoring functions need about one campaign (see scoring.schema)."""

    campaign_id: int
    scores: pd.DataFrame  # response_id, area, score, level (submitted responses only)
    respondents: pd.DataFrame  # RESPONDENT_COLUMNS, one row per submitted response
    answers: pd.DataFrame  # response_id, item_id, value: shared and sharing items only
    trainer_items: pd.DataFrame  # items_frame() of the trainer questionnaire
    organisation_items: pd.DataFrame  # items_frame() of the organisation questionnaire
    trainer_questionnaire: Questionnaire
    organisation_questionnaire: Questionnaire


def current_consents(session, kind: str = "named_to_lead") -> dict[int, bool]:  # noqa: ANN001
    """person_id -> consent in force (the latest row of that kind)."""
    latest = (select(Consent.person_id, func.max(Consent.id).label("last"))
              .where(Consent.kind == kind).group_by(Consent.person_id).subquery())
    rows = session.execute(select(Consent.person_id, Consent.granted)
                           .join(latest, Consent.id == latest.c.last)).all()
    return {pid: bool(g) for pid, g in rows}


def _tuple(value: object) -> tuple:
    return tuple(value) if isinstance(value, (list, tuple)) else ()


def _trades(engine: Engine) -> dict[int, str]:
    from trades import person_trades  # trades/ reads storage only; imported late to keep this light

    return person_trades(engine)


def load_campaign(engine: Engine, campaign_id: int) -> CampaignData:
    """The submitted responses of a campaign as scoring frames."""
    with read_session(engine) as s:
        camp = s.get(Campaign, campaign_id)
        if camp is None:
            raise LookupError(f"no campaign {campaign_id}")
        tq = questionnaire_of(s, camp.trainer_qv_id)
        oq = questionnaire_of(s, camp.organisation_qv_id)
        consents = current_consents(s)
        erased = set(s.execute(select(Person.id).where(Person.erased)).scalars())
    titems, oitems = tq.items_frame(), oq.items_frame()
    wanted = set(titems.loc[titems["shared"] | titems["element"].notna(), "item_id"])
    wanted |= set(titems.loc[titems["tags"].map(lambda t: "sharing" in t), "item_id"])
    wanted |= set(oitems.loc[oitems["shared"], "item_id"])
    # Core rows as plain tuples: the ORM and pandas' probing of Row objects cost more
    # than the query itself on a national campaign.
    # (storage.bulk: straight from the driver, several times faster at national size)
    with engine.connect() as s:
        raw = fetch_rows(s, (
            select(Response.id, Response.person_id, Response.site_id, Site.region_id,
                   Response.role, Response.profile)
            .join(Site, Site.id == Response.site_id, isouter=True)
            .where(Response.campaign_id == campaign_id, Response.status == "submitted")))
        rows = [(rid, pid, site, region, role, prof or {})
                for (rid, pid, site, region, role, _), prof in zip(raw, json_values([r[5] for r in raw]))]
        score_rows = fetch_rows(s, (
            select(ResponseScore.response_id, ResponseScore.area, ResponseScore.score)
            .join(Response, Response.id == ResponseScore.response_id)
            .where(Response.campaign_id == campaign_id, Response.status == "submitted")))
        answer_rows = fetch_rows(s, (
            select(Answer.response_id, Answer.item_id, Answer.value, Answer.not_applicable)
            .join(Response, Response.id == Answer.response_id)
            .where(Response.campaign_id == campaign_id, Response.status == "submitted",
                   Answer.item_id.in_(sorted(wanted)))))

    respondents = pd.DataFrame([{
        "response_id": rid, "person_id": pid, "site_id": site, "region_id": region,
        "role": role, "campaign_id": campaign_id,
        "relay_willing": bool(prof.get("relay_willing", False)),
        "relay_hours": float(prof.get("relay_hours") or 0),
        "relay_areas": _tuple(prof.get("relay_areas")),
        # consent as it stands now; an erased person never counts as consenting
        "consent_named": bool(consents.get(pid, False)) and pid not in erased,
        "modalities": _tuple(prof.get("modalities")),
        "years_practice": float(prof["years_practice"]) if prof.get("years_practice") is not None
        else float("nan"),
    } for rid, pid, site, region, role, prof in rows], columns=list(RESPONDENT_COLUMNS))
    # the trade of each respondent as the roster says now (issue 20); an erased person has none
    respondents["trade"] = respondents["person_id"].map(_trades(engine)).astype(object)
    scores = pd.DataFrame.from_records(score_rows, columns=["response_id", "area", "score"])
    scores["score"] = scores["score"].astype(float)
    scores["level"] = level_of(scores["score"])
    answers = pd.DataFrame.from_records(answer_rows, columns=["response_id", "item_id", "value", "na"])
    answers["value"] = answers["value"].astype(float).where(~answers.pop("na").astype(bool))
    return CampaignData(campaign_id, scores, respondents, answers, titems, oitems, tq, oq)


def campaign_ids(engine: Engine) -> list[int]:
    """Campaign ids, oldest first."""
    with read_session(engine) as s:
        return list(s.execute(select(Campaign.id).order_by(Campaign.starts_on)).scalars())
