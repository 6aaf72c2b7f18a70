"""Finding people for the admin pages."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import func, or_
from sqlalchemy.engine import Engine
from sqlmodel import select

from storage.db import read_session
from storage.models import Account, Person, Site


def search_people(engine: Engine, text: str, limit: int = 50) -> pd.DataFrame:
    """People whose name, email or matricule contains text (erased people excluded).

    Columns: id, name, email, external_id, role, site, active, has_account.
    """
    pattern = f"%{text.strip().lower()}%"
    with read_session(engine) as s:
        q = (select(Person, Site.name, Account.id)
             .join(Site, Site.id == Person.site_id, isouter=True)
             .join(Account, Account.person_id == Person.id, isouter=True)
             .where(~Person.erased)
             .where(or_(func.lower(Person.first_name + " " + Person.last_name).like(pattern),
                        func.lower(Person.email).like(pattern),
                        func.lower(Person.external_id).like(pattern)))
             .order_by(Person.last_name, Person.first_name).limit(limit))
        rows = s.exec(q).all()
    return pd.DataFrame(
        [{"id": p.id, "name": f"{p.first_name} {p.last_name}", "email": p.email or "",
          "external_id": p.external_id or "", "role": p.role, "site": site or "",
          "active": p.active, "has_account": account is not None} for p, site, account in rows],
        columns=["id", "name", "email", "external_id", "role", "site", "active", "has_account"])
