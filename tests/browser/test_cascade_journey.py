"""The cascade in a real browser: a trainer asks for training from their result, the lead
plans and publishes, the trainer accepts (or takes an open place) from their link, the
cohort's relay records their attendance from theirs, the lead issues the badges earned and
the trainer downloads theirs, which the Open Badges verifier accepts."""

from __future__ import annotations

import pytest
from sqlmodel import select

from pathlib import Path

from cascade import attendance, requests, sessions
from recognition import badges, service
from recognition.keys import load_key
from cascade.simulate import below_target
from storage.db import make_engine, read_session, write_session
from storage.models import CascadeCohort, CascadeSeat
from survey.links import issue_link
from tests.browser.conftest import shot, streamlit_server
from tests.browser.helpers import enter_demo, wait_idle
from tests.browser.test_planner_journey import plan_on_the_page
from tests.demo_db import build_demo_db

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def own_app(tmp_path_factory):
    """A server on a demo of its own (this journey publishes a plan), with its own badge key."""
    folder = tmp_path_factory.mktemp("cascade_browser")
    url = build_demo_db(folder)
    key = str(folder / "badge_key.pem")
    with streamlit_server(url, folder / "server.log", env_extra={"RELAIS_BADGE_KEY": key}) as app:
        yield app, url, key


def _link(eng, pid: int) -> str:  # noqa: ANN001
    with write_session(eng) as s:
        return issue_link(s, 2, pid)


def test_trainer_asks_lead_publishes_trainer_accepts_relay_records(own_app, page, monkeypatch):
    app, url, key_path = own_app
    monkeypatch.setenv("RELAIS_BADGE_KEY", key_path)
    eng = make_engine(url)
    asked = requests.active(eng, 2)
    wants = below_target(eng, 2)
    trainer = next(p for p in sorted(wants) if p not in asked)

    # 1. the trainer asks from their result (priorities pre-selected), with consent
    page.goto(f"{app}/my_result?t={_link(eng, trainer)}")
    page.get_by_text("Se former entre pairs").wait_for(timeout=60_000)
    page.locator(".st-key-cascade_consent label").click()  # the box, as a person clicks it
    page.get_by_role("button", name="Demander à me former").click()
    page.get_by_text("Votre demande est enregistrée.").wait_for()
    assert requests.current(eng, 2, trainer)
    shot(page, "cascade-asked")

    # 2. the lead plans and publishes
    enter_demo(page, app, "Responsable ingénierie numérique", "Planificateur de cohortes")
    plan_on_the_page(page, url, "Cascade navigateur")
    page.get_by_role("button", name="Publier", exact=True).click()
    page.get_by_text("Plan publié.").wait_for(timeout=90_000)

    # 3. the trainer accepts their invitation, or takes an open place near them
    page.goto(f"{app}/my_result?t={_link(eng, trainer)}")
    page.get_by_text("Se former entre pairs").wait_for(timeout=60_000)
    wait_idle(page)
    accept = page.get_by_role("button", name="Accepter", exact=True)
    if accept.count():
        accept.first.click()
        page.get_by_text("Vous avez accepté la place.").wait_for()
    else:
        page.locator(".st-key-cascade_seat_consent label").click()
        wait_idle(page)
        page.get_by_role("button", name="Prendre cette place").first.click()
        page.get_by_text("La place est à vous.").wait_for()
    with read_session(eng) as s:
        seat = s.exec(select(CascadeSeat).where(CascadeSeat.person_id == trainer,
                                                CascadeSeat.status == "accepted")).first()
        assert seat is not None
        cohort = s.get(CascadeCohort, seat.cohort_id)
    shot(page, "cascade-accepted")

    # 4. the cohort's relay ticks the trainer present from their own link
    page.goto(f"{app}/my_result?t={_link(eng, cohort.relay_id)}")
    page.get_by_text("Les cohortes que j'anime").wait_for(timeout=60_000)
    (meeting, *_) = sessions.of_cohort(eng, cohort.id)  # the plan's 6 h: one session
    box = page.locator(f".st-key-cascade_att_{cohort.id}_{meeting.id}_{trainer} label")
    box.scroll_into_view_if_needed()
    box.click()
    page.get_by_text("Présence enregistrée.").wait_for()
    assert attendance.present(eng, cohort.id).get(trainer) is True
    shot(page, "cascade-attendance")

    # 5. the lead issues the badges the recorded attendance earns
    enter_demo(page, app, "Responsable ingénierie numérique", "Planificateur de cohortes")
    page.get_by_text("Badges et effet mesuré des cohortes").click()
    page.get_by_role("button", name="Délivrer les badges obtenus").click()
    page.get_by_text("badges délivrés.").wait_for(timeout=60_000)
    shot(page, "cascade-badges-issued")

    # 6. the trainer downloads their badge from their link; the library's verifier accepts it
    page.goto(f"{app}/my_result?t={_link(eng, trainer)}")
    page.get_by_text("Mes badges").wait_for(timeout=60_000)
    wait_idle(page)
    with page.expect_download() as got:
        page.get_by_role("button", name="Attestation (.jwt)").first.click()
    token = badges.read_token(Path(got.value.path()).read_bytes())
    key = load_key(create=False)
    checked = badges.verify(token, key, badges.status_list(engine=eng, key=key))
    names = service.area_names()[cohort.area].values()
    assert checked.credential_id and any(n in checked.name for n in names), checked.name
    shot(page, "cascade-badge-downloaded")
    eng.dispose()
