"""Import: every problem by line and nothing written; all or nothing; re-import changes nothing."""

import pytest
from sqlalchemy import func
from sqlmodel import select

from roster.apply import RosterRejected, import_roster, preview
from storage.db import read_session, write_session
from storage.models import Answer, AuditLog, Person, Region, Site
from tests.roster.conftest import fixture_bytes

MESSY_PROBLEM_LINES = [4, 5, 6, 7, 8, 11]


def snapshot(engine):
    with read_session(engine) as s:
        people = sorted((p.email, p.external_id, p.first_name, p.last_name, p.role, p.site_id,
                         p.active, p.language) for p in s.exec(select(Person)).all())
        sites = sorted((x.code, x.name, x.region_id) for x in s.exec(select(Site)).all())
        regions = sorted((r.code, r.name) for r in s.exec(select(Region)).all())
    return people, sites, regions


@pytest.mark.parametrize("name", ["roster_messy_fr.csv", "roster_messy_fr_bom.csv"])
def test_messy_file_reports_every_problem_by_line_and_writes_nothing(lyon, name):
    before = snapshot(lyon)
    result = preview(lyon, fixture_bytes(name), name)
    assert [p.line for p in result.problems] == MESSY_PROBLEM_LINES
    messages = [p.render("fr") for p in result.problems]
    assert messages[0].startswith("Ligne 4") and "francois.dupre@exemple" in messages[0]
    assert "ligne 2" in messages[1]  # duplicate email points at its first line
    assert "Stagiaire" in messages[3] and "Saint-Étienne Centre" in messages[4]
    with pytest.raises(RosterRejected) as err:
        import_roster(lyon, fixture_bytes(name), name, create_sites=True)
    assert [p.line for p in err.value.problems] == [4, 5, 6, 7, 8, 11]
    assert snapshot(lyon) == before
    with read_session(lyon) as s:
        assert not s.exec(select(AuditLog)).all()


def test_clean_file_imports_with_new_site_only_when_asked(lyon):
    data = fixture_bytes("roster_clean_fr.csv")
    without = preview(lyon, data, "clean.csv")
    assert [p.line for p in without.problems] == [6]  # Grenoble is unknown
    summary = import_roster(lyon, data, "clean.csv", create_sites=True)
    assert (summary.created, summary.updated, summary.sites_created, summary.regions_created) \
        == (5, 0, 1, 0)
    with read_session(lyon) as s:
        zoe = s.exec(select(Person).where(Person.email == "zoe.perier@exemple.fr")).one()
        site = s.get(Site, zoe.site_id)
        helene = s.exec(select(Person).where(Person.external_id == "M003")).one()
    assert site.name == "Grenoble Presqu'île" and zoe.language == "en"
    assert helene.role == "manager" and helene.last_name == "Bœuf"


def test_reimport_of_the_same_file_changes_nothing(lyon):
    data = fixture_bytes("roster_clean_fr.csv")
    import_roster(lyon, data, "clean.csv", create_sites=True)
    before = snapshot(lyon)
    again = import_roster(lyon, data, "clean.csv", create_sites=True, deactivate_missing=True)
    assert (again.created, again.updated, again.unchanged, again.deactivated,
            again.sites_created) == (0, 0, 5, 0, 0)
    assert snapshot(lyon) == before


def test_newer_file_updates_and_deactivates_leavers_keeping_their_answers(lyon):
    import_roster(lyon, fixture_bytes("roster_clean_fr.csv"), "v1.csv", create_sites=True)
    with write_session(lyon) as s:
        francois = s.exec(select(Person).where(Person.external_id == "M002")).one()
        fid = francois.id
    from tests.privacy.helpers import add_response
    add_response(lyon, fid)
    v2 = ("Prénom;Nom;Courriel;Matricule;Rôle;Site\n"
          "Amélie;Lefèvre-Roux;amelie.roux@exemple.fr;M001;Responsable;Lyon Confluence\n"
          "Hélène;Bœuf;helene.boeuf@exemple.fr;M003;Responsable de site;LYON-CONF\n"
          "Zoé;Périer;zoe.perier@exemple.fr;M006;Formatrice;Grenoble Presqu'île\n"
          "Gaëlle;Côté;gaelle.cote@exemple.fr;M007;Directrice;\n").encode("cp1252")
    summary = import_roster(lyon, v2, "v2.csv", deactivate_missing=True)
    assert (summary.updated, summary.deactivated, summary.unchanged) == (1, 1, 3)
    with read_session(lyon) as s:
        amelie = s.exec(select(Person).where(Person.external_id == "M001")).one()
        assert (amelie.last_name, amelie.email, amelie.role) == \
            ("Lefèvre-Roux", "amelie.roux@exemple.fr", "manager")
        assert not s.get(Person, fid).active
        assert s.exec(select(func.count()).select_from(Answer)).one() > 0
        role_change = s.exec(select(AuditLog).where(AuditLog.action == "role_changed")).one()
        assert role_change.detail["to"] == "manager"


def test_dry_run_writes_nothing(lyon):
    before = snapshot(lyon)
    summary = import_roster(lyon, fixture_bytes("roster_clean_fr.csv"), "c.csv",
                            create_sites=True, dry_run=True)
    assert summary.created == 5
    assert snapshot(lyon) == before


def test_email_and_id_of_two_different_people_is_refused(lyon):
    import_roster(lyon, fixture_bytes("roster_clean_fr.csv"), "c.csv", create_sites=True)
    data = ("Prénom;Nom;Courriel;Matricule;Rôle;Site\n"
            "A;B;amelie.lefevre@exemple.fr;M002;Formatrice;LYON-CONF\n").encode()
    result = preview(lyon, data, "x.csv")
    assert [p.line for p in result.problems] == [2]
    assert "deux personnes différentes" in result.problems[0].render("fr")


def test_import_is_audited_without_personal_data(lyon):
    import_roster(lyon, fixture_bytes("roster_clean_fr.csv"), "clean.csv", create_sites=True)
    with read_session(lyon) as s:
        entry = s.exec(select(AuditLog).where(AuditLog.action == "roster_import")).one()
    assert entry.detail["created"] == 5 and "exemple.fr" not in str(entry.detail)
