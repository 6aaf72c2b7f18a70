"""The digital lead plans cohorts in a real browser: settings, plan, Gantt chart, a hand
move, publication, then the XLSX and a relay's ICS calendar downloaded and read back."""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import expect
from icalendar import Calendar
from openpyxl import load_workbook

from i18n import Translator
from planning.editing import move_learner
from planning.inputs import directory
from planning.labels import AREA_LABELS
from planning.rules import check_plan
from planning.overrides import Overrides, RelayEdit
from planning.store import PUBLISHED, list_plans, load
from storage.db import make_engine
from tests.browser.conftest import shot
from tests.browser.helpers import enter_demo, wait_idle

pytestmark = pytest.mark.browser
WAVES = 4


def plan_on_the_page(page, url: str, name: str):  # noqa: ANN001, ANN201
    """Plan with the journey's settings, save the draft, read back what the page planned.

    The page's plan is read from the database, not recomputed: the exact stage of the
    solver stops on time and stalls, so two runs may return different (equally good) plans.
    """
    page.get_by_text("Choisissez les paramètres, puis cliquez sur Planifier.").wait_for()
    page.get_by_label("Nombre de vagues").fill(str(WAVES))
    page.get_by_role("button", name="Planifier", exact=True).click()
    page.get_by_text("Toutes les règles sont respectées.").wait_for(timeout=90_000)
    page.get_by_label("Nom du plan").fill(name)
    page.get_by_label("Nom du plan").press("Enter")
    wait_idle(page)
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    page.get_by_text("Brouillon enregistré.").wait_for()
    eng = make_engine(url)
    stored = load(eng, next(p[0] for p in list_plans(eng) if p[1] == name))
    assert stored.instance.waves and len(stored.instance.waves) == WAVES
    return stored.instance, stored.plan, directory(eng, stored.instance)


def a_valid_move(inst, plan):
    """(cohort index, person, target index) of a move that keeps every rule."""
    for i, c in enumerate(plan.cohorts):
        for m in c.members:
            for j in range(len(plan.cohorts)):
                if j != i and not check_plan(inst, move_learner(plan, m, i, j)):
                    return i, m, j
    pytest.fail("no valid single move in the demo plan")


def pick(page, label: str, option: str) -> None:  # noqa: ANN001
    """Choose option in a long selectbox by typing part of it, then clicking it."""
    box = page.get_by_label(label, exact=True)
    box.click()
    page.keyboard.type(option[:25])
    page.get_by_role("option", name=option, exact=True).click()
    wait_idle(page)


def test_lead_plans_moves_publishes_and_downloads(app_url, demo_url, page):
    enter_demo(page, app_url, "Responsable ingénierie numérique", "Planificateur de cohortes")
    inst, plan, names = plan_on_the_page(page, demo_url, "Parcours navigateur")
    t = Translator("fr")
    src, who, dst = a_valid_move(inst, plan)
    label = lambda i: t("Cohort {n}: {relay}, {area}", n=i + 1,  # noqa: E731
                        relay=names.person(plan.cohorts[i].relay_id),
                        area=t(AREA_LABELS[plan.cohorts[i].area]))
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    chart.locator("canvas, svg").first.wait_for()
    chart.scroll_into_view_if_needed()
    assert chart.bounding_box()["height"] > 100
    shot(page, "planner-planned")

    pick(page, "Apprenant·e à déplacer", f"{names.person(who)} — {label(src)}")
    pick(page, "Vers la cohorte", label(dst))
    page.get_by_role("button", name="Déplacer l'apprenant·e").click()
    page.get_by_text("Statut du solveur : Modifié à la main").wait_for()
    page.get_by_text("Toutes les règles sont respectées.").wait_for()
    moved = move_learner(plan, who, src, dst)

    page.get_by_role("button", name="Publier", exact=True).click()
    page.get_by_text("Plan publié.").wait_for()
    shot(page, "planner-published")
    stored = [p for p in list_plans(make_engine(demo_url)) if p[1] == "Parcours navigateur"]
    assert [p[2] for p in stored] == [PUBLISHED]

    with page.expect_download() as dl:
        page.get_by_role("button", name="Télécharger le XLSX").click()
    wb = load_workbook(io.BytesIO(open(dl.value.path(), "rb").read()))
    assert wb.sheetnames[:3] == ["Cohortes", "Membres", "Laissés de côté"]
    members = [r for r in wb["Membres"].values][1:]
    assert len(members) == sum(len(c.members) for c in moved.cohorts)
    assert (dst + 1, names.person(who)) in {(r[0], r[4]) for r in members}

    relay = sorted({c.relay_id for c in moved.cohorts}, key=names.person)[0]
    with page.expect_download() as dl:
        page.get_by_role("button", name="Télécharger l'ICS").click()
    cal = Calendar.from_ical(open(dl.value.path(), "rb").read())
    mine = [c for c in moved.cohorts if c.relay_id == relay]
    events = cal.walk("VEVENT")
    assert len(events) == len(mine)
    month = lambda d: d.year * 12 + d.month  # noqa: E731
    starts = [month(e.decoded("dtstart")) for e in events]
    assert [s - starts[0] for s in starts] == [c.wave_index - mine[0].wave_index for c in mine]


def relay_to_drop(inst, plan):
    """(row in the relays table, person id) of a relay who leads a cohort, not in the first row
    (so the journey arrows down the grid)."""
    leading = {c.relay_id for c in plan.cohorts}
    return next((k, r.person_id) for k, r in enumerate(inst.relays)
                if k >= 2 and r.person_id in leading)


def test_lead_unticks_a_relay_in_the_grid_and_plans_again(app_url, demo_url, page):
    enter_demo(page, app_url, "Responsable ingénierie numérique", "Planificateur de cohortes")
    inst, plan, names = plan_on_the_page(page, demo_url, "Sans un relais")
    row, gone = relay_to_drop(inst, plan)

    section = page.locator('[data-testid="stExpander"]').filter(has_text="Relais et apprenant·es")
    section.get_by_text("Relais et apprenant·es").first.click()
    grid = section.locator('[data-testid="stDataFrame"]').first
    grid.wait_for()
    grid.scroll_into_view_if_needed()
    wait_idle(page)
    # The grid is a canvas, but Glide keeps an accessible table beside it whose cells say
    # which one is selected and what each checkbox holds. Each step waits on that table, so a
    # slow machine cannot drop a key press: click the first "Inclure" cell (below the 35 px
    # header row), arrow down to the relay's row, then Space toggles the checkbox.
    cell = lambda col, k: grid.locator(f'[data-testid="glide-cell-{col}-{k}"]')  # noqa: E731
    assert cell(1, row).text_content() == names.person(gone)
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 30, box["y"] + 35 + 35 / 2)
    expect(cell(0, 0)).to_have_attribute("aria-selected", "true")
    for k in range(1, row + 1):
        page.keyboard.press("ArrowDown")
        expect(cell(0, k)).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Space")
    wait_idle(page)  # the edit reruns the script; let it finish before the next click
    # The accessible table redraws on a selection change, not on an edit: step up, then read.
    page.keyboard.press("ArrowUp")
    expect(cell(0, row - 1)).to_have_attribute("aria-selected", "true")
    expect(cell(0, row)).to_have_text("false")
    shown = grid.locator('[data-testid^="glide-cell-0-"]').all_text_contents()  # rows in view
    assert shown.count("false") == 1
    shot(page, "planner-relay-unticked")
    section.get_by_role("button", name="Replanifier avec ces données").click()
    wait_idle(page)
    section.get_by_text("Relais : 1 exclu(s), 0 modifié(s).").wait_for(timeout=60_000)
    shot(page, "planner-replanned")

    with page.expect_download() as dl:
        page.get_by_role("button", name="Télécharger le XLSX").click()
    wb = load_workbook(io.BytesIO(open(dl.value.path(), "rb").read()))
    header, *rows = list(wb["Cohortes"].values)
    relays = {r[header.index("Relais")] for r in rows}
    assert rows and names.person(gone) not in relays
    assert names.person(gone) in {names.person(c.relay_id) for c in plan.cohorts}

    # Saved again (same draft), the edit is exactly that relay left out.
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    page.get_by_text("Brouillon enregistré.").wait_for()
    eng = make_engine(demo_url)
    pid = next(p[0] for p in list_plans(eng) if p[1] == "Sans un relais")
    assert load(eng, pid).overrides == Overrides({gone: RelayEdit(excluded=True)})
