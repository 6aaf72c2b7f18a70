"""The overview's charts are valid Vega-Lite on the demo's figures.

Pages draw specs built without Altair's schema validation (ui.dashboards._spec:
the validator costs a cold overview about half a second), so the chart
functions are validated here, on the frames the page draws.
"""

import pandas as pd
import pytest

from charts import dashboards as charts
from charts.learners import three_way_chart
from dashboards import display
from dashboards.overview import build_overview
from dashboards.participation import participation
from dashboards.units import units
from i18n import Translator
from scoring.data import load_campaign
from storage.db import make_engine

T = Translator("fr")


@pytest.fixture(scope="module")
def shown(demo_url):  # noqa: ANN001
    engine = make_engine(demo_url)
    ov = build_overview(load_campaign(engine, 2), load_campaign(engine, 1))
    yield ov, units(engine), participation(engine, 2)
    engine.dispose()


def test_overview_charts_are_valid_vega_lite(shown):  # noqa: ANN001
    ov, u, part = shown
    levels = display.levels_display(ov, T, None, None)
    prog = display.progress_display(ov, T, ("Avant", "Après"), None, None)
    built = {
        "participation": charts.participation_chart(
            display.participation_display(part, u, T, "trainer", None, None), "Région", "Formateurs", "Statut"),
        "levels": charts.levels_chart(levels, "Niveau", "Formateurs"),
        "regions": charts.heatmap_chart(display.heatmap_display(ov, u, T, "region"), "Région", "Domaine",
                                        "Score", "region_pick"),
        "sites": charts.heatmap_chart(display.heatmap_display(ov, u, T, "site"), "Site", "Domaine", "Score"),
        "gaps": charts.gap_chart(display.gap_display(ov, T), "Élément", "Écart", "Écart"),
        "three_way": three_way_chart(pd.DataFrame({
            "statement": ["L1", "L1"], "side": ["Responsables", "Apprenants"], "mean": [60.0, 55.0],
            "ci_low": [50.0, 45.0], "ci_high": [70.0, 65.0]}), "Énoncé", "Score", "Qui", ["Responsables",
                                                                                          "Apprenants"]),
    }
    assert prog is not None and not prog["mean"].isna().all()
    built["progress"] = charts.progress_chart(prog, "Domaine", "Score", "Campagne")
    assert not levels["hidden"].all()
    for name, chart in built.items():
        spec = chart.to_dict()  # validates against Altair's Vega-Lite schema, raises when invalid
        assert spec.get("$schema", "").startswith("https://vega.github.io/schema/vega-lite/"), name
