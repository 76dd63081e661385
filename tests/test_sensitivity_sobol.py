"""The variance-based indices on known cases: the Ishigami function (analytic indices), a
linear model, and SALib's estimates on the project's own model."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

from renewal_score.sensitivity import (
    Inputs,
    InputSpace,
    SensitivitySettings,
    build_problem,
    output_names,
    sobol_indices,
)
from renewal_score.sensitivity.evaluate import Evaluator
from renewal_score.testing import agenda_of, make_host

ISHIGAMI_S1 = (0.3139, 0.4424, 0.0)
ISHIGAMI_ST = (0.5576, 0.4424, 0.2437)
"""a = 7, b = 0.1, inputs uniform on [-pi, pi] (Ishigami and Homma 1990; Saltelli et al.
2010, table 2)."""


def ishigami(x: np.ndarray) -> np.ndarray:
    return np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])


def test_ishigami_indices_lie_within_their_intervals() -> None:
    space = InputSpace.uniform(["x1", "x2", "x3"], -math.pi, math.pi)
    found = sobol_indices(ishigami, space, 10_000, seed=0)
    assert found.names == ("x1", "x2", "x3")
    for i in range(3):
        low, high = found.first_order_interval[0, i]
        assert low <= ISHIGAMI_S1[i] <= high, (i, low, high)
        assert low <= found.first_order[0, i] <= high
        low, high = found.total_effect_interval[0, i]
        assert low <= ISHIGAMI_ST[i] <= high, (i, low, high)
    assert found.first_order[0] == pytest.approx(ISHIGAMI_S1, abs=0.03)
    assert found.total_effect[0] == pytest.approx(ISHIGAMI_ST, abs=0.03)
    assert found.widest() < 0.1


def test_centring_makes_first_order_indices_steadier_than_without() -> None:
    """The issue's case: a large mean added to the output moves the uncentred estimator's
    first-order index from seed to seed; the centred one does not see the mean at all."""
    space = InputSpace.uniform(["x1", "x2", "x3"], -math.pi, math.pi)
    shifted = [sobol_indices(lambda x: ishigami(x) + 1000.0, space, 2000, s) for s in range(4)]
    plain = [sobol_indices(ishigami, space, 2000, s) for s in range(4)]
    for a, b in zip(shifted, plain, strict=True):
        assert a.first_order == pytest.approx(b.first_order, abs=1e-9)
        assert a.total_effect == pytest.approx(b.total_effect, abs=1e-9)


def test_linear_model_indices_are_the_variance_shares() -> None:
    # y = 1 x1 + 2 x2 + 3 x3 (uniform inputs): S_i = ST_i = a_i^2 / 14; a second output 5 x1
    space = InputSpace.uniform(["x1", "x2", "x3"])
    found = sobol_indices(
        lambda x: np.stack([x @ [1.0, 2.0, 3.0], 5 * x[:, 0]], axis=1), space, 4000, seed=1
    )
    expected = np.array([1, 4, 9]) / 14
    assert found.first_order[0] == pytest.approx(expected, abs=0.03)
    assert found.total_effect[0] == pytest.approx(expected, abs=0.03)
    assert found.first_order[1] == pytest.approx([1, 0, 0], abs=0.02)
    assert found.variance[1] == pytest.approx(25 / 12, rel=0.05)


def test_an_output_that_does_not_vary_or_has_no_value_has_no_indices() -> None:
    space = InputSpace.uniform(["x1", "x2"])

    def model(x: np.ndarray) -> np.ndarray:
        return np.stack(
            [np.full(len(x), 3.0), np.where(x[:, 0] > 0.99, np.nan, x[:, 1]), x[:, 0]], axis=1
        )

    found = sobol_indices(model, space, 500, seed=2)
    assert np.isnan(found.first_order[:2]).all()
    assert np.isnan(found.total_effect_interval[:2]).all()
    assert not np.isnan(found.first_order[2]).any()


def test_few_samples_give_wide_intervals() -> None:
    space = InputSpace.uniform(["x1", "x2", "x3"], -math.pi, math.pi)
    assert sobol_indices(ishigami, space, 10, seed=0).widest() > 0.5
    with pytest.raises(ValueError, match="n must be at least 2"):
        sobol_indices(ishigami, space, 1, seed=0)


def test_the_same_seed_gives_the_same_indices() -> None:
    space = InputSpace.uniform(["x1", "x2", "x3"], -math.pi, math.pi)
    first, second = (sobol_indices(ishigami, space, 300, seed=5) for _ in range(2))
    assert np.array_equal(first.first_order_interval, second.first_order_interval)
    assert not np.array_equal(
        first.first_order, sobol_indices(ishigami, space, 300, seed=6).first_order
    )


def test_salib_agrees_on_the_projects_own_model() -> None:
    """SALib's Saltelli design and estimators (with their own bootstrap intervals) on the
    built-in data's model, every input as a function of one uniform, against ours."""
    from SALib.analyze import sobol as salib_analyze  # a test dependency (the dev extra)
    from SALib.sample import sobol as salib_sample

    problem = build_problem(
        agenda_of(builtins=True), make_host(builtins=True), as_of=dt.date(2025, 5, 1)
    )
    inputs = Inputs(problem, SensitivitySettings(samples=2, seed=0))
    evaluator = Evaluator(problem)
    overall = output_names(problem).index("overall")
    focus = slice(problem.focus, problem.focus + 1)

    def model(unit: np.ndarray) -> np.ndarray:
        return evaluator.evaluate(inputs.decode(inputs.values_of(unit)), focus).overall[:, 0]

    k = len(inputs.names)
    space = InputSpace.uniform(inputs.names)
    ours = sobol_indices(model, space, 4096, seed=3)
    salib_problem = {"num_vars": k, "names": list(inputs.names), "bounds": [[0.0, 1.0]] * k}
    unit = salib_sample.sample(salib_problem, 4096, calc_second_order=False, seed=3)
    theirs = salib_analyze.analyze(salib_problem, model(unit), calc_second_order=False, seed=3)
    assert overall == len(problem.priorities)
    for ours_index, key in ((ours.first_order[0], "S1"), (ours.total_effect[0], "ST")):
        margin = np.maximum(theirs[f"{key}_conf"], 0.02) + 0.02
        assert np.all(np.abs(ours_index - theirs[key]) <= margin), (key, ours_index, theirs[key])
    method = inputs.names.index("method")
    assert ours.total_effect[0, method] == pytest.approx(theirs["ST"][method], abs=0.03)
