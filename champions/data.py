"""The frames the champions map needs for one campaign, read once and guarded.

``site_positions`` columns: site_id (int), site, region_id, region,
n_trainers, bottom_up, top_down, basis ('combined' | 'trainers_only' |
None), reason, hidden (bool: no position, fewer than k or suppressed).
Counts and indices are NaN where hidden.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from champions.rules import trainers_frame
from official import is_official
from disclosure.release import trade_key, tree_keys
from disclosure.store import EPOCH, releases
from disclosure.topdown import released_top_down
from scoring.anonymity import DEFAULT_K
from scoring.data import load_campaign
from scoring.indices import bottom_up_sites, bottom_up_trainers, top_down_sites
from storage.db import read_session
from storage.models import Campaign, Consent, DisclosureRelease, Person, Region, Response, Site


@dataclass(frozen=True)
class ChampionsData:
    """One campaign as the champions map sees it."""

    campaign_id: int
    sites: pd.DataFrame  # see module docstring
    trainers: pd.DataFrame  # champions.rules.trainers_frame
    area_names: dict[str, dict[str, str]]  # area id -> {lang: name}
    k: int
    released: frozenset[int] = frozenset()  # trainer responses in their site's released population

    def density_trainers(self) -> pd.DataFrame:
        """Trainers the density may count: those in their site's released population."""
        return self.trainers[self.trainers["response_id"].isin(self.released)]


def _int_ids(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values, errors="coerce").astype("Int64")


def site_table(engine: Engine) -> pd.DataFrame:
    """Every site with its region: site_id, site, region_id, region."""
    with read_session(engine) as s:
        rows = s.execute(select(Site.id, Site.name, Region.id, Region.name)
                         .join(Region, Region.id == Site.region_id).order_by(Site.name)).all()
    frame = pd.DataFrame(rows, columns=["site_id", "site", "region_id", "region"])
    frame["site_id"] = _int_ids(frame["site_id"])
    return frame


def site_positions(data, sites: pd.DataFrame, k: int = DEFAULT_K,  # noqa: ANN001
                   top_down: pd.DataFrame | None = None, official: bool = False) -> pd.DataFrame:
    """Guarded bottom-up and top-down index per site of a CampaignData (module docstring).

    ``top_down``: the index already computed over released populations
    (:func:`disclosure.topdown.released_top_down`, official position or not:
    what the map shows); without it, it is computed over ``data`` as given
    (tests and tools with no release).
    """
    bt = bottom_up_trainers(data.scores, data.answers, data.trainer_items, data.respondents)
    bu = bottom_up_sites(bt, k=k)
    td = top_down if top_down is not None else top_down_sites(
        data.scores, data.answers, data.trainer_items, data.respondents, k=k, official=official)
    bu = bu[bu["scope"] == "site"].assign(site_id=lambda f: _int_ids(f["site_id"]))
    td = td[td["scope"] == "site"].assign(site_id=lambda f: _int_ids(f["site_id"]))
    out = sites.merge(bu[["site_id", "n_trainers", "bottom_up", "hidden"]], on="site_id", how="left")
    out = out.merge(td[["site_id", "top_down", "basis", "reason", "hidden"]]
                    .rename(columns={"hidden": "_td_hidden"}), on="site_id", how="left")
    hidden = (out["hidden"].astype("boolean").fillna(True)
              | out.pop("_td_hidden").astype("boolean").fillna(True)).to_numpy(dtype=bool)
    out["hidden"] = hidden
    for col in ("n_trainers", "bottom_up", "top_down"):
        out[col] = out[col].astype(float).where(~hidden)
    out["basis"] = out["basis"].where(~hidden & out["basis"].notna(), None).astype(object)
    return out


def load(engine: Engine, campaign_id: int, k: int = DEFAULT_K, trade: str | None = None) -> ChampionsData:
    """Read and guard one campaign for the champions map, over its sites' released populations.

    Site positions and the density count only the responses the disclosure
    layer released for each site (the same populations as the overview), so
    reading the map before and after one more submission shows nothing new.
    With a trade, each site's trainers are its released trade slice
    (``site:12|trade:care``), the managers' side stays the site's.
    The top-down index is released in its own universe per site
    (:mod:`disclosure.topdown`): a site whose index is not released is hidden.
    """
    data = load_campaign(engine, campaign_id)
    rel, _ = releases(engine, data, None, k)
    return from_release(data, rel, site_table(engine), k, trade,
                        is_official(engine, campaign_id))


def from_release(data, rel, sites: pd.DataFrame, k: int = DEFAULT_K,  # noqa: ANN001
                 trade: str | None = None, official: bool = False) -> ChampionsData:
    """The champions data of a CampaignData over a disclosure Release (what :func:`load` returns).

    ``official``: the campaign made site managers' answers their site's named position, so
    every site manager counts for their site's managers' side; the trainers' side (and so the
    combined index) stays over their released top-down population
    (:func:`disclosure.topdown.named_managers_side`).
    """
    site_keys = [key for key in tree_keys(data.respondents) if key.startswith("site:")]
    trainer_key = (lambda key: trade_key(key, trade)) if trade is not None else (lambda key: key)
    ids = {int(r) for key in site_keys for r in rel.population("trainer", trainer_key(key))}
    ids |= {int(r) for key in site_keys for r in rel.population("manager", key)}
    shown = replace(data, respondents=data.respondents[data.respondents["response_id"].isin(ids)])
    # with an official position, the managers' side is named (every site manager counts), the
    # trainers' side stays in its released universe: disclosure.topdown.named_managers_side
    positions = site_positions(shown, sites, k=k, top_down=released_top_down(data, rel, official=official))
    trainers = trainers_frame(data.scores, data.respondents)
    if trade is not None:
        trainers = trainers[trainers["response_id"].isin(ids)].reset_index(drop=True)
    trainers["site_id"] = _int_ids(trainers["site_id"])
    names = {a.id: {lg: a.name.get(lg) for lg in ("fr", "en")}
             for a in data.trainer_questionnaire.areas}
    return ChampionsData(data.campaign_id, positions, trainers, names, k, frozenset(ids))


def campaigns(engine: Engine) -> list[tuple[int, str]]:
    """(id, name) of campaigns, newest first."""
    with read_session(engine) as s:
        return [(i, n) for i, n in s.execute(
            select(Campaign.id, Campaign.name).order_by(Campaign.starts_on.desc(), Campaign.id.desc()))]


def data_version(engine: Engine, campaign_id: int) -> tuple:
    """A cheap fingerprint that changes when answers, consents or people change."""
    with read_session(engine) as s:
        resp = s.execute(select(func.count(Response.id), func.max(Response.updated_at))
                         .where(Response.campaign_id == campaign_id)).one()
        consent = s.execute(select(func.count(Consent.id), func.max(Consent.id))).one()
        people = s.execute(select(func.count(Person.id), func.max(Person.updated_at))).one()
        # a rescoring starts a release epoch (disclosure.store.start_epoch): read again
        epoch = s.execute(select(func.count(DisclosureRelease.id)).where(
            DisclosureRelease.campaign_id == campaign_id, DisclosureRelease.figure == EPOCH)).scalar()
    return (tuple(map(str, resp)), tuple(map(str, consent)), tuple(map(str, people)), str(epoch))


def names_of(engine: Engine, person_ids: list[int]) -> pd.DataFrame:
    """person_id, name, email of the given people (call only with consenting people)."""
    ids = sorted({int(p) for p in person_ids if p is not None and not pd.isna(p)})
    with read_session(engine) as s:
        rows = s.execute(select(Person.id, Person.first_name, Person.last_name, Person.email)
                         .where(Person.id.in_(ids), ~Person.erased)).all() if ids else []
    frame = pd.DataFrame(rows, columns=["person_id", "first_name", "last_name", "email"])
    frame["name"] = (frame["first_name"] + " " + frame["last_name"]).astype(object)
    return frame[["person_id", "name", "email"]]

