"""AppTest of the recognition parts by role: link page, planner (lead), overview (director)."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from recognition import badges, service
from storage.db import make_engine, read_session, write_session
from storage.models import Badge, Consent, Person, Response
from survey.links import issue_link
from tests.demo_db import build_demo_db, use_database
from tests.ui.apptest import ROOT, demo_viewer, run_page, texts


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """A tiny demo of its own (badges are written), and who attended what."""
    url = build_demo_db(tmp_path_factory.mktemp("recognition_demo"), size="tiny")
    use_database(url)
    eng = make_engine(url)
    with read_session(eng) as s:
        both = s.exec(
            select(Response.person_id, Response.site_id).where(
                Response.campaign_id == 1,
                Response.status == "submitted",
                Response.role == "trainer",
                Response.person_id.in_(
                    select(Response.person_id).where(
                        Response.campaign_id == 2, Response.status == "submitted"
                    )
                ),
            )
        ).all()
    frame = pd.DataFrame(both, columns=["person_id", "site_id"])
    site = frame["site_id"].value_counts().index[0]
    # six of the site's trainers who answered both campaigns: its other trainers (at least k)
    # keep the group from differing from the site's released figures by fewer than k people
    learners = frame.loc[frame["site_id"] == site, "person_id"].tolist()[:6]
    relay, quiet = [int(p) for p in frame.loc[frame["site_id"] != site, "person_id"].tolist()[:2]]
    with write_session(eng) as s:
        s.add(Consent(person_id=relay, kind="named_to_lead", granted=True))
        s.add(Consent(person_id=quiet, kind="named_to_lead", granted=False))
    rows = [
        {
            "person_id": p,
            "role": "learner",
            "area": "assessment",
            "cohort_id": "1-a",
            "plan_id": 1,
            "hours": 6.0,
            "attended": True,
            "campaign_id": 1,
        }
        for p in learners
    ]
    rows.append(
        {
            "person_id": relay,
            "role": "relay",
            "area": "assessment",
            "cohort_id": "1-a",
            "plan_id": 1,
            "hours": 6.0,
            "attended": True,
            "campaign_id": 1,
        }
    )
    rows.append(
        {
            "person_id": quiet,
            "role": "relay",
            "area": "teaching",
            "cohort_id": "1-b",
            "plan_id": 1,
            "hours": 4.0,
            "attended": True,
            "campaign_id": 1,
        }
    )
    eng.dispose()
    return {
        "url": url,
        "frame": pd.DataFrame(rows),
        "learner": learners[0],
        "relay": relay,
        "quiet": quiet,
    }


@pytest.fixture(autouse=True)
def wired(demo, monkeypatch, tmp_path_factory):
    """The cascade's attendance frame (another branch) replaced by the hand-made one; a key file."""
    use_database(demo["url"])
    monkeypatch.setattr(service, "attendance", lambda engine, plan_id=None: demo["frame"])
    monkeypatch.setenv(
        "RELAIS_BADGE_KEY", str(tmp_path_factory.getbasetemp() / "recognition_key.pem")
    )


def _issue(demo):
    from recognition.keys import load_key

    eng = make_engine(demo["url"])
    badges.issue_badges(eng, demo["frame"], load_key(), "Relais", service.area_names())
    eng.dispose()


def _link_page(demo, person_id):
    eng = make_engine(demo["url"])
    with write_session(eng) as s:
        token = issue_link(s, 2, person_id)
    eng.dispose()
    at = AppTest.from_file(str(ROOT / "pages/my_result.py"), default_timeout=60)
    at.session_state["lang"] = "fr"
    at.query_params["t"] = token
    return at.run()


def test_lead_issues_and_revokes_badges_from_the_planner(demo):
    at = run_page("pages/planner.py", demo_viewer(demo["url"], "lead"), timeout=90)
    assert not at.exception
    assert "Badges et effet mesuré des cohortes" in [e.label for e in at.expander]
    at.button(key="pl_badges_issue").click().run()
    assert not at.exception
    assert "badges délivrés" in texts(at)
    eng = make_engine(demo["url"])
    with read_session(eng) as s:
        mine = s.exec(select(Badge).where(Badge.person_id == demo["learner"])).one()
    eng.dispose()
    at.selectbox(key="pl_badges_pick").set_value(mine.id)
    at.text_input(key="pl_badges_reason").set_value("test")
    next(b for b in at.button if b.label == "Révoquer").click().run()
    assert not at.exception
    assert f"Badge {mine.id} révoqué" in texts(at)
    assert "Les cohortes ont-elles changé les pratiques ?" not in texts(at)  # until asked
    at.toggle(key="pl_effect_on").set_value(True).run()
    assert not at.exception
    # the lead sees the effect, and the relay who agreed to be named, not the one who did not
    assert "Les cohortes ont-elles changé les pratiques ?" in texts(at)
    assert "Évaluation" in texts(at)
    eng = make_engine(demo["url"])
    with read_session(eng) as s:
        quiet = s.get(Person, demo["quiet"])
        quiet_name = f"{quiet.first_name} {quiet.last_name}"
    eng.dispose()
    shown = " ".join(d.value.to_string() for d in at.dataframe)
    assert quiet_name not in shown  # no consent, never named


def test_director_sees_the_effect_on_the_overview_but_no_badge_controls(demo):
    at = run_page("pages/overview.py", demo_viewer(demo["url"], "director"), timeout=90)
    assert not at.exception
    body = texts(at)
    assert "Les cohortes ont-elles changé les pratiques ?" in body
    assert (
        "Pas assez de participant·es pour dire" in body
        or "Les cohortes en Évaluation" in body
        or "Pas de changement net" in body
    )
    assert not any(b.key == "pl_badges_issue" for b in at.button)
    # the effect's groups are recorded as releases of both campaigns (so later figures are checked
    # against them), once: a second read records nothing new
    from disclosure.store import release_log

    eng = make_engine(demo["url"])
    logs = [release_log(eng, c) for c in (1, 2)]
    assert all(log["figure"].str.startswith("effect:assessment").any() for log in logs)
    again = run_page("pages/overview.py", demo_viewer(demo["url"], "director"), timeout=90)
    assert not again.exception
    assert [len(release_log(eng, c)) for c in (1, 2)] == [len(log) for log in logs]
    eng.dispose()
    planner = run_page("pages/planner.py", demo_viewer(demo["url"], "director"), timeout=90)
    assert "Badges et effet mesuré des cohortes" not in [e.label for e in planner.expander]


def test_trainer_downloads_badges_from_the_link_page_and_reads_they_outlive_erasure(demo):
    _issue(demo)
    at = _link_page(demo, demo["relay"])
    assert not at.exception
    body = texts(at)
    assert "Mes badges" in body
    assert "restent valides si vous retirez votre consentement" in body
    labels = [b.label for b in at.get("download_button")]
    assert "Attestation (.jwt)" in labels and "Image (.svg)" in labels
    assert (
        "Formateur·rice relais : Évaluation (6 h)" in body
        or "Relay trainer: Assessment (6 h)" in body
    )


def test_a_trainer_without_badges_sees_no_badge_section(demo):
    eng = make_engine(demo["url"])
    with read_session(eng) as s:
        other = s.exec(
            select(Response.person_id).where(
                Response.campaign_id == 2,
                Response.status == "submitted",
                Response.role == "trainer",
                ~Response.person_id.in_(demo["frame"]["person_id"].tolist()),
            )
        ).first()
    eng.dispose()
    at = _link_page(demo, other)
    assert not at.exception
    assert "Mes badges" not in texts(at)


def test_a_relay_who_withdraws_consent_leaves_the_named_effect_view_at_once(demo):
    def lead_view():
        at = run_page("pages/planner.py", demo_viewer(demo["url"], "lead"), timeout=90)
        at.toggle(key="pl_effect_on").set_value(True).run()
        assert not at.exception
        return at

    eng = make_engine(demo["url"])
    with read_session(eng) as s:
        relay = s.get(Person, demo["relay"])
        name = f"{relay.first_name} {relay.last_name}"
    at = lead_view()
    relay_tables = [d.value for d in at.dataframe if "Formateur·rice relais" in d.value.columns]
    named_before = any(name in df.to_string() for df in relay_tables)
    with write_session(eng) as s:
        s.add(Consent(person_id=demo["relay"], kind="named_to_lead", granted=False))
    at = lead_view()
    relay_tables = [d.value for d in at.dataframe if "Formateur·rice relais" in d.value.columns]
    assert not any(name in df.to_string() for df in relay_tables)
    # the relay's group (six people of one site) passes the rule on the tiny demo: named before
    assert named_before
    with write_session(eng) as s:
        s.add(Consent(person_id=demo["relay"], kind="named_to_lead", granted=True))
    eng.dispose()
