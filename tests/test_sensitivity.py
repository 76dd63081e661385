"""Uncertainty and sensitivity analysis: hand-computed cases, fidelity to the engine, inputs,
properties."""

from __future__ import annotations

import datetime as dt
import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from renewal_score.agenda import collect_agenda
from renewal_score.engine import build_scorecard
from renewal_score.method import DEFAULT_METHOD, KENT_ESTIMATIVE, MethodSettings
from renewal_score.options import RunOptions
from renewal_score.sensitivity import (
    Beliefs,
    Inputs,
    SensitivityProblem,
    SensitivitySettings,
    build_problem,
    run_sensitivity,
    table_at,
)
from renewal_score.sensitivity.evaluate import Evaluator
from renewal_score.testing import StaticPlugin, agenda_of, make_host, run
from strategies import SUBJECT, World, worlds

AS_OF = dt.date(2025, 5, 1)
NAN = math.nan


def small_problem(**changes: object) -> SensitivityProblem:
    """2 priorities x 2 criteria, one variant, available-case (d is left out).

    p1 = {a: 40 (weight 1), b: 80 (weight 3)}, target 75, weight 2
    p2 = {c: 50 (weight 1), d: unrated (weight 1)}, target 60, weight 1
    """
    fields: dict[str, object] = {
        "subjects": ("S",),
        "priorities": ("p1", "p2"),
        "criteria": ("a", "b", "c", "d"),
        "membership": np.array([0, 0, 1, 1]),
        "scores": np.array([[[40.0, 80.0, 50.0, NAN]]]),
        "criterion_weights": np.array([1.0, 3.0, 1.0, 1.0]),
        "priority_weights": np.array([2.0, 1.0]),
        "targets": np.array([75.0, 60.0]),
        "method": MethodSettings(unrated="available", min_coverage=0),
    }
    fields.update(changes)
    return SensitivityProblem(**fields)  # type: ignore[arg-type]


def nominal_outcome(problem: SensitivityProblem, method: int = 0) -> tuple[np.ndarray, float]:
    inputs = Inputs(problem, SensitivitySettings(samples=2, seed=0))
    rows = inputs.nominal(1)
    rows = type(rows)(**{**rows.__dict__, "methods": np.array([method])})
    outcome = Evaluator(problem).evaluate(rows, slice(0, 1))
    return outcome.priorities[0, 0], float(outcome.overall[0, 0])


# ---------------------------------------------------------------------------------------------
# Hand-computed


def test_arithmetic_by_hand() -> None:
    # p1 = (1*40 + 3*80) / 4 = 70; p2 = 50 (d is left out); overall = (2*70 + 50) / 3 = 63.3333
    priorities, overall = nominal_outcome(small_problem(), method=0)
    assert priorities.tolist() == [70.0, 50.0]
    assert overall == 63.3333


def test_geometric_and_minimum_by_hand() -> None:
    # p1 = 40^(1/4) 80^(3/4) = 40 * 2^(3/4) = 67.2717; overall = 67.2717^(2/3) 50^(1/3) = 60.9366
    priorities, overall = nominal_outcome(small_problem(), method=1)
    assert priorities.tolist() == [67.2717, 50.0]
    assert overall == round(67.2717 ** (2 / 3) * 50 ** (1 / 3), 4) == 60.9366
    priorities, overall = nominal_outcome(small_problem(), method=2)
    assert (priorities.tolist(), overall) == ([40.0, 50.0], 40.0)


def test_remove_one_criterion_by_hand() -> None:
    result = run_sensitivity(small_problem(), SensitivitySettings(samples=200, seed=1))
    # gaps at nominal: p1 75 - 70 = 5, p2 60 - 50 = 10: p2 is the top one
    assert result.problem.priorities[result.nominal_top] == "p2"
    removals = {r.criterion: r for r in result.removals}
    # without a: p1 = 80 (gap 0), overall = (2*80 + 50) / 3 = 70; p2 stays top
    assert removals["a"].priority_scores == (80.0, 50.0)
    assert removals["a"].overall == 70.0
    assert (removals["a"].top, removals["a"].top_changed) == ("p2", False)
    # without b: p1 = 40 (gap 35): p1 becomes top
    assert removals["b"].priority_changes == (-30.0, 0.0)
    assert (removals["b"].top, removals["b"].top_changed) == ("p1", True)
    # without c: p2 has no score and ranks last; overall = p1 = 70
    assert math.isnan(removals["c"].priority_scores[1])
    assert (removals["c"].overall, removals["c"].top) == (70.0, "p1")
    assert removals["d"].priority_changes == (0.0, 0.0)


def test_smallest_flip_by_hand() -> None:
    # p1 ranks first when its gap reaches p2's (10; on a tie p1's larger weight wins):
    #   b scaled by f: (40 + 240 f) / (1 + 3 f) <= 65  <=>  f <= 5/9: -0.4444
    #   a scaled by f: (40 f + 240) / (f + 3) <= 65   <=>  f >= 1.8: +0.8
    #   c scaled by 0: p2 has no score and ranks last: -1
    result = run_sensitivity(small_problem(), SensitivitySettings(samples=200, seed=1))
    flips = {f.item: f for f in result.flips}
    assert flips["b"].change == pytest.approx(-4 / 9, abs=1e-4)
    assert flips["a"].change == pytest.approx(0.8, abs=1e-4)
    assert flips["c"].change == -1.0
    assert {flips[x].becomes_top for x in "abc"} == {"p1"}
    assert flips["d"].change is None
    assert result.smallest_flip == flips["b"]


def test_beliefs_are_read_by_their_inverse_distribution_function() -> None:
    # one criterion: 0 with probability 0.2, 50 with 0.5, 100 with 0.3
    beliefs = Beliefs(np.array([[[[0.0, 50.0, 100.0]]]]), np.array([[[[0.2, 0.7, 1.0]]]]))
    uniforms = np.array([0.0, 0.1999, 0.2, 0.6999, 0.7, 0.9999])[:, None, None]
    found = beliefs.decode(uniforms, np.zeros(6, dtype=np.intp), slice(0, 1))
    assert found[:, 0, 0].tolist() == [0.0, 0.0, 50.0, 50.0, 100.0, 100.0]


def test_kent_tables_are_the_ends_of_kents_ranges() -> None:
    low = table_at(DEFAULT_METHOD.reliability, "low")
    high = table_at(DEFAULT_METHOD.reliability, "high")
    assert low == {"A": 0.87, "B": 0.63, "C": 0.4, "D": 0.2, "E": 0.02, "F": 0.4}
    assert high == {"A": 0.99, "B": 0.87, "C": 0.6, "D": 0.4, "E": 0.12, "F": 0.6}
    assert table_at(DEFAULT_METHOD.credibility, "nominal")["1"] == KENT_ESTIMATIVE["almost certain"]


# ---------------------------------------------------------------------------------------------
# Fidelity to the engine


@pytest.fixture(scope="module")
def builtin_problem() -> SensitivityProblem:
    return build_problem(agenda_of(builtins=True), make_host(builtins=True), as_of=AS_OF)


def test_build_problem_defaults_are_the_commands(builtin_problem: SensitivityProblem) -> None:
    problem = builtin_problem
    assert problem.subjects == ("CAN-JPN",)
    assert problem.thresholds == (0.0, 0.25, 0.5625)  # keep all, C3, B2
    assert problem.tables == ("nominal", "low", "high")
    assert problem.spacings == (1.0, 0.7, 1.4)
    assert problem.methods == ("arithmetic", "geometric", "minimum")
    assert problem.manifest["evidence_sha256"] == agenda_of(builtins=True).digest
    assert problem.variants == 27


def test_nominal_equals_the_engine_for_the_builtin_data(
    builtin_problem: SensitivityProblem,
) -> None:
    card = run(builtins=True, as_of=AS_OF, subject="CAN-JPN")
    result = run_sensitivity(builtin_problem, SensitivitySettings(samples=200, seed=0))
    assert builtin_problem.priorities == tuple(p.id for p in card.priorities)
    assert result.nominal[0].tolist() == [*(p.score for p in card.priorities), card.overall.score]
    assert builtin_problem.priorities[result.nominal_top] == card.ranking[0]


@pytest.mark.parametrize(("bar", "table", "spacing"), [(1, 0, 0), (2, 1, 2), (0, 2, 1)])
@pytest.mark.parametrize("method", [0, 1, 2])
def test_every_variant_and_method_equals_the_engine(
    builtin_problem: SensitivityProblem, bar: int, table: int, spacing: int, method: int
) -> None:
    from renewal_score.sensitivity.build import method_variant

    problem = builtin_problem
    name = problem.methods[method]
    variant = method_variant(DEFAULT_METHOD, problem.tables[table], (1.0, 0.7, 1.4)[spacing])
    options = RunOptions(
        as_of=AS_OF,
        criteria_aggregation=name,
        priorities_aggregation=name,
        min_grade=round(variant.support(("", "C3", "B2")[bar]), 4) if bar else 0.0,
        method=variant,
    )
    card = build_scorecard(agenda_of(builtins=True), make_host(builtins=True), options)
    rows = Inputs(problem, SensitivitySettings(samples=2, seed=0)).nominal(1)
    index = problem.variant_of(np.array([bar]), np.array([table]), np.array([spacing]))
    rows = type(rows)(**{**rows.__dict__, "methods": np.array([method]), "variants": index})
    outcome = Evaluator(problem).evaluate(rows, slice(0, 1))
    assert outcome.priorities[0, 0].tolist() == pytest.approx(
        [p.score for p in card.priorities], abs=1e-9
    )
    assert outcome.overall[0, 0] == pytest.approx(card.overall.score, abs=1e-9)
    assert problem.priorities[outcome.top[0, 0]] == card.ranking[0]


def world_problem(world: World, method: str) -> tuple[SensitivityProblem, object]:
    plugin = StaticPlugin(
        subjects=[SUBJECT], priorities=world.priorities, criteria=world.criteria,
        evidence=world.evidence,
    )  # fmt: skip
    host = make_host(plugin)
    agenda = collect_agenda(host)
    when = dt.date(2031, 1, 1)
    problem = build_problem(agenda, host, as_of=when, aggregation=method, grade_bars=())
    options = RunOptions(
        as_of=when, subject=SUBJECT.id, criteria_aggregation=method, priorities_aggregation=method
    )
    return problem, build_scorecard(agenda, host, options)


@settings(max_examples=20, deadline=None)
@given(worlds(), st.sampled_from(["arithmetic", "geometric", "minimum"]))
def test_any_agenda_equals_the_engine(world: World, method: str) -> None:
    problem, card = world_problem(world, method)
    result = run_sensitivity(
        problem, SensitivitySettings(samples=20, seed=0, vary=frozenset({"weights"}))
    )
    expected = [NAN if p.score is None else p.score for p in card.priorities]  # type: ignore[attr-defined]
    overall = card.overall.score  # type: ignore[attr-defined]
    assert result.nominal[0].tolist() == pytest.approx(
        [*expected, NAN if overall is None else overall], nan_ok=True, abs=0
    )
    assert problem.priorities[result.nominal_top] == card.ranking[0]  # type: ignore[attr-defined]
    outcome = Evaluator(problem).evaluate(Inputs(problem, result.settings).nominal(1), slice(0, 1))
    assert outcome.priorities[0, 0].tolist() == pytest.approx(expected, nan_ok=True, abs=1e-9)
    assert problem.priorities[outcome.top[0, 0]] == card.ranking[0]  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------------------------
# Inputs and results


def test_every_choice_is_an_input(builtin_problem: SensitivityProblem) -> None:
    names = Inputs(builtin_problem, SensitivitySettings(samples=2, seed=0)).names
    assert {"method", "grade bar", "grade table", "level spacing", "target"} <= set(names)
    assert {"band:on track", "band:signs of progress"} <= set(names)
    assert sum(n.startswith("evidence:") for n in names) == 11  # every criterion is uncertain
    assert sum(n.endswith("_weight:security") for n in names) == 1
    only = Inputs(
        builtin_problem, SensitivitySettings(samples=2, seed=0, vary=frozenset({"bands"}))
    )
    assert only.names == ("band:on track", "band:signs of progress")


def test_status_bands_and_target_move_statuses_not_scores() -> None:
    problem = small_problem()
    result = run_sensitivity(
        problem, SensitivitySettings(samples=2000, seed=4, vary=frozenset({"bands", "target"}))
    )
    scores = result.indices.variance[: len(problem.priorities) + 1]
    assert np.isnan(scores).all() or np.allclose(scores, 0)  # scores do not move
    statuses = {name: j for j, name in enumerate(result.outputs)}
    p1 = result.indices.total_effect[statuses["status:p1"]]
    # p1 = 70, target 75 +- 10: achieved when the target falls to 70 or below
    assert p1[result.inputs.index("target")] > 0.9


def test_dirichlet_draws_are_normalised_weights_around_the_nominal() -> None:
    problem = small_problem()
    inputs = Inputs(problem, SensitivitySettings(samples=10, seed=0, dirichlet=50))
    rows = inputs.decode(inputs.draw(np.random.default_rng(0), 20_000))
    shares = rows.criterion_weights[:, :2] / rows.criterion_weights[:, :2].sum(axis=1)[:, None]
    assert shares.mean(axis=0) == pytest.approx([0.25, 0.75], abs=0.01)
    priorities = rows.priority_weights / rows.priority_weights.sum(axis=1)[:, None]
    assert priorities.mean(axis=0) == pytest.approx([2 / 3, 1 / 3], abs=0.01)


def test_evidence_draws_follow_the_beliefs(builtin_problem: SensitivityProblem) -> None:
    card = run(builtins=True, as_of=AS_OF)
    settings = SensitivitySettings(samples=4000, seed=2, vary=frozenset({"evidence"}))
    result = run_sensitivity(builtin_problem, settings)
    for j, priority in enumerate(card.priorities):
        assert priority.uncertainty is not None
        assert result.p05[0, j] == pytest.approx(priority.uncertainty.low, abs=6.0)  # a level
        assert result.p95[0, j] == pytest.approx(priority.uncertainty.high, abs=6.0)
        assert result.top_frequency[j] == pytest.approx(priority.top_share, abs=0.03)


def test_same_seed_same_result_and_json() -> None:
    problem = small_problem(
        subjects=("S", "T"), scores=np.array([[[40.0, 80.0, 50.0, NAN], [60, 20, 90, 95]]])
    )
    options = SensitivitySettings(samples=300, seed=7)
    first = run_sensitivity(problem, options).to_dict()
    assert run_sensitivity(problem, options).to_dict() == first
    assert json.loads(json.dumps(first, allow_nan=False)) == first
    other = run_sensitivity(problem, SensitivitySettings(samples=300, seed=8)).to_dict()
    assert other["uncertainty"] != first["uncertainty"]
    assert sum(first["uncertainty"]["ranked_first"].values()) == pytest.approx(1.0)
    assert sum(first["uncertainty"]["top_recommendation"]["frequency"].values()) == 1.0


def test_few_samples_warn_that_the_indices_are_unstable() -> None:
    result = run_sensitivity(small_problem(), SensitivitySettings(samples=10, seed=0))
    (warning,) = result.warnings
    assert warning.startswith("the sensitivity indices are not stable at 10 samples")
    assert not run_sensitivity(small_problem(), SensitivitySettings(samples=4000, seed=0)).warnings


def test_problem_and_settings_are_checked() -> None:
    with pytest.raises(ValueError, match="scores has shape"):
        small_problem(scores=np.zeros((1, 2, 4)))
    with pytest.raises(ValueError, match="unknown aggregation 'median'"):
        small_problem(methods=("arithmetic", "median"))
    with pytest.raises(ValueError, match="all criterion weights of priority 'p2' are zero"):
        small_problem(criterion_weights=np.array([1.0, 1.0, 0.0, 0.0]))
    with pytest.raises(ValueError, match="unknown input group 'colour'"):
        SensitivitySettings(samples=10, seed=0, vary=frozenset({"colour"}))
    with pytest.raises(ValueError, match="read-only"):
        small_problem().scores[0, 0, 0] = 1.0
