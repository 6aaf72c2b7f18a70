"""The champions map with an official position (issue 20 item 7) and the top-down universe (issue 16).

With the official position, a site's managers' side is named and shown as
such; the trainers' side next to it, and so the combined index, must still be
over the trainers' released ``td:index`` population.  The map used to take
it over the site's released *node* population instead: when five people
joined a site but only four of them rated the strategy (one answered "not
applicable" throughout), the node moved and the top-down universe did not,
and the map's index, read before and after with the named managers' mean,
gave the sum of four people's strategy ratings.
"""

from __future__ import annotations

import math
import random
from dataclasses import replace

import numpy as np

from champions.data import from_release, site_positions
from disclosure.campaign import release_of
from disclosure.topdown import td_key
from scoring.indices import TOP_DOWN_WEIGHTS, top_down_people
from tests.disclosure.scenarios import people as make_people
from tests.disclosure.sim import C2, ELEMENTS, Person, World

ITEMS = ("O-LEA-1", "O-LEA-2", "O-DEV-1", "O-INF-2")  # trainers' statements on the strategy elements
SITE = 1


def _world() -> World:
    rng = random.Random(20)
    people = make_people([(SITE, 1, 12), (2, 1, 6)], rng)
    for p in people:
        rated = p.pid != 12  # the 12th answered "not applicable" to every strategy statement
        p.shared = {C2: {i: float(rng.randint(0, 4)) if rated else float("nan") for i in ITEMS}}
    for pid in (19, 20):  # the site's two managers: named under the official position
        people.append(Person(pid, SITE, 1, (), {C2: {e: float(rng.randint(0, 100)) for e in ELEMENTS}},
                             "manager"))
    return World(people)


def _read(w: World):  # noqa: ANN202
    """The map as champions.data.load builds it (official position chosen), and the old way."""
    data = w.data(C2)
    rel = release_of(data, w.history[C2], w.closed[C2], w.k)
    w.history[C2].extend(rel.new_rows)
    new = from_release(data, rel, w.sites(), w.k, official=True).sites.set_index("site_id").loc[SITE]
    # before: the site's released trainers plus every manager, the index computed over them
    ids = set(rel.population("trainer", f"site:{SITE}")) | set(
        data.respondents.loc[data.respondents["role"] == "manager", "response_id"])
    shown = replace(data, respondents=data.respondents[data.respondents["response_id"].isin(ids)])
    old = site_positions(shown, w.sites(), k=w.k, official=True).set_index("site_id").loc[SITE]
    return data, rel, new, old


def _trainers_side(row, managers_mean: float) -> float:  # noqa: ANN001
    """What a viewer derives from a combined index and the named managers' mean."""
    assert row["basis"] == "combined"
    return (row["top_down"] - TOP_DOWN_WEIGHTS["managers"] * managers_mean) / TOP_DOWN_WEIGHTS["trainers"]


def test_official_position_never_shows_a_trainers_figure_the_universe_holds_back():
    w = _world()
    for pid in [*range(13, 21), *range(1, 8)]:
        w.submit(C2, pid)
    data, rel, new1, old1 = _read(w)
    managers, trainers = top_down_people(data.scores, data.answers, data.trainer_items, data.respondents)
    named = float(managers.loc[managers["site_id"] == SITE, "value"].mean())  # public: named position
    assert len(rel.population("manager", td_key(f"site:{SITE}"))) == 0, "2 managers: never released anonymously"
    for pid in range(8, 13):  # five more trainers, four of whom rated the strategy
        w.submit(C2, pid)
    data, rel, new2, old2 = _read(w)
    _, trainers = top_down_people(data.scores, data.answers, data.trainer_items, data.respondents)
    assert len(rel.population("trainer", f"site:{SITE}")) == 12, "the site's scores moved (5 new people)"
    td_pop = rel.population("trainer", td_key(f"site:{SITE}"))
    assert len(td_pop) == 7, "the top-down universe held back (4 new ratings < k)"

    # before: the trainers' side followed the node, so two reads gave 4 people's sum
    t1, t2 = _trainers_side(old1, named), _trainers_side(old2, named)
    newcomers = trainers.loc[[w.response_id(C2, pid) for pid in range(8, 12)], "value"]
    assert math.isclose(11 * t2 - 7 * t1, float(newcomers.sum()), abs_tol=1e-6)

    # now: the named managers' side is shown (combined index), the trainers' side is the release's
    for row in (new1, new2):
        side = _trainers_side(row, named)
        assert math.isclose(side, float(trainers.loc[np.sort(td_pop), "value"].mean()), abs_tol=1e-9)
    assert new1["top_down"] == new2["top_down"]
