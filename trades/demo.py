"""Trades for the demo organisation: each site leans towards one or two trades.

Drawn from their own random stream, so the rest of the demo (people, answers)
is the same with or without trades.
"""

from __future__ import annotations

import numpy as np
from sqlalchemy import insert

from storage.models import PersonTrade, utcnow
from trades import codes


def demo_trades(seed: int, people, person_ids: list[int]) -> list[dict]:  # noqa: ANN001 - DemoPerson list
    """Rows of persontrade for the demo's trainers: a site's main trade for most, others for some."""
    rng = np.random.default_rng(seed + 20_020)
    all_codes = list(codes())
    main: dict[str, str] = {}
    second: dict[str, str] = {}
    rows = []
    for person in people:
        if person.role != "trainer" or person.site is None:
            continue
        if person.site not in main:
            pick = rng.choice(len(all_codes), 2, replace=False)
            main[person.site], second[person.site] = all_codes[pick[0]], all_codes[pick[1]]
        draw = rng.random()
        trade = (main[person.site] if draw < 0.6 else second[person.site] if draw < 0.85
                 else all_codes[int(rng.integers(len(all_codes)))])
        rows.append({"person_id": person_ids[person.key], "trade": trade, "updated_at": utcnow()})
    return rows


def write_demo_trades(s, seed: int, people, person_ids: list[int]) -> int:  # noqa: ANN001
    rows = demo_trades(seed, people, person_ids)
    if rows:
        s.execute(insert(PersonTrade), rows)
    return len(rows)
