"""Names shared by the scoring modules: areas, elements, roles, reasons.

Input frames (names fixed, other packages rely on them):

``answers``      response_id int, item_id str, value float 0-4 (NaN = "not
                 applicable").  Scale items only.
``items``        item_id str, area str, weight float (default 1.0), tags
                 tuple[str, ...] (e.g. ('sharing',)).
``area_weights`` dict area -> weight (default: equal, see
                 :func:`scoring.responses.default_area_weights`).
``respondents``  response_id, person_id, site_id, region_id, role
                 ('trainer' | 'manager' | 'director'), campaign_id,
                 relay_willing bool, relay_hours float, consent_named bool,
                 modalities tuple[str, ...], years_practice float.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from i18n import N_

TRAINER_AREAS: tuple[str, ...] = (
    "engagement", "resources", "teaching", "assessment", "empowerment", "facilitation",
)
ORG_ELEMENTS: tuple[str, ...] = (
    "leadership", "pedagogy", "development", "evaluation", "content", "collaboration",
    "infrastructure",
)
OVERALL = "overall"
ROLES: tuple[str, ...] = ("trainer", "manager", "director")

# Why a figure is missing: a code in frames, a msgid for people.
REASONS: dict[str, str] = {
    "too_few_answers": N_("Too few answered items in this area"),
    "no_area_score": N_("No area could be scored"),
    "no_practice_score": N_("No overall practice score"),
    "no_manager_answers": N_("No manager of this site has answered"),
    "few_managers": N_("Managers' answers withheld for anonymity: trainers' view only"),
    "no_trainer_answers": N_("No trainer of this site has answered the shared items"),
    "below_threshold": N_("Hidden: fewer than {k} respondents"),
}
REASON_DTYPE = pd.CategoricalDtype(list(REASONS))


def require_columns(frame: pd.DataFrame, columns: Iterable[str], name: str) -> None:
    """Raise ValueError naming the columns a frame lacks."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{name} lacks columns {missing}")
