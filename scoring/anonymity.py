"""The anonymity guard: the one gate every aggregate passes before display.

Rules, for a threshold ``k`` (default 5, never below 3):

1. Primary: a group of fewer than ``k`` respondents is hidden.
2. Parent: a group whose parent is hidden is hidden (a hidden region hides its
   sites), so nothing can be subtracted from a figure nobody may see.
3. Secondary (siblings that partition their parent: an organisation's
   regions, a region's sites, a site's years-of-practice bands): what a reader
   can subtract, ``parent n - sum of visible children n``, must be 0 or at
   least ``k``.  While it lies between 1 and k-1, the smallest visible sibling
   (ties: first in frame order) is hidden too.
4. Complement: a visible group whose complement in its parent
   (``parent n - group n``) is between 1 and k-1 is hidden.  This also holds
   for overlapping slices (modalities), where rule 3 does not apply.

Rules 3 and 4 repeat until nothing changes.  A hidden group has its counts
and values set to NaN (never 0) and ``hidden=True``.  The union of hidden
siblings may still be derived by subtraction; the rules make it either empty
or of at least ``k`` people, so it is an aggregate like any other.

Overlapping slices are guarded one by one (rules 1, 2, 4); intersections of
several overlapping slices are not examined.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

DEFAULT_K = 5
MIN_K = 3


def check_k(k: int) -> int:
    """Return k as an int, or raise ValueError when it is below the floor of 3."""
    if int(k) != k or k < MIN_K:
        raise ValueError(f"anonymity threshold k must be an integer >= {MIN_K}, got {k!r}")
    return int(k)


def _group_codes(frame: pd.DataFrame, cols: Sequence[str]) -> np.ndarray:
    """One integer per row identifying its sibling group (all rows 0 without cols)."""
    if not cols:
        return np.zeros(len(frame), dtype=np.int64)
    return frame.groupby(list(cols), sort=False, dropna=False, observed=True).ngroup().to_numpy()


def guard_mask(
    n: np.ndarray,
    group: np.ndarray,
    parent_n: np.ndarray | None,
    parent_hidden: np.ndarray | None,
    k: int,
    partition: bool,
) -> np.ndarray:
    """Boolean hidden mask from counts, sibling groups and the parent's n and visibility."""
    k = check_k(k)
    n = np.nan_to_num(np.asarray(n, dtype=float))
    hidden = n < k
    if parent_hidden is not None:
        hidden |= np.asarray(parent_hidden, dtype=bool)
    if parent_n is None:
        return hidden
    parent_n = np.nan_to_num(np.asarray(parent_n, dtype=float))
    n_groups = int(group.max()) + 1 if len(group) else 0
    order = np.lexsort((np.arange(len(n)), n, group))
    while True:
        before = hidden.copy()
        complement = parent_n - n
        hidden |= (complement >= 1) & (complement < k)
        if partition:
            visible_sum = np.bincount(group, weights=np.where(hidden, 0.0, n), minlength=n_groups)
            residual = parent_n - visible_sum[group]
            short = (residual >= 1) & (residual < k) & ~hidden
            candidates = order[short[order]]
            if len(candidates):
                first = np.unique(group[candidates], return_index=True)[1]
                hidden[candidates[first]] = True
        if (hidden == before).all():
            return hidden


def apply_guard(
    frame: pd.DataFrame,
    n_col: str = "n",
    value_cols: Sequence[str] = (),
    parent_cols: Sequence[str] = (),
    parent_n: str | None = None,
    parent_hidden: str | None = None,
    k: int = DEFAULT_K,
    partition: bool = True,
) -> pd.DataFrame:
    """Copy of frame with 'hidden' (bool) and n_col and value_cols set to NaN where hidden.

    ``parent_cols`` name the columns shared by siblings (e.g. ['area',
    'region_id'] for sites).  ``parent_n`` names a column holding the parent's
    n; without it and with ``parent_cols``, the parent's n is the siblings'
    sum.  ``parent_hidden`` names a bool column, True where the parent is
    hidden.  ``partition=False`` for overlapping slices (rule 3 off).
    """
    n = frame[n_col].to_numpy(dtype=float, na_value=np.nan)
    group = _group_codes(frame, parent_cols)
    if parent_n is not None:
        pn = frame[parent_n].to_numpy(dtype=float, na_value=np.nan)
    elif parent_cols:
        pn = pd.Series(np.nan_to_num(n)).groupby(group).transform("sum").to_numpy()
    else:
        pn = None
    ph = frame[parent_hidden].to_numpy(dtype=bool) if parent_hidden is not None else None
    hidden = guard_mask(n, group, pn, ph, k, partition)
    return mask_hidden(frame, hidden, [n_col, *value_cols])


def mask_hidden(frame: pd.DataFrame, hidden: np.ndarray, cols: Sequence[str]) -> pd.DataFrame:
    """Copy of frame with cols set to NaN where hidden, and a 'hidden' column."""
    out = frame.copy()
    for col in cols:
        values = out[col]
        if isinstance(values.dtype, pd.CategoricalDtype):
            out[col] = values.where(~hidden)
        else:
            out[col] = values.astype(float).where(~hidden)
    out["hidden"] = hidden
    return out


def tree_depth(frame: pd.DataFrame, levels: Sequence[str]) -> np.ndarray:
    """Depth of each row: how many of the level columns are filled (0 = whole organisation)."""
    filled = frame[list(levels)].notna().to_numpy()
    depth = filled.sum(axis=1)
    if (filled != (np.arange(len(levels)) < depth[:, None])).any():
        raise ValueError(f"level columns {list(levels)} must be filled from the left")
    return depth


def guard_tree(
    frame: pd.DataFrame,
    levels: Sequence[str] = ("region_id", "site_id"),
    n_col: str = "n",
    value_cols: Sequence[str] = (),
    by: Sequence[str] = ("area",),
    k: int = DEFAULT_K,
) -> pd.DataFrame:
    """Guard a whole organisation -> region -> site frame, top down.

    One row per node and per ``by`` value (e.g. area): the organisation row
    has every level column empty, a region row fills region_id, a site row
    fills region_id and site_id.  A node without its parent row is hidden.
    Returns the frame with 'hidden' and masked n_col and value_cols.
    """
    k = check_k(k)
    by = list(by)
    depth = tree_depth(frame, levels)
    n = frame[n_col].to_numpy(dtype=float, na_value=np.nan)
    hidden = np.zeros(len(frame), dtype=bool)
    for d in range(len(levels) + 1):
        rows = np.flatnonzero(depth == d)
        if not len(rows):
            continue
        part = frame.iloc[rows]
        keys = by + list(levels[: max(d - 1, 0)])
        if d == 0:
            hidden[rows] = guard_mask(n[rows], _group_codes(part, by), None, None, k, False)
            continue
        parents = frame.iloc[np.flatnonzero(depth == d - 1)][keys].assign(
            _pn=n[depth == d - 1], _ph=hidden[depth == d - 1]
        )
        joined = part[keys].merge(parents, on=keys, how="left")
        ph = joined["_ph"].astype("boolean").fillna(True).to_numpy(dtype=bool)
        hidden[rows] = guard_mask(
            n[rows], _group_codes(part, keys), joined["_pn"].to_numpy(dtype=float, na_value=np.nan),
            ph, k, True,
        )
    return mask_hidden(frame, hidden, [n_col, *value_cols])
