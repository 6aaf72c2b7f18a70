"""The cohorts' measured effect through the release rule (see docs/disclosure.md).

An effect shows, for one area, figures over two groups of trainers in two
campaigns: attendees and comparators, each a population of responses in the
plan's campaign (before) and in the next one (after). Their mean start and
mean change are sums over those populations, exactly like the paired
progress figures. So an effect is released only when

* each group holds at least k people, and
* each group's responses form an acceptable population (:class:`Family`)
  in *both* campaigns' area universes, given every population released
  before (sites, regions, slices, progress, earlier effects).

The second rule is what stops differences with other figures: an attendee
group that is the organisation minus three people, or a comparator group
that differs by one person from a site already shown, is refused, and the
whole effect stays hidden (counts included). Accepted groups are recorded as
rows ``effect:<area>|attended`` (or ``...|relay:<id>|attended``) in both
campaigns' history, so later releases are checked against them too.
"""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine

from disclosure.campaign import presence
from disclosure.release import AREA, Release, Row, _families, _linked, _replay
from disclosure.store import _save, history
from recognition.effect import Effect, Groups, estimate, hide
from scoring.anonymity import DEFAULT_K, check_k
from scoring.data import CampaignData
from storage.db import write_session
from storage.models import Campaign

ROLE = "trainer"
SIDES = ("attended", "comparison")


def scores_of(data: CampaignData) -> pd.DataFrame:
    """person_id, response_id, area, score of a campaign's trainers (linked people only)."""
    who = data.respondents.loc[
        (data.respondents["role"] == ROLE) & data.respondents["person_id"].notna(),
        ["response_id", "person_id"],
    ]
    out = data.scores.merge(who, on="response_id")[["person_id", "response_id", "area", "score"]]
    out["person_id"] = out["person_id"].astype(np.int64)
    return out


def replayed(data: CampaignData, rows: list[Row], k: int) -> Release:
    """A campaign's families rebuilt from its history alone (nothing new offered)."""
    ids = np.sort(data.respondents["response_id"].astype(np.int64).to_numpy())
    families, universes = _families(data.respondents, presence(data), ids, k)
    rel = Release(data.campaign_id, k, ids, families, universes,
                  linked=_linked(ids, families, universes, k))
    _replay(rel, rows)
    return rel


def effect_key(effect: Effect, side: str) -> str:
    base = f"effect:{effect.area}"
    if effect.relay_id is not None:
        base += f"|relay:{effect.relay_id}"
    return f"{base}|{side}"


def _only(rel: Release, area: str, pop: np.ndarray) -> dict[str, np.ndarray]:
    """An effect shows sums of one area's scores: it is released in that area's universe."""
    return {u: pop for u in rel.scored(ROLE) if u == AREA + area}


def _allowed(rel: Release, area: str, pop: np.ndarray) -> bool:
    # the exact span check decides (disclosure.span): it accepts a few attendees from each of
    # many released sites, which the cell rule refuses
    return rel.allows(ROLE, pop, _only(rel, area, pop), span=True)


def guard(effects: list[Effect], before: Release, after: Release) -> list[Effect]:
    """Each effect as shown: kept when both groups pass k and the rule in both campaigns.

    Accepted populations are recorded in ``before`` and ``after`` (their new_rows).
    """
    k = check_k(after.k)
    out = []
    for eff in effects:
        if eff.n_attended < k or eff.n_comparison < k:
            out.append(hide(eff))
            continue
        ok = True
        pending = []
        for side in SIDES:
            pop_b, pop_a = (np.unique(p) for p in eff.populations[side])
            key = effect_key(eff, side)
            same = np.array_equal(pop_b, before.population(ROLE, key)) and np.array_equal(
                pop_a, after.population(ROLE, key)
            )
            if same:
                continue
            # the two sides are checked together: the second is checked with the first recorded
            if not (_allowed(before, eff.area, pop_b) and _allowed(after, eff.area, pop_a)):
                ok = False
                break
            pending.append((side, key, pop_b, pop_a))
            for rel, pop in ((before, pop_b), (after, pop_a)):
                rel.record(ROLE, key, pop, "effect", _only(rel, eff.area, pop), new=False)
        if not ok:
            out.append(None)  # the caller drops these families (see guarded)
            continue
        for side, key, _, _ in pending:
            # the after row lists its responses in the order of the before row's (sorted) ones,
            # so the pairs survive an erasure, which unlinks both responses (see restore)
            raw_b, raw_a = (np.asarray(p, dtype=np.int64) for p in eff.populations[side])
            order = np.argsort(raw_b, kind="stable")
            before.new_rows.append(
                Row(before.campaign_id, ROLE, key, tuple(int(x) for x in raw_b[order]), "effect")
            )
            after.new_rows.append(
                Row(after.campaign_id, ROLE, key, tuple(int(x) for x in raw_a[order]), "effect")
            )
        out.append(eff)
    return out


def _last(rows: list[Row], key: str) -> tuple[int, ...] | None:
    found = [r.population for r in rows if r.role == ROLE and r.figure == key]
    return found[-1] if found else None


def _scores(data: CampaignData, area: str, ids: tuple[int, ...]) -> np.ndarray:
    by = data.scores[data.scores["area"] == area].set_index("response_id")["score"]
    return by.reindex(list(ids)).to_numpy(float)


def restore(
    eff: Effect,
    before_data: CampaignData,
    after_data: CampaignData,
    before_rows: list[Row],
    after_rows: list[Row],
) -> Effect:
    """The area effect on its last released groups when they only lost erased people.

    Erasure unlinks a person's responses, so they can no longer be paired and
    drop out of the groups; the groups would then differ by one person from the
    released ones. Like every other figure (docs/disclosure.md), the effect keeps
    the released responses with their stored scores instead. Per-relay effects
    are named views: there an erased learner simply leaves.
    """
    if eff.relay_id is not None or not eff.populations:
        return eff
    unlinked = set(
        before_data.respondents.loc[before_data.respondents["person_id"].isna(), "response_id"]
    )
    frames, changed = {}, False
    for side in SIDES:
        key = effect_key(eff, side)
        rb, ra = _last(before_rows, key), _last(after_rows, key)
        if rb is None or ra is None or len(rb) != len(ra):
            return eff
        missing = set(rb) - {int(x) for x in eff.populations[side][0]}
        if len(eff.populations[side][0]) + len(missing) != len(rb) or not missing <= unlinked:
            return eff
        changed = changed or bool(missing)
        b, a = _scores(before_data, eff.area, rb), _scores(after_data, eff.area, ra)
        if np.isnan(b).any() or np.isnan(a).any():
            return eff
        frames[side] = pd.DataFrame(
            {
                "person_id": -np.arange(1, len(rb) + 1),
                "response_id_before": list(rb),
                "response_id_after": list(ra),
                "before": b,
                "after": a,
            }
        )
    if not changed:
        return eff
    groups = Groups(eff.area, frames["attended"], frames["comparison"], unmatched=eff.unmatched)
    return estimate(groups)


def guarded(
    effects: list[Effect],
    before_data: CampaignData,
    after_data: CampaignData,
    before_rows: list[Row],
    after_rows: list[Row],
    k: int = DEFAULT_K,
) -> tuple[list[Effect], list[Row]]:
    """Pure version of :func:`released_effects`: shown effects and the rows to record."""
    k = check_k(k)
    shown: list[Effect] = []
    new: list[Row] = []
    before, after = (
        replayed(before_data, list(before_rows), k),
        replayed(after_data, list(after_rows), k),
    )
    for eff in effects:
        eff = restore(eff, before_data, after_data, list(before_rows), list(after_rows))
        # families cannot forget a population: try each effect on copies, keep them if accepted
        b, a = copy.deepcopy(before), copy.deepcopy(after)
        result = guard([eff], b, a)[0]
        if result is None:
            shown.append(hide(eff))
            continue
        shown.append(result)
        new += b.new_rows + a.new_rows
        b.new_rows, a.new_rows = [], []
        before, after = b, a
    return shown, new


def released_effects(
    engine: Engine,
    effects: list[Effect],
    before_data: CampaignData,
    after_data: CampaignData,
    k: int = DEFAULT_K,
    viewer_id: int | None = None,
) -> list[Effect]:
    """The effects a viewer may see, deciding and recording under the campaigns' lock.

    Both campaigns' own figures are decided first (as the overview of the later campaign
    does, a no-op when they already are), so the effect is always checked after them,
    whichever page is read first: the groups of an effect leave cells under k, and a site
    or a slice decided after them would go through the span check and could be refused.
    """
    from disclosure.store import releases

    releases(engine, after_data, before_data, k, viewer_id)
    ids = sorted({before_data.campaign_id, after_data.campaign_id})
    with write_session(engine) as s:
        s.execute(select(Campaign.id).where(Campaign.id.in_(ids)).with_for_update()).all()
        shown, new = guarded(
            effects,
            before_data,
            after_data,
            history(s, before_data.campaign_id),
            history(s, after_data.campaign_id),
            k,
        )
        _save(s, new, viewer_id)
    return shown
