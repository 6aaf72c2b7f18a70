"""The questionnaire by keyboard alone and on a phone (RGAA 4.1 / WCAG 2.1 AA).

The keyboard journey never calls the mouse: Tab, Shift+Tab, arrows, Space and Enter take
a trainer from the link to the downloaded PDF, and the test checks on the way that the
focus is visible, reaches every question and the buttons in reading order, and lands on
the new section's heading after Next; that required questions say so in words and that a
missing answer's message names its question right under it.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import shot
from tests.browser.helpers import wait_idle
from tests.ui.test_survey_pages import fresh_trainer_link

pytestmark = pytest.mark.browser

# What has the focus: the Streamlit key of its element (a question "r12:q3" shows as r12-q3),
# its kind, whether it is answered, and whether a focus indicator is drawn.
FOCUS_JS = """() => {
  const a = document.activeElement;
  if (!a || a === document.body) return {kind: 'body'};
  const box = a.closest('[class*="st-key-"]');
  const key = box ? [...box.classList].find(c => c.startsWith('st-key-')).slice(7) : null;
  const ring = (el) => { const s = getComputedStyle(el);
    return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none'; };
  const label = a.closest('label');
  return {kind: a.tagName.toLowerCase() + (a.type ? ':' + a.type : ''), key,
          role: a.getAttribute('role'), text: (a.innerText || '').trim().slice(0, 60),
          checked: !!a.checked, value: a.value ?? null,
          visible: ring(a) || (label !== null && ring(label))};
}"""

# Questions drawn now, in reading order, and whether each has an answer.
QUESTIONS_JS = """() => [...document.querySelectorAll('[data-testid="stElementContainer"]')]
  .filter(e => e.dataset.stale !== 'true')
  .map(e => [e, [...e.classList].find(c => /^st-key-r\\d+-/.test(c))]).filter(([e, c]) => c)
  .map(([e, c]) => ({key: c.slice(7),
    label: (e.querySelector('[data-testid="stWidgetLabel"]') || {}).textContent || '',
    answered: !!e.querySelector('input:checked') ||
              [...e.querySelectorAll('input[type=number]')].some(i => i.value !== '') ||
              !!e.querySelector('[data-tag]')}))"""

QUESTION_KEY = re.compile(r"^r\d+-")  # Streamlit writes the key "r12:q3" as r12-q3


def drawn_questions(page) -> list[dict]:  # noqa: ANN001
    """The questions once their labels are drawn (they arrive a moment after the widgets)."""
    for _ in range(100):
        questions = page.evaluate(QUESTIONS_JS)
        if questions and all(q["label"].strip() for q in questions):
            return questions
        page.wait_for_timeout(100)
    pytest.fail(f"questions never drawn with labels: {questions}")


def focus(page) -> dict:  # noqa: ANN001
    return page.evaluate(FOCUS_JS)


def tab(page, back: bool = False) -> dict:  # noqa: ANN001
    page.keyboard.press("Shift+Tab" if back else "Tab")
    return focus(page)


def tab_to(page, key: str, limit: int = 80) -> dict:  # noqa: ANN001
    """Tab until the element with this Streamlit key has the focus."""
    for _ in range(limit):
        f = tab(page)
        if f.get("key") == key:
            return f
    pytest.fail(f"Tab never reached {key!r}")


def answer_focused(page, f: dict) -> None:  # noqa: ANN001
    """Answer the focused question with the keyboard alone."""
    if f["kind"] == "input:radio":
        if not f["checked"]:
            page.keyboard.press("Space")  # the first option; arrows would move and choose
    elif f["kind"] == "input:number":
        page.keyboard.type("3")
        page.keyboard.press("Enter")
    elif f["role"] == "combobox":  # a multiselect: open, take the first answer, close
        page.keyboard.press("ArrowDown")
        page.get_by_role("option").first.wait_for()
        page.keyboard.press("Enter")
        page.keyboard.press("Escape")
    wait_idle(page)


def answer_section_by_keyboard(page, forward: str) -> list[str]:  # noqa: ANN001
    """Tab through the section answering each question, until `forward` (next or submit) has
    the focus with every question answered; returns the questions and the Previous and
    Save buttons in the order the focus first reached them."""
    reached: list[str] = []
    for _ in range(300):
        f = tab(page)
        key = f.get("key") or ""
        if QUESTION_KEY.match(key) or key in ("prev", "later", forward):
            assert f["visible"], f"no visible focus on {key} ({f['kind']})"
            if key in ("prev", "later") and key not in reached:
                reached.append(key)
        if QUESTION_KEY.match(key):
            if key not in reached:
                reached.append(key)
            questions = {q["key"]: q for q in page.evaluate(QUESTIONS_JS)}
            if not questions[key]["answered"]:
                answer_focused(page, f)
        elif key == forward and all(q["answered"] for q in page.evaluate(QUESTIONS_JS)):
            return reached
    shot(page, "keyboard-stuck")
    pytest.fail(f"the section could not be completed by keyboard: {page.evaluate(QUESTIONS_JS)}")


def assert_focus_on_heading(page) -> str:  # noqa: ANN001
    """After Next, the focus is on the new section's heading (its h2)."""
    page.wait_for_function("() => document.activeElement && document.activeElement.tagName "
                           "=== 'H2'", timeout=10_000)
    return page.evaluate("() => document.activeElement.innerText.trim()")


def test_the_whole_questionnaire_by_keyboard_alone(app_url, demo_url, page):  # noqa: ANN001
    token, _ = fresh_trainer_link(demo_url)
    page.goto(f"{app_url}/questionnaire?t={token}")
    wait_idle(page)
    page.locator(".st-key-start button").wait_for()
    assert tab_to(page, "start")["visible"]
    page.keyboard.press("Enter")
    wait_idle(page)
    heading = assert_focus_on_heading(page)
    assert heading == page.locator("h2").first.inner_text().strip()

    # Required questions say so in words; Next with nothing answered puts each message
    # right under its question, naming it, in an alert.
    questions = drawn_questions(page)
    assert questions and all(re.search(r"\((obligatoire|facultatif)\)", q["label"])
                             for q in questions), [q["label"] for q in questions]
    tab_to(page, "next")
    page.keyboard.press("Enter")
    wait_idle(page)
    required = [q for q in questions if "(obligatoire)" in q["label"]]
    alerts = page.evaluate("""() => [...document.querySelectorAll(
        '[data-testid="stElementContainer"]')].filter(e => e.dataset.stale !== 'true')
        .flatMap((e, i, all) => e.querySelector('[role="alert"]') && i > 0 ?
          [{text: e.querySelector('[role="alert"] [data-testid="stMarkdownContainer"]')
                 .textContent.trim(), after: ([...all[i - 1].classList].find(
             c => c.startsWith('st-key-')) || '').slice(7)}] : [])""")
    under = {a["after"]: a["text"] for a in alerts if QUESTION_KEY.match(a["after"])}
    for n, q in enumerate(questions, start=1):
        if q in required:
            assert under.get(q["key"], "").startswith(f"Question {n} :"), (q["key"], under)
    shot(page, "keyboard-errors")

    sections = 0
    while True:
        sections += 1
        last = page.locator(".st-key-submit").count() > 0
        forward = "submit" if last else "next"
        reached = answer_section_by_keyboard(page, forward)
        drawn = [q["key"] for q in drawn_questions(page)]
        # every question in reading order, then the buttons (Previous is disabled on the first)
        buttons = {"later"} if sections == 1 else {"prev", "later"}
        assert [k for k in reached if QUESTION_KEY.match(k)] == drawn, \
            f"section {sections}: focus order {reached}, reading order {drawn}"
        assert buttons <= set(reached), f"section {sections}: buttons not reached: {reached}"
        # Shift+Tab goes back to the previous control, Tab returns to the button
        assert tab(page, back=True).get("key") == "later"
        assert tab(page).get("key") == forward
        if last:
            break
        before = heading
        page.keyboard.press("Enter")
        wait_idle(page)
        heading = assert_focus_on_heading(page)
        assert heading != before, "the focus did not move to the new section"
    assert sections >= 3

    page.keyboard.press("Enter")  # submit
    page.locator(".st-key-survey_pdf").wait_for(timeout=90_000)
    wait_idle(page)
    shot(page, "keyboard-result")
    tab_to(page, "survey_pdf", limit=120)
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    with open(info.value.path(), "rb") as fh:
        assert fh.read(4) == b"%PDF"


OVERFLOW_JS = """() => {
  const w = document.documentElement.clientWidth;
  const main = document.querySelector('[data-testid="stMain"]');
  const out = [...main.querySelectorAll('*')].filter(e => {
      const r = e.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && (r.right > w + 1 || r.left < -1) &&
             !e.closest('[data-testid="stVegaLiteChart"], [data-testid="stTable"], '
                       + '[data-testid="stProgress"]'); })
    .slice(0, 5).map(e => e.tagName + ' ' + (e.getAttribute('data-testid') ||
      e.parentElement.getAttribute('data-testid') || e.className.toString().slice(0, 30)) +
      ' ' + Math.round(e.getBoundingClientRect().left) + '..' +
      Math.round(e.getBoundingClientRect().right) + ' ' + (e.innerText || '').slice(0, 30));
  const scrolls = [document.documentElement, document.body, main]
    .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.tagName);
  return {width: w, out, scrolls};
}"""


def assert_fits(page, where: str) -> None:  # noqa: ANN001
    """Nothing sticks out sideways and nothing scrolls horizontally (WCAG 1.4.10 reflow);
    charts and data tables may scroll in their own box, which the rule allows."""
    wait_idle(page)
    found = page.evaluate(OVERFLOW_JS)
    assert not found["out"] and not found["scrolls"], f"{where}: {found}"


@pytest.mark.parametrize("viewport", [
    pytest.param({"width": 360, "height": 740}, id="phone-360x740"),
    pytest.param({"width": 640, "height": 450}, id="zoom-200-of-1280x900"),
])
def test_the_questionnaire_on_a_phone_and_at_200_percent(app_url, demo_url, browser,
                                                         viewport):  # noqa: ANN001
    from tests.browser.test_accessibility import answer_section, click_key

    phone = viewport["width"] < 400
    ctx = browser.new_context(viewport=viewport, accept_downloads=True, locale="fr-FR",
                              is_mobile=phone, has_touch=phone, device_scale_factor=2)
    page = ctx.new_page()
    page.set_default_timeout(30_000)
    name = f"{viewport['width']}x{viewport['height']}"
    try:
        token, _ = fresh_trainer_link(demo_url)
        page.goto(f"{app_url}/questionnaire?t={token}")
        wait_idle(page)
        page.locator(".st-key-start button").wait_for()
        assert_fits(page, "notice")
        if phone:
            page.locator(".st-key-start button").tap()
        else:
            click_key(page, "start")
        n = 0
        while True:
            n += 1
            page.locator("h2").first.wait_for()
            drawn_questions(page)
            assert_fits(page, f"section {n}")
            answer_section(page)
            assert_fits(page, f"section {n} answered")
            if n == 1:
                shot(page, f"phone-section-1-{name}")
            if page.locator(".st-key-submit").count():
                break
            before = page.locator("h2").first.inner_text()
            click_key(page, "next")
            page.wait_for_function("(b) => { const h = document.querySelector('h2'); "
                                   "return h && h.innerText !== b; }", arg=before)
        for key in ("prev", "later", "submit"):  # the buttons are on screen, not cut off
            box = page.locator(f".st-key-{key} button").bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], key
        click_key(page, "submit")
        pdf = page.locator(".st-key-survey_pdf button")
        pdf.wait_for(timeout=90_000)
        page.locator('[data-testid="stVegaLiteChart"]').first.wait_for()
        assert_fits(page, "result")
        shot(page, f"phone-result-{name}")
        with page.expect_download() as info:
            pdf.tap() if phone else pdf.click()
        with open(info.value.path(), "rb") as fh:
            assert fh.read(4) == b"%PDF"
    finally:
        ctx.close()
