"""Learners' releases in the database: read the answers and history, decide, record.

Like :func:`disclosure.store.releases`, every read of learners' figures goes
through :func:`learner_releases`, which locks the campaign row for the
transaction (``FOR UPDATE`` on PostgreSQL, the write lock on SQLite) so two
app servers never release two populations each checked without the other.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
from sqlalchemy import String, cast, insert, select
from sqlalchemy.engine import Engine

from disclosure.learners import LearnerRelease, decide, universe
from disclosure.release import Row
from storage.bulk import fetch_rows, json_values
from storage.db import write_session
from storage.models import Campaign, LearnerAnswer, LearnerRelease as ReleaseRow, LearnerResponse, Site, utcnow

ANSWER_COLUMNS = ["response_id", "site_id", "region_id", "item_id", "value"]


def learner_answers(session, campaign_id: int) -> pd.DataFrame:  # noqa: ANN001
    """Answered statements ("I don't know" left out) of a campaign's learners (ANSWER_COLUMNS)."""
    # the driver's tuples (storage.bulk): an organisation's learners give tens of thousands of rows
    rows = fetch_rows(session.connection(), (
        select(LearnerAnswer.response_id, LearnerResponse.site_id, Site.region_id,
               LearnerAnswer.item_id, LearnerAnswer.value)
        .join(LearnerResponse, LearnerResponse.id == LearnerAnswer.response_id)
        .join(Site, Site.id == LearnerResponse.site_id)
        .where(LearnerResponse.campaign_id == campaign_id, LearnerAnswer.value.is_not(None))
        .order_by(LearnerAnswer.response_id)))
    return pd.DataFrame.from_records(rows, columns=ANSWER_COLUMNS)


DECIDED = "decided"  # marker row: the fingerprint (in reason) the last decision was made on
LAYER = "learners1"  # bumped when disclosure.learners.decide changes, so stored decisions are made again


def _history(session, campaign_id: int) -> list[Row]:  # noqa: ANN001
    """Every row of the campaign, oldest first, the decision markers included."""
    # as disclosure.store.history: the driver's tuples, the populations' JSON parsed at once
    rows = fetch_rows(session.connection(), (
        select(ReleaseRow.figure, cast(ReleaseRow.population, String), ReleaseRow.reason)
        .where(ReleaseRow.campaign_id == campaign_id).order_by(ReleaseRow.id)))
    populations = json_values([pop for _, pop, _ in rows])
    return [Row(campaign_id, "learner", f, tuple(pop), r)  # JSON ids are ints already
            for (f, _, r), pop in zip(rows, populations)]


def fingerprint(answers: pd.DataFrame, items: list[str], status: str, k: int) -> str:
    """A short hash of everything the learners' decision depends on besides the history: the
    answered statements with their sites and regions, the statements decided, the campaign's
    status, k, and the code's layer."""
    digest = hashlib.sha256(f"{LAYER}|{k}|{status}|{sorted(items)}".encode())
    frame = answers[ANSWER_COLUMNS].astype({"item_id": str, "value": float})
    digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return digest.hexdigest()[:20]


def _shown(campaign_id: int, answers: pd.DataFrame, items: list[str], history: list[Row],
           k: int) -> LearnerRelease:
    """What each figure shows, from the history alone (the decision :func:`decide` would make
    again records nothing: the same answers, statements, status and k as the last one)."""
    rel = LearnerRelease(campaign_id, k, answers["response_id"].unique() if len(answers) else [])
    wanted = {universe(item) for item in items}
    for row in history:  # as decide replays it
        if row.figure.split("|")[0] in wanted:
            rel.current[row.figure] = np.unique(np.asarray(row.population, dtype=np.int64))
    return rel


def learner_releases(engine: Engine, campaign_id: int, items: list[str], k: int,
                     viewer_id: int | None = None) -> tuple[LearnerRelease, pd.DataFrame]:
    """The learners' release of a campaign (new rows recorded) and the answers it was decided on.

    When nothing the decision depends on changed since the last one (same fingerprint, no row
    recorded since), the figures show what the history says without deciding again: a cold
    read pays for reading the history, not for the check (as :func:`disclosure.store.releases`).
    """
    with write_session(engine) as s:
        status = s.execute(select(Campaign.status).where(Campaign.id == campaign_id)
                           .with_for_update()).scalar_one()
        answers = learner_answers(s, campaign_id)
        history = _history(s, campaign_id)
        mark = fingerprint(answers, items, status, k)
        if history and history[-1].figure == DECIDED and history[-1].reason == mark:
            return _shown(campaign_id, answers, items, history, k), answers
        releases = [row for row in history if row.figure != DECIDED]
        rel = decide(campaign_id, answers, items, releases, status == "closed", k)
        now = utcnow()
        s.execute(insert(ReleaseRow), [
            {"campaign_id": campaign_id, "figure": r.figure, "n": len(r.population),
             "population": list(r.population), "reason": r.reason, "released_at": now,
             "viewer_id": viewer_id} for r in [*rel.new_rows, Row(campaign_id, "learner", DECIDED, (), mark)]])
        rel.new_rows.clear()
    return rel, answers


def learner_figures(engine: Engine, cur, rel, units: pd.DataFrame, k: int,  # noqa: ANN001
                    questionnaire=None, viewer_id: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:  # noqa: ANN001
    """Learners' figures per statement and node, and the three-way gap, for one campaign.

    ``cur`` is the campaign's :class:`scoring.data.CampaignData` and ``rel``
    its trainers' and managers' release (:func:`disclosure.store.releases`);
    ``units`` has site_id and region_id of every site.
    """
    from disclosure.campaign import gap_items
    from disclosure.learners import learner_items, three_way
    from scoring.gaps import _person_scores
    from survey.learner_questionnaire import default

    q = questionnaire or default()
    ids = [i.id for i in q.items]
    lrel, answers = learner_releases(engine, cur.campaign_id, ids, k, viewer_id)
    items = learner_items(lrel, answers, ids, units)
    mirrored = q.mirrored()
    people = _person_scores(cur.answers, gap_items(cur), cur.respondents, sorted(set(mirrored.values())))
    return items, three_way(rel, people, lrel, items, mirrored, units)
