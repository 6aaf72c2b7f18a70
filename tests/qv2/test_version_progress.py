"""Progress between a v1 and a v2 campaign compares only the items both versions share."""

import pytest

from scoring.version_progress import cross_version_progress, shared_items
from survey.loader import current_questionnaires, default_questionnaires
from tests.qv2.helpers import build, submit

V1 = default_questionnaires().trainer
V2 = current_questionnaires().trainer


def test_shared_items_are_the_unchanged_ones_only():
    common = shared_items(V1, V2)
    assert common == shared_items(V2, V1)
    assert "T-ENG-1" in common and "T-TEA-6" in common
    for reworked in ("T-TEA-2", "T-RES-4", "T-ENG-5", "T-ASS-3", "T-EMP-3"):
        assert reworked not in common
    for added in ("T-ENG-6", "T-TEA-7", "T-FAC-6"):
        assert added not in common
    assert shared_items(V2, V2) == tuple(it.id for it in V2.area_items())


def test_progress_across_versions_ignores_reworded_and_new_items(sqlite_engine):
    w = build(sqlite_engine)
    common = set(shared_items(V1, V2))
    people = 6
    # v1: every item 1. v2: shared items 3 (real progress), changed and new items 0
    before = {it.id: 1 for it in V1.area_items()}
    after = {it.id: (3 if it.id in common else 0) for it in V2.area_items()}
    old = submit(sqlite_engine, w.v1_campaign, w.v1_qv, V1, w.site_ids[0], before, n=people)
    new = submit(sqlite_engine, w.v2_campaign, w.v2_qv, V2, w.site_ids[0], after, n=people)
    # the same people answered both campaigns
    from sqlmodel import select
    from storage.db import write_session
    from storage.models import Response
    with write_session(sqlite_engine) as s:
        for o, n in zip(old, new):
            s.get(Response, n).person_id = s.get(Response, o).person_id
    progress, items = cross_version_progress(sqlite_engine, w.v1_campaign, w.v2_campaign, k=5)
    assert set(items) == common
    org = progress[(progress["scope"] == "org") & (progress["area"] == "overall")].iloc[0]
    assert org["n_paired"] == people
    # 1 -> 3 on the 0-4 scale is +50 points; the zeros on changed items do not pull it down
    assert org["mean_delta"] == pytest.approx(50.0)
    assert org["mean_from"] == pytest.approx(25.0) and org["mean_to"] == pytest.approx(75.0)


def test_progress_across_versions_is_hidden_below_k(sqlite_engine):
    w = build(sqlite_engine)
    submit(sqlite_engine, w.v1_campaign, w.v1_qv, V1, w.site_ids[0],
           {it.id: 1 for it in V1.area_items()}, n=2)
    submit(sqlite_engine, w.v2_campaign, w.v2_qv, V2, w.site_ids[0],
           {it.id: 3 for it in V2.area_items()}, n=2)
    progress, _ = cross_version_progress(sqlite_engine, w.v1_campaign, w.v2_campaign, k=5)
    assert progress["mean_to"].isna().all() and progress["hidden_to"].all()
