"""Anonymous demand: how many trainers per site and area would benefit from a cohort without
having asked for one, released through the disclosure layer, never named.

For each site, the count is read from the site's *released* trainer population
(:func:`disclosure.figures.released_tree`: the same populations and guard as the
overview), as its level counts under the target level, minus the named learners on
that area who are in that population (people the lead already sees by their own
consent).  A hidden site stays hidden here; nothing is computed from responses the
layer did not release.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy.engine import Engine

from cascade.requests import active
from disclosure.figures import released_tree
from disclosure.store import releases
from planning.inputs import cutoff
from planning.model import AREAS
from scoring.anonymity import DEFAULT_K
from scoring.data import load_campaign
from scoring.levels import LEVEL_CODES

COLUMNS = ["site_id", "area", "would_benefit", "hidden"]


def anonymous_demand(engine: Engine, campaign_id: int, target: str = "B1", k: int = DEFAULT_K,
                     viewer_id: int | None = None) -> pd.DataFrame:
    """Per site and area: would_benefit (float, NaN when hidden) and hidden (bool)."""
    data = load_campaign(engine, campaign_id)
    rel, _ = releases(engine, data, None, k, viewer_id)
    tree = released_tree(rel, data.respondents, data.scores, "trainer", list(AREAS))
    tree = tree[tree["scope"] == "site"]
    below = [f"n_{c}" for c in LEVEL_CODES[:LEVEL_CODES.index(target)]]
    asked = active(engine, campaign_id)
    trainers = data.respondents[data.respondents["role"] == "trainer"]
    person_of = dict(zip(trainers["response_id"].astype(int), trainers["person_id"]))
    scores = data.scores.set_index(["response_id", "area"])["score"]
    limit = cutoff(target) - 1e-9
    rows = []
    for r in tree.itertuples(index=False):
        hidden = bool(r.hidden) or pd.isna(r.n)
        value = np.nan
        if not hidden:
            named = 0
            for rid in rel.population("trainer", f"site:{int(r.site_id)}"):
                pid = person_of.get(int(rid))
                if pid is None or pd.isna(pid) or r.area not in asked.get(int(pid), ()):
                    continue
                score = scores.get((int(rid), r.area), np.nan)
                named += int(pd.notna(score) and score < limit)
            value = float(sum(float(getattr(r, c) or 0) for c in below) - named)
        rows.append((int(r.site_id), str(r.area), value, hidden))
    return pd.DataFrame(rows, columns=COLUMNS)
