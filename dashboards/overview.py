"""The director's overview: guarded frames for one campaign, and views of them by scope.

:func:`build_overview` computes everything once per campaign (and modality),
over the populations the disclosure layer released (see disclosure/);
the view functions only select rows, so narrowing to a region or a site never
creates a figure the guard did not see.  Hidden figures stay NaN with
``hidden=True``; the edge writes "fewer than k responses", never 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from disclosure.campaign import offer_paired, release_of, released_gaps, released_progress
from disclosure.figures import released_tree, whole_ids
from disclosure.release import Release, trade_key
from disclosure.versions import released_cross_progress
from scoring.aggregate import LEVEL_COUNT_COLS
from scoring.anonymity import DEFAULT_K
from scoring.data import CampaignData
from scoring.levels import LEVEL_CODES, level_of
from scoring.schema import ORG_ELEMENTS, OVERALL, TRAINER_AREAS

MODALITIES = ("face_to_face", "hybrid", "remote_sync", "remote_async")


@dataclass(frozen=True)
class Overview:
    """Guarded frames of one campaign (columns: see scoring.aggregate, gaps, progress)."""

    campaign_id: int
    previous_id: int | None
    k: int
    modality: str | None
    trainers: pd.DataFrame  # trainer_aggregates (or modality_aggregates)
    managers: pd.DataFrame  # organisation_aggregates
    gaps: pd.DataFrame  # perception_gaps
    progress: pd.DataFrame | None  # tree_progress of trainers, None without a previous campaign
    # (between questionnaire versions: on the shared items, disclosure.versions)
    area_names: dict[str, str]  # area or element id -> msgid-free display name per language key
    element_names: dict[str, str]
    trade: str | None = None  # trainers' figures are the trade's slices (disclosure: node|trade:x)
    # the items progress compares when the previous campaign is on another questionnaire version
    shared_items: tuple[str, ...] | None = None


def _names(questionnaire, lang: str) -> dict[str, str]:  # noqa: ANN001
    return {a.id: a.name.get(lang) for a in questionnaire.areas}


def build_overview(cur: CampaignData, prev: CampaignData | None = None, k: int = DEFAULT_K,
                   modality: str | None = None, lang: str = "fr",
                   releases: tuple[Release, Release | None] | None = None,
                   trade: str | None = None) -> Overview:
    """Every frame the overview and site pages need, for one campaign, over released populations.

    ``releases`` are the decisions of :mod:`disclosure.store` (this campaign's,
    the previous one's); without them both campaigns are decided afresh as
    closed campaigns with no history - what their first read would release
    (paired progress included; :func:`disclosure.store.releases` decides it
    when it is given).
    """
    if modality is not None and modality not in MODALITIES:
        raise ValueError(f"unknown modality {modality!r}")
    same_questionnaire = (prev is not None and prev.trainer_questionnaire.checksum()
                          == cur.trainer_questionnaire.checksum())
    if releases is None:
        releases = (release_of(cur, [], True, k), release_of(prev, [], True, k) if prev is not None else None)
        if same_questionnaire:
            offer_paired(prev, cur, releases[1], releases[0])
    rel, prev_rel = releases
    # on different questionnaire versions: the shared items' joint table, when the releases
    # carry it (disclosure.store.releases, disclosure.versions.decide_afresh)
    cross = getattr(rel, "cross", None) if prev is not None and not same_questionnaire else None
    k = rel.k
    areas = (*TRAINER_AREAS, OVERALL)
    if trade is not None and modality is not None:
        raise ValueError("filter by modality or by trade, not both")
    key_of = (lambda n: trade_key(n, trade)) if trade is not None else None
    trainers = released_tree(rel, cur.respondents, cur.scores, "trainer", areas, modality, key_of=key_of)
    managers = released_tree(rel, cur.respondents, cur.scores, "manager", (*ORG_ELEMENTS, OVERALL))
    gaps = released_gaps(cur, rel)
    progress = None
    if same_questionnaire:
        # unfiltered, the trainers' tree is the progress table's "after" side: computed once
        progress = released_progress(prev, cur, prev_rel, rel, areas,
                                     after=trainers if modality is None and trade is None else None)
    elif cross is not None and prev_rel is not None:
        progress = released_cross_progress(prev, cur, prev_rel, rel, cross, areas)
    return Overview(cur.campaign_id, prev.campaign_id if prev else None, k, modality,
                    _ints(trainers), _ints(managers), gaps, _ints(progress) if progress is not None else None,
                    _names(cur.trainer_questionnaire, lang), _names(cur.organisation_questionnaire, lang),
                    trade,
                    tuple(cross.items) if progress is not None and cross is not None else None)


def _ints(frame: pd.DataFrame) -> pd.DataFrame:
    """region_id / site_id as plain ints or None (so filters compare with ==)."""
    out = frame.copy()
    for col in ("region_id", "site_id"):
        if col in out:
            out[col] = whole_ids(out[col])
    return out


def scope_of(region_id: int | None, site_id: int | None) -> tuple[str, int | None, int | None]:
    """('org'|'region'|'site', region_id, site_id) for a filter."""
    if site_id is not None:
        return "site", region_id, site_id
    if region_id is not None:
        return "region", region_id, None
    return "org", None, None


def node_rows(frame: pd.DataFrame, region_id: int | None, site_id: int | None) -> pd.DataFrame:
    """Rows of one node (the organisation, a region or a site) of a tree frame."""
    scope, _, _ = scope_of(region_id, site_id)
    rows = frame[frame["scope"] == scope]
    if scope == "region":
        rows = rows[rows["region_id"] == region_id]
    elif scope == "site":
        rows = rows[rows["site_id"] == site_id]
    return rows


def headline(ov: Overview, region_id: int | None = None, site_id: int | None = None) -> dict:
    """Overall practice (trainers) and organisation maturity (managers) at a scope.

    Returns {'practice': (mean, n, hidden), 'maturity': (mean, n, hidden)}.
    """
    out = {}
    for key, frame in (("practice", ov.trainers), ("maturity", ov.managers)):
        row = node_rows(frame, region_id, site_id)
        row = row[row["area"] == OVERALL]
        if row.empty:
            out[key] = (np.nan, np.nan, True)
        else:
            r = row.iloc[0]
            out[key] = (float(r["mean"]), float(r["n"]), bool(r["hidden"]))
    return out


def level_distribution(ov: Overview, region_id: int | None = None,
                       site_id: int | None = None) -> pd.DataFrame:
    """Trainers per overall level at a scope: level, n (NaN when hidden), hidden."""
    row = node_rows(ov.trainers, region_id, site_id)
    row = row[row["area"] == OVERALL]
    hidden = row.empty or bool(row.iloc[0]["hidden"])
    counts = [np.nan if hidden else float(row.iloc[0][c]) for c in LEVEL_COUNT_COLS]
    return pd.DataFrame({"level": list(LEVEL_CODES), "n": counts, "hidden": hidden})


def heatmap(frame: pd.DataFrame, units: pd.DataFrame, scope: str = "site",
            region_id: int | None = None, areas: tuple[str, ...] = (*TRAINER_AREAS, OVERALL)) -> pd.DataFrame:
    """Long frame for a units x areas heatmap: unit_id, unit, region_id, region, area, mean, n, level, hidden."""
    rows = frame[(frame["scope"] == scope) & frame["area"].isin(areas)]
    if region_id is not None:
        rows = rows[rows["region_id"] == region_id]
    if scope == "site":
        named = rows.merge(units[["site_id", "site", "region"]], on="site_id", how="left")
        named = named.rename(columns={"site_id": "unit_id", "site": "unit"})
    else:
        regions = units[["region_id", "region"]].drop_duplicates()
        named = rows.merge(regions, on="region_id", how="left").assign(unit_id=rows["region_id"].to_numpy())
        named["unit"] = named["region"]
    cols = ["unit_id", "unit", "region_id", "region", "area", "mean", "n", "level", "hidden"]
    named = named.assign(_order=named["area"].map({a: i for i, a in enumerate(areas)}))
    return named.sort_values(["region", "unit", "_order"], ignore_index=True)[cols]


def gap_view(ov: Overview, site_id: int | None = None, kind: str = "element") -> pd.DataFrame:
    """Perception gaps of the organisation (or one site) per element: key, means, gap, interval, real, hidden, shared.

    shared is False for an element with no statement asked of both managers and trainers.
    """
    scope = "site" if site_id is not None else "org"
    rows = ov.gaps[(ov.gaps["scope"] == scope) & (ov.gaps["kind"] == kind)]
    if site_id is not None:
        rows = rows[rows["site_id"].map(lambda v: not pd.isna(v) and int(v) == site_id)]
    rows = rows.assign(shared=True)
    if kind == "element":
        present = set(rows["key"])
        missing = [e for e in ORG_ELEMENTS if e not in present]
        if missing:  # an element nobody shared stays visible as hidden, not dropped
            rows = pd.concat([rows, pd.DataFrame({"scope": scope, "site_id": site_id, "kind": kind,
                                                  "key": missing, "hidden": True, "shared": False})],
                             ignore_index=True)
    return rows.drop(columns=["scope", "kind"]).reset_index(drop=True)


def progress_view(ov: Overview, region_id: int | None = None,
                  site_id: int | None = None) -> pd.DataFrame | None:
    """Progress per area at a scope: area, mean_from, mean_to, mean_delta, n_paired, hidden flags."""
    if ov.progress is None:
        return None
    rows = node_rows(ov.progress, region_id, site_id)
    return rows.drop(columns=["scope", "region_id", "site_id"]).reset_index(drop=True)


def site_profile(ov: Overview, site_id: int, region_id: int) -> pd.DataFrame:
    """One site against its region and the organisation, per trainer area and overall.

    Columns: area, site, site_hidden, region, region_hidden, org, org_hidden, site_level.
    """
    parts = {}
    for name, (rid, sid) in (("site", (region_id, site_id)), ("region", (region_id, None)),
                             ("org", (None, None))):
        rows = node_rows(ov.trainers, rid, sid).set_index("area")
        parts[name] = rows["mean"].rename(name)
        parts[f"{name}_hidden"] = rows["hidden"].rename(f"{name}_hidden")
    out = pd.DataFrame(parts).reindex([*TRAINER_AREAS, OVERALL])
    for name in ("site", "region", "org"):
        out[f"{name}_hidden"] = out[f"{name}_hidden"].astype("boolean").fillna(True).astype(bool)
    out["site_level"] = level_of(out["site"]).astype(object)
    return out.rename_axis("area").reset_index()


def strengths_weaknesses(profile: pd.DataFrame, n: int = 2) -> tuple[list[str], list[str]]:
    """The n visible trainer areas where the site is furthest above / below the organisation."""
    rows = profile[(profile["area"] != OVERALL) & ~profile["site_hidden"] & ~profile["org_hidden"]]
    diff = (rows["site"] - rows["org"]).to_numpy()
    order = np.argsort(diff, kind="stable")
    areas = rows["area"].to_numpy()
    weak = [str(areas[i]) for i in order[:n] if diff[i] < 0]
    strong = [str(areas[i]) for i in order[::-1][:n] if diff[i] > 0]
    return strong, weak
