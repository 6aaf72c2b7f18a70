"""Releases in the database: replay what was shown, decide, record what is shown from now on.

Every read of a campaign's figures (pages, exports, the command line) goes
through :func:`releases`: it reads the campaign's recorded releases, decides
with :mod:`disclosure.release` (and the paired progress with the previous
campaign), and records the new rows in the same transaction.  The campaigns'
rows are locked for that transaction (``FOR UPDATE`` on PostgreSQL, the
write lock on SQLite), so two app servers never release two populations that
were each checked without the other.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
from sqlalchemy import String, cast, func, insert, select
from sqlalchemy.engine import Engine

from disclosure.campaign import offer_paired, release_of
from disclosure.release import Release, Row
from disclosure.versions import cross_version, offer_cross_version
from scoring.anonymity import DEFAULT_K
from scoring.data import CampaignData
from storage.bulk import fetch_rows, json_values
from storage.db import read_session, write_session
from storage.models import Campaign, DisclosureRelease, utcnow


def history(session, campaign_id: int) -> list[Row]:  # noqa: ANN001
    """Recorded releases of a campaign, oldest first."""
    # the session's own connection (the decision's transaction), as the driver's tuples with
    # the populations as JSON text parsed at once: a national campaign has tens of thousands
    # of rows, and the ORM's JSON processing per row cost more than the query
    rows = fetch_rows(session.connection(), (
        select(DisclosureRelease.role, DisclosureRelease.figure,
               cast(DisclosureRelease.population, String), DisclosureRelease.reason)
        .where(DisclosureRelease.campaign_id == campaign_id, DisclosureRelease.figure.not_in(MARKERS))
        .order_by(DisclosureRelease.id)))
    populations = json_values([pop for _, _, pop, _ in rows])
    # every row of every epoch: the populations shown before a rescoring still constrain
    # what may be shown after it (see start_epoch)
    return [Row(campaign_id, role, figure, tuple(pop), reason)  # JSON ids are ints already
            for (role, figure, _, reason), pop in zip(rows, populations)]


def _save(session, rows: list[Row], viewer_id: int | None) -> None:  # noqa: ANN001
    """Insert the new rows in one statement (a first read after an upgrade writes thousands)."""
    if rows:
        now = utcnow()
        session.execute(insert(DisclosureRelease), [
            {"campaign_id": row.campaign_id, "role": row.role, "figure": row.figure,
             "n": len(row.population), "population": list(row.population), "reason": row.reason,
             "released_at": now, "viewer_id": viewer_id} for row in rows])


DECIDED = "decided"  # marker row: the data fingerprint the last decision was made on (in reason)
EPOCH = "epoch"  # marker row: stored scores were recomputed (reason: why); a new release epoch starts
MARKERS = (DECIDED, EPOCH)
LAYER = "form-span1"  # bumped when the layer gains figure keys, so a stored decision is made again


def start_epoch(session, campaign_ids, reason: str = "rescore") -> None:  # noqa: ANN001
    """Record that the campaigns' stored scores were recomputed (a weight or model change).

    Figures are always computed from the stored scores over the released
    populations, so from this row on every figure shows the new scores and
    none of the old values is shown again.  The populations released before
    stay in the history: each person now has two unknowns (old and new
    score), and every figure of either epoch is a sum over a union of the
    same cells of at least k, so no combination of old and new figures
    isolates anyone.  Forgetting them (a fresh start) would let an area
    whose weights did not change be read over 7 people before the rescoring
    and over 8 after it.  The marker makes the next read decide again and
    shows in the release log when the figures changed meaning.
    """
    now = utcnow()
    for cid in sorted({int(c) for c in campaign_ids}):
        session.execute(insert(DisclosureRelease), [{
            "campaign_id": cid, "role": "", "figure": EPOCH, "n": 0, "population": [],
            "reason": reason[:20], "released_at": now, "viewer_id": None}])


def epochs(session, campaign_ids) -> dict[int, int]:  # noqa: ANN001
    """campaign_id -> number of epochs started (rescorings recorded)."""
    rows = session.execute(select(DisclosureRelease.campaign_id, func.count(DisclosureRelease.id))
                           .where(DisclosureRelease.campaign_id.in_(list(campaign_ids)),
                                  DisclosureRelease.figure == EPOCH)
                           .group_by(DisclosureRelease.campaign_id)).all()
    return {int(c): int(n) for c, n in rows}


def fingerprint(cur: CampaignData, prev: CampaignData | None, status: dict, k: int,
                epoch: dict | None = None) -> str:
    """A short hash of everything a decision depends on: responses, their people, sites and
    modalities and trades, which scores and answers exist (and the managers' flags of
    the forms of their scores), both campaigns' status and epochs, k."""
    digest = hashlib.sha256(f"{LAYER}|{k}|{sorted(status.items())}|{sorted((epoch or {}).items())}".encode())
    for data in (cur, prev):
        if data is None:
            continue
        r = data.respondents
        frame = pd.DataFrame({"r": r["response_id"], "p": r["person_id"].astype("Float64"),
                              "s": r["site_id"].astype("Float64"), "m": r["modalities"].astype(str),
                              "t": (r["trade"] if "trade" in r else pd.Series(None, index=r.index)).astype(str)})
        digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
        scored = data.scores[data.scores["score"].notna()]
        digest.update(pd.util.hash_pandas_object(scored[["response_id"]].assign(
            a=scored["area"].astype(str)), index=False).to_numpy().tobytes())
        answered = data.answers[data.answers["value"].notna()]
        digest.update(pd.util.hash_pandas_object(answered[["response_id"]].assign(
            i=answered["item_id"].astype(str)), index=False).to_numpy().tobytes())
        for flags, column in ((data.unshared, "area"), (data.left_out, "item_id")):
            digest.update(pd.util.hash_pandas_object(flags[["response_id"]].assign(
                a=flags[column].astype(str)), index=False).to_numpy().tobytes())
    return digest.hexdigest()[:20]


def _shown(data: CampaignData, rows: list[Row], k: int) -> Release:
    """What each figure shows, read from the history alone (no decision: nothing changed)."""
    ids = np.sort(data.respondents["response_id"].astype(np.int64).to_numpy())
    rel = Release(data.campaign_id, k, ids, {}, {})
    for row in rows:  # recorded populations are sorted and unique (Release.record)
        rel.current[(row.role, row.figure)] = np.asarray(row.population, dtype=np.int64)
    return rel


def _decided(session, campaign_ids: list[int], mark: str) -> bool:  # noqa: ANN001
    """True when a decision was made on this fingerprint and no release was recorded since."""
    marker = session.execute(select(func.max(DisclosureRelease.id)).where(
        DisclosureRelease.campaign_id == campaign_ids[0], DisclosureRelease.figure == DECIDED,
        DisclosureRelease.reason == mark)).scalar()
    later = session.execute(select(func.max(DisclosureRelease.id)).where(
        DisclosureRelease.campaign_id.in_(campaign_ids), DisclosureRelease.figure.not_in(MARKERS))).scalar()
    return marker is not None and (later is None or later < marker)


def releases(engine: Engine, cur: CampaignData, prev: CampaignData | None = None, k: int = DEFAULT_K,
             viewer_id: int | None = None) -> tuple[Release, Release | None]:
    """The releases of a campaign (and of the one it is compared with), new ones recorded.

    When nothing a decision depends on changed since the last one (same
    fingerprint), the figures show what the history says, without deciding
    again: a cold page pays for reading the history, not for the check.
    """
    ids = [cur.campaign_id] + ([prev.campaign_id] if prev is not None else [])
    # campaigns on different questionnaire versions: progress on the shared items, released
    # in universes of their own (disclosure.versions), decided with the rest
    cross = cross_version(engine, prev, cur)
    with write_session(engine) as s:
        status = dict(s.execute(select(Campaign.id, Campaign.status).where(Campaign.id.in_(ids))
                                .order_by(Campaign.id).with_for_update()).all())
        mark = fingerprint(cur, prev, status, k, epochs(s, ids))
        if cross is not None:
            mark = hashlib.sha256(f"{mark}|{cross.digest()}".encode()).hexdigest()[:20]
        if _decided(s, ids, mark):
            shown = (_shown(cur, history(s, cur.campaign_id), k),
                     _shown(prev, history(s, prev.campaign_id), k) if prev is not None else None)
            shown[0].cross = cross
            return shown
        rel = release_of(cur, history(s, cur.campaign_id), status.get(cur.campaign_id) == "closed", k,
                         cross.presence("cur") if cross is not None else None)
        prev_rel = None
        if prev is not None:
            prev_rel = release_of(prev, history(s, prev.campaign_id),
                                  status.get(prev.campaign_id) == "closed", k,
                                  cross.presence("prev") if cross is not None else None)
            if prev.trainer_questionnaire.checksum() == cur.trainer_questionnaire.checksum():
                offer_paired(prev, cur, prev_rel, rel)
            elif cross is not None:
                offer_cross_version(prev, cur, prev_rel, rel)
                rel.cross = cross
        for r in (rel, prev_rel):
            if r is not None:
                _save(s, r.new_rows, viewer_id)
                r.new_rows.clear()
        _save(s, [Row(cur.campaign_id, "", DECIDED, (), mark)], viewer_id)
    return rel, prev_rel


def release_log(engine: Engine, campaign_id: int) -> pd.DataFrame:
    """What was released for a campaign, when, on whose read: id, role, figure, n, reason, released_at, viewer_id.

    Epoch rows (figure 'epoch', see :func:`start_epoch`) mark when the stored
    scores were recomputed: figures after one show the new scores."""
    with read_session(engine) as s:
        rows = s.execute(
            select(DisclosureRelease.id, DisclosureRelease.role, DisclosureRelease.figure,
                   DisclosureRelease.n, DisclosureRelease.reason, DisclosureRelease.released_at,
                   DisclosureRelease.viewer_id)
            .where(DisclosureRelease.campaign_id == campaign_id, DisclosureRelease.figure != DECIDED)
            .order_by(DisclosureRelease.id)).all()
    return pd.DataFrame(rows, columns=["id", "role", "figure", "n", "reason", "released_at", "viewer_id"])
