"""Small data for privacy tests: a campaign, a response with answers and scores."""

import datetime as dt
import uuid

from storage.db import write_session
from storage.models import (
    Answer, Campaign, Invitation, Person, QuestionnaireVersion, Response, ResponseScore,
)


def add_response(engine, person_id: int, status: str = "submitted",
                 campaign_status: str = "closed", ends_on: dt.date = dt.date(2024, 6, 30)) -> int:
    """A campaign (new each call), an invitation and a scored response for person_id."""
    with write_session(engine) as s:
        person = s.get(Person, person_id)
        key = uuid.uuid4().hex
        qv = QuestionnaireVersion(key="trainer", version=int(key[:6], 16), checksum=key,
                                  definition={"items": ["a1", "a2"]})
        s.add(qv)
        s.flush()
        camp = Campaign(name=f"C {key[:4]}", starts_on=ends_on - dt.timedelta(days=30),
                        ends_on=ends_on, status=campaign_status, trainer_qv_id=qv.id,
                        organisation_qv_id=qv.id)
        s.add(camp)
        s.flush()
        s.add(Invitation(campaign_id=camp.id, person_id=person_id, token_hash=key + key[:32]))
        resp = Response(campaign_id=camp.id, person_id=person_id, questionnaire_version_id=qv.id,
                        role=person.role, site_id=person.site_id, status=status,
                        idempotency_key=key, profile={"years_practice": 12},
                        submitted_at=dt.datetime(2024, 6, 1, tzinfo=dt.UTC))
        s.add(resp)
        s.flush()
        s.add_all([Answer(response_id=resp.id, item_id="a1", value=3),
                   Answer(response_id=resp.id, item_id="a2", value=None, not_applicable=True),
                   Answer(response_id=resp.id, item_id="free", choice=f"Mon collègue Paul <{person_id}>")])
        s.add(ResponseScore(response_id=resp.id, area="a", score=75.0, n_applicable=1,
                            n_items=2))
        return resp.id
