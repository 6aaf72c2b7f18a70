"""Response scores: hand-computed tables and properties."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.responses import default_area_weights, score_responses, wide_scores

NA = math.nan
ITEMS = pd.DataFrame({
    "item_id": ["e1", "e2", "t1", "t2", "t3", "L1"],
    "area": ["engagement", "engagement", "teaching", "teaching", "teaching", "leadership"],
    "weight": [1.0, 3.0, 1.0, 1.0, 2.0, 1.0],
    "tags": [(), ("sharing",), (), (), (), ()],
})


def _answers(values: dict[int, dict[str, float]]) -> pd.DataFrame:
    rows = [(r, i, v) for r, vals in values.items() for i, v in vals.items()]
    return pd.DataFrame(rows, columns=["response_id", "item_id", "value"])


def _get(long: pd.DataFrame, rid: int, area: str, col: str = "score"):
    return long.loc[(long["response_id"] == rid) & (long["area"] == area), col].item()


# engagement = (1*e1 + 3*e2)/4 * 25; teaching = (t1 + t2 + 2*t3)/4 * 25 over applicable.
CASES = [
    # all answered: eng (4+3*0)/4=1 -> 25; teach (2+2+2*2)/4=2 -> 50; overall (25+50)/2
    ({"e1": 4, "e2": 0, "t1": 2, "t2": 2, "t3": 2, "L1": 4}, None, 25.0, 50.0, 37.5, "A2"),
    # N/A left out: teaching over t1, t3 = (4 + 2*1)/3 = 2 -> 50
    ({"e1": 2, "e2": 2, "t1": 4, "t2": NA, "t3": 1}, None, 50.0, 50.0, 50.0, "B1"),
    # engagement all N/A: empty area, overall from teaching only
    ({"e1": NA, "e2": NA, "t1": 3, "t2": 3, "t3": 3}, None, NA, 75.0, 75.0, "C1"),
    # teaching 1 of 3 applicable < 0.5 -> NaN
    ({"e1": 4, "e2": 4, "t1": 4}, None, 100.0, NA, 100.0, "C2"),
    # area weights 3:1 -> (3*25 + 1*75)/4 = 37.5
    ({"e1": 1, "e2": 1, "t1": 3, "t2": 3, "t3": 3}, {"engagement": 3, "teaching": 1}, 25.0, 75.0, 37.5, "A2"),
    # nothing applicable
    ({"e1": NA, "t1": NA}, None, NA, NA, NA, None),
]


@pytest.mark.parametrize(("values", "aw", "eng", "teach", "overall", "level"), CASES)
def test_hand_computed_scores(values, aw, eng, teach, overall, level):
    long = score_responses(_answers({7: values}), ITEMS, aw)
    for area, expected in (("engagement", eng), ("teaching", teach), ("overall", overall)):
        got = _get(long, 7, area)
        assert (math.isnan(got) and math.isnan(expected)) or got == pytest.approx(expected)
    got_level = _get(long, 7, "overall", "level")
    assert (None if pd.isna(got_level) else got_level) == level


def test_counts_and_reasons():
    long = score_responses(_answers({1: {"e1": 4, "t1": NA}}), ITEMS)
    assert _get(long, 1, "engagement", "n_applicable") == 1
    assert _get(long, 1, "engagement", "n_items") == 2
    assert _get(long, 1, "teaching", "reason") == "too_few_answers"
    assert _get(long, 1, "leadership", "n_items") == 1
    assert _get(long, 1, "overall", "n_items") == 5  # leadership is not a trainer area


def test_default_weights_leave_shared_org_items_out_of_trainer_overall():
    assert default_area_weights(ITEMS) == {"engagement": 1.0, "teaching": 1.0}
    assert default_area_weights(ITEMS[ITEMS["area"] == "leadership"]) == {"leadership": 1.0}


@pytest.mark.parametrize(
    ("n_ones", "n_zeros", "level"),
    [(10, 1, "A2"), (0, 11, "A1")],
)
def test_tie_at_band_edge_goes_up(n_ones, n_zeros, level):
    items = pd.DataFrame({"item_id": [f"i{j}" for j in range(11)], "area": "teaching"})
    values = [1.0] * n_ones + [0.0] * n_zeros
    answers = pd.DataFrame({"response_id": 1, "item_id": items["item_id"], "value": values})
    long = score_responses(answers, items)
    assert _get(long, 1, "teaching", "level") == level


@pytest.mark.parametrize(
    "answers",
    [
        pd.DataFrame({"response_id": [1], "item_id": ["zz"], "value": [1.0]}),
        pd.DataFrame({"response_id": [1], "item_id": ["e1"], "value": [5.0]}),
        pd.DataFrame({"response_id": [1, 1], "item_id": ["e1", "e1"], "value": [1.0, 2.0]}),
    ],
)
def test_bad_input_is_refused(answers):
    with pytest.raises(ValueError):
        score_responses(answers, ITEMS)


def test_wide_scores():
    long = score_responses(_answers({2: {"e1": 4, "e2": 4}, 1: {"t1": 0, "t2": 0, "t3": 0}}), ITEMS)
    wide = wide_scores(long)
    assert wide.index.tolist() == [1, 2]
    assert wide.loc[2, "engagement"] == 100.0 and wide.loc[1, "teaching"] == 0.0


values_st = st.one_of(st.none(), st.integers(0, 4))
answers_st = st.lists(st.lists(values_st, min_size=6, max_size=6), min_size=1, max_size=8)


def _frame(table: list[list[int | None]]) -> pd.DataFrame:
    rows = [(r, i, NA if v is None else float(v)) for r, vals in enumerate(table)
            for i, v in zip(ITEMS["item_id"], vals)]
    return pd.DataFrame(rows, columns=["response_id", "item_id", "value"])


@settings(max_examples=150, deadline=None)
@given(answers_st)
def test_scores_in_range(table):
    scores = score_responses(_frame(table), ITEMS)["score"].dropna()
    assert ((scores >= 0) & (scores <= 100)).all()


@settings(max_examples=150, deadline=None)
@given(answers_st, st.data())
def test_raising_an_answer_never_lowers_area_or_overall(table, data):
    r = data.draw(st.integers(0, len(table) - 1))
    candidates = [i for i, v in enumerate(table[r]) if v is not None and v < 4]
    if not candidates:
        return
    i = data.draw(st.sampled_from(candidates))
    raised = [row[:] for row in table]
    raised[r][i] += data.draw(st.integers(1, 4 - table[r][i]))
    before, after = (wide_scores(score_responses(_frame(t), ITEMS)).loc[r] for t in (table, raised))
    area = ITEMS["area"][i]
    for col in (area, "overall"):
        if not math.isnan(before[col]):
            assert after[col] >= before[col] - 1e-9


@settings(max_examples=100, deadline=None)
@given(answers_st, st.randoms())
def test_row_order_does_not_matter(table, rnd):
    frame = _frame(table)
    shuffled = frame.sample(frac=1, random_state=rnd.randint(0, 2**31)).reset_index(drop=True)
    pd.testing.assert_frame_equal(score_responses(frame, ITEMS), score_responses(shuffled, ITEMS))
