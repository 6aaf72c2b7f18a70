"""The demo organisation: deterministic for a seed, the right size, plausible."""

import pandas as pd
import pytest
from sqlalchemy import text

from demo.load import generate_and_load
from demo.organisation import make_people, make_sites, params
from storage.db import make_engine
from storage.migrate import upgrade

AREAS = ["engagement", "resources", "teaching", "assessment", "empowerment", "facilitation"]


def dump(engine) -> dict:
    with engine.connect() as c:
        return {
            "people": c.execute(text("select email, role, site_id, active from person "
                                     "order by id")).all(),
            "answers": c.execute(text("select response_id, item_id, value, not_applicable "
                                      "from answer order by id")).all(),
        }


def load(tmp_path, name, seed, size="tiny"):
    engine = make_engine(f"sqlite:///{tmp_path / name}")
    upgrade(engine)
    summary = generate_and_load(engine, size=size, seed=seed)
    return engine, summary


def test_same_seed_gives_the_same_organisation(tmp_path):
    a, _ = load(tmp_path, "a.db", 3)
    b, _ = load(tmp_path, "b.db", 3)
    c, _ = load(tmp_path, "c.db", 4)
    assert dump(a) == dump(b)
    assert dump(a) != dump(c)


@pytest.mark.parametrize("size", ["default", "large"])
def test_sizes_match_the_parameters(size):
    import numpy as np

    spec = params()["sizes"][size]
    rng = np.random.default_rng(7)
    sites = make_sites(rng, size)
    people = make_people(rng, size, sites, AREAS)
    assert len(sites) == spec["sites"]
    n_regions = len(params()["regions"]) if spec["regions"] == "all" else len(spec["regions"])
    assert len({s.region for s in sites}) == n_regions
    trainers_at_start = sum(p.role == "trainer" and not p.joined_late for p in people)
    assert trainers_at_start == spec["trainers"]
    assert sum(p.role == "manager" for p in people) == spec["managers"]
    assert {p.role for p in people if p.site is None} == {"director", "lead", "admin"}
    assert len({p.email for p in people}) == len(people)
    assert {s.culture for s in sites} == set(params()["cultures"])


def test_default_demo_is_plausible(demo_url):
    engine = make_engine(demo_url)
    scores = pd.read_sql(text(
        "select c.starts_on, r.role, r.person_id, rs.score from responsescore rs "
        "join response r on r.id = rs.response_id join campaign c on c.id = r.campaign_id "
        "where rs.area = 'overall' and r.role = 'trainer'"), engine.connect())
    first, second = sorted(scores["starts_on"].unique())
    paired = scores.pivot_table(index="person_id", columns="starts_on", values="score").dropna()
    assert len(paired) > 100
    progress = paired[second] - paired[first]
    assert 0 < progress.mean() < 20, "trainers progress a little in a year, not a lot"
    assert (progress < 0).any(), "not everyone progresses"
    assert scores["score"].between(0, 100).all()
    names = pd.read_sql(text("select first_name, last_name from person"), engine.connect())
    assert names["first_name"].str.contains("[éèëïç]").any(), "French names keep accents"
