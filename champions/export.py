"""The consenting champions list, as a table and as CSV / XLSX files.

Only trainers who qualify *and* consent now to be named are listed (checked
here again, whatever the caller passed).  Every text cell goes through
reports.safe, so a name like ``=HYPERLINK(...)`` opens as text.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import pandas as pd

from i18n import N_
from reports.safe import safe_frame

COLUMNS = (N_("Name"), N_("Email"), N_("Site"), N_("Region"), N_("Overall level"),
           N_("Strong areas"), N_("Hours a month"), N_("Offers to support in"))


def champions_table(evaluated: pd.DataFrame, names: pd.DataFrame, sites: pd.DataFrame,
                    area_names: dict[str, str], t: Callable[..., str]) -> pd.DataFrame:
    """One row per consenting champion, headers translated with t."""
    chosen = evaluated[evaluated["qualifies"] & evaluated["consent_named"].fillna(False).astype(bool)]
    chosen = chosen.drop(columns=[c for c in ("site", "region", "name", "email") if c in chosen])
    chosen = chosen.merge(names, on="person_id", how="inner")
    chosen = chosen.merge(sites[["site_id", "site", "region"]], on="site_id", how="left")

    def areas(ids: tuple) -> str:
        return ", ".join(area_names.get(a, a) for a in (ids or ()))

    table = pd.DataFrame({
        "Name": chosen["name"].astype(object),
        "Email": chosen["email"].astype(object),
        "Site": chosen["site"].astype(object),
        "Region": chosen["region"].astype(object),
        "Overall level": chosen["overall_level"].astype(object),
        "Strong areas": chosen["strong_areas"].map(areas).astype(object),
        "Hours a month": chosen["relay_hours"].astype(float),
        "Offers to support in": chosen["relay_areas"].map(areas).astype(object),
    }, columns=list(COLUMNS))
    table = table.sort_values(["Site", "Name"], ignore_index=True)
    return table.rename(columns={c: t(c) for c in COLUMNS})


def to_csv(table: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a BOM and semicolons, as French spreadsheets open it."""
    return safe_frame(table).to_csv(index=False, sep=";").encode("utf-8-sig")


def to_xlsx(table: pd.DataFrame, sheet: str = "Champions") -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        safe_frame(table).to_excel(writer, index=False, sheet_name=sheet[:31])
    return buffer.getvalue()
