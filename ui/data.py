"""Cached loading at the edge: campaigns, units and overview frames, keyed by a cheap data version.

The version (count, max id and last submission time of submitted responses, and the
stored scores) changes when anyone submits or a campaign is rescored, so a cached overview is
never stale for long and never recomputed while nothing changed.

Several servers (``manage.py serve --replicas N``) each hold their own caches, so no
cache here may outlive a change made through another server: every cached read is
keyed by a fingerprint read from the database on each run (campaigns are a handful of
rows and are read fresh).
"""

from __future__ import annotations

import time

import pandas as pd
import streamlit as st
from sqlalchemy import func, select

from dashboards import overview as ov_mod
from dashboards import published
from disclosure.store import releases
from dashboards.participation import participation
from dashboards.units import campaigns, previous_campaign, units
from scoring.anonymity import DEFAULT_K
from scoring.data import load_campaign
from storage.config import publish_seconds
from storage.db import read_session
from storage.models import Region, Response, Site
from ui import context

TTL = 3600


def data_version(campaign_id: int) -> tuple:
    """A cheap fingerprint of a campaign's submitted answers and stored scores
    (:func:`dashboards.published.data_version`)."""
    return published.data_version(context.engine(), campaign_id)


def published_version(campaign_id: int, now: float | None = None) -> tuple:
    """The data version score figures are built from: read at most once per publication
    slot (``RELAIS_PUBLISH_SECONDS``) per server.

    Slots follow the wall clock (``now // interval``), so every server moves to a new
    version at the same moments; within a slot, every rerun of every director reuses the
    version read first, and so the cached overview, however many trainers submit.
    Participation stays live (:func:`participation_version`). Publishing on a clock only
    ever releases less often: each publication still goes through the release rule.
    """
    interval = publish_seconds()
    if interval <= 0:
        return data_version(campaign_id)
    slot = int((time.time() if now is None else now) // interval)
    return _published(campaign_id, slot)


@st.cache_data(show_spinner=False, max_entries=64)
def _published(campaign_id: int, slot: int) -> tuple:
    # the slot's version as the first server (or the worker) read it: every server shows the
    # same figures within a slot
    return published.slot_version(context.engine(), campaign_id, slot, publish_seconds())


def next_publication(now: float | None = None) -> float | None:
    """When the current slot ends (epoch seconds), or None when every submission publishes."""
    interval = publish_seconds()
    if interval <= 0:
        return None
    now = time.time() if now is None else now
    return (now // interval + 1) * interval


def publish_interval() -> int:
    return publish_seconds()


def campaign_status(campaign_id: int) -> str | None:
    table = campaign_table()
    row = table[table["campaign_id"] == campaign_id]
    return None if row.empty else str(row["status"].iloc[0])


def participation_version(campaign_id: int) -> tuple:
    """A cheap fingerprint of who started and who submitted (drafts included): responses
    created, deleted or submitted change it, a draft's answers do not."""
    with read_session(context.engine()) as s:
        row = s.execute(select(func.count(Response.id), func.max(Response.id),
                               func.count(Response.submitted_at))
                        .where(Response.campaign_id == campaign_id)).one()
    return tuple(str(v) for v in row)


def campaign_table(_version: int = 0) -> pd.DataFrame:
    """The campaigns, read from the database on every call: a campaign opened or closed
    through another server shows at once (a few rows; not worth a cache)."""
    return campaigns(context.engine())


def units_version() -> tuple:
    """A cheap fingerprint of sites and regions: added, removed, renamed or moved ones
    change it (a rename to a name of the very same length is caught by the 60 s TTL)."""
    with read_session(context.engine()) as s:
        sites = s.execute(select(func.count(Site.id), func.max(Site.id), func.sum(Site.region_id),
                                 func.sum(func.length(Site.name) + func.length(Site.city)))).one()
        regions = s.execute(select(func.count(Region.id), func.max(Region.id),
                                   func.sum(func.length(Region.name)))).one()
    return (*(str(v) for v in sites), *(str(v) for v in regions))


def unit_table() -> pd.DataFrame:
    """Sites and regions, cached per fingerprint read from the database (shared by every
    server of a cluster)."""
    return _unit_table(units_version())


@st.cache_data(ttl=60, show_spinner=False, max_entries=4)
def _unit_table(version: tuple) -> pd.DataFrame:
    return units(context.engine())


def participation_table(campaign_id: int, version: tuple | None = None) -> pd.DataFrame:
    """Invited, started and submitted per site and role; version (the caller's
    data_version) is kept in the key, and drafts started or deleted are caught by the
    participation fingerprint read here."""
    return _participation_table(campaign_id, version, participation_version(campaign_id))


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=64)
def _participation_table(campaign_id: int, version: tuple | None,
                         started: tuple) -> pd.DataFrame:
    return participation(context.engine(), campaign_id)


@st.cache_resource(ttl=TTL, show_spinner=False, max_entries=4)
def _campaign(campaign_id: int, version: tuple):  # noqa: ANN202 - CampaignData, shared read-only
    return load_campaign(context.engine(), campaign_id)


@st.cache_resource(ttl=TTL, show_spinner=False, max_entries=8)
def _released(campaign_id: int, previous_id: int | None, k: int, version: tuple,
              prev_version: tuple | None):  # noqa: ANN202 - (Release, Release | None), shared read-only
    """The releases of a campaign compared with the one before it, decided (and recorded) once
    per data version: a new submission changes the version, and only then may a figure move
    to a new released population.  The overview, the learners' section and the region gaps
    all read this one decision (one fingerprint and history read per version, not three)."""
    cur = _campaign(campaign_id, version)
    prev = _campaign(previous_id, prev_version) if previous_id is not None else None
    return releases(context.engine(), cur, prev, k, viewer_id=_viewer_id())


def released(campaign_id: int, k: int = DEFAULT_K, version: tuple | None = None):  # noqa: ANN201
    """(campaign data, its release, the previous campaign's data or None, its release or None)."""
    prev = previous_campaign(campaign_table(), campaign_id)
    version = version or published_version(campaign_id)
    prev_version = published_version(prev) if prev is not None else None
    rel, prev_rel = _released(campaign_id, prev, k, version, prev_version)
    return (_campaign(campaign_id, version), rel,
            _campaign(prev, prev_version) if prev is not None else None, prev_rel)


@st.cache_resource(ttl=TTL, show_spinner=False, max_entries=16)
def _overview(campaign_id: int, previous_id: int | None, modality: str | None, lang: str, k: int,
              version: tuple, prev_version: tuple | None, trade: str | None = None) -> ov_mod.Overview:
    # computed once for every server of the cluster (dashboards.published, storage.snapshots):
    # a server that starts, or a second server, reads the guarded frames instead of rebuilding
    # them from the scores
    return published.overview(context.engine(), _campaign, _released, campaign_id, previous_id,
                              modality, lang, k, version, prev_version, trade, delegate=True)


def _viewer_id() -> int | None:
    viewer = st.session_state.get("viewer")
    return getattr(viewer, "person_id", None)


def overview(campaign_id: int, modality: str | None = None, k: int = DEFAULT_K,
             version: tuple | None = None, trade: str | None = None) -> ov_mod.Overview:
    """The guarded overview of a campaign (compared with the one before it), cached.

    cache_resource, not cache_data: the frames are read-only here and copying
    several MB of frames on every rerun would cost more than the render.
    """
    table = campaign_table()
    prev = previous_campaign(table, campaign_id)
    interval = publish_seconds()
    if interval > 0:  # the worker's publisher prepares what directors read (once per slot here)
        _noted(campaign_id, context.lang(), published.slot_of(time.time(), interval))
    return _overview(campaign_id, prev, modality, context.lang(), k, version or published_version(campaign_id),
                     published_version(prev) if prev is not None else None, trade)


@st.cache_data(show_spinner=False, max_entries=64)
def _noted(campaign_id: int, lang: str, slot: int) -> bool:
    published.note_demand(context.engine(), campaign_id, lang)
    return True
