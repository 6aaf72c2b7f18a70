"""What the pages need from recognition, without Streamlit: sources, area names, the effect.

The attendance frame comes from the cascade (``cascade.attendance.attendance_frame``);
until that package is present, :func:`attendance` returns None and the pages say
that no attendance was recorded yet.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
from sqlalchemy.engine import Engine

from disclosure.effect import released_effects, scores_of
from recognition.effect import Effect, effects, relay_effects
from scoring.anonymity import DEFAULT_K
from scoring.data import CampaignData, campaign_ids, current_consents, load_campaign
from storage.db import read_session
from survey.loader import default_questionnaires


def attendance(engine: Engine, plan_id: int | None = None) -> pd.DataFrame | None:
    """The cascade's attendance frame, or None when nobody's attendance is recorded yet."""
    from cascade.attendance import attendance_frame  # cascade imports planning: load on use

    with read_session(engine) as s:
        frame = attendance_frame(s, plan_id=plan_id)
    if frame is None or frame.empty:
        return None
    return frame.assign(cohort_id=frame["cohort_id"].astype(str))


def area_names() -> dict[str, dict[str, str]]:
    """area id -> {lang: name}, from the trainer questionnaire."""
    return {
        a.id: {"fr": a.name.fr, "en": a.name.en} for a in default_questionnaires().trainer.areas
    }


def next_campaign(engine: Engine, campaign_id: int) -> int | None:
    """The campaign after campaign_id (by start date), where the effect is measured."""
    ids = campaign_ids(engine)
    if campaign_id not in ids:
        return None
    at = ids.index(campaign_id)
    return ids[at + 1] if at + 1 < len(ids) else None


def measured(
    engine: Engine,
    frame: pd.DataFrame,
    k: int = DEFAULT_K,
    viewer_id: int | None = None,
    load: Callable[[int], CampaignData] | None = None,
    with_relays: bool = False,
) -> tuple[list[Effect], list[Effect]] | None:
    """(area effects, consenting relays' effects) as the viewer may see them.

    None when the plan's campaign has no next campaign yet.

    ``load`` reads a campaign (the pages pass their cached reader; default load_campaign).
    """
    # plans of several campaigns: the latest one whose next campaign exists
    nxt = None
    for plan_campaign in sorted({int(c) for c in frame["campaign_id"]}, reverse=True):
        nxt = next_campaign(engine, plan_campaign)
        if nxt is not None:
            break
    if nxt is None:
        return None
    frame = frame[frame["campaign_id"].astype(int) == plan_campaign]
    load = load or (lambda cid: load_campaign(engine, cid))
    before, after = load(plan_campaign), load(nxt)
    b, a = scores_of(before), scores_of(after)
    areas = released_effects(engine, effects(frame, b, a), before, after, k, viewer_id)
    relays: list[Effect] = []
    if with_relays:
        with read_session(engine) as s:
            consents = current_consents(s)
        ids = sorted(
            {
                int(p)
                for p in frame.loc[frame["role"] == "relay", "person_id"]
                if consents.get(int(p))
            }
        )
        if ids:
            relays = released_effects(
                engine, relay_effects(frame, b, a, ids), before, after, k, viewer_id
            )
    return areas, relays
