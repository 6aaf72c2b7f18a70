"""Read one campaign's stored scores into the frames the scoring functions take.

Dashboards, the champions map and the planner all start here, so a campaign
is read the same way everywhere: stored area scores (never raw answers, except
the few shared and sharing items that gaps and indices need, and, reduced to
flags, which statements each manager's area scores are made of),
respondents with their site, region and profile, and consent as it stands
*now* (a withdrawal takes effect everywhere at once).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from scoring.levels import level_of
from scoring.org_model import apply_model
from scoring.store import questionnaire_of
from storage.bulk import fetch_rows, json_values
from storage.db import read_session
from storage.models import Answer, Campaign, Consent, Person, Response, ResponseScore, Site
from survey.schema import Questionnaire

RESPONDENT_COLUMNS = ("response_id", "person_id", "site_id", "region_id", "role", "campaign_id",
                      "relay_willing", "relay_hours", "relay_areas", "consent_named",
                      "modalities", "years_practice")


def _pairs(column: str) -> pd.DataFrame:
    return pd.DataFrame({"response_id": pd.Series(dtype="int64"), column: pd.Series(dtype=object)})


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
    # response_id, area: the response answered a statement of that organisation area that is
    # not asked of trainers (its area score then holds a term no shown statement has); only
    # areas with a shared statement (see unshared_areas)
    unshared: pd.DataFrame = field(default_factory=lambda: _pairs("area"))
    # response_id, item_id: a shared statement a manager answered that their site's declared
    # model leaves out of their score (shown in the gaps, absent from the area score)
    left_out: pd.DataFrame = field(default_factory=lambda: _pairs("item_id"))


def current_consents(session, kind: str = "named_to_lead") -> dict[int, bool]:  # noqa: ANN001
    """person_id -> consent in force (the latest row of that kind)."""
    latest = (select(Consent.person_id, func.max(Consent.id).label("last"))
              .where(Consent.kind == kind).group_by(Consent.person_id).subquery())
    rows = session.execute(select(Consent.person_id, Consent.granted)
                           .join(latest, Consent.id == latest.c.last)).all()
    return {pid: bool(g) for pid, g in rows}


def unshared_items(organisation_items: pd.DataFrame) -> pd.DataFrame:
    """item_id, area of the scored organisation statements not asked of trainers, in the areas
    that also have a statement asked of both (elsewhere the flag would add nothing: every
    manager scored there answered one)."""
    items = organisation_items[organisation_items["area"].notna()]
    shared = items["shared"].astype(bool)
    mixed = set(items.loc[shared, "area"].astype(str))
    others = items[~shared & items["area"].astype(str).isin(mixed)]
    return pd.DataFrame({"item_id": others["item_id"].astype(str), "area": others["area"].astype(str)})


def unshared_areas(answers: pd.DataFrame, organisation_items: pd.DataFrame) -> pd.DataFrame:
    """response_id, area: which response answered (not "not applicable") a non-shared statement
    of an area (:func:`unshared_items`); ``answers`` as scored (value NaN: not applicable)."""
    items = unshared_items(organisation_items)
    mine = answers[answers["value"].notna()].merge(items, on="item_id")
    out = mine[["response_id", "area"]].drop_duplicates().astype({"response_id": "int64", "area": object})
    return out.sort_values(["response_id", "area"], ignore_index=True)


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
    # managers' answers to the other statements of those areas: read with the rest, kept as a
    # per-area flag only (the disclosure layer needs to know which form each area score has)
    private = set(unshared_items(oitems)["item_id"])
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
                   Answer.item_id.in_(sorted(wanted | private)))))

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
    answers, unshared, left_out = _forms(engine, oq, oitems, answers, respondents, private, wanted)
    return CampaignData(campaign_id, scores, respondents, answers, titems, oitems, tq, oq,
                        unshared, left_out)


def _forms(engine: Engine, oq: Questionnaire, oitems: pd.DataFrame, answers: pd.DataFrame,
           respondents: pd.DataFrame, private: set[str], wanted: set[str],
           ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(answers without the non-shared statements nothing else reads, unshared, left_out) of
    CampaignData.

    Both flags describe the managers' answers as their stored scores used them:
    under each site's declared model, which may leave statements out.
    """
    managers = respondents.loc[respondents["role"] == "manager", "response_id"]
    org_shared = set(oitems.loc[oitems["shared"].astype(bool) & oitems["area"].notna(), "item_id"])
    mine = answers[answers["response_id"].isin(managers)
                   & answers["item_id"].isin(private | org_shared)].reset_index(drop=True)
    scored = mine
    if oq.models and len(mine):
        with read_session(engine) as s:
            scored = apply_model(s, oq, mine)
    own = scored["item_id"].isin(private)
    dropped = scored[~own & scored["value"].isna() & mine["value"].notna()]
    left_out = dropped[["response_id", "item_id"]].astype({"response_id": "int64", "item_id": object})
    rest = answers[~answers["item_id"].isin(private - wanted)].reset_index(drop=True)
    return rest, unshared_areas(scored[own], oitems), left_out.reset_index(drop=True)


def campaign_ids(engine: Engine) -> list[int]:
    """Campaign ids, oldest first."""
    with read_session(engine) as s:
        return list(s.execute(select(Campaign.id).order_by(Campaign.starts_on)).scalars())
