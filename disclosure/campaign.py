"""A campaign's figures through the release rule: universes, gaps and progress.

Universes of a campaign (see :mod:`disclosure.cells`): each scored area
(``area:<id>``; the levels are counted on ``area:overall``), and each
statement and element of the perception gaps (``gap:item:<id>``,
``gap:element:<id>``), because a respondent who answered "not applicable"
is outside that sum, and the champions map's top-down index (``td:index``,
see :mod:`disclosure.topdown`).

Progress is one joint table per node: the previous campaign's released
figure (before), this campaign's released figure (after), and the same
people before and after (paired), released only when their responses form
an acceptable population in *both* campaigns' families - a paired mean that
differs from an after-mean by one newcomer is never shown.  The paired
populations are stored by response, so erasing a person later (which
unlinks their responses) never changes a paired figure already shown.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from disclosure.figures import released_tree
from disclosure.release import FORM, LEFT_OUT, TOP_DOWN, Release, Row, decide, tree_keys
from scoring.data import CampaignData
from scoring.gaps import _person_scores, gaps_of, shared_item_ids
from scoring.indices import top_down_people

AREA = "area:"


def gap_items(data: CampaignData) -> pd.DataFrame:
    """The items the perception gaps compare: organisation items and trainers' element items."""
    extra = data.trainer_items[data.trainer_items["element"].notna()
                               & ~data.trainer_items["item_id"].isin(data.organisation_items["item_id"])]
    return pd.concat([data.organisation_items, extra], ignore_index=True)


def presence(data: CampaignData) -> pd.DataFrame:
    """response_id, universe: which response has a value in which universe."""
    scored = data.scores[data.scores["score"].notna()]
    parts = [pd.DataFrame({"response_id": scored["response_id"].astype(np.int64),
                           "universe": AREA + scored["area"].astype(str)})]
    # the form of a manager's area score: with a term of a non-shared statement, or made of
    # shown statements only (a presence-only universe, released with the areas; see FORM)
    pairs = pd.DataFrame({"response_id": scored["response_id"].astype(np.int64),
                          "area": scored["area"].astype(str)})
    flags = data.unshared
    if len(flags):
        flags = flags.astype({"response_id": np.int64, "area": str})
        both = flags.merge(pairs, on=["response_id", "area"])
        parts.append(pd.DataFrame({"response_id": both["response_id"], "universe": FORM + both["area"]}))
    # a shared statement the site's declared model leaves out of the manager's score: shown in
    # the gaps, absent from the area score, another form (LEFT_OUT)
    out = data.left_out
    if len(out):
        area_of = dict(zip(data.organisation_items["item_id"].astype(str),
                           data.organisation_items["area"].astype(str)))
        left = pd.DataFrame({"response_id": out["response_id"].astype(np.int64),
                             "area": out["item_id"].astype(str).map(area_of),
                             "item": out["item_id"].astype(str)})
        both = left.merge(pairs, on=["response_id", "area"])
        parts.append(pd.DataFrame({"response_id": both["response_id"],
                                   "universe": LEFT_OUT + both["item"]}))
    items = gap_items(data)
    shared = items.loc[items["shared"].astype(bool), "item_id"].astype(str).tolist()
    if shared and len(data.answers):
        people = _person_scores(data.answers, items, data.respondents, shared)
        parts.append(pd.DataFrame({"response_id": people["response_id"].astype(np.int64),
                                   "universe": "gap:" + people["kind"] + ":" + people["key"].astype(str)}))
    managers, trainers = top_down_people(data.scores, data.answers, data.trainer_items, data.respondents)
    for side in (managers, trainers):
        parts.append(pd.DataFrame({"response_id": side.index.to_numpy(dtype=np.int64),
                                   "universe": TOP_DOWN}))
    return pd.concat(parts, ignore_index=True).drop_duplicates()


def release_of(data: CampaignData, history: list[Row], closed: bool, k: int,
               extra: pd.DataFrame | None = None) -> Release:
    """The release decision of one campaign (see :func:`disclosure.release.decide`).

    ``extra``: more universes (response_id, universe), e.g. the shared-items
    scores of a cross-version comparison (:mod:`disclosure.versions`)."""
    found = presence(data) if extra is None else pd.concat([presence(data), extra], ignore_index=True)
    return decide(data.campaign_id, data.respondents, found, history, closed, k)


def released_gaps(data: CampaignData, rel: Release) -> pd.DataFrame:
    """Perception gaps, each statement and element over its own released population.

    At the organisation and at each site, a side's figure on a statement is
    over the people of :func:`disclosure.release.gap_key`'s release (the
    node's released people who answered it, as last accepted).
    """
    items = gap_items(data)
    resp = data.respondents
    shared = shared_item_ids(data.answers, resp)
    people = _person_scores(data.answers, items, resp, shared)
    if people.empty:
        return gaps_of(people, rel.k)
    # which person-rows each released gap population holds, matched on integer codes: the
    # figure key of a row is gap:<kind>:<key>|<node>, and a national campaign has hundreds of
    # thousands of rows, so the keys are built per distinct (role, kind, key) and node only
    combo = people.groupby(["role", "kind", "key"], sort=False, observed=True, dropna=False).ngroup()
    first = ~combo.duplicated()
    combos = people.loc[first, ["role", "kind", "key"]].set_axis(combo[first].to_numpy())
    code_of = {(str(r), f"gap:{k}:{key}"): int(c)
               for c, (r, k, key) in zip(combos.index, combos.itertuples(index=False, name=None))}
    # node 0 is the organisation, then each site ('-': a person without a known site)
    site_of_row, site_names = pd.factorize(_site_keys(people["site_id"]).fillna("-").astype(str))
    nodes = ["org", *site_names]
    node_code = {n: i for i, n in enumerate(nodes)}
    found = []
    for (role, key), pop in rel.current.items():
        if not key.startswith("gap:"):
            continue
        universe, _, node = key.rpartition("|")
        c, n = code_of.get((role, universe)), node_code.get(node)
        if c is not None and n is not None and len(pop):
            found.append((c * len(nodes) + n, np.asarray(pop, dtype=np.int64)))
    rid = people["response_id"].to_numpy(dtype=np.int64)
    # every id below span: a cell's pairs never run into the next cell's
    span = max([int(rid.max()), *(int(pop.max()) for _, pop in found)]) + 1
    allowed = np.concatenate([np.empty(0, np.int64), *[cell * span + pop for cell, pop in found]])
    parts = []
    for scope, node in (("org", np.zeros(len(people), np.int64)),
                        ("site", site_of_row.astype(np.int64) + 1)):
        cells = (combo.to_numpy(dtype=np.int64) * len(nodes) + node) * span + rid
        # a hash lookup (pandas), not numpy's sort of both arrays: the released cells
        # are millions of (cell, response) pairs
        kept = people[pd.Series(cells, copy=False).isin(allowed).to_numpy()].reset_index(drop=True)
        frame = gaps_of(kept, rel.k)
        parts.append(frame[frame["scope"] == scope])
    return pd.concat(parts, ignore_index=True)


def _site_keys(site_ids: pd.Series) -> pd.Series:
    """'site:<id>' per row, None where the site is unknown (one vectorised pass)."""
    known = site_ids.notna().to_numpy(dtype=bool)
    out = np.full(len(site_ids), None, dtype=object)
    if known.any():
        # one label per site, not per row (a row per person and statement)
        sites, row_site = np.unique(site_ids[known].to_numpy().astype(np.int64), return_inverse=True)
        out[known] = np.array([f"site:{s}" for s in sites.tolist()], dtype=object)[row_site.ravel()]
    return pd.Series(out, index=site_ids.index, dtype=object).infer_objects()  # as Series.map infers


def _person_pairs(prev: CampaignData, cur: CampaignData) -> pd.DataFrame:
    """response_to, response_from of trainers who answered both campaigns (linked people only)."""
    cols = ["response_id", "person_id"]
    a = prev.respondents.loc[(prev.respondents["role"] == "trainer") & prev.respondents["person_id"].notna(), cols]
    b = cur.respondents.loc[(cur.respondents["role"] == "trainer") & cur.respondents["person_id"].notna(), cols]
    # linked people only, so ids are whole numbers; an all-erased side reads as object dtype
    a, b = (f.astype({"person_id": np.int64}) for f in (a, b))
    pairs = b.merge(a, on="person_id", suffixes=("_to", "_from"))
    return pairs[["response_id_to", "response_id_from"]].astype(np.int64)


def paired_key(node: str) -> str:
    return f"paired:{node}"


def prev_paired_key(campaign_id: int, node: str) -> str:
    return f"paired:{campaign_id}:{node}"


def offer_paired(prev: CampaignData, cur: CampaignData, prev_rel: Release, cur_rel: Release) -> None:
    """Release, per node, the paired populations that both campaigns' rules accept (module docstring)."""
    pairs = _person_pairs(prev, cur)
    prev_all = prev_rel.population("trainer", "org")
    pairs = pairs[pairs["response_id_from"].isin(prev_all)]
    areas = {u: None for u in cur_rel.universes["trainer"] if u.startswith(AREA)}
    for node in tree_keys(cur.respondents[cur.respondents["role"] == "trainer"]):
        key = paired_key(node)
        mine = pairs[pairs["response_id_to"].isin(cur_rel.population("trainer", node))]
        y = np.sort(mine["response_id_to"].to_numpy())
        if not len(y) or np.array_equal(y, cur_rel.population("trainer", key)):
            continue
        x = mine["response_id_from"].to_numpy()
        # only the area universes: the paired figures are area means, and each family
        # leaves out by itself the responses without a score in its area
        per_y, per_x = {u: y for u in areas}, {u: x for u in areas}
        if cur_rel.allows("trainer", y, per_y) and prev_rel.allows("trainer", x, per_x):
            cur_rel.record("trainer", key, y, "paired", per_y)
            prev_rel.record("trainer", prev_paired_key(cur.campaign_id, node), x, "paired", per_x)


def released_progress(prev: CampaignData, cur: CampaignData, prev_rel: Release,
                      cur_rel: Release, areas: tuple[str, ...], scores=None, keys=None,  # noqa: ANN001
                      before_nodes: pd.DataFrame | None = None,
                      after: pd.DataFrame | None = None) -> pd.DataFrame:
    """Joint progress table per node and area (columns of scoring.progress.tree_progress).

    ``scores`` (previous, this campaign's) and ``keys`` (figure key functions
    of before, after, paired after, paired before) default to the stored
    scores and the same-version keys; :mod:`disclosure.versions` passes the
    shared-items scores and its own keys."""
    prev_scores, cur_scores = scores if scores is not None else (prev.scores, cur.scores)
    cid = cur.campaign_id
    before_key, after_key, to_key, from_key = keys if keys is not None else (
        None, None, paired_key, lambda n: prev_paired_key(cid, n))
    before = released_tree(prev_rel, prev.respondents, prev_scores, "trainer", areas, key_of=before_key,
                           nodes_of=before_nodes)
    if after is None:  # the overview passes its trainers' tree when it is this very frame
        after = released_tree(cur_rel, cur.respondents, cur_scores, "trainer", areas, key_of=after_key)
    keys = ["scope", "region_id", "site_id", "area"]
    out = after[[*keys, "n", "mean", "hidden"]].rename(
        columns={"n": "n_to", "mean": "mean_to", "hidden": "hidden_to"})
    out = out.merge(before[[*keys, "n", "mean", "hidden"]].rename(
        columns={"n": "n_from", "mean": "mean_from", "hidden": "hidden_from"}), on=keys, how="left")
    out["hidden_from"] = out["hidden_from"].astype("boolean").fillna(True).astype(bool)
    to = released_tree(cur_rel, cur.respondents, cur_scores, "trainer", areas, key_of=to_key)
    fr = released_tree(prev_rel, prev.respondents, prev_scores, "trainer", areas,
                       key_of=from_key, nodes_of=cur.respondents)
    both = to[[*keys, "n", "mean", "hidden"]].merge(
        fr[[*keys, "mean", "hidden"]], on=keys, how="left", suffixes=("", "_fr"))
    hidden = both["hidden"] | both["hidden_fr"].astype("boolean").fillna(True).astype(bool)
    both["n_paired"] = both["n"].where(~hidden)
    both["mean_delta"] = (both["mean"] - both["mean_fr"]).where(~hidden)
    out = out.merge(both[[*keys, "n_paired", "mean_delta"]], on=keys, how="left")
    out["hidden_paired"] = out["n_paired"].isna()
    cols = ["scope", "region_id", "site_id", "area", "n_paired", "mean_delta", "n_from", "mean_from",
            "n_to", "mean_to", "hidden_paired", "hidden_from", "hidden_to"]
    return out[cols].sort_values(["area", "region_id", "site_id"], na_position="first", ignore_index=True)
