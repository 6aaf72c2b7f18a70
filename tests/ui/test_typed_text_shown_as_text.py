"""Names and texts people typed are shown as text on every page that shows them.

A site, a region, a person and the lead's approach are given a name made of a Markdown
link, a Markdown image and an HTML tag; each page is run with AppTest and every piece of
Markdown it sends to the browser is rendered with CommonMark (raw HTML allowed, the worst
case): no link, image or tag may come out, and the typed text must be visible literally.
"""

import datetime as dt
import html

import pytest
import streamlit as st
from markdown_it import MarkdownIt
from sqlmodel import select

from champions.quadrants import QUADRANTS
from champions.settings import save_approach
from dashboards import plans
from storage.db import make_engine, read_session, write_session
from storage.models import Person, Region, Site
from tests.demo_db import use_database
from tests.ui.apptest import demo_viewer, run_page
from tests.ui.demo_snapshot import restore_demo  # noqa: F401 - fixture

EVIL = "[x](http://evil) ![i](http://e/i.png) <b>b</b>"
MD = MarkdownIt("commonmark", {"html": True})


def _markdown_sent(at) -> list[str]:
    """Every string the page sends to be rendered as Markdown."""
    out = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning",
                 "error", "success"):
        out += [str(el.value) for el in getattr(at, kind)]
    out += [str(el.label) for el in at.metric]
    for kind in ("button", "checkbox", "radio", "selectbox", "text_input", "text_area",
                 "expander", "multiselect", "number_input", "date_input", "toggle"):
        out += [str(getattr(el, "label", "")) for el in getattr(at, kind)]
    for radio in at.radio:
        out += [str(o) for o in radio.options]
    return out


def assert_shown_as_text(at) -> None:
    assert not at.exception, at.exception
    shown = []
    for source in _markdown_sent(at):
        rendered = MD.render(source)
        for tag in ("<a ", "<img", "<b>"):
            assert tag not in rendered, f"{tag} rendered from {source!r}"
        shown.append(html.unescape(rendered))
    assert any(EVIL in text for text in shown), "the typed text must be visible, literally"


@pytest.fixture
def evil_names(demo_url):
    """Rename the manager's site, its region and the manager; the lead's approaches; restore."""
    use_database(demo_url)
    st.cache_data.clear()  # pages cache the roster's names: earlier tests read the real ones
    st.cache_resource.clear()
    eng = make_engine(demo_url)
    manager = demo_viewer(demo_url, "manager")
    with write_session(eng) as s:
        site = s.get(Site, manager.site_id)
        region = s.get(Region, site.region_id)
        person = s.get(Person, manager.person_id)
        saved = (site.name, region.name, person.first_name, person.last_name)
        site.name, region.name = EVIL, EVIL + " région"
        person.first_name, person.last_name = EVIL, "Nom"
    for quadrant in QUADRANTS:
        save_approach(eng, quadrant, "fr", EVIL, None)
    yield eng, manager
    with write_session(eng) as s:
        site = s.get(Site, manager.site_id)
        region = s.get(Region, site.region_id)
        person = s.get(Person, manager.person_id)
        site.name, region.name, person.first_name, person.last_name = saved
    for quadrant in QUADRANTS:
        save_approach(eng, quadrant, "fr", "", None)
    st.cache_data.clear()
    st.cache_resource.clear()
    eng.dispose()


@pytest.mark.parametrize("script", ["pages/home.py", "pages/overview.py", "pages/site_profile.py",
                                    "pages/action_plans.py"])
def test_manager_pages_show_the_typed_site_and_name_as_text(evil_names, script):
    _, manager = evil_names
    at = run_page(script, manager.__class__(**{**manager.__dict__, "name": EVIL}))
    assert_shown_as_text(at)


def test_action_plan_and_approach_show_as_text(evil_names, demo_url):
    eng, manager = evil_names
    at = run_page("pages/action_plans.py", manager)
    plan = plans.plan_for(eng, at.selectbox(key="plan_campaign").value, manager.site_id, "Plan",
                          manager.person_id)
    action = plans.add_action(eng, plan, plans.ActionInput(EVIL, EVIL, dt.date(2027, 1, 1),
                                                           "todo", EVIL))
    try:
        at.run()
        assert_shown_as_text(at)
    finally:
        plans.delete_action(eng, action)


def test_champions_map_shows_typed_site_names_and_approaches_as_text(evil_names, demo_url):
    eng, manager = evil_names
    at = run_page("pages/champions_map.py", demo_viewer(demo_url, "lead"))
    assert_shown_as_text(at)
    with read_session(eng) as s:
        assert s.exec(select(Site.name).where(Site.id == manager.site_id)).one() == EVIL
    at.selectbox(key="ch_site").set_value(manager.site_id).run()
    assert_shown_as_text(at)


def test_custom_question_and_its_choices_show_as_text(demo_url, restore_demo):
    """An admin's custom question (text and choices) on the trainer's questionnaire."""
    from storage.models import Campaign
    from survey import answering
    from survey.links import resolve
    from survey.versions import CUSTOM_SECTION_ID, validate_custom_items
    from tests.survey.helpers import section_answers
    from tests.ui.test_survey_pages import _page, fresh_trainer_link

    use_database(demo_url)
    eng = make_engine(demo_url)
    item = {"id": "custom_evil", "type": "single", "text": {"fr": EVIL, "en": EVIL},
            "choices": [{"id": "a", "text": {"fr": EVIL, "en": EVIL}},
                        {"id": "b", "text": {"fr": "Non", "en": "No"}}]}
    custom = [i.model_dump(mode="json", exclude_none=True) for i in validate_custom_items([item])]
    token, _ = fresh_trainer_link(demo_url)
    ctx = resolve(eng, token)
    with write_session(eng) as s:  # set directly: the demo campaign already has answers
        campaign = s.get(Campaign, ctx.campaign_id)
        saved, campaign.custom_items = campaign.custom_items, custom
    try:
        state = answering.start_or_resume(eng, ctx)
        q = answering.questionnaire_for(eng, state.response_id)
        at_custom = next(i for i, sec in enumerate(q.sections) if sec.id == CUSTOM_SECTION_ID)
        for i, section in enumerate(q.sections[:at_custom]):
            answering.save_section(eng, state.response_id, section.id, section_answers(section),
                                   i + 1)
        at = _page("pages/questionnaire.py", token)
        assert_shown_as_text(at)
        assert any(EVIL in html.unescape(MD.render(o)) for r in at.radio for o in r.options)
    finally:
        with write_session(eng) as s:
            s.get(Campaign, ctx.campaign_id).custom_items = saved
        eng.dispose()


def test_roster_preview_shows_a_typed_new_site_as_text(demo_url, tmp_path):
    """A roster file is typed by someone else: its new site's name is previewed as text.

    On a copy of the demo that is no longer marked as the demo (a roster import into
    the demo organisation is refused before any preview)."""
    import sqlite3

    url = f"sqlite:///{tmp_path / 'real.db'}"
    with sqlite3.connect(demo_url.removeprefix("sqlite:///")) as a, \
            sqlite3.connect(tmp_path / "real.db") as b:
        a.backup(b)
        b.execute("DELETE FROM databaseorigin")
    use_database(url)
    at = run_page("pages/admin_roster.py", demo_viewer(url, "admin"))
    at.checkbox(key="roster_create_sites").check().run()
    data = f"Prénom;Nom;Courriel;Rôle;Site;Région\nAna;Diaz;ana.evil@ex.fr;formateur;{EVIL};R\n"
    at.file_uploader[0].set_value(("roster.csv", data.encode(), "text/csv")).run()
    assert_shown_as_text(at)
