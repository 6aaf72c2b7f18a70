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

The main path is one dense response x item matrix and block sums per area:
no Python loop over respondents, no object dtype.
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


def _item_positions(item_col: pd.Series, item_index: pd.Index) -> np.ndarray:
    """Position in item_index of each answer's item_id; ValueError on unknown items."""
    if isinstance(item_col.dtype, pd.StringDtype) and item_col.dtype.storage == "pyarrow":
        import pyarrow as pa
        import pyarrow.compute as pc

        # one hashing pass straight to positions (pandas 3's default str dtype is Arrow-backed)
        found = pc.index_in(pa.array(item_col), value_set=pa.array(item_index.astype(str)))
        pos = pc.fill_null(found, -1).to_numpy(zero_copy_only=False)
    else:
        codes, uniques = pd.factorize(item_col)
        pos = item_index.get_indexer(pd.Index(uniques))[codes]
    if (pos < 0).any():
        unknown = sorted(map(str, pd.unique(item_col[pos < 0])))[:5]
        raise ValueError(f"answers refer to items missing from items: {unknown}")
    return pos


def _response_codes(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Code 0..R-1 per row in increasing response_id order, and the sorted ids."""
    if ids.dtype.kind in "iu" and len(ids) and ids.min() >= 0 and ids.max() < 4 * len(ids) + 1024:
        present = np.zeros(int(ids.max()) + 1, dtype=bool)
        present[ids] = True  # dense ids (database keys): a lookup table beats hashing
        rank = np.cumsum(present) - 1
        return rank[ids], np.flatnonzero(present)
    codes, uniques = pd.factorize(ids)
    uniques = np.asarray(uniques)
    order = np.argsort(uniques, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return rank[codes], uniques[order]


def _value_matrix(answers: pd.DataFrame, item_index: pd.Index) -> tuple[np.ndarray, np.ndarray]:
    """Dense response x item matrix of values (NaN = not applicable) and sorted response ids."""
    if not item_index.is_unique:
        raise ValueError("items has duplicate item_id")
    item = _item_positions(answers["item_id"], item_index)
    resp, resp_ids = _response_codes(answers["response_id"].to_numpy())
    values = answers["value"].to_numpy(dtype=float, na_value=np.nan)
    if ((values < 0) | (values > 4)).any():
        raise ValueError("answer values must lie between 0 and 4")
    n_items = len(item_index)
    flat = resp.astype(np.int64) * n_items + item
    seen = np.zeros(len(resp_ids) * n_items, dtype=bool)
    seen[flat] = True
    if np.count_nonzero(seen) != len(flat):
        raise ValueError("answers has several rows for one response_id and item_id")
    matrix = np.full(len(resp_ids) * n_items, np.nan)
    matrix[flat] = values
    return matrix.reshape(len(resp_ids), n_items), resp_ids


def score_matrix(
    values: np.ndarray, n_items: np.ndarray, weights: np.ndarray, min_share: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Area scores and applicable counts (response x area) from an area-grouped value matrix.

    Columns of ``values`` are items grouped by area, ``n_items[a]`` columns
    for area a, so an area's sums are block sums (``np.add.reduceat``).
    """
    if (n_items == 0).any():
        raise ValueError("every area needs at least one item")
    starts = np.concatenate([[0], np.cumsum(n_items)[:-1]])
    applicable = ~np.isnan(values)
    num = np.add.reduceat(np.where(applicable, values, 0.0) * weights, starts, axis=1)
    den = np.add.reduceat(applicable * weights, starts, axis=1)
    n_applicable = np.add.reduceat(applicable.astype(np.int32), starts, axis=1).astype(np.int64)
    enough = (n_applicable > 0) & (n_applicable >= min_share * n_items)
    with np.errstate(invalid="ignore", divide="ignore"):
        scores = np.where(enough, 25.0 * num / den, np.nan)
    return scores, n_applicable


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
    # items grouped by area (stable), so each area is a block of matrix columns
    order = np.argsort(pd.Index(areas).get_indexer(items["area"]), kind="stable")
    grouped = items.iloc[order]
    n_items = grouped["area"].value_counts(sort=False).reindex(areas).to_numpy(dtype=np.int64)
    values, resp_ids = _value_matrix(answers, pd.Index(grouped["item_id"]))
    scores, n_app = score_matrix(values, n_items, item_weights(grouped), min_share)

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
