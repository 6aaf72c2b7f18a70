"""Benchmark: the cohorts' measured effect and the badges (issue 18, items 4-5).

Prints ``name: value unit`` lines:

- recognition.effect.areas: the raw estimate for 6 areas on 4,000 trainers
  scored in two campaigns (1,200 attendees spread over 60 cohorts), median of 5;
- recognition.effect.relays: the same per relay (60 relays), median of 3;
- recognition.effect.guarded: the estimate for the 6 areas through the
  disclosure layer (replaying both campaigns' site/region/organisation
  releases, checking and recording both groups), once;
- recognition.badge.issue / .verify: per badge, 200 badges issued into a
  SQLite file and each verified with openbadgeslib (signature, issuer's
  did:key, signed revocation list).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import figure, median_time  # noqa: E402

AREAS = ("engagement", "resources", "teaching", "assessment", "empowerment", "facilitation")
N, SITES, COHORTS, PER_COHORT = 4000, 80, 60, 20


def frames(seed: int = 3):
    """before/after scores (person_id, response_id, area, score) and the attendance frame."""
    rng = np.random.default_rng(seed)
    pid = np.arange(1, N + 1)
    rows_b, rows_a = [], []
    attendance = []
    learners = rng.permutation(pid)[: COHORTS * PER_COHORT]
    for c in range(COHORTS):
        area = AREAS[c % len(AREAS)]
        members = learners[c * PER_COHORT : (c + 1) * PER_COHORT]
        relay = int(N + 1 + c)
        attendance += [
            {
                "person_id": int(p),
                "role": "learner",
                "area": area,
                "cohort_id": f"1-{c}",
                "plan_id": 1,
                "hours": 12.0,
                "attended": bool(rng.random() < 0.9),
                "campaign_id": 1,
            }
            for p in members
        ]
        attendance.append(
            {
                "person_id": relay,
                "role": "relay",
                "area": area,
                "cohort_id": f"1-{c}",
                "plan_id": 1,
                "hours": 12.0,
                "attended": True,
                "campaign_id": 1,
            }
        )
    att = pd.DataFrame(attendance)
    attended = {
        (r.person_id, r.area) for r in att.itertuples() if r.role == "learner" and r.attended
    }
    for area in AREAS:
        start = rng.uniform(10, 90, N)
        gain = (
            2
            + rng.normal(0, 5, N)
            + np.array([6.0 if (int(p), area) in attended else 0.0 for p in pid])
        )
        rows_b.append(
            pd.DataFrame(
                {"person_id": pid, "response_id": 100_000 + pid, "area": area, "score": start}
            )
        )
        rows_a.append(
            pd.DataFrame(
                {
                    "person_id": pid,
                    "response_id": 200_000 + pid,
                    "area": area,
                    "score": np.clip(start + gain, 0, 100),
                }
            )
        )
    return pd.concat(rows_b, ignore_index=True), pd.concat(rows_a, ignore_index=True), att


def campaign_data(campaign: int, scores: pd.DataFrame):  # noqa: ANN201
    """A CampaignData as load_campaign would give it (one region of 80 sites)."""
    from scoring.data import RESPONDENT_COLUMNS, CampaignData
    from scoring.levels import level_of
    from survey.loader import default_questionnaires

    pair = default_questionnaires()
    people = scores.drop_duplicates("person_id")
    respondents = pd.DataFrame(
        {
            "response_id": people["response_id"].to_numpy(),
            "person_id": people["person_id"].to_numpy(),
            "site_id": 1 + people["person_id"].to_numpy() % SITES,
            "region_id": 1 + people["person_id"].to_numpy() % 4,
            "role": "trainer",
            "campaign_id": campaign,
            "relay_willing": False,
            "relay_hours": 0.0,
            "relay_areas": [()] * len(people),
            "consent_named": False,
            "modalities": [("hybrid",)] * len(people),
            "years_practice": np.nan,
        }
    )[list(RESPONDENT_COLUMNS)]
    frame = scores[["response_id", "area", "score"]].copy()
    frame["level"] = level_of(frame["score"])
    answers = pd.DataFrame(
        {
            "response_id": pd.Series(dtype="int64"),
            "item_id": pd.Series(dtype=str),
            "value": pd.Series(dtype=float),
        }
    )
    return CampaignData(
        campaign,
        frame,
        respondents,
        answers,
        pair.trainer.items_frame(),
        pair.organisation.items_frame(),
        pair.trainer,
        pair.organisation,
    )


def bench_effect() -> None:
    from disclosure.campaign import release_of
    from disclosure.effect import guarded
    from recognition.effect import effects, relay_effects

    before, after, att = frames()
    figure("recognition.effect.areas", median_time(lambda: effects(att, before, after), 5), "s", 3)
    relays = sorted(att.loc[att["role"] == "relay", "person_id"].astype(int).tolist())
    figure(
        "recognition.effect.relays",
        median_time(lambda: relay_effects(att, before, after, relays), 3),
        "s",
        3,
    )
    d1, d2 = campaign_data(1, before), campaign_data(2, after)
    h1 = release_of(d1, [], True, 5).new_rows
    h2 = release_of(d2, [], True, 5).new_rows
    raw = effects(att, before, after)
    start = time.perf_counter()
    shown, rows = guarded(raw, d1, d2, h1, h2, 5)
    figure("recognition.effect.guarded", time.perf_counter() - start, "s", 3)
    figure("recognition.effect.shown_areas", sum(e.shown for e in shown), "of 6", 0)


def bench_badges(n: int = 200) -> None:
    from recognition import badges
    from recognition.keys import load_key
    from storage.db import make_engine, write_session
    from storage.migrate import upgrade
    from storage.models import Person

    folder = Path(tempfile.mkdtemp(prefix="bench-badges-"))
    engine = make_engine(f"sqlite:///{folder / 'b.db'}")
    upgrade(engine)
    with write_session(engine) as s:
        people = [
            Person(first_name="B", last_name=str(i), email=f"b{i}@example.org") for i in range(n)
        ]
        s.add_all(people)
        s.flush()
        ids = [p.id for p in people]
    att = pd.DataFrame(
        [
            {
                "person_id": p,
                "role": "learner",
                "area": "assessment",
                "cohort_id": "1-a",
                "plan_id": 1,
                "hours": 6.0,
                "attended": True,
                "campaign_id": 1,
            }
            for p in ids
        ]
    )
    key = load_key(folder / "key.pem")
    start = time.perf_counter()
    badges.issue_badges(
        engine, att, key, "Bench", {"assessment": {"fr": "Évaluation", "en": "Assessment"}}
    )
    figure("recognition.badge.issue", (time.perf_counter() - start) / n * 1000, "ms per badge")
    tokens = [b.token for p in ids for b in badges.badges_of(engine, p)]
    status = badges.status_list(engine, key)
    start = time.perf_counter()
    for token in tokens:
        badges.verify(token, key, status)
    figure(
        "recognition.badge.verify",
        (time.perf_counter() - start) / len(tokens) * 1000,
        "ms per badge",
    )
    # what the served route does per request (read the revoked rows, build, sign), with a
    # tenth of the badges revoked
    for row in badges.all_badges(engine).head(max(1, n // 10)).itertuples():
        badges.revoke(engine, int(row.id), None)
    rounds = 50
    start = time.perf_counter()
    for _ in range(rounds):
        badges.status_list(engine, key)
    figure("recognition.badge.status_list", (time.perf_counter() - start) / rounds * 1000,
           "ms per request")
    engine.dispose()


if __name__ == "__main__":
    bench_effect()
    bench_badges()
