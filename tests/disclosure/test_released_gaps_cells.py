"""released_gaps matches each person-row to its released gap population on integer codes; it
must keep exactly the rows the figure keys name (gap:<kind>:<key>|<node>), as the string
matching it replaced did, whatever the populations hold: people left out, a response that is
no longer in the campaign (an id above every current one), keys of no current row."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest

from disclosure.campaign import _site_keys, gap_items, release_of, released_gaps
from scoring.data import campaign_ids, load_campaign
from scoring.gaps import _person_scores, gaps_of, shared_item_ids


def _by_strings(data, rel) -> pd.DataFrame:  # noqa: ANN001
    """The definition, row by row on the figure keys' strings."""
    people = _person_scores(data.answers, gap_items(data), data.respondents,
                            shared_item_ids(data.answers, data.respondents))
    universe = "gap:" + people["kind"].astype(str) + ":" + people["key"].astype(str)
    site = _site_keys(people["site_id"]).fillna("-").astype(str)
    parts = []
    for scope, node in (("org", pd.Series("org", index=people.index)), ("site", site)):
        keys = universe + "|" + node
        keep = [int(r) in set(rel.current.get((role, key), ()))
                for role, key, r in zip(people["role"], keys, people["response_id"])]
        frame = gaps_of(people[np.array(keep, dtype=bool)].reset_index(drop=True), rel.k)
        parts.append(frame[frame["scope"] == scope])
    return pd.concat(parts, ignore_index=True)


@pytest.fixture(scope="module")
def campaign(demo_url):  # noqa: ANN001
    from storage.db import make_engine

    engine = make_engine(demo_url)
    data = load_campaign(engine, campaign_ids(engine)[-1])
    engine.dispose()
    return data


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_released_gaps_keep_exactly_the_released_rows(campaign, seed) -> None:  # noqa: ANN001
    rel = release_of(campaign, [], True, 5)
    gap_keys = [k for k in rel.current if k[1].startswith("gap:")]
    assert gap_keys, "the tiny demo releases gap figures"
    rng = random.Random(seed)
    beyond = int(campaign.respondents["response_id"].max()) + 1 + rng.randrange(50)
    for key in rng.sample(gap_keys, len(gap_keys) // 4):
        pop = list(rel.current[key])
        kept = sorted(rng.sample(pop, rng.randrange(len(pop) + 1)))
        if rng.random() < 0.5:
            kept.append(beyond)  # a response gone since it was released
        elif rng.random() < 0.3:  # ids above every current one, as many as there are responses
            top = int(campaign.respondents["response_id"].max())
            kept.extend(range(top + 1, 2 * top + 3))
        rel.current[key] = np.asarray(kept, dtype=np.int64)
    rel.current[("trainer", "gap:item:NOPE|site:999999")] = np.asarray([beyond], dtype=np.int64)
    got, expected = released_gaps(campaign, rel), _by_strings(campaign, rel)
    pd.testing.assert_frame_equal(got, expected)
    assert (~got["hidden"]).any() and got["hidden"].any()
