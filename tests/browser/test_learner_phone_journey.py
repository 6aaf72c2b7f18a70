"""A learner opens a learners' link on a phone, answers every statement, sends; the same phone
cannot answer twice; a closed link says so."""

from playwright.sync_api import expect

from storage.db import make_engine
from survey import learners
from survey.learner_questionnaire import default
from tests.browser.axe import blocking, run_axe
from tests.browser.conftest import shot
from tests.browser.helpers import wait_idle
from tests.learners.test_learner_pages import open_campaign

PHONE = {"width": 390, "height": 844}  # a common phone, portrait


def test_learner_answers_on_a_phone(app_url, browser, demo_url):  # noqa: ANN001
    cid, site = open_campaign(demo_url)
    eng = make_engine(demo_url)
    token = learners.create_link(eng, cid, site, "Navigateur")
    ctx = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="fr-FR",
                              device_scale_factor=2)
    page = ctx.new_page()
    page.set_default_timeout(30_000)
    try:
        page.goto(f"{app_url}/learners?l={token}")
        wait_idle(page)
        page.get_by_text("Ce questionnaire est anonyme").wait_for()
        groups = page.locator('[data-testid="stRadio"]')
        expect(groups).to_have_count(len(default().items))
        # readable on a phone: nothing wider than the screen, large touch targets
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        option = groups.first.locator('[data-testid="stRadioOption"]').first
        box = option.bounding_box()
        assert box["height"] >= 40 and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        for i in range(groups.count()):
            groups.nth(i).locator('[data-testid="stRadioOption"]').nth(i % 6).tap()
        bad = blocking(run_axe(page))
        assert not bad, [(v["id"], v["impact"]) for v in bad]  # the answered form, on a phone
        send = page.get_by_role("button", name="Envoyer mes réponses")
        assert send.bounding_box()["height"] >= 44
        shot(page, "learner-phone-answers")
        send.tap()
        page.get_by_text("Vos réponses ont été envoyées").wait_for()
        shot(page, "learner-phone-sent")
        links = learners.links_table(eng, cid)
        assert links.query("cohort == 'Navigateur'")["answers"].iloc[0] == 1
        # the same phone, a new visit: recognised by its device cookie, no second form
        page.goto(f"{app_url}/learners?l={token}")
        wait_idle(page)
        page.get_by_text("Vos réponses ont été envoyées").wait_for()
        expect(page.locator('[data-testid="stRadio"]')).to_have_count(0)
        # another phone may answer; after closing, a clear message and no form
        link_id = int(links.query("cohort == 'Navigateur'")["link_id"].iloc[0])
        learners.close_link(eng, link_id)
        other = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="fr-FR")
        p2 = other.new_page()
        p2.goto(f"{app_url}/learners?l={token}")
        wait_idle(p2)
        p2.get_by_text("a été fermé").wait_for()
        expect(p2.locator('[data-testid="stRadio"]')).to_have_count(0)
        other.close()
        assert learners.links_table(eng, cid).query("cohort == 'Navigateur'")["answers"].iloc[0] == 1
    finally:
        ctx.close()
        eng.dispose()
