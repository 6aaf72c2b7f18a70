"""A small organisation in memory, two campaigns, and every figure a director reads, as equations.

:class:`World` holds people (site, region, modalities, scores per campaign),
who has submitted, who was erased.  :meth:`World.read` does what a page
read does through the disclosure layer - decide the releases of both
campaigns from their history, record the new rows, build the overview for
every modality filter and both campaigns - and writes every visible figure
into a :class:`~tests.disclosure.linalg.Ledger` as an equation over the
per-response unknowns, after checking that the figure really is the mean
over the population it claims (so the equations are the figures' truth).
:meth:`World.read_legacy` does the same with the functions the pages called
before the layer, whose populations are "everyone submitted at that node".
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from champions import trainer_map
from champions.data import ChampionsData, from_release, site_positions
from champions.rules import trainers_frame
from dashboards.overview import MODALITIES, build_overview
from disclosure.figures import released_tree
from disclosure.campaign import gap_items, offer_paired, paired_key, prev_paired_key, release_of
from disclosure.release import Row, gap_key, node_key, slice_key
from disclosure.topdown import td_key
from scoring.aggregate import organisation_aggregates, trainer_aggregates
from scoring.data import RESPONDENT_COLUMNS, CampaignData
from scoring.gaps import _person_scores, perception_gaps
from scoring.indices import bottom_up_trainers, top_down_people
from scoring.levels import level_of
from scoring.schema import ORG_ELEMENTS, OVERALL, TRAINER_AREAS
from survey.loader import default_questionnaires
from tests.disclosure.legacy import modality_aggregates, stored_progress
from tests.disclosure.linalg import Ledger

AREAS = (*TRAINER_AREAS, OVERALL)
ELEMENTS = (*ORG_ELEMENTS, OVERALL)
C1, C2 = 1, 2
RESCORED = "assessment"  # the area World.rescore gives new weights


@dataclass
class Person:
    pid: int
    site_id: int
    region_id: int
    modalities: tuple[str, ...]
    scores: dict[int, dict[str, float]]  # campaign -> area -> score (a missing area: no score)
    role: str = "trainer"  # or "manager" (scores per organisation element)
    shared: dict[int, dict[str, float]] = field(default_factory=dict)  # campaign -> item -> 0-4 (NaN: N/A)


@dataclass
class World:
    people: list[Person]
    k: int = 5
    submitted: dict[int, list[int]] = field(default_factory=lambda: {C1: [], C2: []})
    erased: set[int] = field(default_factory=set)
    closed: dict[int, bool] = field(default_factory=lambda: {C1: True, C2: False})
    history: dict[int, list[Row]] = field(default_factory=lambda: {C1: [], C2: []})
    epoch: int = 0  # rescorings of the second campaign (new weights for RESCORED)

    def rescore(self, fresh: bool = False) -> None:
        """New weights for one area of the second campaign: its scores become new unknowns.

        The layer keeps the history (disclosure.store.start_epoch); ``fresh``
        forgets it, the counterfactual the docs warn about.
        """
        self.epoch += 1
        for p in self.people:
            if RESCORED in p.scores[C2]:
                p.scores[C2][RESCORED] = float((p.scores[C2][RESCORED] * 7 + 13 * self.epoch + p.pid) % 101)
        if fresh:
            self.history[C2] = []

    def submit(self, campaign: int, pid: int) -> None:
        self.submitted[campaign].append(pid)

    @staticmethod
    def response_id(campaign: int, pid: int) -> int:
        return campaign * 10_000 + pid

    def data(self, campaign: int) -> CampaignData:
        """The campaign as load_campaign would read it (erased people unlinked, scores kept)."""
        pair = default_questionnaires()
        by_id = {p.pid: p for p in self.people}
        resp, scores = [], []
        for pid in self.submitted[campaign]:
            p, rid = by_id[pid], self.response_id(campaign, pid)
            resp.append({"response_id": rid, "person_id": None if pid in self.erased else pid,
                         "site_id": p.site_id, "region_id": p.region_id, "role": p.role,
                         "campaign_id": campaign, "relay_willing": False, "relay_hours": 0.0,
                         "relay_areas": (), "consent_named": False,
                         "modalities": () if pid in self.erased else p.modalities,
                         "years_practice": float("nan")})
            for area, score in p.scores[campaign].items():
                scores.append((rid, area, score))
        respondents = pd.DataFrame(resp, columns=list(RESPONDENT_COLUMNS))
        frame = pd.DataFrame(scores, columns=["response_id", "area", "score"])
        frame["score"] = frame["score"].astype(float)
        frame["level"] = level_of(frame["score"])
        if campaign == C2 and self.epoch:
            frame.attrs["epoch"] = {RESCORED: self.epoch}
        answers = pd.DataFrame([(self.response_id(campaign, pid), item, value)
                                for pid in self.submitted[campaign]
                                for item, value in by_id[pid].shared.get(campaign, {}).items()],
                               columns=["response_id", "item_id", "value"])
        answers["value"] = answers["value"].astype(float)
        answers["response_id"] = answers["response_id"].astype(np.int64)
        return CampaignData(campaign, frame, respondents, answers, pair.trainer.items_frame(),
                            pair.organisation.items_frame(), pair.trainer, pair.organisation)

    # --- the layer ---------------------------------------------------------------------------
    def releases(self):  # noqa: ANN201
        """Decide both campaigns like disclosure.store.releases, and keep the new rows."""
        d1, d2 = self.data(C1), self.data(C2)
        r1 = release_of(d1, self.history[C1], self.closed[C1], self.k)
        r2 = release_of(d2, self.history[C2], self.closed[C2], self.k)
        offer_paired(d1, d2, r1, r2)
        for c, r in ((C1, r1), (C2, r2)):
            self.history[c].extend(r.new_rows)
            r.new_rows.clear()
        return d1, d2, r1, r2

    def read(self, ledger: Ledger) -> None:
        """Every figure of both campaigns' overviews, every modality, into the ledger."""
        d1, d2, r1, r2 = self.releases()
        ov2 = build_overview(d2, d1, self.k, None, releases=(r2, r1))
        ov1 = build_overview(d1, None, self.k, None, releases=(r1, None))
        for data, rel, ov in ((d2, r2, ov2), (d1, r1, ov1)):
            _tree(ledger, data, ov.trainers, lambda node, r=rel: r.population("trainer", node))
            _tree(ledger, data, ov.managers, lambda node, r=rel: r.population("manager", node), "manager")
            _gaps(ledger, data, ov.gaps, lambda role, node, u, r=rel: r.population(role, gap_key(u, node)))
            # the modality filter's frame, as build_overview(modality=m) makes it (the rest of
            # the overview does not depend on the filter)
            for m in MODALITIES:
                frame = released_tree(rel, data.respondents, data.scores, "trainer", AREAS, m)
                _tree(ledger, data, frame, lambda node, r=rel, m=m: r.population("trainer", slice_key(node, m)))
        if ov2.progress is not None:
            _progress(ledger, d1, d2, r1, r2, ov2.progress)
        for data, rel in ((d2, r2), (d1, r1)):
            _champions(ledger, data, from_release(data, rel, self.sites(), self.k), rel)

    def sites(self) -> pd.DataFrame:
        """The site table of champions.data.site_table: site_id, site, region_id, region."""
        pairs = sorted({(p.site_id, p.region_id) for p in self.people})
        return pd.DataFrame({"site_id": pd.array([s for s, _ in pairs], dtype="Int64"),
                             "site": [f"S{s}" for s, _ in pairs], "region_id": [r for _, r in pairs],
                             "region": [f"R{r}" for _, r in pairs]})

    # --- the code before the layer ------------------------------------------------------------
    def read_legacy(self, ledger: Ledger) -> None:
        """The same reads through the functions pages called before the layer."""
        d1, d2 = self.data(C1), self.data(C2)
        for data in (d1, d2):
            frames = [(None, trainer_aggregates(data.scores, data.respondents, self.k, data.campaign_id))]
            frames += [(m, modality_aggregates(data, m, self.k)) for m in MODALITIES]
            for modality, frame in frames:
                _tree(ledger, data, frame, lambda node, d=data, m=modality: _everyone(d, node, m))
            _gaps(ledger, data, perception_gaps(data.answers, gap_items(data), data.respondents, k=self.k),
                  lambda role, node, u, d=data: _everyone(d, node, None, role))
            managers = organisation_aggregates(data.scores, data.respondents, self.k, data.campaign_id)
            _tree(ledger, data, managers, lambda node, d=data: _everyone(d, node, None, "manager"), "manager")
        try:
            prog = stored_progress(d1, d2, self.k)
        except ValueError:  # the old progress crashed when every paired person was erased
            prog = None
        if prog is not None:
            _legacy_progress(ledger, d1, d2, prog)
        for data in (d1, d2):  # the champions map before the layer: every submitted response
            everyone = _Everyone(data, self.k)
            champ = ChampionsData(data.campaign_id, site_positions(data, self.sites(), self.k),
                                  trainers_frame(data.scores, data.respondents), {}, self.k,
                                  frozenset(data.respondents["response_id"].astype(int)))
            champ.trainers["site_id"] = champ.trainers["site_id"].astype("Int64")
            _champions(ledger, data, champ, everyone)


def _champions(ledger: Ledger, data: CampaignData, champ, rel) -> None:  # noqa: ANN001
    """What the champions map shows: each site's bottom-up and top-down index, the density
    per region and for all regions (every figure checked against the population it claims).

    The combined top-down index (0.6 x managers + 0.4 x trainers) is entered as its two
    sides separately: an attacker who knew both sums would know at least as much.
    """
    managers, trainers = top_down_people(data.scores, data.answers, data.trainer_items, data.respondents)
    bottom = bottom_up_trainers(data.scores, data.answers, data.trainer_items, data.respondents)
    index = dict(zip(bottom["response_id"].astype(int), bottom["index"]))
    for _, row in champ.sites[~champ.sites["hidden"]].iterrows():
        node = f"site:{int(row['site_id'])}"
        ids = sorted(int(r) for r in rel.population("trainer", node) if not pd.isna(index.get(int(r))))
        assert row["n_trainers"] == len(ids), (node, row["n_trainers"], len(ids))
        assert math.isclose(row["bottom_up"], float(np.mean([index[i] for i in ids])), abs_tol=1e-9)
        ledger.add("bottom_up", _unknowns(data.campaign_id, ids))
        t_ids = sorted(int(r) for r in rel.population("trainer", td_key(node)) if int(r) in trainers.index)
        m_ids = sorted(int(r) for r in rel.population("manager", td_key(node)) if int(r) in managers.index)
        t_mean = float(trainers.loc[t_ids, "value"].mean())
        if row["basis"] == "combined":
            m_mean = float(managers.loc[m_ids, "value"].mean())
            assert math.isclose(row["top_down"], 0.6 * m_mean + 0.4 * t_mean, abs_tol=1e-9)
            ledger.add("td:manager", _unknowns(data.campaign_id, m_ids))
        else:
            assert math.isclose(row["top_down"], t_mean, abs_tol=1e-9), (node, row["top_down"], t_mean)
        ledger.add("td:trainer", _unknowns(data.campaign_id, t_ids))
    trainers_shown = champ.density_trainers()
    placed = trainer_map.placed(trainers_shown, champ.sites).merge(champ.sites[["site_id", "region"]],
                                                                   on="site_id")
    placed = placed.assign(_x=trainer_map._band(placed["x"]), _y=trainer_map._band(placed["y"]))
    for region in (None, *sorted(champ.sites["region"].unique())):
        cells = trainer_map.density(trainers_shown, champ.sites, rel.k, region)
        pop = placed if region is None else placed[placed["region"] == region]
        for _, c in cells[~cells["hidden"]].iterrows():
            column = pop[pop["_x"] == c["x_band"]]
            assert c["n"] == int((column["_y"] == c["y_band"]).sum()), (region, c.to_dict())
            # a count per practice band: a sum of 0/1 unknowns over the column's trainers
            ledger.add(f"band:{c['y_band']}", _unknowns(data.campaign_id, column["response_id"].astype(int).tolist()))


class _Everyone:
    """A stand-in for a Release before the layer: every figure key is over everyone submitted."""

    def __init__(self, data: CampaignData, k: int) -> None:
        self.data, self.k = data, k

    def population(self, role: str, key: str) -> np.ndarray:
        return _everyone(self.data, key.split("|")[-1], None, role)


def _everyone(data: CampaignData, node: str, modality: str | None, role: str = "trainer") -> np.ndarray:
    """Before the layer, a node's figure was over every submitted response under it."""
    r = data.respondents[data.respondents["role"] == role]
    kind, _, ident = node.partition(":")
    if kind == "site":
        r = r[r["site_id"] == int(ident)]
    elif kind == "region":
        r = r[r["region_id"] == int(ident)]
    if modality:
        r = r[r["modalities"].map(lambda v: modality in v)]
    return r["response_id"].to_numpy()


def _lookup(data: CampaignData) -> dict:
    """(response_id, area) -> score, for the responses with a score (cached on the frame)."""
    cache = data.scores.attrs.get("_lookup")
    if cache is None:
        valid = data.scores[data.scores["score"].notna()]
        cache = dict(zip(zip(valid["response_id"].astype(int), valid["area"].astype(str)), valid["score"]))
        data.scores.attrs["_lookup"] = cache
    return cache


def _present(data: CampaignData, area: str, population) -> list[int]:  # noqa: ANN001
    scores = _lookup(data)
    return sorted(int(r) for r in set(np.asarray(population).tolist()) if (int(r), area) in scores)


def _mean(data: CampaignData, area: str, ids: list[int]) -> float:
    scores = _lookup(data)
    return float(np.mean([scores[(i, area)] for i in ids])) if ids else float("nan")


def _unknowns(campaign: int, ids: list[int], data: CampaignData | None = None, area: str = "") -> set:
    """Unknown ids; after a rescoring an area's scores are new unknowns (campaign, id, epoch)."""
    tag = data.scores.attrs.get("epoch", {}).get(area) if data is not None else None
    return {(campaign, i) if not tag else (campaign, i, tag) for i in ids}


def _tree(ledger: Ledger, data: CampaignData, frame: pd.DataFrame, population_of,  # noqa: ANN001
          role: str = "trainer") -> None:
    """Every visible row of a tree frame as equations (managers' unknowns are their own universe)."""
    prefix = "" if role == "trainer" else f"{role}:"
    for _, row in frame[~frame["hidden"].astype(bool)].iterrows():
        node = node_key(row["region_id"], row["site_id"])
        ids = _present(data, row["area"], population_of(node))
        # the figure must be what it claims: n and mean over exactly that population
        assert row["n"] == len(ids), (node, row["area"], row["n"], len(ids))
        assert math.isclose(row["mean"], _mean(data, row["area"], ids), abs_tol=1e-9)
        ledger.add(f"{prefix}score:{row['area']}", _unknowns(data.campaign_id, ids, data, row["area"]))
        if row["area"] == OVERALL:
            # the level counts are sums of 0/1 unknowns over the same population
            scores = _lookup(data)
            levels = level_of(pd.Series([scores[(i, OVERALL)] for i in ids], dtype=float)).astype(str)
            for code in ("A1", "A2", "B1", "B2", "C1", "C2"):
                if not pd.isna(row.get(f"n_{code}", np.nan)):
                    assert row[f"n_{code}"] == int((levels == code).sum())
                    ledger.add(f"{prefix}level:{code}", _unknowns(data.campaign_id, ids))


def _gaps(ledger: Ledger, data: CampaignData, gaps: pd.DataFrame, population_of) -> None:  # noqa: ANN001
    """Visible perception gaps: each side a mean (and a variance) over its released people who answered."""
    if gaps.empty:
        return
    items = gap_items(data)
    per = _person_scores(data.answers, items, data.respondents, sorted(data.answers["item_id"].unique()))
    values = {(int(r), k, str(key)): v for r, k, key, v in
              zip(per["response_id"], per["kind"], per["key"], per["score"])}
    for _, row in gaps[~gaps["hidden"].astype(bool)].iterrows():
        node = "org" if row["scope"] == "org" else f"site:{int(row['site_id'])}"
        for role in ("manager", "trainer"):
            pop = population_of(role, node, f"gap:{row['kind']}:{row['key']}")
            ids = sorted(int(r) for r in pop if (int(r), row["kind"], str(row["key"])) in values)
            assert row[f"n_{role}s"] == len(ids), (node, role, row["key"])
            mean = float(np.mean([values[(i, row["kind"], str(row["key"]))] for i in ids]))
            assert math.isclose(row[f"mean_{role}s"], mean, abs_tol=1e-9)
            ledger.add(f"{role}:gap:{row['kind']}:{row['key']}", _unknowns(data.campaign_id, ids))


def _progress(ledger: Ledger, d1, d2, r1, r2, prog: pd.DataFrame) -> None:  # noqa: ANN001
    for _, row in prog.iterrows():
        node, area = node_key(row["region_id"], row["site_id"]), row["area"]
        if not row["hidden_from"]:
            ids = _present(d1, area, r1.population("trainer", node))
            assert math.isclose(row["mean_from"], _mean(d1, area, ids), abs_tol=1e-9)
            ledger.add(f"score:{area}", _unknowns(C1, ids, d1, area))
        if not row["hidden_to"]:
            ids = _present(d2, area, r2.population("trainer", node))
            assert math.isclose(row["mean_to"], _mean(d2, area, ids), abs_tol=1e-9)
            ledger.add(f"score:{area}", _unknowns(C2, ids, d2, area))
        if not row["hidden_paired"]:
            y = _present(d2, area, r2.population("trainer", paired_key(node)))
            x = _present(d1, area, r1.population("trainer", prev_paired_key(C2, node)))
            assert len(x) == len(y) == row["n_paired"]
            assert math.isclose(row["mean_delta"], _mean(d2, area, y) - _mean(d1, area, x), abs_tol=1e-9)
            ledger.add(f"score:{area}", _unknowns(C2, y, d2, area), _unknowns(C1, x, d1, area))


def _legacy_progress(ledger: Ledger, d1, d2, prog: pd.DataFrame) -> None:  # noqa: ANN001
    """Old progress: linked people only, from-side by their unit in the first campaign."""
    r1 = d1.respondents[d1.respondents["person_id"].notna() & (d1.respondents["role"] == "trainer")]
    r2 = d2.respondents[d2.respondents["person_id"].notna() & (d2.respondents["role"] == "trainer")]
    both = r2.merge(r1, on="person_id", suffixes=("", "_1"))
    for _, row in prog.iterrows():
        node, area = node_key(row["region_id"], row["site_id"]), row["area"]

        def at(frame, sid="site_id", rid="region_id"):  # noqa: ANN001, ANN202
            if row["site_id"] is not None and not pd.isna(row["site_id"]):
                return frame[frame[sid] == row["site_id"]]
            if row["region_id"] is not None and not pd.isna(row["region_id"]):
                return frame[frame[rid] == row["region_id"]]
            return frame
        if not row["hidden_from"]:
            ids = _present(d1, area, at(r1)["response_id"].to_numpy())
            ledger.add(f"score:{area}", _unknowns(C1, ids))
        if not row["hidden_to"]:
            ids = _present(d2, area, at(r2)["response_id"].to_numpy())
            ledger.add(f"score:{area}", _unknowns(C2, ids))
        if not row["hidden_paired"]:
            pairs = at(both)
            ok = pairs[pairs["response_id"].isin(_present(d2, area, pairs["response_id"]))
                       & pairs["response_id_1"].isin(_present(d1, area, pairs["response_id_1"]))]
            ledger.add(f"score:{area}", _unknowns(C2, ok["response_id"].tolist()),
                       _unknowns(C1, ok["response_id_1"].tolist()))
        del node
