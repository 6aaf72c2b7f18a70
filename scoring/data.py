"""Read one campaign's stored scores into the frames the scoring functions take.

Dashboards, the champions map and the planner all start here, so a campaign
is read the same way everywhere: stored area scores (never raw answers, except
the few shared and sharing items that gaps and indices need, and, reduced to
flags, which statements each manager's area scores are made of),
respondents with their site, region and profile, and consent as it stands
*now* (a withdrawal takes effect everywhere at once).
"""

from __future__ import annotations

import io
import threading
from concurrent.futures import Future
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pa_json
from sqlalchemy import String, cast, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.sql import Select

from scoring.levels import level_of
from scoring.org_model import apply_model
from scoring.store import questionnaire_of
from storage import sqlite_reader
from storage.bulk import FrameReader, json_values
from storage.db import read_session
from storage.models import (
    Answer,
    Campaign,
    Consent,
    Person,
    PersonTrade,
    Response,
    ResponseScore,
    Site,
)
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


def consents_in_force(kind: str = "named_to_lead") -> Select:
    """SELECT person_id, granted: each person's consent in force (the latest row of that kind)."""
    latest = (select(Consent.person_id, func.max(Consent.id).label("last"))
              .where(Consent.kind == kind).group_by(Consent.person_id).subquery())
    return select(Consent.person_id, Consent.granted).join(latest, Consent.id == latest.c.last)


def current_consents(session, kind: str = "named_to_lead") -> dict[int, bool]:  # noqa: ANN001
    """person_id -> consent in force (the latest row of that kind)."""
    return {pid: bool(g) for pid, g in session.execute(consents_in_force(kind)).all()}


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


def load_campaign(engine: Engine, campaign_id: int, columnar: bool = True) -> CampaignData:
    """The submitted responses of a campaign as scoring frames.

    The large reads go through :class:`storage.bulk.FrameReader` (columnar when
    the database allows it; ``columnar=False`` reads the driver's tuples, the
    same frames more slowly).
    """
    with read_session(engine) as s:
        camp = s.get(Campaign, campaign_id)
        if camp is None:
            raise LookupError(f"no campaign {campaign_id}")
        tq = questionnaire_of(s, camp.trainer_qv_id)
        oq = questionnaire_of(s, camp.organisation_qv_id)
    titems, oitems = tq.items_frame(), oq.items_frame()
    wanted = set(titems.loc[titems["shared"] | titems["element"].notna(), "item_id"])
    wanted |= set(titems.loc[titems["tags"].map(lambda t: "sharing" in t), "item_id"])
    wanted |= set(oitems.loc[oitems["shared"], "item_id"])
    # managers' answers to the other statements of those areas: read with the rest, kept as a
    # per-area flag only (the disclosure layer needs to know which form each area score has)
    private = set(unshared_items(oitems)["item_id"])
    submitted = (Response.campaign_id == campaign_id, Response.status == "submitted")
    answer_query = (select(Answer.response_id, Answer.item_id, Answer.value, Answer.not_applicable)
                    .join(Response, Response.id == Answer.response_id)
                    .where(*submitted, Answer.item_id.in_(sorted(wanted | private))))
    answer_cols = ["response_id", "item_id", "value", "na"]
    if columnar and engine.dialect.name == "sqlite":  # reader processes for large campaigns only
        with read_session(engine) as s:
            n = s.execute(select(func.count()).select_from(Response).where(*submitted)).scalar_one()
        columnar = sqlite_reader.worth_it(n)
    with FrameReader(engine, columnar) as rd:
        # the largest read runs on a connection of its own, alongside the others, when the
        # driver reads outside the interpreter's lock (columnar): the database and the
        # driver work on both cores
        pending = _alongside(engine, answer_query, answer_cols) if rd.columnar else None
        core = rd.frame(
            select(Response.id, Response.person_id, Response.site_id, Site.region_id, Response.role,
                   cast(Response.profile, String))
            .join(Site, Site.id == Response.site_id, isouter=True).where(*submitted),
            ["response_id", "person_id", "site_id", "region_id", "role", "profile"])
        scores = rd.frame(
            select(ResponseScore.response_id, ResponseScore.area, ResponseScore.score)
            .join(Response, Response.id == ResponseScore.response_id).where(*submitted),
            ["response_id", "area", "score"])
        consents = rd.frame(consents_in_force(), ["person_id", "granted"])
        erased = rd.frame(select(Person.id).where(Person.erased), ["person_id"])
        trades = rd.frame(select(PersonTrade.person_id, PersonTrade.trade), ["person_id", "trade"])
        answers = pending.result() if pending is not None else rd.frame(answer_query, answer_cols)
    # one order whatever the plan: PostgreSQL returns rows in its plan's order, which changes
    # when autovacuum analyses a table, and parallel or concurrent scans mix it further; sums
    # and fingerprints would vary from one read to the next (SQLite gives this order already)
    core = _ordered(core, ["response_id"])
    scores = _ordered(scores, ["response_id", "area"])
    answers = _ordered(answers, ["response_id", "item_id"])
    respondents = _respondents(core, campaign_id, consents, erased, trades)
    scores["score"] = scores["score"].astype(float)
    scores["level"] = level_of(scores["score"])
    answers["value"] = answers["value"].astype(float).where(~answers.pop("na").astype(bool))
    answers, unshared, left_out = _forms(engine, oq, oitems, answers, respondents, private, wanted)
    return CampaignData(campaign_id, scores, respondents, answers, titems, oitems, tq, oq,
                        unshared, left_out)


def _ordered(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """frame sorted on keys (a key of each row), numbered from 0."""
    return frame.sort_values(keys, kind="stable", ignore_index=True)


def _alongside(engine: Engine, query, columns: list[str]) -> Future:  # noqa: ANN001
    """Read query into a frame on a thread of its own (one per call: a read never waits for
    another page's)."""
    future: Future = Future()

    def read() -> None:
        try:
            with FrameReader(engine) as rd:
                future.set_result(rd.frame(query, columns))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller, raised there
            future.set_exception(exc)

    threading.Thread(target=read, name="relais-read", daemon=True).start()
    return future


def _respondents(core: pd.DataFrame, campaign_id: int, consents: pd.DataFrame,
                 erased: pd.DataFrame, trades: pd.DataFrame) -> pd.DataFrame:
    """RESPONDENT_COLUMNS and trade, one row per submitted response (core: the response rows
    with their profile as JSON text)."""
    out = core[["response_id", "person_id", "site_id", "region_id", "role"]].copy()
    out["campaign_id"] = campaign_id
    prof = _profiles(core["profile"].tolist())
    prof.index = out.index
    out["relay_willing"] = prof["relay_willing"]
    out["relay_hours"] = prof["relay_hours"]
    out["relay_areas"] = prof["relay_areas"]
    # consent as it stands now; an erased person never counts as consenting
    granted = set(consents.loc[consents["granted"].astype(bool), "person_id"].astype("int64"))
    gone = set(erased["person_id"].astype("int64"))
    out["consent_named"] = out["person_id"].isin(list(granted - gone)).to_numpy()
    out["modalities"] = prof["modalities"]
    out["years_practice"] = prof["years_practice"]
    out = out[list(RESPONDENT_COLUMNS)]
    # the trade of each respondent as the roster says now (issue 20); an erased person has none
    trade_of = dict(zip(trades["person_id"].astype("int64"), trades["trade"].astype(object)))
    out["trade"] = out["person_id"].map(trade_of).astype(object)
    return out


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


PROFILE_SCHEMA = pa.schema([("relay_willing", pa.bool_()), ("relay_hours", pa.float64()),
                            ("relay_areas", pa.list_(pa.string())), ("modalities", pa.list_(pa.string())),
                            ("years_practice", pa.float64())])


_SEP = "\x1f"  # joins a list's codes for factorizing (the codes never hold it)


def _tuples(lists) -> pd.Series:  # noqa: ANN001 - a pyarrow list<string> column
    """Each list as a tuple (a missing list: the empty tuple), with one Python tuple per
    distinct list: a campaign's profiles repeat a few dozen combinations of codes."""
    joined = pc.binary_join(lists, _SEP).to_pandas()
    codes, uniques = pd.factorize(joined, use_na_sentinel=True)
    values = np.empty(len(uniques) + 1, dtype=object)
    for i, text in enumerate(uniques):
        values[i] = tuple(text.split(_SEP)) if text else ()
    values[-1] = ()  # code -1: no list
    return pd.Series(values[codes], dtype=object)


def _profiles(raws: list) -> pd.DataFrame:
    """relay_willing, relay_hours, relay_areas, modalities, years_practice from each response's
    profile (JSON text, or already parsed on some drivers).

    Text profiles are parsed by Arrow's JSON reader in one pass; a profile it refuses (a value
    of another type than PROFILE_SCHEMA says, a profile that is not an object) sends them all
    through the row-by-row reading, which gives the same columns.
    """
    if raws and all(isinstance(r, str) for r in raws):
        try:
            table = pa_json.read_json(
                io.BytesIO("\n".join(r.replace("\n", " ") for r in raws).encode()),
                parse_options=pa_json.ParseOptions(explicit_schema=PROFILE_SCHEMA,
                                                   unexpected_field_behavior="ignore"))
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            table = None
        if table is not None and table.num_rows == len(raws):
            return pd.DataFrame({
                "relay_willing": table.column("relay_willing").fill_null(False).to_numpy(),
                "relay_hours": table.column("relay_hours").fill_null(0.0).to_numpy(),
                "relay_areas": _tuples(table.column("relay_areas")),
                "modalities": _tuples(table.column("modalities")),
                "years_practice": table.column("years_practice").to_pandas().astype(float).to_numpy(),
            })
    profiles = [p or {} for p in json_values(raws)]
    return pd.DataFrame({
        "relay_willing": [bool(p.get("relay_willing", False)) for p in profiles],
        "relay_hours": [float(p.get("relay_hours") or 0) for p in profiles],
        "relay_areas": pd.Series([_tuple(p.get("relay_areas")) for p in profiles], dtype=object),
        "modalities": pd.Series([_tuple(p.get("modalities")) for p in profiles], dtype=object),
        "years_practice": [float(p["years_practice"]) if p.get("years_practice") is not None
                           else float("nan") for p in profiles],
    })


def campaign_ids(engine: Engine) -> list[int]:
    """Campaign ids, oldest first."""
    with read_session(engine) as s:
        return list(s.execute(select(Campaign.id).order_by(Campaign.starts_on)).scalars())
