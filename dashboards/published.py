"""What a campaign publishes, computed once for every server: the data version of each
publication slot, and the guarded overview, learners' figures and region gaps built on it.

Every server's pages (through ``ui.data``, ``ui.learners_view``, ``ui.official``) and the
worker's publisher (:func:`publish`) call the same functions here, so they compute the same
keys: whoever comes first in a slot computes, the others read the stored result
(:mod:`storage.snapshots`). While a campaign is open and scores are published on a clock
(``RELAIS_PUBLISH_SECONDS`` > 0), the worker computes each slot's default views (no
filter, in the languages directors read lately) as the slot starts, so no director waits
for them; a campaign nobody reads costs it nothing.

Streamlit-free: ``ui/`` wraps these in its per-process caches.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from scoring.anonymity import DEFAULT_K
from storage import snapshots
from storage.config import publish_seconds
from storage.db import read_session
from storage.models import Campaign, LearnerResponse, Response, ResponseScore

log = logging.getLogger(__name__)
LANGS = ("fr", "en")
# the publisher prepares a campaign's views in a language while someone read them in one of
# the last DEMAND_SLOTS slots (10 minutes at the default 60 s): nobody watching, no work
DEMAND_SLOTS = 10

# (campaign_id, version) -> CampaignData; (campaign_id, previous_id, k, version,
# prev_version) -> (Release, Release | None): the caller's caches
CampaignFn = Callable[[int, tuple], Any]
ReleasedFn = Callable[[int, "int | None", int, tuple, "tuple | None"], tuple]


def data_version(engine: Engine, campaign_id: int) -> tuple:
    """A cheap fingerprint of a campaign's submitted answers and stored scores.

    Only submitted responses count: a draft's saves (every click of every trainer at a
    campaign peak) change nothing an overview shows. A submitted response is never changed
    again, so a new submission, a deleted response or a rescoring moves the fingerprint;
    closing a campaign too (sites under k then join their region).
    """
    with read_session(engine) as s:
        resp = s.execute(select(func.count(Response.id), func.max(Response.id),
                                func.max(Response.submitted_at))
                         .where(Response.campaign_id == campaign_id,
                                Response.status == "submitted")).one()
        scores = s.execute(select(func.count(), func.max(ResponseScore.response_id))
                           .select_from(ResponseScore)).one()
        status = s.execute(select(Campaign.status).where(Campaign.id == campaign_id)).scalar()
    return (*(str(v) for v in resp), *scores, str(status))


def slot_of(now: float, interval: int) -> int:
    return int(now // interval)


def slot_version(engine: Engine, campaign_id: int, slot: int, interval: int) -> tuple:
    """The data version publication slot ``slot`` shows: read by the first server (or the
    worker) in the slot and stored, so every server shows the same figures until the next."""
    return snapshots.shared(engine, "publication", (int(campaign_id), int(slot), int(interval)),
                            lambda: data_version(engine, campaign_id),
                            ttl=max(snapshots.TTL_S, 2 * interval))


def published_version(engine: Engine, campaign_id: int, now: float | None = None) -> tuple:
    """The version score figures are built from now: the slot's, or the live one when every
    submission publishes (``RELAIS_PUBLISH_SECONDS=0``)."""
    interval = publish_seconds()
    if interval <= 0:
        return data_version(engine, campaign_id)
    return slot_version(engine, campaign_id, slot_of(time.time() if now is None else now, interval),
                        interval)


def _demand_ttl(interval: int) -> float:
    """How long a director's read counts as demand: DEMAND_SLOTS slots, at least a result's life."""
    return max(snapshots.TTL_S, (DEMAND_SLOTS + 1) * interval)


def note_demand(engine: Engine, campaign_id: int, lang: str, now: float | None = None) -> None:
    """A director is reading this campaign's overview in this language in the current slot
    (pages call it once per slot and server): the publisher prepares what is read."""
    interval = publish_seconds()
    if interval <= 0:
        return
    slot = slot_of(time.time() if now is None else now, interval)
    snapshots.shared(engine, "demand", (int(campaign_id), str(lang), slot), lambda: True,
                     ttl=_demand_ttl(interval))


def demanded(engine: Engine, campaign_id: int, lang: str, now: float | None = None) -> bool:
    """Whether the overview of this campaign was read in this language in the last
    DEMAND_SLOTS slots (or the current one)."""
    interval = publish_seconds()
    if interval <= 0:
        return False
    slot = slot_of(time.time() if now is None else now, interval)
    return snapshots.any_stored(engine, "demand",
                                [(int(campaign_id), str(lang), s) for s in range(slot - DEMAND_SLOTS, slot + 1)],
                                ttl=_demand_ttl(interval))


def learner_version(engine: Engine, campaign_id: int) -> tuple:
    """Changes when a learner answers (part of the key of the learners' figures)."""
    with read_session(engine) as s:
        return tuple(s.execute(select(func.count(), func.max(LearnerResponse.id))
                               .where(LearnerResponse.campaign_id == campaign_id)).one())


def _id(value: object) -> int | None:
    return None if value is None else int(value)


def overview(engine: Engine, campaign: CampaignFn, released: ReleasedFn, campaign_id: int,
             previous_id: int | None, modality: str | None, lang: str, k: int, version: tuple,
             prev_version: tuple | None, trade: str | None = None,
             delegate: bool = False):  # noqa: ANN201 - Overview
    """The guarded overview (dashboards.overview.build_overview), computed once per inputs
    (``delegate``: by the worker when one runs, see :func:`_delegate`)."""
    from dashboards import overview as ov_mod

    campaign_id, previous_id, k = int(campaign_id), _id(previous_id), int(k)

    def build():  # noqa: ANN202
        cur = campaign(campaign_id, version)
        prev = campaign(previous_id, prev_version) if previous_id is not None else None
        rels = released(campaign_id, previous_id, k, version, prev_version)
        return ov_mod.build_overview(cur, prev, k=k, modality=modality, lang=lang, releases=rels, trade=trade)

    return snapshots.shared(engine, "overview", (campaign_id, previous_id, modality, lang, k, version,
                                                 prev_version, trade, snapshots.context_version(engine)),
                            build, delegate=_delegate(engine, "overview", (
                                campaign_id, previous_id, modality, lang, k, version, prev_version,
                                trade)) if delegate else None)


def learners(engine: Engine, campaign: CampaignFn, released: ReleasedFn, campaign_id: int,
             previous_id: int | None, k: int, version: tuple, prev_version: tuple | None,
             learners_version: tuple, viewer_id: int | None = None,
             delegate: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(learners' figures per statement and node, three-way gap), computed once per inputs."""
    from dashboards.units import units
    from disclosure.learner_store import learner_figures

    campaign_id, previous_id, k = int(campaign_id), _id(previous_id), int(k)

    def build() -> tuple[pd.DataFrame, pd.DataFrame]:
        cur = campaign(campaign_id, version)
        # the overview's decision (same campaigns, same k, same versions)
        rel, _ = released(campaign_id, previous_id, k, version, prev_version)
        return learner_figures(engine, cur, rel, units(engine), k, viewer_id=viewer_id)

    return snapshots.shared(engine, "learners", (campaign_id, previous_id, k, version, prev_version,
                                                 tuple(learners_version), snapshots.context_version(engine)),
                            build, delegate=_delegate(engine, "learners", (
                                campaign_id, previous_id, k, version, prev_version, tuple(learners_version),
                                viewer_id)) if delegate else None)


def region_gaps(engine: Engine, campaign: CampaignFn, released: ReleasedFn, campaign_id: int,
                previous_id: int | None, k: int, version: tuple,
                prev_version: tuple | None, delegate: bool = False) -> tuple[pd.DataFrame, pd.DataFrame, bool]:
    """(managers minus trainers per region, per official site, whether the campaign is
    official), computed once per inputs; official positions and managers' names are in the
    context version."""
    import official
    from official.regions import released_region_gaps

    campaign_id, previous_id, k = int(campaign_id), _id(previous_id), int(k)

    def build() -> tuple[pd.DataFrame, pd.DataFrame, bool]:
        # the overview's campaign data and decision: the gaps are the same whether the
        # campaign is decided alone or with the one before it (paired progress is decided
        # after every gap), and deciding it alone again would cost a second check
        data = campaign(campaign_id, version)
        rel, _ = released(campaign_id, previous_id, k, version, prev_version)
        is_official = official.is_official(engine, campaign_id)
        sites = (official.official_site_gaps(data, rel, engine) if is_official
                 else pd.DataFrame(columns=official.GAP_COLUMNS))
        return released_region_gaps(data, rel), sites, is_official

    return snapshots.shared(engine, "region_gaps", (campaign_id, version, k, snapshots.context_version(engine)),
                            build, delegate=_delegate(engine, "region_gaps", (
                                campaign_id, previous_id, k, version, prev_version)) if delegate else None)


# --- the worker computes what pages miss --------------------------------------------------
# A page that misses a shared result asks the worker for it and waits, instead of computing
# it in the web process, where it would hold the GIL for seconds against every trainer of
# that server (the campaign peak's slowest clicks). Without a live worker it computes itself.

WORKER_BEAT_S = 3.0
WORKER_TTL_S = 12.0  # a worker not seen for this long is gone: pages compute themselves
REQUEST_TTL_S = 600.0
WAIT_S = 300.0  # the longest a page waits for the worker before computing itself
POLL_S = 0.25


def heartbeat(engine: Engine) -> None:
    # under the signing key's public name: only the workers that can read this process's
    # requests (same key) count as its workers
    snapshots.put(engine, "worker", ("alive", snapshots.key_id()), time.time(), ttl=WORKER_TTL_S)


def worker_alive(engine: Engine) -> bool:
    """Whether a worker signing with this process's key said it was alive lately."""
    return snapshots.any_stored(engine, "worker", [("alive", snapshots.key_id())], ttl=WORKER_TTL_S)


def _delegate(engine: Engine, kind: str, args: tuple) -> Callable[[str], object]:
    def run(key: str) -> object:
        # a worker signing with another key could neither read the request nor be read
        if not snapshots.key_is_shared() or not worker_alive(engine):
            return snapshots.MISSING
        ask = (key, snapshots.key_id())  # one request per key space: see heartbeat()
        snapshots.put(engine, "request", ask, {"kind": kind, "args": args}, ttl=REQUEST_TTL_S)

        def pending() -> bool:  # the request is still queued or computed, by a live worker
            return (snapshots.any_stored(engine, "request", [ask], ttl=REQUEST_TTL_S)
                    and worker_alive(engine))

        return snapshots.wait_for(engine, key, snapshots.TTL_S, pending, WAIT_S, POLL_S)

    return run


def serve_requests(engine: Engine) -> int:
    """Compute what pages asked for (oldest first), each stored for every server; returns how
    many requests were taken. A failed one is dropped: its page then computes it itself."""
    taken = 0
    inputs = _inputs(engine)
    for row_key, ask in snapshots.requests(engine, "request"):
        try:
            fn = {"overview": overview, "learners": learners, "region_gaps": region_gaps}[ask["kind"]]
            fn(engine, inputs.campaign, inputs.released, *ask["args"])
        except Exception:  # noqa: BLE001 - the page computes it itself
            log.exception("publisher: a page's %s request failed", ask.get("kind"))
        finally:
            snapshots.forget(engine, row_key)
        taken += 1
    return taken


class Inputs:
    """The worker's reads: each campaign read once per data version, each release decided
    once (the last few kept: the overview, learners and gaps of one slot share them)."""

    KEEP = 4

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._data: dict = {}
        self._rel: dict = {}

    def campaign(self, campaign_id: int, version: tuple):  # noqa: ANN201 - CampaignData
        from scoring.data import load_campaign

        if (campaign_id, version) not in self._data:
            while len(self._data) >= self.KEEP:
                self._data.pop(next(iter(self._data)))
            self._data[(campaign_id, version)] = load_campaign(self.engine, campaign_id)
        return self._data[(campaign_id, version)]

    def released(self, campaign_id: int, previous_id: int | None, k: int, version: tuple,
                 prev_version: tuple | None) -> tuple:
        from disclosure.store import releases

        key = (campaign_id, previous_id, k, version, prev_version)
        if key not in self._rel:
            while len(self._rel) >= self.KEEP:
                self._rel.pop(next(iter(self._rel)))
            cur = self.campaign(campaign_id, version)
            prev = self.campaign(previous_id, prev_version) if previous_id is not None else None
            self._rel[key] = releases(self.engine, cur, prev, k)
        return self._rel[key]


_KEPT: dict[str, Inputs] = {}


def _inputs(engine: Engine) -> Inputs:
    """The publisher's reads, kept between passes (one thread: the worker's publisher)."""
    url = engine.url.render_as_string(hide_password=True)
    if url not in _KEPT:
        _KEPT.clear()
        _KEPT[url] = Inputs(engine)
    return _KEPT[url]


def publish(engine: Engine, now: float | None = None, k: int = DEFAULT_K) -> list[int]:
    """Compute the default views of every open campaign that directors are reading, in the
    languages they read, for the current slot (those another server or worker already stored
    are read, not computed); returns the campaigns done. Does nothing when every submission
    publishes (no slots to prepare), nor for a campaign nobody read lately."""
    from dashboards.units import campaigns, previous_campaign

    if publish_seconds() <= 0:
        return []
    table = campaigns(engine)
    done = []
    for cid in table.loc[table["status"] == "open", "campaign_id"].astype(int):
        langs = [lang for lang in LANGS if demanded(engine, cid, lang, now)]
        if not langs:
            continue
        prev = previous_campaign(table, cid)
        version = published_version(engine, cid, now)
        prev_version = published_version(engine, prev, now) if prev is not None else None
        inputs = _inputs(engine)
        for lang in langs:
            overview(engine, inputs.campaign, inputs.released, cid, prev, None, lang, k, version, prev_version)
        learners(engine, inputs.campaign, inputs.released, cid, prev, k, version, prev_version,
                 learner_version(engine, cid))
        region_gaps(engine, inputs.campaign, inputs.released, cid, prev, k, version, prev_version)
        done.append(int(cid))
    return done


def publish_forever(engine: Engine, stop: Callable[[], bool] = lambda: False) -> None:
    """The worker's publisher: says it is alive, computes what pages ask for, and prepares
    each publication slot as it starts (:func:`publish`)."""
    import threading

    def beat() -> None:
        while not stop():
            try:
                heartbeat(engine)
            except Exception:  # noqa: BLE001 - pages compute themselves meanwhile
                log.exception("publisher: heartbeat not written")
            time.sleep(WORKER_BEAT_S)

    threading.Thread(target=beat, name="publisher-heartbeat", daemon=True).start()
    last_slot = None
    while not stop():
        try:
            serve_requests(engine)
            interval = publish_seconds()
            slot = slot_of(time.time(), interval) if interval > 0 else None
            if slot is not None and slot != last_slot:
                publish(engine)
            last_slot = slot
        except Exception:  # noqa: BLE001 - a failed publication is computed by the first page
            log.exception("publisher: the slot's figures were not prepared")
        time.sleep(POLL_S)
