"""Scores of individual responses: items -> areas -> overall, with levels.

An item scores ``value / 4 * 100``.  An area's score is the weighted mean
(item weights) of its applicable items; "not applicable" (NaN, or no answer
row at all) is left out, never counted as 0.  When fewer than ``min_share`` of
the area's items in the questionnaire are applicable, the area gets no score
(NaN, reason ``too_few_answers``).  ``overall`` is the weighted mean of the
scored areas with the area weights; areas without a score drop out of both
numerator and denominator, and a response with no scored area gets NaN
(reason ``no_area_score``).

Every response gets one row per area of the questionnaire (``items``), so
trainer and manager questionnaires are scored in separate calls.

The main path is one dense response x item matrix and two matrix products: no
Python loop over respondents, no object dtype.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from scoring.levels import LEVEL_DTYPE, level_codes_array
from scoring.schema import OVERALL, REASON_DTYPE, TRAINER_AREAS, require_columns

LONG_COLUMNS = ("response_id", "area", "score", "n_applicable", "n_items", "level", "reason")


def item_weights(items: pd.DataFrame) -> np.ndarray:
    """Item weights as floats, 1.0 where the column or the value is missing."""
    if "weight" not in items.columns:
        return np.ones(len(items))
    weights = items["weight"].to_numpy(dtype=float, na_value=np.nan)
    weights = np.where(np.isnan(weights), 1.0, weights)
    if (weights <= 0).any():
        raise ValueError("item weights must be positive")
    return weights


def default_area_weights(items: pd.DataFrame) -> dict[str, float]:
    """Equal weights over the items' areas; trainer areas only if any is present.

    A trainer questionnaire also holds the shared items, whose area is an
    organisation element: they are the trainer's view of the organisation, not
    their own practice, so they do not count in the trainer's overall score.
    """
    areas = list(pd.unique(items["area"]))
    trainer = [a for a in areas if a in TRAINER_AREAS]
    return {a: 1.0 for a in (trainer or areas)}


def _codes(answers: pd.DataFrame, item_index: pd.Index) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row -> response position, row -> item position, and sorted response ids."""
    item_codes, item_uniques = pd.factorize(answers["item_id"])
    pos = item_index.get_indexer(pd.Index(item_uniques))
    if (pos < 0).any():
        unknown = sorted(map(str, pd.Index(item_uniques)[pos < 0]))[:5]
        raise ValueError(f"answers refer to items missing from items: {unknown}")
    item_pos = pos[item_codes]
    resp_codes, resp_uniques = pd.factorize(answers["response_id"])
    resp_uniques = np.asarray(resp_uniques)
    order = np.argsort(resp_uniques, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return rank[resp_codes], item_pos, resp_uniques[order]


def _value_matrix(answers: pd.DataFrame, items: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Dense response x item matrix of values (NaN = not applicable) and response ids."""
    item_index = pd.Index(items["item_id"])
    if not item_index.is_unique:
        raise ValueError("items has duplicate item_id")
    resp, item, resp_ids = _codes(answers, item_index)
    values = answers["value"].to_numpy(dtype=float, na_value=np.nan)
    if ((values < 0) | (values > 4)).any():
        raise ValueError("answer values must lie between 0 and 4")
    n_items = len(item_index)
    flat = resp.astype(np.int64) * n_items + item
    if np.bincount(flat, minlength=len(resp_ids) * n_items).max(initial=0) > 1:
        raise ValueError("answers has several rows for one response_id and item_id")
    matrix = np.full(len(resp_ids) * n_items, np.nan)
    matrix[flat] = values
    return matrix.reshape(len(resp_ids), n_items), resp_ids


def score_matrix(
    values: np.ndarray, area_code: np.ndarray, weights: np.ndarray, n_areas: int,
    min_share: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Area scores, applicable counts and per-area item counts from a value matrix."""
    member = np.zeros((len(area_code), n_areas))
    member[np.arange(len(area_code)), area_code] = 1.0
    applicable = ~np.isnan(values)
    num = (np.where(applicable, values, 0.0) * weights) @ member
    den = (applicable * weights) @ member
    n_applicable = (applicable @ member).round().astype(np.int64)
    n_items = member.sum(axis=0).astype(np.int64)
    enough = (n_applicable > 0) & (n_applicable >= min_share * n_items)
    with np.errstate(invalid="ignore", divide="ignore"):
        scores = np.where(enough, 25.0 * num / den, np.nan)
    return scores, n_applicable, n_items


def score_responses(
    answers: pd.DataFrame,
    items: pd.DataFrame,
    area_weights: Mapping[str, float] | None = None,
    min_share: float = 0.5,
) -> pd.DataFrame:
    """Long frame of area and overall scores per response.

    Columns: response_id (int), area (categorical: the questionnaire's areas in
    order of first appearance, then 'overall'), score (float 0-100 or NaN),
    n_applicable (int), n_items (int: items of the area in the questionnaire;
    for overall, over the areas with a weight), level (ordered categorical
    A1..C2, NaN without a score), reason (categorical, NaN or
    'too_few_answers' / 'no_area_score').  Sorted by response_id, then area.
    """
    require_columns(answers, ("response_id", "item_id", "value"), "answers")
    require_columns(items, ("item_id", "area"), "items")
    areas = list(pd.unique(items["area"]))
    if OVERALL in areas:
        raise ValueError(f"'{OVERALL}' is reserved and cannot be an area")
    weights_by_area = dict(area_weights) if area_weights is not None else default_area_weights(items)
    if any(w < 0 for w in weights_by_area.values()):
        raise ValueError("area weights must not be negative")
    area_code = pd.Index(areas).get_indexer(items["area"])
    values, resp_ids = _value_matrix(answers, items)
    scores, n_app, n_items = score_matrix(values, area_code, item_weights(items), len(areas), min_share)

    aw = np.array([float(weights_by_area.get(a, 0.0)) for a in areas])
    counted = ~np.isnan(scores) & (aw > 0)
    overall_den = (counted * aw).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        overall = np.where(overall_den > 0, np.where(counted, scores, 0.0) @ aw / overall_den, np.nan)
    in_overall = aw > 0
    all_scores = np.column_stack([scores, overall])
    all_app = np.column_stack([n_app, n_app[:, in_overall].sum(axis=1)])
    all_items = np.broadcast_to(np.append(n_items, n_items[in_overall].sum()), all_scores.shape)

    n_rows, width = all_scores.shape
    flat_scores = all_scores.ravel()
    reason = np.full(all_scores.shape, -1, dtype=np.int8)
    reason[:, :-1][np.isnan(scores)] = REASON_DTYPE.categories.get_loc("too_few_answers")
    reason[:, -1][np.isnan(overall)] = REASON_DTYPE.categories.get_loc("no_area_score")
    return pd.DataFrame({
        "response_id": np.repeat(resp_ids, width),
        "area": pd.Categorical.from_codes(np.tile(np.arange(width), n_rows), categories=areas + [OVERALL]),
        "score": flat_scores,
        "n_applicable": all_app.ravel(),
        "n_items": all_items.ravel(),
        "level": pd.Categorical.from_codes(level_codes_array(flat_scores), dtype=LEVEL_DTYPE),
        "reason": pd.Categorical.from_codes(reason.ravel(), dtype=REASON_DTYPE),
    })


def wide_scores(long: pd.DataFrame) -> pd.DataFrame:
    """Scores as response_id (index) x area (one float column per area, 'overall' last)."""
    wide = long.pivot(index="response_id", columns="area", values="score")
    wide.columns = [str(c) for c in wide.columns]
    wide.columns.name = None
    return wide
