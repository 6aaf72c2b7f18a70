"""The axe-core audit (WCAG 2.1 A/AA, the basis of RGAA 4.1): every page of every demo role
and of visitors, in French and English, fails on any serious or critical violation.

One server and one browser for the whole audit; one browser context per role and language,
moving through the menu as a person would (a page reload would start a new session).
The figures are written to data/accessibility/audit.json when the whole audit ran, and
the accessibility statement page reads them from there.
"""

from __future__ import annotations

import json
import time
from datetime import date

import pytest
from playwright.sync_api import expect

from i18n import Translator
from tests.browser import axe
from tests.browser.conftest import ARTIFACTS, ROOT
from tests.browser.helpers import choose, wait_idle
from ui.navigation import ROLE_NAMES, pages_for

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROLES = [None, "trainer", "manager", "director", "lead", "admin"]
LANGS = ["fr", "en"]
T0 = time.monotonic()
RUN_ONLY = ("at", "axe_seconds", "done")  # recorded while running, printed, not published
AUDIT_JSON = ROOT / "data" / "accessibility" / "audit.json"


@pytest.fixture(scope="module")
def audit():  # noqa: ANN201
    """Collects what each (role, language) audit saw; writes the report at the end."""
    if not axe.AXE_JS.exists():
        pytest.fail(axe.missing_message())
    runs: dict[str, list[dict]] = {}
    yield runs
    report = {
        "date": date.today().isoformat(),
        "tool": f"axe-core {axe.axe_version()}",
        "standard": "WCAG 2.1 A/AA (RGAA 4.1)",
        "tags": axe.WCAG_TAGS,
        "runs": sorted(runs),
        "pages_audited": sum(len(v) for v in runs.values()),
        "blocking_violations": sum(len(axe.blocking(p["violations"]))
                                   for v in runs.values() for p in v),
        "other_violations": sorted({f'{x["id"]} ({x["impact"]})' for v in runs.values()
                                    for p in v for x in p["violations"]
                                    if x["impact"] not in axe.BLOCKING}),
        # timings stay out: the committed file changes only when the findings do
        "pages": [{"run": k, **{f: x for f, x in p.items() if f not in RUN_ONLY}}
                  for k, v in sorted(runs.items()) for p in v],
    }
    slowest = sorted((p["axe_seconds"], f"{k}/{p['page']}") for k, v in runs.items() for p in v)
    if slowest:
        print(f"\naccessibility audit: {report['pages_audited']} pages, "
              f"{round(time.monotonic() - T0)} s; slowest axe run {slowest[-1]}")
    ARTIFACTS.mkdir(exist_ok=True)
    text = json.dumps(report, indent=1, ensure_ascii=False) + "\n"
    (ARTIFACTS / "accessibility-audit.json").write_text(text)
    expected = {f"{r or 'visitor'}-{lang}" for r in ROLES for lang in LANGS} | {
        f"states-{lang}" for lang in LANGS}
    complete = set(runs) == expected and all(v and v[-1].get("done") for v in runs.values())
    if complete:  # a partial run (-k) must not overwrite the published figures
        AUDIT_JSON.parent.mkdir(parents=True, exist_ok=True)
        AUDIT_JSON.write_text(text)


def menu_link(page, url_path: str):  # noqa: ANN001, ANN201
    """The sidebar menu's link to a page (the home page's address is the bare root)."""
    return page.locator(f'[data-testid="stSidebar"] a[href$="/{url_path}"]').first


def open_expanders(page) -> None:  # noqa: ANN001
    """Open every collapsed box (chart tables, forms) so axe checks what they hold too."""
    page.evaluate("() => document.querySelectorAll('details:not([open]) > summary')"
                  ".forEach(s => s.click())")


def check_page(page, lang: str, where: str) -> dict:  # noqa: ANN001
    """Audit the page as drawn now, collapsed boxes opened: the document's language, then axe."""
    wait_idle(page)
    open_expanders(page)
    page.wait_for_timeout(400)  # charts and opened boxes draw a moment after the script run
    started = time.monotonic()
    found = axe.run_axe(page)
    return {"page": where, "lang": lang, "html_lang": page.locator("html").get_attribute("lang"),
            "violations": found, "axe_seconds": round(time.monotonic() - started, 1),
            "at": round(time.monotonic() - T0, 1)}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "visitor")
def test_every_page_has_no_serious_violation(app_url, browser, audit, role, lang):  # noqa: ANN001
    key = f"{role or 'visitor'}-{lang}"
    seen: list[dict] = []
    audit[key] = seen
    ctx = browser.new_context(viewport={"width": 1400, "height": 900}, locale="fr-FR")
    page = ctx.new_page()
    page.set_default_timeout(30_000)
    try:
        page.goto(app_url)
        wait_idle(page)
        if role is not None:
            # sign in first: signing in restores the person's saved language
            page.get_by_role("button", name=Translator("fr")(ROLE_NAMES[role])).click()
            page.get_by_text("Bienvenue").first.wait_for()
        if lang == "en":
            choose(page, "Langue", "English")
        for spec in pages_for(role):
            if spec.url_path != "home":
                menu_link(page, spec.url_path).click()
            page.get_by_role("heading").first.wait_for()
            seen.append(check_page(page, lang, spec.url_path))
        if seen:
            seen[-1]["done"] = True
        if lang == "en":  # and back: the document's language follows the switch
            choose(page, "Language", "Français")
            switched_back = page.locator("html").get_attribute("lang")
            assert switched_back == "fr", f'{key}: <html lang="{switched_back}"> after Français'
    finally:
        ctx.close()
    bad = [(p["page"], v["id"], v["impact"], v["targets"][:2])
           for p in seen for v in axe.blocking(p["violations"])]
    bad += [(p["page"], f'<html lang="{p["html_lang"]}">, not "{lang}"') for p in seen
            if p["html_lang"] != lang]
    assert not bad, f"{key}: {len(bad)} serious/critical violations:\n" + "\n".join(map(str, bad))


def test_the_audit_catches_what_it_must(browser, audit):  # noqa: ANN001
    """The harness itself: axe, run as the audit runs it, flags the three faults the issue
    found (faint caption, <div> inside <ul>, no language), so a pass above means something."""
    page = browser.new_page()
    try:
        page.set_content('<html><body><main><h1>Relais</h1>'
                         '<p style="color:#7f7e7d;background:#f8f8f7">Connecté·e</p>'
                         '<ul><div>Section</div><li>Accueil</li></ul></main></body></html>')
        found = {v["id"] for v in axe.blocking(axe.run_axe(page))}
    finally:
        page.close()
    assert {"color-contrast", "list", "html-has-lang"} <= found, found


def click_key(page, key: str) -> None:  # noqa: ANN001
    """Click the button Streamlit drew with this key (language-independent)."""
    page.locator(f".st-key-{key} button").click()
    wait_idle(page)


def answer_section(page) -> None:  # noqa: ANN001
    """Second option of every radio group, 3 in numbers, first option of multiselects."""
    page.locator('[data-testid="stRadioOption"]').first.wait_for()
    wait_idle(page)
    groups = page.locator('[data-testid="stRadio"]')
    i = 0
    while i < groups.count():  # re-counted: an answer can reveal a question
        groups.nth(i).locator('[data-testid="stRadioOption"]').nth(1).click()
        wait_idle(page)
        i += 1
    numbers = page.locator('[data-testid="stNumberInput"] input')
    for i in range(numbers.count()):
        numbers.nth(i).fill("3")
        numbers.nth(i).press("Enter")
        wait_idle(page)
    multis = page.locator('[data-testid="stMultiSelect"]')
    for i in range(multis.count()):
        box = multis.nth(i).locator("input")
        box.focus()  # a click does not always open the list (small screens); the keyboard does
        box.press("ArrowDown")
        page.get_by_role("option").first.click()
        page.keyboard.press("Escape")
        wait_idle(page)


@pytest.mark.parametrize("lang", LANGS)
def test_states_behind_actions_have_no_serious_violation(app_url, demo_url, browser, audit,
                                                         lang):  # noqa: ANN001
    """What a menu visit does not show: the questionnaire's notice, each section and the
    result from a personal link; the champions map with a site's detail open; the planner
    after a plan is computed."""
    from tests.ui.test_survey_pages import fresh_trainer_link

    key = f"states-{lang}"
    seen: list[dict] = []
    audit[key] = seen
    ctx = browser.new_context(viewport={"width": 1400, "height": 900}, locale="fr-FR")
    page = ctx.new_page()
    page.set_default_timeout(30_000)
    try:
        token, _ = fresh_trainer_link(demo_url)
        page.goto(f"{app_url}/questionnaire?t={token}")
        wait_idle(page)
        if lang == "en":
            choose(page, "Langue", "English")
        seen.append(check_page(page, lang, "questionnaire-notice"))
        click_key(page, "start")
        n = 0
        while True:
            n += 1
            page.locator("h2").first.wait_for()
            seen.append(check_page(page, lang, f"questionnaire-section-{n}"))
            answer_section(page)
            if page.locator(".st-key-submit").count():
                break
            before = page.locator("h2").first.inner_text()
            click_key(page, "next")
            page.wait_for_function("(b) => { const h = document.querySelector('h2'); "
                                   "return h && h.innerText !== b; }", arg=before)
        click_key(page, "submit")
        page.locator(".st-key-survey_pdf").wait_for(timeout=90_000)  # the first PDF render
        seen.append(check_page(page, lang, "questionnaire-result"))
        page.goto(f"{app_url}/my_result?t={token}")
        wait_idle(page)
        if lang == "en":
            choose(page, "Langue", "English")
        page.locator(".st-key-my_result_pdf").wait_for(timeout=90_000)
        seen.append(check_page(page, lang, "my_result-link"))

        page.goto(app_url)
        wait_idle(page)
        page.get_by_role("button", name=Translator("fr")(ROLE_NAMES["lead"])).click()
        page.get_by_text("Bienvenue").first.wait_for()
        if lang == "en":
            choose(page, "Langue", "English")
        menu_link(page, "champions_map").click()
        page.get_by_text(Translator(lang)("Site detail")).first.wait_for()
        wait_idle(page, started_within_ms=1500)
        box = page.get_by_label(Translator(lang)("Site"), exact=True)
        box.focus()  # a click does not always open this list; the keyboard does
        box.press("ArrowDown")
        page.get_by_role("option").first.wait_for()
        box.press("Enter")
        wait_idle(page)
        expect(page.locator('[data-testid="stMetric"]')).not_to_have_count(0)
        seen.append(check_page(page, lang, "champions_map-detail"))
        menu_link(page, "planner").click()
        wait_idle(page)
        page.get_by_label(Translator(lang)("Number of waves")).fill("4")
        page.get_by_label(Translator(lang)("Time limit (seconds)")).fill("4")  # audit, not quality
        page.get_by_role("button", name=Translator(lang)("Plan"), exact=True).click()
        page.get_by_text(Translator(lang)("Every rule is met.")).wait_for(timeout=120_000)
        seen.append(check_page(page, lang, "planner-planned"))
        seen[-1]["done"] = True
        if lang == "en":
            choose(page, "Language", "Français")
    finally:
        ctx.close()
    bad = [(p["page"], v["id"], v["impact"], v["targets"][:2])
           for p in seen for v in axe.blocking(p["violations"])]
    bad += [(p["page"], f'<html lang="{p["html_lang"]}">, not "{lang}"') for p in seen
            if p["html_lang"] != lang]
    assert not bad, f"{key}: {len(bad)} serious/critical violations:\n" + "\n".join(map(str, bad))
