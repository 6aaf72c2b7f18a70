"""The roster's optional trade column: French and English headers, synonyms, bad values, re-import."""

import pytest
from sqlmodel import select

from roster.apply import RosterRejected, import_roster, preview
from roster.parse import parse
from storage.db import read_session
from storage.models import Person, PersonTrade
from tests.roster.conftest import lyon  # noqa: F401 - fixture

FR = ("Prénom;Nom;Courriel;Rôle;Site;Filière\n"
      "Awa;Diallo;awa@exemple.fr;formatrice;LYON-CONF;BTP\n"
      "Jean;Martin;jean@exemple.fr;formateur;LYON-CONF;Hôtellerie-Restauration\n"
      "Lou;Petit;lou@exemple.fr;formateur;LYON-CONF;\n").encode("utf-8")
EN = ("First name,Last name,Email,Role,Site,Trade\n"
      "Awa,Diallo,awa@exemple.fr,trainer,LYON-CONF,care\n"
      "Jean,Martin,jean@exemple.fr,trainer,LYON-CONF,IT\n"
      "Lou,Petit,lou@exemple.fr,trainer,LYON-CONF,Building\n").encode("utf-8")


def stored(engine):
    with read_session(engine) as s:
        rows = s.exec(select(Person.email, PersonTrade.trade)
                      .join(PersonTrade, PersonTrade.person_id == Person.id)).all()
    return dict(rows)


@pytest.mark.parametrize("data,name,header", [(FR, "r.csv", "Filière"), (EN, "r.csv", "Trade")])
def test_trade_header_is_found_in_both_languages(data, name, header):
    rows = parse(data, name)
    assert "trade" in rows.attrs["columns"]
    assert rows["trade"].iloc[0] != ""


def test_french_roster_stores_trades_and_leaves_empty_cells_without(lyon):  # noqa: F811
    import_roster(lyon, FR, "r.csv")
    assert stored(lyon) == {"awa@exemple.fr": "building", "jean@exemple.fr": "hospitality"}


def test_english_roster_replaces_trades_and_reimport_changes_nothing(lyon):  # noqa: F811
    import_roster(lyon, FR, "r.csv")
    summary = import_roster(lyon, EN, "r.csv")
    assert summary.updated == 3 and summary.created == 0
    assert stored(lyon) == {"awa@exemple.fr": "care", "jean@exemple.fr": "it", "lou@exemple.fr": "building"}
    again = import_roster(lyon, EN, "r.csv")
    assert (again.updated, again.unchanged) == (0, 3)


def test_a_file_without_the_column_keeps_stored_trades(lyon):  # noqa: F811
    import_roster(lyon, EN, "r.csv")
    plain = b"Prenom;Nom;Courriel;Role;Site\nAwa;Diallo;awa@exemple.fr;formatrice;LYON-CONF\n"
    import_roster(lyon, plain, "r.csv")
    assert stored(lyon)["awa@exemple.fr"] == "care"


def test_unknown_trade_is_named_with_its_line_and_nothing_is_written(lyon):  # noqa: F811
    bad = FR.replace(b"BTP", b"Astronautique")
    result = preview(lyon, bad, "r.csv")
    assert [p.line for p in result.problems] == [2]
    fr = result.problems[0].render("fr")
    assert "Ligne 2" in fr and "Astronautique" in fr and "building" in fr
    assert "Line 2" in result.problems[0].render("en")
    with pytest.raises(RosterRejected):
        import_roster(lyon, bad, "r.csv")
    assert stored(lyon) == {}
    with read_session(lyon) as s:
        assert not s.exec(select(Person)).all()
