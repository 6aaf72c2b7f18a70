"""scoring.data.load_campaign reads the same frames through columnar reads as through the
driver's tuples, on SQLite and PostgreSQL, with consents withdrawn, people erased, trades and
odd profiles in the data."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest
from sqlalchemy import update
from sqlmodel import select

from scoring import data as sdata
from storage import bulk
from storage.db import write_session
from storage.models import Consent, Person, PersonTrade, Response

FRAMES = ("scores", "respondents", "answers", "unshared", "left_out")


@pytest.fixture
def demo_engine(engine, monkeypatch):  # noqa: ANN001
    from demo.load import generate_and_load
    from storage import sqlite_reader

    # the tiny demo is read by SQLite's reader processes too (storage/sqlite_reader.py)
    monkeypatch.setattr(sqlite_reader, "MIN_RESPONSES", 0)

    generate_and_load(engine, size="tiny", seed=7)
    yield engine
    sqlite_reader.stop()


def _edit(engine) -> dict:  # noqa: ANN001
    """Withdraw a consent, erase a person, give a trade, store unusual profiles."""
    with write_session(engine) as s:
        rows = s.exec(select(Response).where(Response.status == "submitted").order_by(Response.id)).all()
        a, b, c, d = rows[0], rows[1], rows[2], rows[3]
        s.add(Consent(person_id=a.person_id, kind="named_to_lead", granted=False))
        s.add(Consent(person_id=b.person_id, kind="named_to_lead", granted=True))
        s.execute(update(Person).where(Person.id == c.person_id).values(erased=True))
        s.add(Consent(person_id=c.person_id, kind="named_to_lead", granted=True))
        old = s.get(PersonTrade, d.person_id)
        if old is not None:
            s.delete(old)
            s.flush()
        s.add(PersonTrade(person_id=d.person_id, trade="care"))
        c.profile = {}
        d.profile = {"relay_willing": True, "relay_hours": None, "relay_areas": ["content"],
                     "modalities": [], "years_practice": 3}
        s.add(c)
        s.add(d)
        return {"withdrawn": a.person_id, "granted": b.person_id, "erased": c.person_id,
                "trade": d.person_id, "campaign": a.campaign_id}


def test_columnar_load_is_the_tuples_load(demo_engine, monkeypatch) -> None:  # noqa: ANN001
    edits = _edit(demo_engine)
    used = []
    real = bulk.FrameReader.__enter__

    def spy(self):  # noqa: ANN001, ANN202
        out = real(self)
        used.append(self.columnar)
        return out

    monkeypatch.setattr(bulk.FrameReader, "__enter__", spy)
    campaigns = sdata.campaign_ids(demo_engine)
    for cid in campaigns:
        fast = sdata.load_campaign(demo_engine, cid)
        slow = sdata.load_campaign(demo_engine, cid, columnar=False)
        for name in FRAMES:
            pd.testing.assert_frame_equal(getattr(fast, name), getattr(slow, name), obj=name)
        assert len(fast.scores) and len(fast.answers) and len(fast.respondents)
    # both paths really ran: columnar, on two connections (the answers alongside), and tuples
    assert used.count(True) == 2 * len(campaigns) and used.count(False) == len(campaigns)

    people = sdata.load_campaign(demo_engine, edits["campaign"]).respondents.set_index("person_id")
    assert not people.loc[edits["withdrawn"], "consent_named"]
    assert people.loc[edits["granted"], "consent_named"]
    assert not people.loc[edits["erased"], "consent_named"]  # consent given, but erased
    assert people.loc[edits["erased"], "modalities"] == ()
    assert math.isnan(people.loc[edits["erased"], "years_practice"])
    row = people.loc[edits["trade"]]
    assert (row["trade"], row["relay_willing"], row["relay_hours"], row["relay_areas"],
            row["modalities"], row["years_practice"]) == ("care", True, 0.0, ("content",), (), 3.0)


PROFILES = [
    {},
    {"relay_willing": False, "relay_hours": 0, "relay_areas": [], "modalities": ["hybrid"],
     "years_practice": 2},
    {"relay_willing": True, "relay_hours": 2.5, "relay_areas": ["content", "assessment"],
     "modalities": ["face_to_face", "remote_async"], "years_practice": 12.5, "consent_named": True},
    {"relay_hours": None, "years_practice": None, "modalities": None},
    {"relay_willing": True, "other": {"nested": [1, 2]}, "relay_areas": ["a\nb"]},
]


def _python(raws: list) -> pd.DataFrame:
    return sdata._profiles([json.loads(r) for r in raws])  # parsed values: the row-by-row path


@pytest.mark.parametrize("extra", [None, {"years_practice": "7"}, {"modalities": "hybrid"}])
def test_profiles_read_by_arrow_as_row_by_row(extra) -> None:  # noqa: ANN001
    """Arrow's reader gives the row-by-row columns; a value of another type (a string year, a
    modality that is not a list) sends every profile through the row-by-row reading."""
    profiles = PROFILES + ([extra] if extra else [])
    raws = [json.dumps(p, indent=1 if i % 2 else None) for i, p in enumerate(profiles)]
    if extra == {"modalities": "hybrid"}:
        expected = _python(raws[:-1])  # _tuple: a string is no list of modalities
        got = sdata._profiles(raws)
        assert got["modalities"].iloc[-1] == ()
        pd.testing.assert_frame_equal(got.iloc[:-1], expected)
        return
    pd.testing.assert_frame_equal(sdata._profiles(raws), _python(raws))
    if extra:
        assert sdata._profiles(raws)["years_practice"].iloc[-1] == 7.0


def test_many_reads_at_once_while_someone_writes(demo_engine) -> None:  # noqa: ANN001
    """Pages read a campaign together while answers are saved: no read fails on a lock, and
    each gets the whole campaign."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    cid = sdata.campaign_ids(demo_engine)[-1]
    expected = sdata.load_campaign(demo_engine, cid, columnar=False)
    with write_session(demo_engine) as s:
        person = s.exec(select(Person.id)).first()
    stop = threading.Event()

    def write() -> int:
        n = 0
        while not stop.is_set():  # another kind of consent: the frames do not change
            with write_session(demo_engine) as s:
                s.add(Consent(person_id=person, kind="newsletter", granted=bool(n % 2)))
            n += 1
        return n

    with ThreadPoolExecutor(9) as pool:
        writer = pool.submit(write)
        reads = [pool.submit(sdata.load_campaign, demo_engine, cid) for _ in range(16)]
        got = [r.result(timeout=120) for r in reads]
        stop.set()
        assert writer.result(timeout=60) > 0
    for data in got:  # the same frames in the same order (PostgreSQL's plans change as
        for name in FRAMES:  # autovacuum analyses the new demo: load_campaign orders the rows)
            pd.testing.assert_frame_equal(getattr(data, name), getattr(expected, name), obj=name)


def test_a_small_sqlite_campaign_is_read_without_readers(sqlite_engine, monkeypatch) -> None:  # noqa: ANN001
    """Below MIN_RESPONSES, SQLite is read through the app's driver: no reader process (about
    120 MB each) is started for a campaign the driver reads in a fraction of a second."""
    from demo.load import generate_and_load
    from storage import sqlite_reader

    engine = sqlite_engine
    generate_and_load(engine, size="tiny", seed=7)
    cid = sdata.campaign_ids(engine)[-1]
    monkeypatch.setattr(sqlite_reader, "MIN_RESPONSES", 10**9)
    small = sdata.load_campaign(engine, cid)
    assert sqlite_reader.pids() == []
    monkeypatch.setattr(sqlite_reader, "MIN_RESPONSES", 0)
    try:
        read = sdata.load_campaign(engine, cid)
        assert len(sqlite_reader.pids()) >= 1
    finally:
        sqlite_reader.stop()
    for name in FRAMES:
        pd.testing.assert_frame_equal(getattr(small, name), getattr(read, name), obj=name)
