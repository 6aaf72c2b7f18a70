"""A site's official position: default anonymous, chosen before managers answer, stated on their notice."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

import official
from disclosure.campaign import release_of, released_gaps
from i18n import RelaisError
from official.regions import released_region_gaps
from scoring.data import load_campaign
from storage.db import make_engine, write_session
from storage.models import Campaign, Invitation, Person, Response
from survey.links import issue_link
from tests.demo_db import build_demo_db, use_database
from tests.ui.apptest import ROOT, demo_viewer, run_page, texts

NOTICE_FR = "Vos réponses sont la position officielle de votre site."


@pytest.fixture(scope="module")
def own_demo(tmp_path_factory):
    """A demo database of this module's own (the tests add a campaign and links to it).

    The pages' caches are keyed by campaign, not by database: they are emptied before and
    after, so no other module reads this database's campaigns from them.
    """
    import streamlit as st

    st.cache_data.clear(), st.cache_resource.clear()
    yield build_demo_db(tmp_path_factory.mktemp("official"))
    st.cache_data.clear(), st.cache_resource.clear()


def new_campaign(engine, name: str) -> int:  # noqa: ANN001
    with write_session(engine) as s:
        base = s.get(Campaign, 2)
        camp = Campaign(name=name, starts_on=dt.date(2027, 1, 1), ends_on=dt.date(2027, 3, 1), status="open",
                        trainer_qv_id=base.trainer_qv_id, organisation_qv_id=base.organisation_qv_id)
        s.add(camp)
        s.flush()
        return camp.id


def manager_link(engine, campaign_id: int) -> str:  # noqa: ANN001
    with write_session(engine) as s:
        pid = s.exec(select(Person.id).where(Person.role == "manager", Person.active).order_by(Person.id)).first()
        return issue_link(s, campaign_id, pid)


def open_link(token: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages/questionnaire.py"), default_timeout=60)
    at.session_state["lang"] = "fr"
    at.query_params["t"] = token
    return at.run()


def test_default_is_anonymous_and_the_notice_says_nothing_of_it(own_demo):
    use_database(own_demo)
    engine = make_engine(own_demo)
    cid = new_campaign(engine, "Anonyme")
    assert official.is_official(engine, cid) is False
    at = open_link(manager_link(engine, cid))
    assert not at.exception, at.exception
    assert "Qui voit quoi" in texts(at) and NOTICE_FR not in texts(at)
    engine.dispose()


def test_chosen_before_answers_the_managers_notice_says_so(own_demo):
    use_database(own_demo)
    engine = make_engine(own_demo)
    cid = new_campaign(engine, "Officielle")
    official.set_official(engine, cid, True)
    assert official.is_official(engine, cid)
    at = open_link(manager_link(engine, cid))
    assert not at.exception, at.exception
    assert NOTICE_FR in texts(at)
    # a trainer of the same campaign is not told anything about it
    with write_session(engine) as s:
        trainer = s.exec(select(Person.id).where(Person.role == "trainer", Person.active)).first()
        token = issue_link(s, cid, trainer)
    assert NOTICE_FR not in texts(open_link(token))
    engine.dispose()


def test_the_choice_is_locked_once_a_manager_started(own_demo):
    engine = make_engine(own_demo)
    # campaign 2 of the demo already has managers' answers
    with pytest.raises(RelaisError) as err:
        official.set_official(engine, 2, True)
    assert "Campagne 2" in err.value.render("fr") and "ne peut donc plus changer" in err.value.render("fr")
    assert official.is_official(engine, 2) is False
    engine.dispose()


def test_official_site_gaps_show_where_anonymous_site_gaps_cannot(own_demo):
    engine = make_engine(own_demo)
    data = load_campaign(engine, 1)
    rel = release_of(data, [], True, 5)
    anonymous = released_gaps(data, rel)
    site_rows = anonymous[(anonymous["scope"] == "site") & (anonymous["kind"] == "element")]
    assert site_rows["hidden"].all()  # 1-3 managers per site: never shown anonymously
    named = official.official_site_gaps(data, rel, engine)
    assert not named.empty and (~named["hidden"]).any()
    shown = named[~named["hidden"]]
    assert (shown["n_trainers"] >= 5).all()
    assert (shown["gap"].round(6) == (shown["mean_managers"] - shown["mean_trainers"]).round(6)).all()
    assert shown["managers"].str.len().gt(0).all()  # named, like a signed self-assessment
    # the regions pool their sites' managers: some region gaps are shown
    regions = released_region_gaps(data, rel)
    assert (~regions[regions["kind"] == "element"]["hidden"]).any()
    assert (regions.loc[~regions["hidden"], "n_managers"] >= 5).all()
    engine.dispose()


def test_site_profile_shows_the_official_position_only_when_chosen(own_demo):
    use_database(own_demo)
    engine = make_engine(own_demo)
    at = AppTest.from_file(str(ROOT / "pages/site_profile.py"), default_timeout=60)
    at.session_state["viewer"], at.session_state["lang"] = demo_viewer(own_demo, "director"), "fr"
    at.session_state["site_campaign"] = 1  # the new campaigns of this module have no answers
    at.run()
    assert not at.exception, at.exception
    assert "Profil du site" in texts(at) and "Position officielle du site" not in texts(at)
    # campaign 1 had its managers' answers before any choice: an official position is only
    # possible on a campaign chosen beforehand, so the demo's campaigns stay anonymous
    with write_session(engine) as s:
        assert s.exec(select(Response).where(Response.campaign_id == 1, Response.role == "manager")).first()
    engine.dispose()


def test_admin_sees_the_choice_locked_on_a_started_campaign(own_demo):
    use_database(own_demo)
    at = AppTest.from_file(str(ROOT / "pages/admin_campaign.py"), default_timeout=60)
    at.session_state["viewer"], at.session_state["lang"] = demo_viewer(own_demo, "admin"), "fr"
    at.session_state["campaign"] = 2
    at.run()
    assert not at.exception, at.exception
    toggle = next(tg for tg in at.toggle if tg.key.startswith("official_"))
    assert toggle.key == "official_2" and toggle.disabled and "Verrouillé" in texts(at)


def test_top_down_axis_uses_the_official_position_only_when_chosen(own_demo):
    from scoring.indices import top_down_sites

    engine = make_engine(own_demo)
    data = load_campaign(engine, 1)
    args = (data.scores, data.answers, data.trainer_items, data.respondents)
    anonymous = top_down_sites(*args, k=5)
    named = top_down_sites(*args, k=5, official=True)
    a_sites = anonymous[anonymous["scope"] == "site"].set_index("site_id")
    n_sites = named[named["scope"] == "site"].set_index("site_id")
    assert not (a_sites["basis"] == "combined").any()  # 1-3 managers a site: trainers only
    assert (n_sites["basis"] == "combined").any()
    both = n_sites[n_sites["basis"] == "combined"]
    assert (both["n_managers"] < 5).any() and both["n_trainers"].ge(5).all()
    # the trainers' side is guarded the same either way
    assert a_sites["hidden"].equals(n_sites["hidden"])
    engine.dispose()
