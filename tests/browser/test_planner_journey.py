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
from planning.overrides import LearnerEdit, Overrides, RelayEdit, learner_areas
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
    # a short search: the journey checks what a lead does with a plan, not its quality
    page.get_by_label("Temps de calcul maximal (secondes)").fill("4")
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


def relays_to_drop(inst, plan):
    """(row in the relays table, person id) of the first two relays who lead a cohort, not in
    the first two rows (so the journey arrows down the grid)."""
    leading = {c.relay_id for c in plan.cohorts}
    found = [(k, r.person_id) for k, r in enumerate(inst.relays)
             if k >= 2 and r.person_id in leading]
    return found[0], found[1]


def need_to_drop(inst, plan):
    """(row in the learners table, person id, area) of a learner seated on that area, past
    the first row."""
    seated = {(m, c.area) for c in plan.cohorts for m in c.members}
    return next((k, lr.person_id, a) for k, lr in enumerate(inst.learners)
                for a in learner_areas(inst) if k >= 1 and (lr.person_id, a) in seated)


# The grids are canvases, but Glide keeps an accessible table beside each whose cells say
# which one is selected and what each holds (the raw value, not the format the canvas
# draws). Each step waits on that table, so a slow machine cannot drop a key press.

def cell(grid, col: int, row: int):  # noqa: ANN001, ANN201
    return grid.locator(f'[data-testid="glide-cell-{col}-{row}"]')


def select_cell(page, grid, row: int, col: int) -> None:  # noqa: ANN001
    """Click the first data cell (below the 35 px header row), then arrow to (row, col)."""
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 30, box["y"] + 35 + 35 / 2)
    expect(cell(grid, 0, 0)).to_have_attribute("aria-selected", "true")
    for k in range(1, row + 1):
        page.keyboard.press("ArrowDown")
        expect(cell(grid, 0, k)).to_have_attribute("aria-selected", "true")
    for c in range(1, col + 1):
        page.keyboard.press("ArrowRight")
        expect(cell(grid, c, row)).to_have_attribute("aria-selected", "true")


def reread(page, grid, row: int, col: int):  # noqa: ANN001, ANN201
    """The cell after an edit: the accessible table redraws on a selection change, not on an
    edit, so step off the row and back."""
    page.keyboard.press("ArrowUp")
    expect(cell(grid, col, row - 1)).to_have_attribute("aria-selected", "true")
    page.keyboard.press("ArrowDown")
    expect(cell(grid, col, row)).to_have_attribute("aria-selected", "true")
    return cell(grid, col, row)


def untick(page, grid, row: int) -> None:  # noqa: ANN001
    select_cell(page, grid, row, 0)
    page.keyboard.press("Space")
    wait_idle(page)  # the edit reruns the script; let it finish before the next key
    expect(reread(page, grid, row, 0)).to_have_text("false")


def type_number(page, grid, row: int, col: int, text: str) -> None:  # noqa: ANN001
    """A digit typed on a selected number cell opens Glide's editor with it; Enter writes
    it back and moves the selection one row down."""
    select_cell(page, grid, row, col)
    assert cell(grid, col, row).text_content() != text
    page.keyboard.type(text)
    expect(page.locator("input.gdg-input")).to_have_value(text)  # the editor is open
    page.keyboard.press("Enter")
    wait_idle(page)
    expect(cell(grid, col, row + 1)).to_have_attribute("aria-selected", "true")
    page.keyboard.press("ArrowUp")
    expect(cell(grid, col, row)).to_have_attribute("aria-selected", "true")
    expect(cell(grid, col, row)).to_have_text(text)


def test_lead_edits_both_grids_and_plans_again(app_url, demo_url, page):
    """Untick a relay, give another 0 hours a month, and set a learner's priority on an area
    to 0: the new plan has neither relay, nor that learner on that area."""
    enter_demo(page, app_url, "Responsable ingénierie numérique", "Planificateur de cohortes")
    inst, plan, names = plan_on_the_page(page, demo_url, "Sans un relais")
    t = Translator("fr")
    (row, gone), (row2, idle) = relays_to_drop(inst, plan)
    lrow, learner, area = need_to_drop(inst, plan)

    section = page.locator('[data-testid="stExpander"]').filter(has_text="Relais et apprenant·es")
    section.get_by_text("Relais et apprenant·es").first.click()
    grid = section.locator('[data-testid="stDataFrame"]').first
    grid.wait_for()
    grid.scroll_into_view_if_needed()
    wait_idle(page)
    assert cell(grid, 1, row).text_content() == names.person(gone)
    assert cell(grid, 1, row2).text_content() == names.person(idle)
    untick(page, grid, row)
    shown = grid.locator('[data-testid^="glide-cell-0-"]').all_text_contents()  # rows in view
    assert shown.count("false") == 1
    assert float(cell(grid, 4, row2).text_content()) == inst.relays[row2].hours_per_month
    type_number(page, grid, row2, 4, "0")  # the fifth column: hours a month

    section.get_by_role("tab", name="Apprenant·es").click()
    wait_idle(page)
    lgrid = section.locator('[data-testid="stDataFrame"]').nth(1)
    lgrid.wait_for()
    lgrid.scroll_into_view_if_needed()
    col = 4 + learner_areas(inst).index(area)  # after include, name, site, region
    assert cell(lgrid, 1, lrow).text_content() == names.person(learner)
    assert float(cell(lgrid, col, lrow).text_content()) > 0
    type_number(page, lgrid, lrow, col, "0")
    shot(page, "planner-inputs-edited")
    section.get_by_role("button", name="Replanifier avec ces données").click()
    wait_idle(page)
    section.get_by_text("Relais : 1 exclu(s), 1 modifié(s). "
                        "Apprenant·es : 0 exclu·e(s), 1 modifié·e(s).").wait_for(timeout=60_000)
    shot(page, "planner-replanned")

    with page.expect_download() as dl:
        page.get_by_role("button", name="Télécharger le XLSX").click()
    wb = load_workbook(io.BytesIO(open(dl.value.path(), "rb").read()))
    header, *rows = list(wb["Cohortes"].values)
    relays = {r[header.index("Relais")] for r in rows}
    assert rows and names.person(gone) not in relays and names.person(idle) not in relays
    before = {names.person(c.relay_id) for c in plan.cohorts}
    assert names.person(gone) in before and names.person(idle) in before
    header, *members = list(wb["Membres"].values)
    seats = {(r[header.index("Membre")], r[header.index("Domaine")]) for r in members}
    assert (names.person(learner), t(AREA_LABELS[area])) not in seats

    # Saved again (same draft), the edits are exactly those three.
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    page.get_by_text("Brouillon enregistré.").wait_for()
    eng = make_engine(demo_url)
    pid = next(p[0] for p in list_plans(eng) if p[1] == "Sans un relais")
    assert load(eng, pid).overrides == Overrides(
        {gone: RelayEdit(excluded=True), idle: RelayEdit(hours_per_month=0.0)},
        {learner: LearnerEdit(needs={area: 0.0})})
