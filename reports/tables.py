"""Export tables: a title and a frame whose hidden figures are already a text label."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Table:
    """One exported table: sheet/section title, frame (display headers), number format per column."""

    title: str
    frame: pd.DataFrame
    formats: dict[str, str] | None = None
