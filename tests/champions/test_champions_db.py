"""On a real database (SQLite and PostgreSQL): consent withdrawn after the campaign, the export,
the stored rule and approaches."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from sqlmodel import select

from champions import data as cdata
from champions import export, settings
from champions.rules import ChampionRule, evaluate
from i18n import RelaisError, Translator
from storage.db import read_session, write_session
from storage.models import AuditLog, Consent, Person


@pytest.fixture
def demo_engine(engine):
    from demo.load import generate_and_load

    generate_and_load(engine, size="tiny", seed=7)
    return engine


def _latest(engine):
    return cdata.campaigns(engine)[0][0]


def _champions(engine, rule=None):
    data = cdata.load(engine, _latest(engine))
    ev = evaluate(rule or settings.load_rule(engine), data.trainers)
    return data, ev


def _export_rows(engine, rule=None):
    data, ev = _champions(engine, rule)
    chosen = ev[ev["qualifies"]]
    table = export.champions_table(chosen, cdata.names_of(engine, chosen["person_id"].tolist()),
                                   data.sites, {}, Translator("en"))
    return table, export.to_csv(table), export.to_xlsx(table)


LOOSE = ChampionRule(min_overall_level="A1", min_area_level="A1", min_areas_at_level=0,
                     require_willing=False, min_hours=0)


def test_consent_withdrawn_after_the_campaign_removes_the_person(demo_engine):
    data, ev = _champions(demo_engine, LOOSE)
    named = ev[ev["qualifies"]]
    assert len(named) and named["consent_named"].all()
    assert not ev.loc[~ev["consent_named"], "qualifies"].any()
    pid = int(named["person_id"].iloc[0])
    with read_session(demo_engine) as s:
        person = s.get(Person, pid)
        email = person.email
    assert email in export.to_csv(_export_rows(demo_engine, LOOSE)[0]).decode("utf-8-sig")

    with write_session(demo_engine) as s:  # withdrawn today, after the campaign
        s.add(Consent(person_id=pid, kind="named_to_lead", granted=False))

    data, ev = _champions(demo_engine, LOOSE)
    row = ev[ev["person_id"] == pid].iloc[0]
    assert not row["consent_named"] and not row["qualifies"] and not row["emerging"]
    table, csv_bytes, xlsx_bytes = _export_rows(demo_engine, LOOSE)
    assert email not in csv_bytes.decode("utf-8-sig")
    assert email not in table["Email"].tolist()
    # still counted in the site's aggregate: the same number of trainers is placed
    assert data.trainers["person_id"].eq(pid).any()


def test_export_lists_only_consenting_champions_and_neutralises_cells(demo_engine):
    data, ev = _champions(demo_engine, LOOSE)
    consenting = set(ev.loc[ev["consent_named"], "person_id"])
    pid = int(next(iter(consenting)))
    with write_session(demo_engine) as s:
        p = s.get(Person, pid)
        p.first_name, p.last_name = "=HYPERLINK(\"http://x\")", "-2+3"
        s.add(p)
    table, csv_bytes, xlsx_bytes = _export_rows(demo_engine, LOOSE)
    with read_session(demo_engine) as s:
        emails = {s.get(Person, int(i)).email for i in consenting}
        others = {s.get(Person, int(i)).email for i in set(ev["person_id"]) - consenting}
    rows = list(csv.DictReader(io.StringIO(csv_bytes.decode("utf-8-sig")), delimiter=";"))
    assert {r["Email"] for r in rows} <= emails and not ({r["Email"] for r in rows} & others)
    assert len(rows) == len(table) == int(ev["qualifies"].sum())
    evil = [r["Name"] for r in rows if "HYPERLINK" in r["Name"]]
    assert evil == ["'=HYPERLINK(\"http://x\") -2+3"]
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes)).active
    cells = [c.value for row in sheet.iter_rows() for c in row]
    assert "'=HYPERLINK(\"http://x\") -2+3" in cells
    assert not any(isinstance(c, str) and c.startswith(("=", "+", "-", "@")) for c in cells)


def test_rule_and_approaches_are_stored_and_audited(demo_engine):
    assert settings.load_rule(demo_engine) == ChampionRule()
    settings.save_rule(demo_engine, LOOSE, person_id=None)
    assert settings.load_rule(demo_engine) == LOOSE
    default_fr = settings.approach_for(demo_engine, "to_start", "fr")
    assert default_fr.startswith("Commencer petit")
    settings.save_approach(demo_engine, "to_start", "fr", "  Un texte à nous  ", None)
    assert settings.approach_for(demo_engine, "to_start", "fr") == "Un texte à nous"
    assert settings.approach_for(demo_engine, "to_start", "en").startswith("Start small")
    settings.save_approach(demo_engine, "to_start", "fr", "", None)
    assert settings.approach_for(demo_engine, "to_start", "fr") == default_fr
    with pytest.raises(RelaisError):
        settings.save_approach(demo_engine, "to_start", "fr", "x" * 2001, None)
    with read_session(demo_engine) as s:
        actions = s.exec(select(AuditLog.target).where(AuditLog.action == "setting.update")
                         .order_by(AuditLog.id)).all()
    assert list(actions) == ["champion_rule", "quadrant_approaches", "quadrant_approaches"]


def test_sites_frame_never_shows_figures_of_hidden_sites(demo_engine):
    data = cdata.load(demo_engine, _latest(demo_engine))
    hidden = data.sites[data.sites["hidden"]]
    assert hidden[["n_trainers", "bottom_up", "top_down"]].isna().all().all()
    shown = data.sites[~data.sites["hidden"]]
    assert (shown["n_trainers"] >= data.k).all()
    assert shown["basis"].isin(["combined", "trainers_only"]).all()
