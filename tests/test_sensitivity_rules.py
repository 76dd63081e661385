"""The numpy forms of the engine's rules (``sensitivity.rules``) against the engine's own
functions: the analysis aggregates, rounds, ranks and gives statuses exactly as a run does."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from renewal_score.aggregation import aggregate, register_aggregations
from renewal_score.method import MethodSettings
from renewal_score.sensitivity.rules import (
    STATUSES,
    aggregate_rows,
    order_statistics,
    round_scores,
    status_codes,
    top_priorities,
)
from renewal_score.standing import Standing, status_of
from renewal_score.uncertainty import interval

NAN = math.nan
BUILT_IN = register_aggregations()
SCORE = st.one_of(st.just(NAN), st.just(0.0), st.integers(0, 10**6).map(lambda k: k / 10**4))
WEIGHT = st.one_of(st.just(0.0), st.floats(0.01, 10))


@st.composite
def rows_of_items(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    """Values [n, s, m] (NaN: no value) and weights [n, m]."""
    n, s, m = draw(st.integers(1, 4)), draw(st.integers(1, 3)), draw(st.integers(1, 5))
    values = draw(st.lists(SCORE, min_size=n * s * m, max_size=n * s * m))
    weights = draw(st.lists(WEIGHT, min_size=n * m, max_size=n * m))
    return np.array(values).reshape(n, s, m), np.array(weights).reshape(n, m)


@settings(max_examples=60, deadline=None)
@given(rows_of_items(), st.sampled_from(sorted(BUILT_IN)))
def test_aggregate_rows_is_the_engines_aggregate(
    case: tuple[np.ndarray, np.ndarray], name: str
) -> None:
    values, weights = case
    found = aggregate_rows(BUILT_IN[name], values, weights)
    for row, subject in np.ndindex(*found.shape):
        items = [None if math.isnan(v) else v for v in values[row, subject].tolist()]
        expected = aggregate(BUILT_IN[name], items, weights[row].tolist())
        if expected is None:
            assert math.isnan(found[row, subject])
        else:
            assert found[row, subject] == pytest.approx(expected, rel=1e-12, abs=1e-9)


def test_a_method_without_an_array_form_is_called_row_by_row() -> None:
    calls = []

    def median(values: list[float], weights: list[float]) -> float:
        calls.append(len(values))
        return sorted(values)[len(values) // 2]

    values = np.array([[[10.0, NAN, 30.0, 20.0]], [[5.0, 1.0, 2.0, 9.0]]])
    found = aggregate_rows(median, values, np.array([[1.0, 1.0, 1.0, 1.0], [1.0, 0.0, 1.0, 1.0]]))
    assert found.tolist() == [[20.0], [5.0]]  # the NaN and the zero weight are left out
    assert calls == [3, 3]


def test_round_scores_is_pythons_round() -> None:
    values = np.array([0.00015, 2.675, 1.00005, 0.03125, 12.34565, 99.99995, 0.0, NAN, 33.3333])
    expected = [round(v, 4) if not math.isnan(v) else NAN for v in values.tolist()]
    assert round_scores(values).tolist() == pytest.approx(expected, nan_ok=True, abs=0)


@given(st.floats(0, 100))
def test_round_scores_matches_round_for_any_score(value: float) -> None:
    assert round_scores(np.array([value]))[0] == round(value, 4)


@given(
    st.one_of(st.just(NAN), st.floats(0, 100)),
    st.floats(0, 100),
    st.floats(0, 100),
    st.floats(0, 100),
)
def test_status_codes_are_status_of(score: float, target: float, one: float, two: float) -> None:
    bands = {"on track": max(one, two), "signs of progress": min(one, two)}
    method = MethodSettings(status_bands=bands)
    code = status_codes(
        np.array([score]), np.array([target]), np.array([[bands["on track"], min(one, two)]])
    )[0]
    expected = status_of(None if math.isnan(score) else score, target, method)
    assert (STATUSES[int(code)] if not math.isnan(code) else "cannot rate") == expected


@settings(max_examples=80, deadline=None)
@given(
    st.integers(1, 4).flatmap(
        lambda p: st.tuples(
            st.lists(
                st.one_of(st.just(NAN), st.sampled_from([20.0, 50.0, 75.0, 90.0])),
                min_size=p,
                max_size=p,
            ),
            st.lists(st.booleans(), min_size=p, max_size=p),
            st.lists(st.sampled_from([50.0, 75.0]), min_size=p, max_size=p),
            st.lists(st.sampled_from([1.0, 2.0, 0.5]), min_size=p, max_size=p),
        )
    ),
    st.sampled_from(["gap", "weighted-gap"]),
)
def test_top_priorities_is_the_first_of_standing_ranked(
    case: tuple[list[float], list[bool], list[float], list[float]], rank_by: str
) -> None:
    scores, shown, targets, raw = case
    ids = [f"p{i}" for i in range(len(scores))][::-1]  # ids not in index order
    weights = [w / sum(raw) for w in raw]
    standing = Standing(
        targets=dict(zip(ids, targets, strict=True)),
        weights=dict(zip(ids, weights, strict=True)),
        rated={},
        shown=dict(zip(ids, shown, strict=True)),
        central={},
        overall=None,
        draws={},
        criterion_draws={},
        overall_draws=[],
        top_shares={},
    )
    visible = {
        p: None if math.isnan(v) or not s else v for p, v, s in zip(ids, scores, shown, strict=True)
    }
    expected = standing.ranked(visible, rank_by)[0]  # type: ignore[arg-type]
    order = np.argsort(np.argsort(np.array(ids)))
    found = top_priorities(
        np.array([[scores]]),
        np.array([[shown]]),
        np.array([targets]),
        np.array([weights]),
        order,
        rank_by,  # type: ignore[arg-type]
    )
    assert ids[int(found[0, 0])] == expected


@pytest.mark.parametrize("n", [1, 2, 5, 19, 20, 21, 100, 1001])
def test_order_statistics_are_the_engines_interval(n: int) -> None:
    rng = np.random.default_rng(n)
    rows = np.round(rng.uniform(0, 100, (4, n)), 2)
    rows[1, :: max(1, n // 3)] = NAN
    rows[2] = NAN
    found = order_statistics(rows.copy(), (0.05, 0.95))
    for i, row in enumerate(rows):
        values = row[~np.isnan(row)].tolist()
        expected = interval(values) if values else (NAN, NAN)
        assert found[:, i].tolist() == pytest.approx(list(expected), nan_ok=True, abs=0)
    clean = rows[[0, 3]]
    assert order_statistics(clean.copy(), (0.05, 0.95)).T.tolist() == [
        list(interval(r)) for r in clean.tolist()
    ]
