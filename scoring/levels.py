"""Proficiency levels A1..C2 from a 0-100 score, on the DigCompEdu bands.

The DigCompEdu Check-In scores 22 items 0-4, so 0-88 points, and cuts its six
levels at 20, 34, 50, 66 and 80 points.  Relais keeps the same proportions on
its 0-100 scale: a cut-off ``c`` on 0-88 becomes ``100 * c / 88``:

====  ===========  ====================  =================
code  msgid        French                band on 0-100
====  ===========  ====================  =================
A1    Newcomer     Nouvel·le arrivant·e  [0, 22.73)
A2    Explorer     Explorateur·rice      [22.73, 38.64)
B1    Integrator   Intégrateur·rice      [38.64, 56.82)
B2    Expert       Expert·e              [56.82, 75.00)
C1    Leader       Leader                [75.00, 90.91)
C2    Pioneer      Pionnier·ère          [90.91, 100]
====  ===========  ====================  =================

A score exactly on a cut-off belongs to the higher band.  Scores are means of
floats, so "exactly" is taken to within ``TIE_TOLERANCE`` (1e-9 points): a
score of 25 * 10/11 and the cut-off 100 * 20/88 differ in the last bit but are
the same number on paper and must land in the same band.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from i18n import N_

LEVEL_CODES: tuple[str, ...] = ("A1", "A2", "B1", "B2", "C1", "C2")
LEVEL_NAMES: dict[str, str] = {
    "A1": N_("Newcomer"),
    "A2": N_("Explorer"),
    "B1": N_("Integrator"),
    "B2": N_("Expert"),
    "C1": N_("Leader"),
    "C2": N_("Pioneer"),
}
CHECKIN_MAX = 88.0
CHECKIN_CUTOFFS: tuple[float, ...] = (20.0, 34.0, 50.0, 66.0, 80.0)
CUTOFFS: tuple[float, ...] = tuple(100.0 * c / CHECKIN_MAX for c in CHECKIN_CUTOFFS)
TIE_TOLERANCE = 1e-9
LEVEL_DTYPE = pd.CategoricalDtype(list(LEVEL_CODES), ordered=True)

_EDGES = np.asarray(CUTOFFS) - TIE_TOLERANCE


def level_codes_array(scores: np.ndarray) -> np.ndarray:
    """Integer level index 0..5 per score, -1 where the score is NaN."""
    values = np.asarray(scores, dtype=float)
    codes = np.zeros(values.shape, dtype=np.int8)
    for edge in _EDGES:  # five comparisons beat a binary search on large arrays
        codes += values >= edge
    codes[np.isnan(values)] = -1
    return codes


def level_of(scores: pd.Series) -> pd.Series:
    """Ordered categorical level (A1..C2) per score; NaN score gives NaN."""
    codes = level_codes_array(scores.to_numpy(dtype=float, na_value=np.nan))
    cat = pd.Categorical.from_codes(codes, dtype=LEVEL_DTYPE)
    return pd.Series(cat, index=scores.index, name="level")


def level_of_score(score: float | None) -> str | None:
    """Level code (A1..C2) of one score, None when there is no score."""
    if score is None or (isinstance(score, float) and math.isnan(score)):
        return None
    return LEVEL_CODES[int(level_codes_array(np.array([score]))[0])]


def level_name(code: str) -> str:
    """English msgid of a level's name, to translate at the edge."""
    return LEVEL_NAMES[code]
