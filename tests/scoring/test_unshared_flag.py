"""The loader's per-area flag: which managers answered a statement not asked of trainers
(and which shared statements a declared model leaves out of their scores).

The disclosure layer keeps managers whose area score has a term of such a
statement apart from those whose score is made of shown statements only
(docs/disclosure.md); the flag must say which, as the stored score was
computed (under the site's declared model), without the raw answers of
those statements reaching the scoring frames.
"""

from __future__ import annotations

import datetime as dt
import uuid

from scoring.data import load_campaign, unshared_items
from scoring.store import score_and_store
from storage.db import write_session
from storage.models import Answer, Campaign, OrgModel, Person, Region, Response, Site
from storage.questionnaires import ensure_version
from survey.loader import current_questionnaires

MIXED = ("content", "development", "infrastructure", "leadership", "pedagogy")


def _store(engine) -> tuple[int, list[int], int]:  # noqa: ANN001
    """A v2 campaign: three managers (answers as in the test) and one trainer, all submitted."""
    pair = current_questionnaires()
    org = pair.organisation.items_frame()
    scale = org[org["area"].notna()]
    skip = {0: set(),  # every statement answered
            1: {i for i in unshared_items(org).query("area == 'leadership'")["item_id"]},
            2: {"O-INF-1", "O-INF-4"}}  # of infrastructure's own statements, only O-INF-6
    with write_session(engine) as s:
        region = Region(code="R", name="Région")
        s.add(region)
        s.flush()
        site = Site(code="S", name="Site", region_id=region.id)
        s.add(site)
        s.flush()
        tq, oq = ensure_version(s, pair.trainer), ensure_version(s, pair.organisation)
        camp = Campaign(name="C", starts_on=dt.date(2025, 1, 1), ends_on=dt.date(2025, 3, 1),
                        status="closed", trainer_qv_id=tq.id, organisation_qv_id=oq.id)
        s.add(camp)
        s.flush()
        ids = []
        for j in range(4):
            person = Person(first_name="P", last_name=str(j), site_id=site.id)
            s.add(person)
            s.flush()
            role = "manager" if j < 3 else "trainer"
            r = Response(campaign_id=camp.id, person_id=person.id, role=role, site_id=site.id,
                         questionnaire_version_id=(oq if role == "manager" else tq).id, status="submitted",
                         idempotency_key=uuid.uuid4().hex, submitted_at=dt.datetime.now(dt.UTC))
            s.add(r)
            s.flush()
            items = scale["item_id"] if role == "manager" else scale.loc[scale["shared"], "item_id"]
            s.add_all([Answer(response_id=r.id, item_id=i, value=None if i in skip.get(j, ()) else 2,
                              not_applicable=i in skip.get(j, ())) for i in items])
            ids.append(r.id)
        s.flush()
        score_and_store(s, oq.id, ids[:3])
        return camp.id, ids, oq.id


def test_the_flag_says_who_answered_a_non_shared_statement(engine):  # noqa: ANN001
    camp, (m1, m2, m3, trainer), oq = _store(engine)
    data = load_campaign(engine, camp)
    got = set(zip(data.unshared["response_id"], data.unshared["area"]))
    assert got == ({(m1, a) for a in MIXED} | {(m2, a) for a in MIXED if a != "leadership"}
                   | {(m3, a) for a in MIXED})
    # the non-shared answers themselves stay out of the scoring frames
    assert not set(data.answers["item_id"]) & set(unshared_items(data.organisation_items)["item_id"])
    assert trainer not in set(data.unshared["response_id"])
    assert data.left_out.empty  # no model declared: every answered statement counts

    # under a declared distance model O-INF-6 is left out of the scores: manager 3's
    # infrastructure score is then made of shared statements only, and the flag says so
    with write_session(engine) as s:
        s.add(OrgModel(scope="org", site_id=None, pedagogy="distance", production="trainers"))
        s.flush()
        score_and_store(s, oq, [m1, m2, m3])
    data = load_campaign(engine, camp)
    got = set(zip(data.unshared["response_id"], data.unshared["area"]))
    assert (m3, "infrastructure") not in got and (m1, "infrastructure") in got
    assert (m3, "leadership") in got
    # and it leaves out O-INF-2, a shared statement, of everyone's score (the gaps still show it)
    assert set(zip(data.left_out["response_id"], data.left_out["item_id"])) == {
        (m, "O-INF-2") for m in (m1, m2, m3)}
