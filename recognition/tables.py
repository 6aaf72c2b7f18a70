"""Tables of recognition beyond the badge itself (the badge is in storage.models)."""

from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlmodel import Field, SQLModel


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class BadgeSuperseded(SQLModel, table=True):
    """A credential replaced by a fresh one for the same badge (``manage.py badges reissue``).

    The badge row then holds the new credential; the old one's status bit stays here and is
    set in the revocation list, so a copy of the old credential no longer verifies.
    """

    id: Optional[int] = Field(default=None, primary_key=True)
    badge_id: int = Field(foreign_key="badge.id", index=True)
    credential_id: str = Field(unique=True, max_length=80)
    status_index: int = Field(unique=True)
    status_url: str = Field(default="", max_length=300)  # the list address the old one named
    superseded_at: dt.datetime = Field(default_factory=_now)
