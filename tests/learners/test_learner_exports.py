"""The three-way gap as export tables: the page's nodes, FR/EN headers, hidden sides as text."""

import math

import pandas as pd
import pytest

from dashboards.learners_export import has_learner_figures, shown_nodes, three_way_tables
from i18n import Translator
from survey.learner_questionnaire import default

Q = default()
ITEM = next(iter(Q.mirrored()))
NAN = math.nan


def row(scope, rid, sid, hidden_managers=False, hidden_learners=False):
    """One statement at one node, as disclosure.learners.three_way gives it."""
    r = {"scope": scope, "region_id": rid, "site_id": sid, "item": ITEM, "org_item": Q.mirrored()[ITEM]}
    for side, mean, hidden in (("managers", 61.25, hidden_managers), ("trainers", 48.0, False),
                               ("learners", 55.5, hidden_learners)):
        r.update({f"n_{side}": NAN if hidden else 12.0, f"mean_{side}": NAN if hidden else mean,
                  f"ci_low_{side}": NAN if hidden else mean - 5, f"ci_high_{side}": NAN if hidden else mean + 5,
                  f"hidden_{side}": hidden})
    lm = NAN if hidden_managers or hidden_learners else r["mean_learners"] - r["mean_managers"]
    lt = NAN if hidden_learners else r["mean_learners"] - r["mean_trainers"]
    r.update({"gap_lm": lm, "gap_lm_low": lm - 3, "gap_lm_high": lm + 3,
              "gap_lt": lt, "gap_lt_low": lt - 9, "gap_lt_high": lt + 9})
    return r


THREE = pd.DataFrame([row("org", None, None), row("region", 1, None),
                      row("site", 1, 10, hidden_managers=True), row("site", 1, 11)])


@pytest.mark.parametrize("region,site,expected", [
    (None, None, [("org", None, None, "Org")]),
    (1, None, [("region", 1, None, "North")]),
    (1, 10, [("site", 1, 10, "Site A"), ("region", 1, None, "North")]),  # a side hidden: region follows
    (1, 11, [("site", 1, 11, "Site A")]),  # every side shown: the region is not added
])
def test_nodes_are_the_ones_the_page_draws(region, site, expected):
    assert shown_nodes(THREE, region, site, "Org", "North", "Site A") == expected


def test_english_headers_numbers_and_real_gap():
    means, gaps = three_way_tables(THREE, [("org", None, None, "Organisation")], Q, Translator("en"), 5)
    assert (means.title, gaps.title) == ("Three views", "Learners' gaps")
    assert list(means.frame.columns) == ["Scope", "Statement (learners' wording)", "Who answers",
                                         "Score (0-100)", "Interval low", "Interval high", "Respondents"]
    assert list(gaps.frame.columns) == ["Scope", "Statement (learners' wording)", "Comparison", "Gap",
                                        "Interval low", "Interval high", "Real gap"]
    assert means.frame["Who answers"].tolist() == ["Managers", "Trainers", "Learners"]
    assert means.frame["Score (0-100)"].tolist() == [61.2, 48.0, 55.5]
    assert means.frame["Respondents"].tolist() == [12, 12, 12]
    assert means.frame["Statement (learners' wording)"].iloc[0] == Q.item(ITEM).text["en"]
    # learners minus managers -5.75 within ±3 excludes 0; learners minus trainers 7.5 within ±9 does not
    assert gaps.frame[["Gap", "Real gap"]].values.tolist() == [[-5.8, "Yes"], [7.5, "No"]]


def test_a_hidden_side_and_its_gap_are_text_never_a_number():
    means, gaps = three_way_tables(THREE, [("site", 1, 10, "Site A")], Q, Translator("fr"), 5)
    managers = means.frame[means.frame["Qui répond"] == "Responsables"].iloc[0]
    assert managers[["Score (0-100)", "Borne basse", "Borne haute", "Répondant·es"]].tolist() == \
        ["moins de 5 réponses"] * 4
    lm = gaps.frame[gaps.frame["Comparaison"] == "Apprenant·es moins responsables"].iloc[0]
    assert lm[["Écart", "Borne basse", "Borne haute", "Écart réel"]].tolist() == ["moins de 5 réponses"] * 4
    assert gaps.frame.loc[gaps.frame["Comparaison"] == "Apprenant·es moins formateur·rices", "Écart"].iloc[0] == 7.5


def test_no_learner_figure_no_table():
    assert not has_learner_figures(pd.DataFrame({"n": [NAN, NAN]}))
    assert three_way_tables(THREE, [("site", 9, 99, "Elsewhere")], Q, Translator("fr"), 5) == []
