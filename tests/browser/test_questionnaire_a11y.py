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
    the focus with every question answered; returns the questions in the order reached."""
    reached: list[str] = []
    for _ in range(300):
        f = tab(page)
        key = f.get("key") or ""
        if QUESTION_KEY.match(key) or key in ("prev", "later", forward):
            assert f["visible"], f"no visible focus on {key} ({f['kind']})"
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
        assert reached == drawn, f"section {sections}: focus order {reached} != {drawn}"
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
