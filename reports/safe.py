"""Neutralise spreadsheet formulas in exported cells (CSV injection).

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return may run as a formula when a spreadsheet opens the file; it gets a
leading apostrophe, which spreadsheets show as text.  Numbers are left as
numbers (a negative gap stays a number, not text).
"""

from __future__ import annotations

import pandas as pd

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """value with a leading apostrophe if it is text a spreadsheet could run as a formula."""
    if isinstance(value, str) and value.startswith(DANGEROUS):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Copy of frame with every text cell and column name neutralised."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise).astype(object)
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out
