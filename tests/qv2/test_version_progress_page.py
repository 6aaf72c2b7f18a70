"""The director's overview after a v1 campaign then a v2 campaign (AppTest, FR and EN).

Six trainers of one site answered both. v1: every item 1 (25 / 100). v2: the items both
versions share 3 (75 / 100), every reworded or new item 0. Progress on the page must be
25 -> 75 (the zeros of the changed items do not pull it down), say that it compares only
the shared questions, and come from populations the disclosure layer recorded.
"""

from __future__ import annotations

import pytest
from sqlmodel import select

from scoring.version_progress import shared_items
from storage.db import make_engine, read_session, write_session
from storage.migrate import upgrade
from storage.models import DisclosureRelease, Person, Response
from survey.loader import current_questionnaires, default_questionnaires
from tests.demo_db import use_database
from tests.qv2.helpers import build, submit
from tests.ui.apptest import _MD_ESCAPE, run_page, texts
from ui.context import Viewer

V1, V2 = default_questionnaires().trainer, current_questionnaires().trainer
PEOPLE = 6


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('xv') / 'relais.db'}"
    engine = make_engine(url)
    upgrade(engine)
    w = build(engine)
    common = set(shared_items(V1, V2))
    old = submit(engine, w.v1_campaign, w.v1_qv, V1, w.site_ids[0],
                 {it.id: 1 for it in V1.area_items()}, n=PEOPLE)
    new = submit(engine, w.v2_campaign, w.v2_qv, V2, w.site_ids[0],
                 {it.id: (3 if it.id in common else 0) for it in V2.area_items()}, n=PEOPLE)
    with write_session(engine) as s:
        for o, n in zip(old, new):  # the same people answered both campaigns
            s.get(Response, n).person_id = s.get(Response, o).person_id
        director = Person(first_name="Dora", last_name="Directrice", email="d@x.fr",
                          role="director")
        s.add(director)
        s.flush()
        viewer = Viewer(person_id=director.id, role="director", name="Dora Directrice")
    use_database(url)
    yield engine, w, viewer, len(common)
    engine.dispose()


def progress_table(at) -> list[list[str]]:  # noqa: ANN001
    """The progress chart's figures (its text alternative's table), as rows of strings."""
    frames = [tb.value for tb in at.table]
    frame = next(f for f in frames if f.shape[1] == 3 and len(f) == 7)  # six areas and overall
    # cells are escaped for Markdown (ui.text.plain): read them as the browser shows them
    return [[_MD_ESCAPE.sub(r"\1", str(v)) for v in row] for row in frame.values.tolist()]


@pytest.mark.parametrize("lang, note, before, after, overall", [
    ("fr", "ne compare que les {n} questions communes aux deux versions", "25,0", "75,0", "Global"),
    ("en", "compares only the {n} questions both versions share", "25.0", "75.0", "Overall"),
])
def test_overview_shows_progress_on_the_shared_questions_only(world, lang, note, before, after,
                                                               overall):
    engine, w, viewer, n_common = world
    at = run_page("pages/overview.py", viewer, lang=lang)
    assert not at.exception, at.exception
    assert at.selectbox(key="ov_campaign").value == w.v2_campaign
    assert note.format(n=n_common) in texts(at)
    rows = progress_table(at)
    assert [overall, before, after] in rows
    # every area moved from 25 to 75: no reworded or new item counted as a zero
    assert all(r[1:] == [before, after] for r in rows), rows
    with read_session(engine) as s:
        figures = {(r.campaign_id, r.figure): r.n for r in s.exec(select(DisclosureRelease))}
    # the page's figures are the released cross-version table: after, before and paired
    assert figures[(w.v2_campaign, "xv:to:org")] == PEOPLE
    assert figures[(w.v1_campaign, f"xv:from:{w.v2_campaign}:org")] == PEOPLE
    assert figures[(w.v2_campaign, "xv:paired:org")] == PEOPLE


def test_same_version_campaigns_keep_the_general_note(world):
    """The v1 campaign has no earlier one: the page says so, and gives the general rule."""
    engine, w, viewer, _ = world
    at = run_page("pages/overview.py", viewer)
    at.selectbox(key="ov_campaign").set_value(w.v1_campaign).run()
    assert not at.exception, at.exception
    shown = texts(at)
    assert "Aucune campagne précédente n’a de questions en commun" in shown
    assert "ne compare que les questions communes aux deux versions" in shown
