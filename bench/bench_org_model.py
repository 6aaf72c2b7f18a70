"""Declaring the organisation's model: one declaration that rescores 4,000 v2 responses.

Builds a throwaway SQLite database with 4,000 submitted trainer responses on
questionnaire v2 (40 sites), then times ``declare_model`` for the whole
organisation: the upsert and the recomputation of every stored score it
affects, in one transaction.  Run once (it writes ~190,000 answers first).
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert  # noqa: E402
from sqlmodel import select  # noqa: E402

from bench.common import figure, peak_rss_mb  # noqa: E402
from scoring.org_model import declare_model  # noqa: E402
from storage.db import make_engine, write_session  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import Answer, Person, Response, Site, utcnow  # noqa: E402
from survey.loader import current_questionnaires  # noqa: E402
from tests.qv2.helpers import build  # noqa: E402

RESPONSES = 4_000
SITES = 40


def populate(engine) -> None:  # noqa: ANN001
    world = build(engine)
    items = [it.id for it in current_questionnaires().trainer.area_items()]
    rng = random.Random(7)
    with write_session(engine) as s:
        region_id = s.get(Site, world.site_ids[0]).region_id
        sites = [Site(code=f"B{i}", name=f"Bench {i}", region_id=region_id) for i in range(SITES)]
        s.add_all(sites)
        s.flush()
        conn = s.connection()
        conn.execute(insert(Person), [{"first_name": "F", "last_name": f"N{i}", "role": "trainer",
                                       "site_id": sites[i % SITES].id, "active": True}
                                      for i in range(RESPONSES)])
        people = s.exec(select(Person.id).where(Person.last_name.like("N%"))).all()
        now = utcnow()
        conn.execute(insert(Response), [{
            "campaign_id": world.v2_campaign, "person_id": pid,
            "questionnaire_version_id": world.v2_qv, "role": "trainer",
            "site_id": sites[i % SITES].id, "status": "submitted", "idempotency_key": f"b{pid}",
            "submitted_at": now, "profile": {}} for i, pid in enumerate(people)])
        rids = s.exec(select(Response.id)).all()
        rows = []
        for rid in rids:
            for item in items:
                v = rng.randint(0, 5)
                rows.append({"response_id": rid, "item_id": item, "value": None if v == 5 else v,
                             "not_applicable": v == 5})
        conn.execute(insert(Answer), rows)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
        upgrade(engine)
        start = time.perf_counter()
        populate(engine)
        figure("org_model.populate", time.perf_counter() - start, "s")
        start = time.perf_counter()
        n = declare_model(engine, None, "enriched", "team")
        figure("org_model.declare_and_rescore", time.perf_counter() - start, "s")
        figure("org_model.rescored_responses", n, "responses", 0)
        figure("org_model.peak_rss", peak_rss_mb(), "MB", 0)
        engine.dispose()


if __name__ == "__main__":
    main()
