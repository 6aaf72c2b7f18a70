"""Issue 16, leftover: figures that are functions of each other are checked together.

Each universe used to be checked alone, as if its unknowns were unrelated.
They are not: a trainer's perception of an element is the weighted mean of
their answers to its statements, their top-down value the mean of their
element perceptions, and the overall score the mean of their area scores.
Where someone answered "not applicable" (or has no score in an area), the
population behind one figure differs from the population behind the figure
computed from the same answers by that one person, and a combination of the
two gives their answer back.

The attacker here works on the real unknowns - each trainer's answer to
each statement, each trainer's score in each area - and writes every
visible figure as the exact linear function of them the code computes
(coefficients found by running the scoring functions on unit answers). A
group of people is exposed when some combination of the figures depends on
their unknowns only.

On the layer before the linked families (checked by hand before the fix):
``test_na_statement_does_not_expose_the_answer`` found trainer 8's answer to
O-LEA-1 (the element mean over 8 minus the statement means over 8 and 7),
and ``test_missing_area_does_not_expose_the_scores`` found trainer 8's area
scores (the overall mean over 8 minus the area means, one of them over 7);
``test_random_not_applicable_over_two_reads_exposes_no_one`` found trainer 10
alone and groups of two to four.  ``test_complete_answers_release_everyone``
is the control: without any "not applicable" nobody is left out.
"""

from __future__ import annotations

import math
import random
from itertools import combinations

import numpy as np
import pandas as pd

from dashboards.overview import build_overview
from disclosure.campaign import gap_items
from disclosure.release import gap_key, node_key
from disclosure.topdown import released_top_down, td_key
from scoring.gaps import _person_scores
from scoring.indices import top_down_people
from scoring.schema import OVERALL, TRAINER_AREAS
from tests.disclosure.sim import C2, ELEMENTS, Person, World

K = 5
STATEMENTS = ("O-LEA-1", "O-LEA-2", "O-DEV-1", "O-DEV-4", "O-INF-2", "O-INF-3")
NA = float("nan")


def _world(trainers: int, rng: random.Random) -> World:
    """One site of trainers and six managers, every statement answered, the campaign closed."""
    people = []
    for pid in range(1, trainers + 1):
        sc = {c: {a: float(rng.randint(0, 100)) for a in TRAINER_AREAS} for c in (1, C2)}
        people.append(Person(pid, 1, 1, ("face_to_face",), sc, "trainer",
                             {C2: {i: float(rng.randint(0, 4)) for i in STATEMENTS}}))
    for pid in range(trainers + 1, trainers + 7):
        sc = {c: {e: float(rng.randint(0, 100)) for e in ELEMENTS} for c in (1, C2)}
        people.append(Person(pid, 1, 1, (), sc, "manager",
                             {C2: {i: float(rng.randint(0, 4)) for i in STATEMENTS}}))
    w = World(people, k=K)
    w.closed[C2] = True
    for p in people:
        w.submit(C2, p.pid)
    return w


def _with_overall(w: World) -> None:
    """Trainers' overall score as the code makes it: the mean of the areas they have."""
    for p in w.people:
        if p.role == "trainer":
            sc = p.scores[C2]
            sc[OVERALL] = float(np.mean([sc[a] for a in TRAINER_AREAS if a in sc]))


def _exposed(rows: list[dict], people: list[int]) -> list[tuple[int, ...]]:
    """Groups of 1 to K-1 people some combination of the rows depends on only.

    rows map (person, atom) -> coefficient.  A vector of the row space that is
    zero outside a group G exists iff removing G's columns lowers the rank.
    """
    cols = sorted({c for r in rows for c in r})
    at = {c: j for j, c in enumerate(cols)}
    mat = np.zeros((len(rows), len(cols)))
    for i, r in enumerate(rows):
        for c, v in r.items():
            mat[i, at[c]] = v
    full = np.linalg.matrix_rank(mat) if len(rows) else 0
    out = []
    for size in range(1, K):
        for group in combinations(people, size):
            if any(set(g) <= set(group) for g in out):
                continue
            keep = [j for c, j in at.items() if c[0] not in group]
            if np.linalg.matrix_rank(mat[:, keep]) < full:
                out.append(group)
    return out


def _unit_coefficients(w: World, value_of) -> dict[tuple[int, str], dict[tuple[int, str], float]]:  # noqa: ANN001
    """(trainer, figure) -> {(trainer, statement): coefficient}: each per-person value as a
    linear function of that person's answers, found by running value_of on unit answers."""
    data = w.data(C2)
    answered = data.answers[data.answers["value"].notna()]
    resp = data.respondents
    probes, who = [], {}
    for rid, group in answered.groupby("response_id"):
        for j, item in enumerate(group["item_id"]):
            probe = int(rid) * 100 + j
            who[probe] = (int(rid), item)
            probes.append(group.assign(response_id=probe, value=(group["item_id"] == item).astype(float)))
    answers = pd.concat(probes, ignore_index=True)
    fake = pd.concat([resp[resp["response_id"] == r].assign(response_id=p) for p, (r, _) in who.items()],
                     ignore_index=True)
    out: dict = {}
    for probe, fig, value in value_of(data, answers, fake):
        rid, item = who[int(probe)]
        out.setdefault((rid, fig), {})[(rid, item)] = value
    return out


def _gap_values(data, answers, resp):  # noqa: ANN001, ANN202
    per = _person_scores(answers, gap_items(data), resp, sorted(answers["item_id"].unique()))
    for r, kind, key, v in zip(per["response_id"], per["kind"], per["key"], per["score"]):
        yield r, f"gap:{kind}:{key}", v


def _td_values(data, answers, resp):  # noqa: ANN001, ANN202
    _, trainers = top_down_people(data.scores.iloc[0:0], answers, data.trainer_items, resp)
    for r, v in trainers["value"].items():
        yield r, "td", v


def _perception_rows(w: World) -> list[dict]:
    """Every visible trainers' side of the gaps and of the top-down index, as rows over answers."""
    d1, d2, r1, r2 = w.releases()
    ov = build_overview(d2, None, K, None, releases=(r2, None))
    coef = _unit_coefficients(w, lambda *a: [*_gap_values(*a), *_td_values(*a)])
    rows = []
    answer = d2.answers.set_index(["response_id", "item_id"])["value"].to_dict()

    def add(fig: str, pop, n: float, mean: float) -> None:  # noqa: ANN001
        ids = [int(r) for r in pop if (int(r), fig) in coef]
        assert n == len(ids), (fig, n, len(ids))
        truth = [sum(c * answer[a] for a, c in coef[(i, fig)].items()) for i in ids]
        assert math.isclose(mean, float(np.mean(truth)), abs_tol=1e-9), (fig, mean, truth)
        row: dict = {}
        for i in ids:
            for (pid, item), c in coef[(i, fig)].items():
                row[(pid, item)] = row.get((pid, item), 0.0) + c
        rows.append(row)

    for _, g in ov.gaps[~ov.gaps["hidden"].astype(bool)].iterrows():
        node = "org" if g["scope"] == "org" else f"site:{int(g['site_id'])}"
        u = f"gap:{g['kind']}:{g['key']}"
        add(u, r2.population("trainer", gap_key(u, node)), g["n_trainers"], g["mean_trainers"])
    td = released_top_down(d2, r2)
    for _, t in td[~td["n_trainers"].isna() & ~td["trainers"].isna()].iterrows():
        node = "org" if t["site_id"] is None or pd.isna(t["site_id"]) else f"site:{int(t['site_id'])}"
        add("td", r2.population("trainer", td_key(node)), t["n_trainers"], t["trainers"])
    return rows, ov, td


def test_na_statement_does_not_expose_the_answer():
    w = _world(8, random.Random(11))
    w.people[7].shared[C2]["O-LEA-2"] = NA  # trainer 8: "not applicable" to one leadership statement
    rows, ov, td = _perception_rows(w)
    trainers = [w.response_id(C2, p.pid) for p in w.people if p.role == "trainer"]
    assert _exposed(rows, trainers) == []
    # the figures are still shown, over the seven who answered every linked statement
    shown = ov.gaps[~ov.gaps["hidden"].astype(bool)]
    lead = shown[(shown["kind"] == "element") & (shown["key"] == "leadership") & (shown["scope"] == "site")]
    assert lead["n_trainers"].tolist() == [7]
    assert td.loc[td["site_id"] == 1, "n_trainers"].tolist() == [7]


def test_complete_answers_release_everyone():
    w = _world(8, random.Random(12))
    rows, ov, td = _perception_rows(w)
    trainers = [w.response_id(C2, p.pid) for p in w.people if p.role == "trainer"]
    assert _exposed(rows, trainers) == []
    assert td.loc[td["site_id"] == 1, "n_trainers"].tolist() == [8]


def _area_rows(w: World) -> tuple[list[dict], object]:
    """Every visible trainers' area and overall figure, as rows over area scores."""
    d1, d2, r1, r2 = w.releases()
    ov = build_overview(d2, None, K, None, releases=(r2, None))
    scores = {(int(r), a): s for r, a, s in zip(d2.scores["response_id"], d2.scores["area"].astype(str),
                                                 d2.scores["score"]) if not pd.isna(s)}
    rows = []
    for _, row in ov.trainers[~ov.trainers["hidden"].astype(bool)].iterrows():
        node = node_key(row["region_id"], row["site_id"])
        ids = [int(r) for r in r2.population("trainer", node) if (int(r), row["area"]) in scores]
        assert row["n"] == len(ids)
        assert math.isclose(row["mean"], float(np.mean([scores[(i, row["area"])] for i in ids])), abs_tol=1e-9)
        vec: dict = {}
        for i in ids:
            if row["area"] == OVERALL:  # the overall score: the mean of the person's areas
                have = [a for a in TRAINER_AREAS if (i, a) in scores]
                for a in have:
                    vec[(i, a)] = vec.get((i, a), 0.0) + 1 / len(have)
            else:
                vec[(i, row["area"])] = 1.0
        rows.append(vec)
    return rows, ov


def test_missing_area_does_not_expose_the_scores():
    w = _world(8, random.Random(13))
    del w.people[7].scores[C2]["assessment"]  # trainer 8: no score in one area
    _with_overall(w)
    rows, ov = _area_rows(w)
    trainers = [w.response_id(C2, p.pid) for p in w.people if p.role == "trainer"]
    assert _exposed(rows, trainers) == []
    site = ov.trainers[(ov.trainers["scope"] == "site") & (ov.trainers["area"] == OVERALL)]
    assert site["n"].tolist() == [7] and not site["hidden"].any()


def test_random_not_applicable_over_two_reads_exposes_no_one():
    """Two sites, "not applicable" drawn at random, a missing area, an open campaign read twice."""
    rng = random.Random(29)
    w = _world(15, rng)
    for p in w.people:
        if p.role == "trainer":
            p.site_id = 1 if p.pid <= 9 else 2
            for item in STATEMENTS:
                if rng.random() < 0.12:
                    p.shared[C2][item] = NA
    del w.people[3].scores[C2]["teaching"]
    _with_overall(w)
    w.closed[C2] = False
    everyone = list(w.submitted[C2])
    w.submitted[C2] = [pid for pid in everyone if pid not in (5, 12, 13)]
    perception, area = [], []
    for _ in range(2):
        perception += _perception_rows(w)[0]
        area += _area_rows(w)[0]
        w.submitted[C2] = everyone
    trainers = [w.response_id(C2, p.pid) for p in w.people if p.role == "trainer"]
    assert _exposed(perception, trainers) == []
    assert _exposed(area, trainers) == []
    assert perception and area  # something was shown
