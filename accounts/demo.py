"""The demo sign-in: offered only on a database the demo generator built, never on real data.

Two conditions, both checked on the server at every demo sign-in (not only when the
buttons are drawn): the deployment allows it (``RELAIS_DEMO``) and the database is the
demo organisation, i.e. it carries the demo origin row and holds no person beyond those
the generator wrote. A roster import into a demo database is refused, so real people
and demo buttons never meet.
"""

from __future__ import annotations

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from i18n import RelaisError
from storage import audit
from storage.config import demo_mode
from storage.db import read_session, write_session
from storage.models import DatabaseOrigin, Person

DEMO = "demo"


def mark_demo_database(s: Session) -> None:
    """Record, in the generator's own transaction, that this database is the demo organisation."""
    max_id = s.exec(select(func.max(Person.id))).one() or 0
    s.add(DatabaseOrigin(kind=DEMO, max_person_id=max_id))


def _is_demo(s: Session) -> bool:
    origin = s.exec(select(DatabaseOrigin).where(DatabaseOrigin.kind == DEMO)).first()
    if origin is None:
        return False
    max_id = s.exec(select(func.max(Person.id))).one() or 0
    return max_id <= origin.max_person_id


def is_demo_database(engine: Engine) -> bool:
    """True when the demo generator built this database and nobody was added since."""
    with read_session(engine) as s:
        return _is_demo(s)


def demo_sign_in_allowed(engine: Engine) -> bool:
    """True when the deployment allows the demo (RELAIS_DEMO) and the data is the demo's."""
    return demo_mode() and is_demo_database(engine)


def refuse_import_into_demo(s: Session) -> None:
    """Raise a clear error when a roster is about to be imported into the demo organisation."""
    if s.exec(select(DatabaseOrigin).where(DatabaseOrigin.kind == DEMO)).first() is not None:
        raise RelaisError("This database holds the fictitious demo organisation: a real roster "
                          "cannot be mixed with it. Start from an empty database (a new "
                          "DATABASE_URL or RELAIS_DATA_DIR), then import the roster there.")


def demo_sign_in(engine: Engine, role: str, where: str = "app") -> Person | None:
    """The first active person of role, signed in through the demo, written to the audit log.

    None (and nothing signed in) when the demo is not allowed here.
    """
    if not demo_mode():
        return None
    with write_session(engine) as s:
        if not _is_demo(s):
            audit.record(s, None, "sign_in_failed", f"demo:{role}"[:254],
                         {"reason": "demo_not_allowed"}, where)
            return None
        person = s.exec(select(Person).where(Person.role == role, Person.active,
                                             ~Person.erased).order_by(Person.id)).first()
        if person is None:
            return None
        audit.record(s, person, "sign_in", f"person:{person.id}", {"method": "demo"}, where)
        return person
