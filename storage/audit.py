"""Append-only audit log: who did what, to what, when (UTC), from where.

Callers pass only non-sensitive details; :func:`record` also drops any key
that looks like a secret or an answer, as a second line of defence.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from storage.db import read_session
from storage.models import AuditLog, Person

# Never stored, whatever a caller passes.
FORBIDDEN_KEYS = frozenset({"password", "password_hash", "new_password", "token", "answer",
                            "answers", "value", "choice", "secret"})

ACTIONS = ("sign_in", "sign_in_failed", "sign_out", "locked_out", "password_reset",
           "password_changed", "role_changed",
           "roster_import", "export", "person_exported", "person_erased", "consent_withdrawn",
           "retention_anonymised",
           # the cascade loop (cascade/log.py)
           "cascade_request", "cascade_withdrawn", "cascade_seat", "cascade_seats_opened",
           "cascade_attendance", "cascade_plan_closed", "cascade_sessions")


def _clean(detail: dict | None) -> dict:
    return {k: v for k, v in (detail or {}).items() if k.lower() not in FORBIDDEN_KEYS}


def record(session: Session, actor: Person | None, action: str, target: str = "",
           detail: dict | None = None, where: str = "app") -> AuditLog:
    """Add an audit entry to session (committed with the caller's transaction)."""
    label = ""
    if actor is not None:
        label = actor.email or f"person:{actor.id}"
    entry = AuditLog(actor_id=actor.id if actor is not None else None, actor_label=label[:254],
                     action=action, target=target[:254], detail={**_clean(detail), "where": where})
    session.add(entry)
    return entry


def audit_table(engine: Engine, action: str | None = None, since: dt.datetime | None = None,
                limit: int = 1000) -> pd.DataFrame:
    """Latest audit entries, newest first. Columns: at, actor, action, target, detail."""
    with read_session(engine) as s:
        q = select(AuditLog).order_by(AuditLog.at.desc(), AuditLog.id.desc()).limit(limit)
        if action:
            q = q.where(AuditLog.action == action)
        if since is not None:
            q = q.where(AuditLog.at >= since)
        rows = s.exec(q).all()
    return pd.DataFrame(
        [{"at": r.at, "actor": r.actor_label, "action": r.action, "target": r.target,
          "detail": ", ".join(f"{k}={v}" for k, v in sorted(r.detail.items()))} for r in rows],
        columns=["at", "actor", "action", "target", "detail"])
