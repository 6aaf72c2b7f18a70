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

import pandas as pd
from sqlalchemy import insert, select
from sqlalchemy.engine import Engine

from disclosure.campaign import offer_paired, release_of
from disclosure.release import Release, Row
from scoring.anonymity import DEFAULT_K
from scoring.data import CampaignData
from storage.db import read_session, write_session
from storage.models import Campaign, DisclosureRelease, utcnow


def history(session, campaign_id: int) -> list[Row]:  # noqa: ANN001
    """Recorded releases of a campaign, oldest first."""
    rows = session.execute(
        select(DisclosureRelease.role, DisclosureRelease.figure, DisclosureRelease.population,
               DisclosureRelease.reason)
        .where(DisclosureRelease.campaign_id == campaign_id).order_by(DisclosureRelease.id)).all()
    return [Row(campaign_id, role, figure, tuple(int(x) for x in pop), reason)
            for role, figure, pop, reason in rows]


def _save(session, rows: list[Row], viewer_id: int | None) -> None:  # noqa: ANN001
    """Insert the new rows in one statement (a first read after an upgrade writes thousands)."""
    if rows:
        now = utcnow()
        session.execute(insert(DisclosureRelease), [
            {"campaign_id": row.campaign_id, "role": row.role, "figure": row.figure,
             "n": len(row.population), "population": list(row.population), "reason": row.reason,
             "released_at": now, "viewer_id": viewer_id} for row in rows])


def releases(engine: Engine, cur: CampaignData, prev: CampaignData | None = None, k: int = DEFAULT_K,
             viewer_id: int | None = None) -> tuple[Release, Release | None]:
    """The releases of a campaign (and of the one it is compared with), new ones recorded."""
    ids = [cur.campaign_id] + ([prev.campaign_id] if prev is not None else [])
    with write_session(engine) as s:
        status = dict(s.execute(select(Campaign.id, Campaign.status).where(Campaign.id.in_(ids))
                                .order_by(Campaign.id).with_for_update()).all())
        rel = release_of(cur, history(s, cur.campaign_id), status.get(cur.campaign_id) == "closed", k)
        prev_rel = None
        if prev is not None:
            prev_rel = release_of(prev, history(s, prev.campaign_id),
                                  status.get(prev.campaign_id) == "closed", k)
            if prev.trainer_questionnaire.checksum() == cur.trainer_questionnaire.checksum():
                offer_paired(prev, cur, prev_rel, rel)
        for r in (rel, prev_rel):
            if r is not None:
                _save(s, r.new_rows, viewer_id)
                r.new_rows.clear()
    return rel, prev_rel


def release_log(engine: Engine, campaign_id: int) -> pd.DataFrame:
    """What was released for a campaign, when, on whose read: id, role, figure, n, reason, released_at, viewer_id."""
    with read_session(engine) as s:
        rows = s.execute(
            select(DisclosureRelease.id, DisclosureRelease.role, DisclosureRelease.figure,
                   DisclosureRelease.n, DisclosureRelease.reason, DisclosureRelease.released_at,
                   DisclosureRelease.viewer_id)
            .where(DisclosureRelease.campaign_id == campaign_id).order_by(DisclosureRelease.id)).all()
    return pd.DataFrame(rows, columns=["id", "role", "figure", "n", "reason", "released_at", "viewer_id"])
