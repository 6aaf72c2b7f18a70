"""Participation per site and role: invited, started, submitted.

These are counts of people asked and of questionnaires handed in, not
answers, so they are shown per site even under k (the anonymity guard
protects scores, and no score is derivable from a count alone).
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from storage.db import read_session
from storage.models import Invitation, Person, Response

COLUMNS = ["site_id", "role", "invited", "started", "submitted"]


def participation(engine: Engine, campaign_id: int) -> pd.DataFrame:
    """Per site and role (trainer, manager): invited, started (draft or submitted), submitted."""
    with read_session(engine) as s:
        invited = s.execute(
            select(Person.site_id, Person.role, func.count(Invitation.id))
            .join(Person, Person.id == Invitation.person_id)
            .where(Invitation.campaign_id == campaign_id)
            .group_by(Person.site_id, Person.role)).all()
        answered = s.execute(
            select(Response.site_id, Response.role, Response.status, func.count(Response.id))
            .where(Response.campaign_id == campaign_id)
            .group_by(Response.site_id, Response.role, Response.status)).all()
    inv = pd.DataFrame(invited, columns=["site_id", "role", "invited"])
    ans = pd.DataFrame(answered, columns=["site_id", "role", "status", "n"])
    wide = ans.pivot_table(index=["site_id", "role"], columns="status", values="n",
                           aggfunc="sum", fill_value=0)
    wide = wide.reindex(columns=["draft", "submitted"], fill_value=0)
    wide["started"] = wide["draft"] + wide["submitted"]
    out = inv.merge(wide[["started", "submitted"]].reset_index(), on=["site_id", "role"], how="outer")
    out = out[out["role"].isin(["trainer", "manager"]) & out["site_id"].notna()]
    out = out.fillna({"invited": 0, "started": 0, "submitted": 0})
    for col in ("site_id", "invited", "started", "submitted"):
        out[col] = out[col].astype(int)
    return out[COLUMNS].sort_values(["site_id", "role"], ignore_index=True)


def rate(frame: pd.DataFrame) -> float | None:
    """Submitted / invited over the rows of frame (None when nobody was invited)."""
    invited = int(frame["invited"].sum())
    return None if invited == 0 else float(frame["submitted"].sum()) / invited
