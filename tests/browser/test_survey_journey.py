"""A trainer opens their link, answers two sections, reloads, resumes, submits, gets the PDF."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import shot
from tests.browser.helpers import wait_idle
from tests.ui.test_survey_pages import fresh_trainer_link


def _answer_visible_section(page):  # noqa: ANN001
    """Pick the second option of every radio group, fill numbers, choose one multi answer."""
    page.locator('[data-testid="stRadioOption"]').first.wait_for()  # widgets drawn
    wait_idle(page)
    groups = page.locator('[data-testid="stRadio"]')
    i = 0
    while i < groups.count():  # re-counted: answering "yes" can reveal questions
        group = groups.nth(i)
        i += 1
        group.locator('[data-testid="stRadioOption"]').nth(1).click()
        wait_idle(page)
    numbers = page.locator('[data-testid="stNumberInput"] input')
    for i in range(numbers.count()):
        numbers.nth(i).fill("3")
        numbers.nth(i).press("Enter")
        wait_idle(page)
    multis = page.locator('[data-testid="stMultiSelect"]')
    for i in range(multis.count()):
        multis.nth(i).click()
        page.get_by_role("option").first.click()
        page.keyboard.press("Escape")
        wait_idle(page)


def _next(page, button="Suivant"):  # noqa: ANN001
    """Click Next and wait until the next section (a new header) is drawn."""
    before = page.locator("h2").first.inner_text()
    page.get_by_role("button", name=button).click()
    page.wait_for_function("(b) => { const h = document.querySelector('h2'); "
                           "return h && h.innerText !== b; }", arg=before)
    wait_idle(page)
    page.wait_for_timeout(800)  # let the previous section's stale widgets go


def test_trainer_journey(app_url, page, demo_url):  # noqa: ANN001
    token, _ = fresh_trainer_link(demo_url)
    page.goto(f"{app_url}/questionnaire?t={token}")
    wait_idle(page)
    page.get_by_text("Qui voit quoi").wait_for()
    page.get_by_role("button", name="J'ai lu : commencer").click()
    wait_idle(page)
    for n, heading in ((1, "Engagement professionnel"), (2, "Ressources numériques")):
        page.get_by_role("heading", name=heading).wait_for()
        _answer_visible_section(page)
        shot(page, f"survey-section-{n}")
        _next(page)
    page.get_by_text(re.compile("Section 3 sur")).wait_for()
    shot(page, "survey-before-reload")
    page.reload()
    wait_idle(page)
    page.get_by_text(re.compile("Section 3 sur")).wait_for()  # resumed where they were
    _next(page, "Précédent")
    page.get_by_text(re.compile("Section 2 sur")).wait_for()
    page.get_by_role("heading", name="Ressources numériques").wait_for()
    checked = page.locator('[data-testid="stRadio"] input[type="radio"]:checked')
    expect(checked).to_have_count(page.locator('[data-testid="stRadio"]').count())  # kept
    shot(page, "survey-back-to-2")
    _next(page)
    while not page.get_by_role("button", name="Envoyer mes réponses").is_visible():
        _answer_visible_section(page)
        _next(page)
    _answer_visible_section(page)
    page.get_by_role("button", name="Envoyer mes réponses").click()
    wait_idle(page)
    shot(page, "survey-after-submit")
    page.get_by_text("Vos réponses ont été envoyées").wait_for(timeout=90_000)  # first PDF render
    page.get_by_text("Mon résultat personnel").wait_for()
    page.get_by_text("Mes priorités").wait_for()
    shot(page, "survey-result")
    with page.expect_download() as info:
        page.get_by_role("button", name="Télécharger mon résultat (PDF)").click()
    path = info.value.path()
    with open(path, "rb") as fh:
        assert fh.read(4) == b"%PDF"
