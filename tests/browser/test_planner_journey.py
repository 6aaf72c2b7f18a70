"""The digital lead plans cohorts in a real browser: settings, plan, Gantt chart, a hand
move, publication, then the XLSX and a relay's ICS calendar downloaded and read back."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from icalendar import Calendar
from openpyxl import load_workbook

from i18n import Translator
from planning.editing import move_learner
from planning.inputs import build_instance, directory, monthly_waves
from planning.labels import AREA_LABELS
from planning.model import Params
from planning.rules import check_plan
from planning.solve import solve
from planning.store import PUBLISHED, list_plans
from storage.db import make_engine
from tests.browser.conftest import shot
from tests.browser.helpers import enter_demo, wait_idle

pytestmark = pytest.mark.browser
WAVES = 4


def expected_plan(url):
    """The plan the page makes with the journey's settings (the planner is deterministic)."""
    eng = make_engine(url)
    inst = build_instance(eng, 2, Params(time_limit_s=20), monthly_waves(dt.date(2026, 9, 1), WAVES))
    return inst, solve(inst), directory(eng, inst)


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
    inst, plan, names = expected_plan(demo_url)
    t = Translator("fr")
    src, who, dst = a_valid_move(inst, plan)
    label = lambda i: t("Cohort {n}: {relay}, {area}", n=i + 1,  # noqa: E731
                        relay=names.person(plan.cohorts[i].relay_id),
                        area=t(AREA_LABELS[plan.cohorts[i].area]))

    enter_demo(page, app_url, "Responsable ingénierie numérique", "Planificateur de cohortes")
    page.get_by_text("Choisissez les paramètres, puis cliquez sur Planifier.").wait_for()
    waves = page.get_by_label("Nombre de vagues")
    waves.fill(str(WAVES))
    page.get_by_role("button", name="Planifier", exact=True).click()
    page.get_by_text("Toutes les règles sont respectées.").wait_for(timeout=60_000)
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

    page.get_by_label("Nom du plan").fill("Parcours navigateur")
    page.get_by_label("Nom du plan").press("Enter")
    wait_idle(page)
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
