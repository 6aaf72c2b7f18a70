"""The relay-trainer rule: parametrised tables, N/A areas, explanations, emerging, stored rule."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from champions.rules import ChampionRule, evaluate, render
from i18n import RelaisError, Translator
from scoring.schema import TRAINER_AREAS

NA = np.nan
C1, B2, B1 = 75.0, 60.0, 45.0  # 75.0 is exactly the C1 cut-off


def _trainer(overall=80.0, areas=(C1, C1, B2, B2, B2, B2), willing=True, hours=2.0,
             consent=True, offered=("teaching",)):
    row = {"response_id": 1, "person_id": 1, "site_id": 1, "region_id": 1, "overall": overall,
           "relay_willing": willing, "relay_hours": hours, "relay_areas": tuple(offered),
           "consent_named": consent}
    row.update(dict(zip(TRAINER_AREAS, areas)))
    return row


def _eval(rule=None, **kwargs):
    return evaluate(rule or ChampionRule(), pd.DataFrame([_trainer(**kwargs)])).iloc[0]


@pytest.mark.parametrize(("kwargs", "qualifies", "emerging", "missed"), [
    ({}, True, False, []),
    ({"overall": 100 * 50 / 88}, True, False, []),                   # exactly on the B2 cut-off
    ({"overall": B1}, False, True, ["overall"]),                       # one level below: emerging
    ({"overall": 30.0}, False, False, ["overall"]),                    # A2: two levels below
    ({"areas": (C1, B2, B2, B2, B2, B2)}, False, True, ["areas"]),   # one C1, but two at B2+
    ({"areas": (C1, NA, NA, NA, NA, NA)}, False, False, ["areas"]),  # N/A areas never count
    ({"areas": (C1, 74.99, NA, NA, NA, NA)}, False, True, ["areas"]),
    ({"areas": (NA, NA, NA, NA, C1, C1)}, True, False, []),           # N/A elsewhere is fine
    ({"willing": False}, False, True, ["willing"]),
    ({"hours": 0.0}, False, True, ["hours"]),
    ({"hours": 1.0}, True, False, []),                                  # exactly the minimum
    ({"hours": 0.0, "willing": False}, False, False, ["willing", "hours"]),
    ({"consent": False}, False, False, ["consent"]),                   # never named, never emerging
    ({"consent": False, "hours": 0.0}, False, False, ["hours", "consent"]),
    ({"overall": NA}, False, False, ["overall"]),                      # no overall score
])
def test_default_rule_table(kwargs, qualifies, emerging, missed):
    row = _eval(**kwargs)
    assert bool(row["qualifies"]) is qualifies
    assert bool(row["emerging"]) is emerging
    assert [c for c in ("overall", "areas", "willing", "hours", "consent")
            if not row[f"ok_{c}"]] == missed


def test_changed_rule_changes_who_qualifies():
    rule = ChampionRule(min_overall_level="C1", min_area_level="B2", min_areas_at_level=4,
                        require_willing=False, min_hours=0)
    assert bool(_eval(rule, overall=80.0, willing=False, hours=0.0)["qualifies"])
    assert not bool(_eval(rule, overall=70.0)["qualifies"])


def test_reasons_name_the_areas_and_answers():
    row = _eval()
    lines = render(row["reasons"], Translator("fr"), {"engagement": "Engagement professionnel",
                                                       "resources": "Ressources numériques",
                                                       "teaching": "Enseignement"})
    assert lines[0] == "Niveau global C1 (score 80)"
    assert "Engagement professionnel : niveau C1 (score 75)" in lines
    assert "Ressources numériques : niveau C1 (score 75)" in lines
    assert not any("teaching" in line for line in lines[:3])  # B2 areas are not reasons
    assert "Propose 2 heures par mois" in lines
    assert "Propose d’accompagner ses collègues en : Enseignement" in lines


def test_missing_says_what_the_rule_asks():
    row = _eval(areas=(C1, B2, B2, B2, B2, B2))
    assert render(row["missing"], Translator("en")) == ["1 areas at C1 or above, the rule asks 2"]


def test_non_consenting_trainer_gets_no_explanation():
    assert _eval(consent=False)["reasons"] == []


@pytest.mark.parametrize(("fields", "needle"), [
    ({"min_overall_level": "B3"}, "B3"),
    ({"min_areas_at_level": 7}, "7"),
    ({"min_areas_at_level": 1.5}, "1.5"),
    ({"min_hours": -1}, "-1"),
    ({"require_consent": False}, "consentement"),
])
def test_bad_rule_is_refused_in_french(fields, needle):
    with pytest.raises(RelaisError) as err:
        ChampionRule(**fields)
    assert needle in err.value.render("fr")


def test_rule_round_trips_through_json_and_ignores_unknown_keys():
    rule = ChampionRule(min_overall_level="B1", min_hours=3)
    assert ChampionRule.from_json({**rule.to_json(), "old_key": 1}) == rule
    assert ChampionRule.from_json(None) == ChampionRule()
