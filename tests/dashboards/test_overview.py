"""Overview frames on the demo: guarded everywhere, modality slices guarded against the full tree."""

import numpy as np
import pandas as pd
import pytest

from dashboards.overview import (build_overview, gap_view, headline, heatmap, level_distribution,
                                 progress_view, site_profile, strengths_weaknesses)
from dashboards.participation import participation
from dashboards.units import campaigns, previous_campaign, units
from scoring.data import load_campaign
from storage.db import make_engine

K = 5


@pytest.fixture(scope="module")
def demo(demo_url):
    engine = make_engine(demo_url)
    cur, prev = load_campaign(engine, 2), load_campaign(engine, 1)
    yield engine, cur, prev
    engine.dispose()


def _real_n(data, modality=None):
    """Unguarded trainer counts per site for the overall area (for checking only)."""
    people = data.respondents[data.respondents["role"] == "trainer"]
    if modality:
        people = people[people["modalities"].map(lambda m: modality in m)]
    scored = data.scores[(data.scores["area"] == "overall") & data.scores["score"].notna()]
    return scored.merge(people, on="response_id").groupby("site_id").size()


@pytest.mark.parametrize("modality", ["face_to_face", "hybrid", "remote_sync", "remote_async"])
def test_modality_slice_never_lets_a_small_group_be_derived(demo, modality):
    _, cur, prev = demo
    ov = build_overview(cur, prev, modality=modality)
    sites = ov.trainers[(ov.trainers["scope"] == "site") & (ov.trainers["area"] == "overall")]
    full, part = _real_n(cur), _real_n(cur, modality)
    for _, row in sites.iterrows():
        n_slice, n_all = part.get(row["site_id"], 0), full.get(row["site_id"], 0)
        if row["hidden"]:
            assert np.isnan(row["mean"]) and np.isnan(row["n"])
        else:
            assert n_slice >= K and (n_all - n_slice == 0 or n_all - n_slice >= K)
            assert row["n"] == n_slice


def test_views_select_rows_and_hide_with_nan(demo):
    engine, cur, prev = demo
    ov = build_overview(cur, prev)
    u = units(engine)
    site, region = int(u["site_id"].iloc[0]), int(u["region_id"].iloc[0])
    org = headline(ov)
    assert not org["practice"][2] and 0 < org["practice"][0] < 100
    assert not org["maturity"][2]  # 20+ managers organisation-wide
    at_site = headline(ov, region, site)
    assert at_site["maturity"][2] and np.isnan(at_site["maturity"][0])  # 1-3 managers per site
    levels = level_distribution(ov)
    assert levels["n"].sum() == org["practice"][1]
    heat = heatmap(ov.trainers, u, "site", region)
    assert set(heat["region_id"]) == {region}
    assert set(heat["area"]) == {"engagement", "resources", "teaching", "assessment", "empowerment",
                                 "facilitation", "overall"}
    gaps = gap_view(ov)
    assert len(gaps) == 7 and gaps.loc[gaps["shared"], "real"].notna().all()
    assert gap_view(ov, site)["hidden"].all()
    prog = progress_view(ov, region, site)
    assert len(prog) == 7 and (prog["n_paired"].dropna() >= K).all()
    prof = site_profile(ov, site, region)
    assert list(prof.columns[:3]) == ["area", "site", "site_hidden"] and len(prof) == 7
    strong, weak = strengths_weaknesses(prof)
    assert not set(strong) & set(weak)
    diff = (prof.set_index("area")["site"] - prof.set_index("area")["org"]).drop("overall")
    if strong:
        assert strong[0] == diff.idxmax()
    if weak:
        assert weak[0] == diff.idxmin()


def test_participation_counts(demo):
    engine, cur, _ = demo
    part = participation(engine, 2)
    assert (part["invited"] >= part["started"]).all() and (part["started"] >= part["submitted"]).all()
    submitted = cur.respondents[cur.respondents["role"].isin(["trainer", "manager"])]
    assert part["submitted"].sum() == len(submitted[submitted["site_id"].notna()])


def test_previous_campaign(demo):
    engine, _, _ = demo
    table = campaigns(engine)
    assert previous_campaign(table, 2) == 1 and previous_campaign(table, 1) is None


def test_no_progress_across_different_questionnaires(demo):
    _, cur, prev = demo
    from dataclasses import replace

    other = replace(prev, trainer_questionnaire=prev.trainer_questionnaire.model_copy(
        update={"version": prev.trainer_questionnaire.version + 1}))
    assert other.trainer_questionnaire.checksum() != cur.trainer_questionnaire.checksum()
    assert build_overview(cur, other).progress is None
    assert build_overview(cur, prev).progress is not None
    pd.testing.assert_frame_equal(build_overview(cur, prev).trainers, build_overview(cur, None).trainers)
