"""Plan exports read back with the libraries people's tools use: openpyxl, icalendar, csv."""

from __future__ import annotations

import csv
import io

import pytest
from icalendar import Calendar
from openpyxl import load_workbook

from i18n import Translator
from planning.inputs import Directory
from planning.instances import generate
from planning.solve import solve
from reports.planner import plan_tables, relay_calendar, to_csv, to_xlsx

EVIL = "=HYPERLINK(\"http://x\",\"clic\")"


@pytest.fixture(scope="module")
def case():
    inst = generate("tiny", seed=3)
    plan = solve(inst)
    assert plan.cohorts and plan.left_out
    people = {r.person_id: f"Relais {r.person_id}" for r in inst.relays}
    people |= {lr.person_id: f"Appr {lr.person_id}" for lr in inst.learners}
    first_member = plan.cohorts[0].members[0]
    people[first_member] = EVIL  # a hostile name from a roster
    sites = {s: f"Site {s}" for s in range(10)}
    sites[plan.cohorts[0].site_id if plan.cohorts[0].site_id is not None else 0] = "@SUM(A1)"
    return inst, plan, Directory(people, sites, {}), first_member


def test_xlsx_has_one_sheet_per_table_with_every_cohort_and_member(case):
    inst, plan, names, _ = case
    t = Translator("fr")
    wb = load_workbook(io.BytesIO(to_xlsx(plan_tables(inst, plan, names, t), t)))
    assert wb.sheetnames == ["Cohortes", "Membres", "Laissés de côté", "Charge par relais",
                             "Paramètres"]
    cohorts = list(wb["Cohortes"].values)
    assert len(cohorts) == 1 + len(plan.cohorts)
    assert len(list(wb["Membres"].values)) == 1 + sum(len(c.members) for c in plan.cohorts)
    assert len(list(wb["Laissés de côté"].values)) == 1 + len(plan.left_out)
    assert len(list(wb["Charge par relais"].values)) == 1 + len(inst.relays)
    header = cohorts[0]
    assert header[:3] == ("Cohorte", "Date", "Relais")
    sizes = [row[header.index("Membres")] for row in cohorts[1:]]
    assert sizes == [len(c.members) for c in plan.cohorts]
    every_cell = [v for ws in wb for row in ws.values for v in row if isinstance(v, str)]
    assert EVIL not in every_cell and "'" + EVIL in every_cell
    assert not any(v.startswith(("=", "+", "-", "@")) for v in every_cell)


def test_csv_cells_are_neutralised_and_french_friendly(case):
    inst, plan, names, _ = case
    t = Translator("fr")
    raw = to_csv(plan_tables(inst, plan, names, t).members)
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][4] == "Membre"
    assert len(rows) == 1 + sum(len(c.members) for c in plan.cohorts)
    cells = [c for r in rows for c in r]
    assert "'" + EVIL in cells
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cells)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_ics_has_one_event_per_cohort_of_that_relay_only(case, lang):
    inst, plan, names, _ = case
    t = Translator(lang)
    waves = {w.index: w.date for w in inst.waves}
    for relay in inst.relays:
        mine = [c for c in plan.cohorts if c.relay_id == relay.person_id]
        cal = Calendar.from_ical(relay_calendar(inst, plan, relay.person_id, names, t))
        events = cal.walk("VEVENT")
        assert len(events) == len(mine)
        assert len({str(e["uid"]) for e in events}) == len(events)
        for ev, c in zip(events, mine):
            start, end = ev.decoded("dtstart"), ev.decoded("dtend")
            assert start.date() == waves[c.wave_index]
            assert (end - start).total_seconds() == inst.params.hours_per_cohort * 3600
            assert str(start.tzinfo) == "Europe/Paris"
            desc = str(ev["description"])
            assert all(names.person(m) in desc for m in c.members)
            if c.site_id is None:
                assert str(ev["location"]) == ("À distance" if lang == "fr" else "Remote")
            else:
                assert str(ev["location"]) == names.site(c.site_id)
