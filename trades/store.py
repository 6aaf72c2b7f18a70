"""Writing a person's trade (the roster import does it inside its own transaction)."""

from __future__ import annotations

from sqlmodel import Session

from storage.models import PersonTrade, utcnow


def set_trade(s: Session, person_id: int, trade: str | None) -> bool:
    """Store (or clear, with None) a person's trade; True when it changed."""
    row = s.get(PersonTrade, person_id)
    if trade is None:
        if row is None:
            return False
        s.delete(row)
        return True
    if row is not None and row.trade == trade:
        return False
    if row is None:
        s.add(PersonTrade(person_id=person_id, trade=trade))
    else:
        row.trade, row.updated_at = trade, utcnow()
    return True
