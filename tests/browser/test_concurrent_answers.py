"""Several trainers answer the whole questionnaire at once against one server (issue #22).

Each trainer has a browser context of their own (one Chromium, driven by
Playwright's async API so the trainers really act at the same time). On each
section they read the first question for a second, then click an option for
every question one after the other without waiting for the page, type the
numbers and lists, press Next, and finally submit. The test then reads the
database item by item and compares it with what each page showed when the
trainer moved on: every trainer must be submitted with every answer they gave.

Evidence: this test run against the code before issue #22 (commit b4cec56, a
save wrote the whole section from whatever the session held and deleted what
it did not see) failed 3 runs of 3; in the last two, all 8 trainers were sent
back by "Il manque des réponses dans cette section". An intermediate version
(per-answer saves with revisions, one rerun per click) erased nothing any more
but lost clicks that the page had shown, in 4 runs of 4; with one form per
section it passed 4 runs of 5 locally (the failing run's cause was not
recorded; the assertion now lists every trainer not submitted and why).
"""

from __future__ import annotations

import asyncio
import random
import shutil
import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlmodel import select

from storage.db import make_engine, read_session, write_session
from storage.models import Invitation, Person, Response
from survey import answering
from survey.answering import NA
from survey.links import issue_link
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, streamlit_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TRAINERS = 8
CAMPAIGN = 2
APP = '[data-testid="stApp"]'
NA_TEXT = "Ne s'applique pas à mon poste"


@dataclass
class Clicked:
    """What one browser chose, section by section: (question label, chosen text)."""

    token: str
    person_id: int
    sections: list[list[tuple[str, str]]] = field(default_factory=list)
    outcome: str = ""
    retries: int = 0


def _copy_demo(demo_url: str, folder: Path) -> str:
    src = demo_url.removeprefix("sqlite:///")
    dst = folder / "concurrent.db"
    with sqlite3.connect(src) as a, sqlite3.connect(dst) as b:
        a.backup(b)
    return f"sqlite:///{dst}"


def _links(url: str, n: int) -> list[Clicked]:
    eng = make_engine(url)
    with write_session(eng) as s:
        answered = select(Response.person_id).where(Response.campaign_id == CAMPAIGN)
        pids = s.exec(select(Invitation.person_id).join(Person, Person.id == Invitation.person_id)
                      .where(Invitation.campaign_id == CAMPAIGN, Person.role == "trainer",
                             Person.active, ~Invitation.person_id.in_(answered))
                      .order_by(Invitation.person_id).limit(n)).all()
        out = [Clicked(issue_link(s, CAMPAIGN, pid), pid) for pid in pids]
    eng.dispose()
    assert len(out) == n
    return out


async def _settled(page) -> None:  # noqa: ANN001
    await page.wait_for_selector(f'{APP}:not([data-test-script-state="running"])',
                                 timeout=120_000)
    await page.wait_for_function("() => !document.querySelector('[data-stale=\"true\"]')",
                                 timeout=120_000)


async def _label(widget) -> str:  # noqa: ANN001
    return (await widget.locator('[data-testid="stWidgetLabel"]').first.inner_text()).strip()


async def _shown(widget) -> str | None:  # noqa: ANN001
    """The answer a question's widget shows now (None: none)."""
    kind = await widget.get_attribute("data-testid")
    if kind == "stRadio":
        checked = widget.locator('[data-testid="stRadioOption"]:has(input:checked)')
        return (await checked.inner_text()).strip() if await checked.count() else None
    if kind == "stNumberInput":
        return (await widget.locator("input").input_value()) or None
    chips = widget.locator("[data-tag]")
    texts = [(await chips.nth(i).get_attribute("aria-label") or "").strip()
             for i in range(await chips.count())]
    return " | ".join(sorted(texts)) or None


async def _give(page, widget, rng: random.Random) -> None:  # noqa: ANN001
    """Give an answer to one question, without waiting for the page."""
    kind = await widget.get_attribute("data-testid")
    if kind == "stRadio":
        options = widget.locator('[data-testid="stRadioOption"]')
        await options.nth(rng.randrange(await options.count())).click()
        return
    await _settled(page)  # a box is typed into once it is drawn, as a person does
    if kind == "stNumberInput":
        await widget.locator("input").fill(str(rng.randrange(0, 30)))
        await widget.locator("input").press("Tab")  # leaving the box commits the number
        return
    for _ in range(5):  # the list may close when the page redraws: open it again
        await widget.click()
        options = page.get_by_role("option")
        try:
            await options.first.wait_for(timeout=10_000)
            await options.nth(rng.randrange(min(2, await options.count()))).click(timeout=10_000)
            break
        except Exception:  # noqa: BLE001 - retried; the final check reads the page
            await _settled(page)
    await widget.locator('[data-testid="stWidgetLabel"]').click()  # close the list


QUESTIONS = '[data-testid="stRadio"], [data-testid="stNumberInput"], [data-testid="stMultiSelect"]'


async def _answer_section(page, rng: random.Random, who: Clicked) -> list[tuple[str, str]]:  # noqa: ANN001
    """Answer every visible question, one click after the other without pauses.

    Then, as a person looks over the page before pressing Next, answer again
    any question the browser shows unanswered (a click on an element being
    redrawn can be dropped by the browser; counted in ``who.retries``). What
    the page shows when the person moves on is what they gave, and what the
    database must hold.
    """
    for round_ in range(8):
        await _settled(page)
        questions = page.locator(QUESTIONS)
        count = await questions.count()
        empty = [i for i in range(count) if await _shown(questions.nth(i)) is None]
        if not empty:
            break
        if round_:
            who.retries += len(empty)
        for i in empty:
            await _give(page, page.locator(QUESTIONS).nth(i), rng)
    await _settled(page)
    questions = page.locator(QUESTIONS)
    shown = [(await _label(questions.nth(i)), await _shown(questions.nth(i)))
             for i in range(await questions.count())]
    assert all(text is not None for _, text in shown), shown
    return shown


async def _evidence(page, who: Clicked) -> None:  # noqa: ANN001
    """Keep what the trainer saw when something went wrong (screenshot and messages)."""
    try:
        Path("test-artifacts").mkdir(exist_ok=True)
        await page.screenshot(path=f"test-artifacts/concurrent-{who.person_id}.png",
                              full_page=True)
        alerts = page.locator('[data-testid="stAlert"]')
        who.outcome += " | " + " / ".join(
            [(await alerts.nth(i).inner_text()).strip()[:160]
             for i in range(await alerts.count())])
    except Exception:  # noqa: BLE001 - evidence is best effort
        pass


async def _trainer(browser, url: str, who: Clicked, seed: int) -> None:  # noqa: ANN001
    rng = random.Random(seed)
    ctx = await browser.new_context(viewport={"width": 1200, "height": 900}, locale="fr-FR")
    page = await ctx.new_page()
    page.set_default_timeout(120_000)
    try:
        await page.goto(f"{url}/questionnaire?t={who.token}")
        await page.get_by_role("button", name="J'ai lu : commencer").click()
        while True:
            await page.get_by_text("Section ").first.wait_for()
            await _settled(page)
            heading = (await page.locator("h2").first.inner_text()).strip()
            await page.wait_for_timeout(1000)  # a person reads the new section's first question
            who.sections.append(await _answer_section(page, rng, who))
            submit = page.get_by_role("button", name="Envoyer mes réponses")
            if await submit.count():
                await submit.click()
                done = page.get_by_text("Vos réponses ont été envoyées")
                refused = page.locator('[data-testid="stAlertContentError"]')
                await done.or_(refused).first.wait_for()
                who.outcome = "submitted" if await done.count() else "sent back"
                if not await done.count():
                    await _evidence(page, who)
                return
            await page.get_by_role("button", name="Suivant").click()
            await page.wait_for_function(
                "(b) => { const h = document.querySelector('h2'); "
                "return (h && h.innerText.trim() !== b) "
                "|| document.querySelector('[data-testid=\"stAlertContentError\"]'); }",
                arg=heading)
            if (await page.locator("h2").first.inner_text()).strip() == heading:
                who.outcome = f"stopped at {heading}"
                await _evidence(page, who)
                return
    except Exception as err:  # noqa: BLE001 - reported per trainer below
        who.outcome = f"error: {err!r}"[:300]
        await _evidence(page, who)
    finally:
        await ctx.close()


async def _all(url: str, trainers: list[Clicked]) -> None:
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            # a server that has already served a visitor, as during a campaign
            visitor = await browser.new_page()
            await visitor.goto(url)
            await visitor.get_by_text("Relais").first.wait_for()
            await _settled(visitor)
            await visitor.close()
            await asyncio.gather(*(_trainer(browser, url, who, n)
                                   for n, who in enumerate(trainers)))
        finally:
            await browser.close()


def _displayed(item, value) -> str:  # noqa: ANN001
    """A stored value as the French page labels it."""
    if value == NA:
        return NA_TEXT
    if item.type == "scale":
        return item.options[int(value)].get("fr")
    if item.type == "boolean":
        return "Oui" if value else "Non"
    if item.type in ("single", "multi"):
        names = {c.id: c.text.get("fr") for c in item.choices}
        if item.type == "single":
            return names[value]
        return " | ".join(sorted(names[v] for v in value))
    return str(value)


def _label_text(number: int, item) -> str:  # noqa: ANN001
    optional = " (obligatoire)" if item.required else " (facultatif)"
    return f"{number}. {item.text.get('fr')}{optional}"


def test_eight_trainers_answer_at_once_and_every_answer_is_kept(demo_url, tmp_path):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is missing at {CHROMIUM}")
    url = _copy_demo(demo_url, tmp_path)
    trainers = _links(url, TRAINERS)
    with streamlit_server(url, tmp_path / "server.log") as base:
        # a thread of its own: the other journeys' sync Playwright keeps an event loop
        # running in this one, where asyncio.run() is refused
        runner = threading.Thread(target=lambda: asyncio.run(_all(base, trainers)))
        runner.start()
        runner.join()
    Path("test-artifacts").mkdir(exist_ok=True)
    shutil.copy(tmp_path / "server.log", "test-artifacts/concurrent-server.log")
    with sqlite3.connect(url.removeprefix("sqlite:///")) as a, \
            sqlite3.connect("test-artifacts/concurrent.db") as b:
        a.backup(b)  # with what the WAL holds, unlike a file copy

    outcomes = {who.person_id: who.outcome for who in trainers}
    print("answers given again because the browser dropped a click:",
          {who.person_id: who.retries for who in trainers})
    assert all(o == "submitted" for o in outcomes.values()), "\n".join(
        f"{pid}: {o}" for pid, o in outcomes.items() if o != "submitted")

    eng = make_engine(url)
    problems = []
    for who in trainers:
        with read_session(eng) as s:
            rid = s.exec(select(Response.id).where(Response.campaign_id == CAMPAIGN,
                                                   Response.person_id == who.person_id)).one()
        state = answering.load_state(eng, rid)
        q = answering.questionnaire_for(eng, rid)
        assert state.submitted
        assert len(who.sections) == len(q.sections)
        for section, clicked in zip(q.sections, who.sections, strict=True):
            shown = {_label_text(n, it): it for n, it in enumerate(section.items, start=1)}
            for label, text in clicked:
                item = shown[label.replace("**", "")]
                stored = state.answers.get(item.id)
                if not answering.is_visible(item, state.answers):
                    assert stored is None  # "if yes" questions count only with that yes
                    continue
                if stored is None or _displayed(item, stored) != text:
                    problems.append((who.person_id, item.id, text, stored))
            clicked_labels = {label for label, _ in clicked}
            extra = [it.id for n, it in enumerate(section.items, start=1)
                     if it.id in state.answers and _label_text(n, it) not in clicked_labels]
            problems += [(who.person_id, i, "not clicked", state.answers[i]) for i in extra]
    eng.dispose()
    assert not problems, problems
