"""Issue 16, cross-version progress: area scores next to shared-items scores of the same answers.

Between a v1 and a v2 campaign, each trainer has an area score (every item
of the area in their version) and a shared-items score (the items both
versions ask).  A trainer who answered "not applicable" to every item only
their version has gets the same value for both; the others' area score has
a term of its own.  Unknowns per trainer: s (the shared-items score) and d
(area score minus s; 0 for the first kind).  Every released area figure is
a sum of s + d, every released shared-items figure a sum of s, over the
population of its key.

Evidence: without the flag (``forms=False``, what the layer was given
before), five of six trainers with d = 0 and one with d != 0, the site's
area figure and its shared-items figure are both over the six, and the area
sum minus the shared-items sum is the sixth's d alone: ``_exposed`` returns
that trainer.  The test keeps this counterfactual as an assertion.
"""

from __future__ import annotations

import pandas as pd

from disclosure.release import AREA, XV
from disclosure.versions import CrossVersion, cross_from_answers, decide_afresh
from tests.disclosure.sim import C1, C2, Person, World
from tests.disclosure.test_linked import _exposed

K = 5
AREA_ID = "assessment"


def _rows(forms: bool) -> tuple[list[dict], list[int], int, object]:
    people = [Person(pid, 1, 1, ("face_to_face",), {c: {AREA_ID: float(10 * pid)} for c in (C1, C2)})
              for pid in range(1, 7)]
    w = World(people, k=K)
    w.closed[C2] = True
    for c in (C1, C2):
        for p in people:
            w.submit(c, p.pid)
    prev, cur = w.data(C1), w.data(C2)
    odd = w.response_id(C2, 6)  # the one who answered assessment's v2-only item

    def scores(data):  # noqa: ANN001, ANN202
        return pd.DataFrame({"response_id": data.respondents["response_id"], "area": AREA_ID,
                             "score": 50.0, "level": "B1"})

    flags = pd.DataFrame({"response_id": [odd], "area": [AREA_ID]}) if forms else None
    cross = CrossVersion(("A-1",), scores(prev), scores(cur), None, flags)
    rel, _ = decide_afresh(prev, cur, cross, K)
    rows, area = [], AREA + AREA_ID
    for (role, key), pop in rel.current.items():
        if role != "trainer" or key.startswith(("gap:", "td:", "paired:")):
            continue
        ids = [int(r) for r in pop]
        if key.startswith(XV):
            rows.append({(i, "s"): 1.0 for i in ids})
        else:  # a node's or a slice's area figure: s + d
            row = {(i, "s"): 1.0 for i in ids}
            row.update({(i, "d"): 1.0 for i in ids if i == odd})
            rows.append(row)
    assert area in rel.universes["trainer"]
    return rows, [w.response_id(C2, p.pid) for p in people], odd, rel


def test_shared_items_scores_do_not_expose_a_trainer():
    rows, trainers, odd, rel = _rows(forms=True)
    assert _exposed(rows, trainers) == []
    assert len(rel.population("trainer", "site:1")) == 5  # the five alike are shown
    assert len(rel.population("trainer", "xv:to:site:1")) == 5
    rows, trainers, odd, rel = _rows(forms=False)  # the counterfactual: the layer before the flag
    assert len(rel.population("trainer", "xv:to:site:1")) == 6
    assert _exposed(rows, trainers) == [(odd,)]


def test_forms_come_from_the_items_only_one_version_has():
    """cross_from_answers flags, per campaign and area, the trainers who answered such an item."""
    from dataclasses import replace

    from scoring.version_progress import shared_items
    from survey.loader import current_questionnaires, default_questionnaires

    v1, v2 = default_questionnaires().trainer, current_questionnaires().trainer
    common = set(shared_items(v1, v2))
    people = [Person(pid, 1, 1, (), {c: {AREA_ID: 50.0} for c in (C1, C2)}) for pid in (1, 2)]
    w = World(people, k=K)
    for c in (C1, C2):
        for p in people:
            w.submit(c, p.pid)
    prev, cur = w.data(C1), replace(w.data(C2), trainer_questionnaire=v2)
    rows = []
    for c, q in ((C1, v1), (C2, v2)):
        for it in q.area_items():
            for pid in (1, 2):  # trainer 2 answered only the items both versions have
                value = 2.0 if pid == 1 or it.id in common else float("nan")
                rows.append((w.response_id(c, pid), it.id, value))
    answers = pd.DataFrame(rows, columns=["response_id", "item_id", "value"])
    cross = cross_from_answers(prev, cur, answers)
    for c, forms in ((C1, cross.prev_forms), (C2, cross.cur_forms)):
        assert set(forms["response_id"]) == {w.response_id(c, 1)}
        assert AREA_ID in set(forms["area"])
    # and the flag reaches the layer as a universe of the trainers' area link
    assert (XV + "~form:" + AREA_ID) in set(cross.presence("cur")["universe"])
