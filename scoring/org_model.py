"""The organisation's model: score questionnaire v2 against what the organisation chose.

An administrator declares, for the organisation and optionally per site, its
pedagogical model (enriched face-to-face, blended, distance) and who produces
digital resources (trainers, an engineering team, both).  A questionnaire's
``models`` rules (v2 files) then say, per model choice, which items are left
out ("not applicable to our model") and which options already earn full marks
(``ceilings``): under a ceiling ``c`` an answer ``v`` scores ``min(v, c) * 4 / c``
on the 0-4 item scale, so the options above ``c``, which presume a model the
organisation did not choose, add nothing and take nothing away.

A response is scored under the model of its site (the site's own declaration,
else the organisation's); with no declaration, or on a questionnaire without
rules (v1), answers score exactly as before.  Declaring a model recomputes the
stored scores it affects through :func:`scoring.store.score_and_store`, in the
same transaction as the declaration.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from i18n import N_, RelaisError
from storage.db import read_session, write_session
from storage.models import OrgModel, QuestionnaireVersion, Response, Site, utcnow
from survey.schema import ModelRule, Questionnaire

PEDAGOGIES: dict[str, str] = {
    "enriched": N_("Enriched face-to-face"),
    "blended": N_("Blended"),
    "distance": N_("Distance"),
}
PRODUCTIONS: dict[str, str] = {
    "trainers": N_("Trainers"),
    "team": N_("An engineering team"),
    "both": N_("Trainers and an engineering team"),
}
ORG_SCOPE = "org"


@dataclass(frozen=True)
class Model:
    """One declared model: pedagogy and resource production."""

    pedagogy: str
    production: str

    def choices(self) -> dict[str, str]:
        return {"pedagogy": self.pedagogy, "production": self.production}


def site_scope(site_id: int) -> str:
    return f"site:{int(site_id)}"


def check_model(pedagogy: str, production: str) -> Model:
    """A valid Model, or RelaisError naming the unknown choice."""
    if pedagogy not in PEDAGOGIES:
        raise RelaisError(N_("Unknown pedagogical model {value} (expected one of: {expected})."),
                          value=pedagogy, expected=", ".join(PEDAGOGIES))
    if production not in PRODUCTIONS:
        raise RelaisError(N_("Unknown producer of resources {value} (expected one of: "
                             "{expected})."), value=production, expected=", ".join(PRODUCTIONS))
    return Model(pedagogy, production)


def rules_for(questionnaire: Questionnaire, model: Model | None) -> tuple[ModelRule, ...]:
    """The questionnaire's rules that apply under a model (none without a model or rules)."""
    if model is None:
        return ()
    chosen = model.choices()
    return tuple(r for r in questionnaire.models or () if chosen[r.dimension] == r.value)


def item_effects(rules: Iterable[ModelRule]) -> tuple[set[str], dict[str, int]]:
    """(items left out, item -> ceiling) of a set of rules; the lowest ceiling wins."""
    left_out: set[str] = set()
    ceilings: dict[str, int] = {}
    for rule in rules:
        left_out |= set(rule.not_applicable)
        for item, c in rule.ceilings.items():
            ceilings[item] = min(c, ceilings.get(item, c))
    return left_out, ceilings


def adjusted_value(value: float, ceiling: int | None) -> float:
    """An answer (0-4) scored against a ceiling: min(value, c) * 4 / c.

    >>> adjusted_value(2, 2), adjusted_value(4, 2), adjusted_value(1, 2), adjusted_value(3, None)
    (4.0, 4.0, 2.0, 3.0)
    """
    if ceiling is None:
        return float(value)
    return min(float(value), ceiling) * 4.0 / ceiling


def adjust_answers(answers: pd.DataFrame, questionnaire: Questionnaire,
                   model_of_response: Mapping[int, Model | None]) -> pd.DataFrame:
    """Answers (response_id, item_id, value) rescaled under each response's model.

    Items left out by the model become NaN (not applicable); ceilings rescale values.
    A questionnaire without rules comes back unchanged.
    """
    if not questionnaire.models or answers.empty:
        return answers
    out = answers.copy()
    values = out["value"].to_numpy(dtype=float, copy=True)
    models = out["response_id"].map(lambda r: model_of_response.get(int(r)))
    for model in {m for m in models if m is not None}:
        left_out, ceilings = item_effects(rules_for(questionnaire, model))
        mine = (models == model).to_numpy()
        values[mine & out["item_id"].isin(left_out).to_numpy()] = np.nan
        for item, c in ceilings.items():
            rows = mine & (out["item_id"] == item).to_numpy()
            values[rows] = np.minimum(values[rows], c) * 4.0 / c
    out["value"] = values
    return out


def declared(session: Session) -> tuple[Model | None, dict[int, Model]]:
    """(organisation's model, site id -> the site's own model)."""
    org, sites = None, {}
    for row in session.exec(select(OrgModel)).all():
        model = Model(row.pedagogy, row.production)
        if row.site_id is None:
            org = model
        else:
            sites[row.site_id] = model
    return org, sites


def model_for_site(session: Session, site_id: int | None) -> Model | None:
    """The model a site works under: its own declaration, else the organisation's."""
    org, sites = declared(session)
    return sites.get(site_id, org) if site_id is not None else org


def models_of_responses(session: Session, response_ids: list[int]) -> dict[int, Model | None]:
    """Response id -> the model of its site at scoring time."""
    org, sites = declared(session)
    if org is None and not sites:
        return {}
    out: dict[int, Model | None] = {}
    for start in range(0, len(response_ids), 5_000):
        chunk = response_ids[start:start + 5_000]
        for rid, site_id in session.exec(select(Response.id, Response.site_id)
                                         .where(Response.id.in_(chunk))).all():
            out[rid] = sites.get(site_id, org) if site_id is not None else org
    return out


def apply_model(session: Session, questionnaire: Questionnaire,
                answers: pd.DataFrame) -> pd.DataFrame:
    """The stored-scores hook: answers of these responses under their sites' models."""
    if not questionnaire.models or answers.empty:
        return answers
    ids = sorted(int(r) for r in answers["response_id"].unique())
    return adjust_answers(answers, questionnaire, models_of_responses(session, ids))


def declare_model(engine: Engine, site_id: int | None, pedagogy: str, production: str,
                  by: int | None = None) -> int:
    """Declare the organisation's (site_id None) or a site's model and rescore, in one transaction.

    Returns how many stored responses were recomputed.  An unknown choice or site
    raises RelaisError and changes nothing.
    """
    model = check_model(pedagogy, production)
    with write_session(engine) as s:
        if site_id is not None and s.get(Site, site_id) is None:
            raise RelaisError(N_("Unknown site {site}."), site=site_id)
        scope = ORG_SCOPE if site_id is None else site_scope(site_id)
        row = s.exec(select(OrgModel).where(OrgModel.scope == scope)).first()
        row = row or OrgModel(scope=scope, site_id=site_id, pedagogy="", production="")
        row.pedagogy, row.production = model.pedagogy, model.production
        row.updated_at, row.updated_by = utcnow(), by
        s.add(row)
        s.flush()
        return _rescore_affected(s, site_id)


def clear_site_model(engine: Engine, site_id: int) -> int:
    """Remove a site's own model (it follows the organisation's again) and rescore it."""
    with write_session(engine) as s:
        row = s.exec(select(OrgModel).where(OrgModel.scope == site_scope(site_id))).first()
        if row is None:
            return 0
        s.delete(row)
        s.flush()
        return _rescore_affected(s, site_id)


def _rescore_affected(s: Session, site_id: int | None) -> int:
    """Recompute stored scores of submitted responses on versions with rules, for the changed scope."""
    from scoring.store import score_and_store  # store imports this module for its hook

    versions = [qv.id for qv in s.exec(select(QuestionnaireVersion)).all()
                if qv.definition.get("models")]
    if not versions:
        return 0
    query = select(Response.id, Response.questionnaire_version_id).where(
        Response.status == "submitted", Response.questionnaire_version_id.in_(versions))
    if site_id is not None:
        query = query.where(Response.site_id == site_id)
    else:  # sites with their own model are not affected by the organisation's
        _, own = declared(s)
        if own:
            query = query.where(Response.site_id.is_(None) | Response.site_id.not_in(list(own)))
    by_version: dict[int, list[int]] = {}
    for rid, qv_id in s.exec(query).all():
        by_version.setdefault(qv_id, []).append(rid)
    n = sum(score_and_store(s, qv_id, ids) for qv_id, ids in by_version.items())
    if by_version:  # scores changed meaning: a new release epoch (disclosure.store.start_epoch)
        from disclosure.store import start_epoch

        campaigns = s.exec(select(Response.campaign_id).where(
            Response.status == "submitted",
            Response.questionnaire_version_id.in_(list(by_version))).distinct()).all()
        start_epoch(s, campaigns, "model")
    return n


def declared_table(engine: Engine) -> pd.DataFrame:
    """Declared models: scope, site_id, pedagogy, production, updated_at (org row first)."""
    with read_session(engine) as s:
        rows = s.exec(select(OrgModel)).all()
        data = [{"scope": r.scope, "site_id": r.site_id, "pedagogy": r.pedagogy,
                 "production": r.production, "updated_at": r.updated_at} for r in rows]
    frame = pd.DataFrame(data, columns=["scope", "site_id", "pedagogy", "production", "updated_at"])
    return frame.sort_values("site_id", na_position="first", ignore_index=True)
