"""A writer killed with SIGKILL mid-save loses nothing it confirmed and leaves no half submission."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import select

from storage.db import make_engine, read_session
from storage.models import Answer, Response, ResponseScore
from survey.answering import questionnaire_for, validate_section
from survey.answering import load_state
from tests.survey.helpers import seed

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("kill_after", [7, 23, 40])
def test_sigkill_mid_save(db_url, kill_after):
    engine = make_engine(db_url)
    data = seed(engine, 4)
    engine.dispose()
    proc = subprocess.Popen([sys.executable, "-m", "tests.survey.crash_writer", db_url,
                             *data.tokens], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    confirmed: dict[tuple[int, str], int] = {}
    submitted: set[int] = set()
    lines = 0
    for line in proc.stdout:
        parts = line.split()
        if parts[0] == "saved":
            confirmed[(int(parts[1]), parts[2])] = int(parts[3])
        else:
            submitted.add(int(parts[1]))
        lines += 1
        if lines == kill_after:
            os.kill(proc.pid, signal.SIGKILL)  # the writer is busy with its next save
            break
    proc.wait()
    assert proc.returncode == -signal.SIGKILL

    engine = make_engine(db_url)  # "restart": a new process would open the file the same way
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    with read_session(engine) as s:
        responses = s.exec(select(Response)).all()
        answers = s.exec(select(Answer)).all()
        scored = {r.response_id for r in s.exec(select(ResponseScore)).all()}
    by_item = {(a.response_id, a.item_id): a for a in answers}
    for (rid, section_id), value in confirmed.items():
        q = questionnaire_for(engine, rid)
        sec = next(x for x in q.sections if x.id == section_id)
        # the confirmed save, or a later one that committed before the kill: never less
        for it in sec.items:
            if it.show_if is None and it.type == "scale":
                a = by_item[(rid, it.id)]
                assert a.value in (value, (value + 1) % 5), (rid, it.id)
        # a section lands whole: all its scale items carry the same value
        vals = {by_item[(rid, it.id)].value for it in sec.items if it.type == "scale"}
        assert len(vals) <= 1 and (vals or not any(it.type == 'scale' for it in sec.items))
        assert all((rid, it.id) in by_item for it in sec.items if it.show_if is None)
    for r in responses:
        if r.id in submitted:
            assert r.status == "submitted"
        if r.status == "submitted":  # complete and scored, never half-written
            q = questionnaire_for(engine, r.id)
            state = load_state(engine, r.id)
            assert all(validate_section(sec, state.answers) == {} for sec in q.sections)
            assert r.id in scored
        else:
            assert r.id not in scored
    engine.dispose()
