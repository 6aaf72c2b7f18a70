"""Audit entries of the cascade, through the project's audit log (storage.audit)."""

from __future__ import annotations

from i18n import N_
from storage import audit

ACTION_NAMES = {
    "cascade_request": N_("Training requested"),
    "cascade_withdrawn": N_("Training request withdrawn"),
    "cascade_seat": N_("Cohort invitation answered"),
    "cascade_seats_opened": N_("Cohort seats opened"),
    "cascade_attendance": N_("Attendance recorded"),
    "cascade_plan_closed": N_("Cohort plan closed"),
    "cascade_sessions": N_("Cohort sessions changed"),
}


def record(session, actor, action: str, target: str, detail: dict, where: str) -> None:  # noqa: ANN001
    """One audit entry (committed with the caller's transaction)."""
    audit.record(session, actor, action, target, detail, where)
