"""Planner inputs and the disclosure layer (issue 16): weights from released figures, relays
from consent in force."""

from __future__ import annotations

import datetime as dt
import math

from disclosure.store import releases
from disclosure.topdown import released_top_down
from planning.inputs import DEFAULT_WEAKNESS, build_instance, monthly_waves, site_weakness
from planning.model import Params
from scoring.data import load_campaign
from scoring.indices import top_down_sites
from storage.db import make_engine

WAVES = monthly_waves(dt.date(2026, 9, 15), 2)


def test_site_weakness_reads_the_released_top_down_index(demo_url):
    eng = make_engine(demo_url)
    try:
        data = load_campaign(eng, 2)
        rel, _ = releases(eng, data, None)
        td = released_top_down(data, rel)
        weakness = site_weakness(data, rel)
    finally:
        eng.dispose()
    org = td.loc[td["scope"] == "org", "top_down"].iloc[0]
    fallback = (100 - org) / 100 if not math.isnan(org) else DEFAULT_WEAKNESS
    sites = td[td["scope"] == "site"].set_index("site_id")
    assert weakness
    for site, w in weakness.items():
        value = sites["top_down"].get(site, math.nan)
        expect = (100 - value) / 100 if not math.isnan(value) else fallback
        assert math.isclose(w, min(1.0, max(0.0, expect)), abs_tol=1e-12), site
    # the released index differs from one over every stored response where a site grew
    # since its release; it never uses a site the layer keeps hidden
    everyone = top_down_sites(data.scores, data.answers, data.trainer_items, data.respondents)
    hidden = set(sites.index[sites["hidden"]].astype(int))
    visible_everyone = set(everyone.loc[(everyone["scope"] == "site") & ~everyone["hidden"], "site_id"].astype(int))
    for site in hidden & visible_everyone:
        assert math.isclose(weakness[site], fallback)


def test_relays_need_consent_in_force_whatever_the_rule(demo_url):
    eng = make_engine(demo_url)
    try:
        data = load_campaign(eng, 2)
        inst = build_instance(eng, 2, Params(time_limit_s=5), WAVES, champion_rule=lambda row, s: True)
    finally:
        eng.dispose()
    consent = dict(zip(data.respondents["person_id"], data.respondents["consent_named"]))
    assert inst.relays
    assert all(bool(consent[r.person_id]) for r in inst.relays)
    assert any(not bool(v) for v in consent.values())  # the rule alone would have named them
