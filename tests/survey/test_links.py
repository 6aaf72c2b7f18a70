"""Personal links: only hashes stored, every bad link refused with its reason, CSV, completion."""

import csv
import datetime as dt
import io

import pytest
from sqlmodel import select

from storage.db import read_session, write_session
from storage.models import Campaign, Invitation, Person
from survey.answering import questionnaire_for, save_section, start_or_resume, submit
from survey.links import (LinkError, completion_by_site, export_links_csv, issue_link,
                          not_answered, recheck, resolve, revoke, token_hash)
from tests.survey.helpers import section_answers, seed


def test_only_the_hash_is_stored_and_the_link_opens_its_campaign(engine):
    data = seed(engine, 2)
    with read_session(engine) as s:
        stored = {i.token_hash for i in s.exec(select(Invitation)).all()}
    assert not stored & set(data.tokens)
    assert {token_hash(t) for t in data.tokens} <= stored
    ctx = resolve(engine, data.tokens[1], campaign_id=data.campaign_id)
    assert (ctx.person_id, ctx.campaign_id) == (data.person_ids[1], data.campaign_id)


def _expire(engine, data):
    with write_session(engine) as s:
        inv = s.exec(select(Invitation).where(Invitation.person_id == data.person_ids[0])).one()
        inv.expires_at = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)


def _close(engine, data):
    with write_session(engine) as s:
        s.get(Campaign, data.campaign_id).status = "closed"


def _erase(engine, data):
    with write_session(engine) as s:
        s.get(Person, data.person_ids[0]).erased = True


CASES = [
    ("unknown", lambda e, d: resolve(e, "not-a-token")),
    ("unknown", lambda e, d: resolve(e, "")),
    ("unknown", lambda e, d: resolve(e, None)),
    ("unknown", lambda e, d: resolve(e, "x" * 5000)),
    ("unknown", lambda e, d: resolve(e, d.tokens[0][:-1])),
    ("other_campaign", lambda e, d: resolve(e, d.tokens[0], campaign_id=d.other_campaign_id)),
    ("revoked", lambda e, d: (revoke(e, d.campaign_id, d.person_ids[0]),
                              resolve(e, d.tokens[0]))),
    ("expired", lambda e, d: (_expire(e, d), resolve(e, d.tokens[0]))),
    ("closed", lambda e, d: (_close(e, d), resolve(e, d.tokens[0]))),
    ("unknown", lambda e, d: (_erase(e, d), resolve(e, d.tokens[0]))),
]


@pytest.mark.parametrize("reason,act", CASES)
def test_bad_links_are_refused_with_a_french_reason(engine, reason, act):
    data = seed(engine, 2)
    with pytest.raises(LinkError) as info:
        act(engine, data)
    assert info.value.reason == reason
    french = info.value.render("fr")
    assert french != info.value.message and "lien" in french.lower() or "campagne" in french


def test_a_new_link_replaces_the_old_one(engine):
    data = seed(engine, 1)
    with write_session(engine) as s:
        new = issue_link(s, data.campaign_id, data.person_ids[0])
    with pytest.raises(LinkError):
        resolve(engine, data.tokens[0])
    assert resolve(engine, new).person_id == data.person_ids[0]


def test_closed_campaign_still_shows_a_submitted_result(engine):
    data = seed(engine, 1)
    rid = start_or_resume(engine, resolve(engine, data.tokens[0])).response_id
    for i, sec in enumerate(questionnaire_for(engine, rid).sections):
        save_section(engine, rid, sec.id, section_answers(sec, i))
    submit(engine, rid)
    _close(engine, data)
    assert resolve(engine, data.tokens[0]).campaign_open is False


def test_csv_export_gives_working_links_and_neutralises_formulas(engine):
    data = seed(engine, 3)
    with write_session(engine) as s:
        s.get(Person, data.person_ids[0]).last_name = "=HYPERLINK(\"http://x\")"
    text = export_links_csv(engine, data.campaign_id, "https://relais.example/")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert len(rows) == 3
    assert any(r["last_name"].startswith("'=") for r in rows)
    for r in rows:
        token = r["link"].split("?t=", 1)[1]
        assert r["link"].startswith("https://relais.example/questionnaire?t=")
        assert resolve(engine, token).campaign_id == data.campaign_id
    with pytest.raises(LinkError):  # the old links were replaced
        resolve(engine, data.tokens[1])


def test_completion_by_site_and_who_has_not_answered(engine):
    data = seed(engine, 4)  # persons 0, 2 on site 1; 1, 3 on site 2
    rid = start_or_resume(engine, resolve(engine, data.tokens[0])).response_id
    for i, sec in enumerate(questionnaire_for(engine, rid).sections):
        save_section(engine, rid, sec.id, section_answers(sec, i))
    submit(engine, rid)
    start_or_resume(engine, resolve(engine, data.tokens[1]))
    table = completion_by_site(engine, data.campaign_id)
    assert table[["site", "invited", "started", "submitted"]].values.tolist() == [
        ["Site 1", 2, 1, 1], ["Site 2", 2, 1, 0]]
    waiting = not_answered(engine, data.campaign_id)
    assert sorted(waiting["person_id"]) == sorted(data.person_ids[1:])
    assert dict(zip(waiting["person_id"], waiting["status"]))[data.person_ids[1]] == "draft"
    only = not_answered(engine, data.campaign_id, site_id=data.site_ids[0])
    assert only["person_id"].tolist() == [data.person_ids[2]]


def _deactivate(engine, data):
    with write_session(engine) as s:
        s.get(Person, data.person_ids[0]).active = False


def _reissue(engine, data):
    with write_session(engine) as s:
        issue_link(s, data.campaign_id, data.person_ids[0])


@pytest.mark.parametrize("reason,act", [
    ("revoked", lambda e, d: revoke(e, d.campaign_id, d.person_ids[0])),
    ("expired", _expire),
    ("unknown", _deactivate),
    ("unknown", _erase),
    ("unknown", _reissue),
])
def test_a_link_checked_again_after_its_page_opened_is_refused(engine, reason, act):
    data = seed(engine, 2)
    ctx = resolve(engine, data.tokens[0])
    assert recheck(engine, data.tokens[0], ctx) == ctx
    act(engine, data)
    with pytest.raises(LinkError) as info:
        recheck(engine, data.tokens[0], ctx)
    assert info.value.reason == reason
    assert recheck(engine, data.tokens[1], resolve(engine, data.tokens[1])).person_id == \
        data.person_ids[1]


def test_a_token_that_opens_another_invitation_is_refused(engine):
    data = seed(engine, 2)
    with pytest.raises(LinkError):
        recheck(engine, data.tokens[1], resolve(engine, data.tokens[0]))
