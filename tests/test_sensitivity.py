"""Uncertainty and sensitivity analysis: hand-computed cases, fidelity to the engine, properties."""

from __future__ import annotations

import datetime as dt
import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import renewal_score.sensitivity as sensitivity
from renewal_score.agenda import collect_agenda
from renewal_score.engine import build_scorecard
from renewal_score.method import MethodSettings
from renewal_score.options import RunOptions
from renewal_score.sensitivity import (
    SensitivityProblem,
    SensitivitySettings,
    build_problem,
    evaluate,
    normalised_weights,
    reference_scores,
    round_scores,
    run_sensitivity,
)
from renewal_score.testing import StaticPlugin, agenda_of, make_host, run
from strategies import SUBJECT, World, worlds

AS_OF = dt.date(2025, 5, 1)
NAN = math.nan

UNGATED = MethodSettings(min_coverage=0)
"""Scorecards show every aggregate, as the analysis computes them, however few are rated."""


def small_problem(**changes: object) -> SensitivityProblem:
    """2 priorities x 2 criteria, one threshold.

    p1 = {a: 40 (weight 1), b: 80 (weight 3)}, target 75, weight 2
    p2 = {c: 50 (weight 1), d: unrated (weight 1)}, target 60, weight 1
    """
    fields: dict[str, object] = {
        "subjects": ("S",),
        "priorities": ("p1", "p2"),
        "criteria": ("a", "b", "c", "d"),
        "membership": np.array([0, 0, 1, 1]),
        "scores": np.array([[[40.0, 80.0, 50.0, NAN]]]),
        "thresholds": (0.0,),
        "criterion_weights": np.array([1.0, 3.0, 1.0, 1.0]),
        "priority_weights": np.array([2.0, 1.0]),
        "targets": np.array([75.0, 60.0]),
        "methods": ("arithmetic", "geometric", "minimum"),
        "focus": 0,
    }
    fields.update(changes)
    return SensitivityProblem(**fields)  # type: ignore[arg-type]


def nominal_row(problem: SensitivityProblem, method: int = 0) -> tuple[np.ndarray, np.ndarray]:
    prio, overall = evaluate(
        problem, problem.criterion_weights, problem.priority_weights, [method], [0]
    )
    return prio[0], overall[0]


# ---------------------------------------------------------------------------------------------
# Hand-computed


def test_arithmetic_by_hand() -> None:
    # p1 = (1*40 + 3*80) / 4 = 280 / 4 = 70; p2 = 50 (d is unrated, c alone)
    # overall = (2*70 + 1*50) / 3 = 190 / 3 = 63.3333...
    prio, overall = nominal_row(small_problem(), method=0)
    assert prio[0] == pytest.approx([70.0, 50.0], abs=1e-12)
    assert overall[0] == pytest.approx(190 / 3, abs=1e-12)


def test_geometric_by_hand() -> None:
    # p1 = 40^(1/4) * 80^(3/4) = 40 * 2^(3/4) = 40 * 1.6817928 = 67.271713 (67.2717 rounded)
    # p2 = 50; overall = 67.2717^(2/3) * 50^(1/3)
    #   = exp(2/3 * 4.2087396 + 1/3 * 3.9120230) = exp(4.1098341) = 60.93661
    prio, overall = nominal_row(small_problem(), method=1)
    assert prio[0] == pytest.approx([67.271713, 50.0], abs=1e-6)
    assert overall[0] == pytest.approx(60.93661, abs=1e-5)
    assert overall[0] == pytest.approx(67.2717 ** (2 / 3) * 50 ** (1 / 3), abs=1e-12)


def test_minimum_by_hand() -> None:
    # p1 = min(40, 80) = 40; p2 = 50; overall = min(40, 50) = 40
    prio, overall = nominal_row(small_problem(), method=2)
    assert prio[0] == pytest.approx([40.0, 50.0])
    assert overall[0] == 40.0


def test_geometric_with_a_zero_is_zero_and_zero_weight_is_left_out() -> None:
    # a = 0 with weight 1: p1 = 0. With a's weight 0 instead, p1 = 80 and a no longer counts.
    problem = small_problem(scores=np.array([[[0.0, 80.0, 50.0, NAN]]]))
    prio, overall = nominal_row(problem, method=1)
    assert prio[0, 0] == 0.0
    assert overall[0] == 0.0
    prio, _ = evaluate(problem, [[0.0, 3.0, 1.0, 1.0]], problem.priority_weights, [1], [0])
    assert prio[0, 0, 0] == pytest.approx(80.0)


def small_result(**settings_changes: object) -> sensitivity.SensitivityResult:
    options: dict[str, object] = {"samples": 400, "seed": 1}
    options.update(settings_changes)
    return run_sensitivity(small_problem(), SensitivitySettings(**options))  # type: ignore[arg-type]


def test_nominal_and_top_recommendation_by_hand() -> None:
    # gaps at nominal (arithmetic): p1 75 - 70 = 5, p2 60 - 50 = 10: p2 is the top one
    result = small_result()
    assert result.nominal[0] == pytest.approx([70.0, 50.0, 190 / 3], abs=1e-12)
    assert result.problem.priorities[result.nominal_top] == "p2"


def test_remove_one_criterion_by_hand() -> None:
    removals = {r.criterion: r for r in small_result().removals}
    # without a: p1 = 80 (gap 0), overall = (2*80 + 50) / 3 = 70; p2 stays top
    assert removals["a"].priority_scores == pytest.approx((80.0, 50.0))
    assert removals["a"].overall == pytest.approx(70.0)
    assert removals["a"].overall_change == pytest.approx(70.0 - 190 / 3)
    assert (removals["a"].top, removals["a"].top_changed) == ("p2", False)
    # without b: p1 = 40 (gap 35), overall = (80 + 50) / 3 = 43.3333; p1 becomes top
    assert removals["b"].priority_changes == pytest.approx((-30.0, 0.0))
    assert removals["b"].overall == pytest.approx(130 / 3)
    assert (removals["b"].top, removals["b"].top_changed) == ("p1", True)
    # without c: p2 has no rated criterion, so no score, and ranks last; overall = p1 = 70
    assert math.isnan(removals["c"].priority_scores[1])
    assert removals["c"].overall == pytest.approx(70.0)
    assert (removals["c"].top, removals["c"].top_changed) == ("p1", True)
    # without d (unrated anyway): nothing changes
    assert removals["d"].priority_changes == (0.0, 0.0)
    assert removals["d"].overall_change == 0.0
    assert not removals["d"].top_changed


def test_smallest_flip_by_hand() -> None:
    # p1 becomes top when its gap reaches p2's (10; on a tie p1's larger weight wins), i.e.
    # when p1 = (40 wa + 80 wb) / (wa + wb) <= 65:
    #   b scaled by f: (40 + 240 f) / (1 + 3 f) <= 65  <=>  45 f <= 25  <=>  f <= 5/9: -0.4444
    #   a scaled by f: (40 f + 240) / (f + 3) <= 65   <=>  25 f >= 45  <=>  f >= 1.8: +0.8
    #   c scaled by 0: p2 has no score and ranks last: -1
    # (p1 is rounded to 4 decimals first, so the boundaries move by less than 1e-5.)
    result = small_result()
    flips = {f.item: f for f in result.flips}
    assert flips["b"].change == pytest.approx(-4 / 9, abs=1e-4)
    assert flips["a"].change == pytest.approx(0.8, abs=1e-4)
    assert flips["c"].change == -1.0
    assert flips["b"].becomes_top == flips["a"].becomes_top == flips["c"].becomes_top == "p1"
    # d is unrated; the priority weights never decide the gaps, and the gaps never tie
    assert flips["d"].change is None
    assert flips["p1"].change is None
    assert flips["p2"].change is None
    assert result.smallest_flip == flips["b"]
    smallest = result.to_dict()["weight_flip"]["smallest"]
    assert smallest == {
        "input": "criterion_weight:b",
        "kind": "criterion",
        "item": "b",
        "change": -0.4444,
        "becomes_top": "p1",
    }


def test_flip_boundary_is_where_the_top_recommendation_changes() -> None:
    result = small_result()
    problem = result.problem
    change = next(f.change for f in result.flips if f.item == "b")
    assert change is not None
    # (at the boundary itself, 1 ulp decides how p1 rounds: step a little to either side)
    for factor, expected in ((1 + change - 1e-9, "p1"), (1 + change + 1e-6, "p2")):
        weights = [1.0, 3.0 * factor, 1.0, 1.0]
        _, rounded, _ = reference_scores(problem, 0, weights)
        top = sensitivity._Reference(problem).top(rounded)
        assert problem.priorities[top] == expected


def test_priority_weight_flips_a_tie() -> None:
    # Both achieved (gap 0): the larger weight is the top recommendation, as in engine._rank.
    problem = small_problem(
        scores=np.array([[[90.0, 90.0, 70.0, 70.0]]]), priority_weights=np.array([1.0, 2.0])
    )
    result = run_sensitivity(problem, SensitivitySettings(samples=50, seed=0))
    assert problem.priorities[result.nominal_top] == "p2"
    flips = {f.item: f for f in result.flips}
    # p1 overtakes when its weight reaches p2's, f = 2, where the ids decide (p1 < p2); the
    # engine compares weights rounded to 4 decimals, and f / (f + 2) rounds to 0.5000, as
    # 2 / (f + 2) does, from f = 1.9996: 0.50005 f >= 0.9999. Likewise p2's weight scaled by
    # f: 2 f / (2 f + 1) <= 0.50005 from f = 0.5001: change -0.4999.
    assert flips["p1"].change == pytest.approx(0.9996, abs=1e-4)
    assert flips["p2"].change == pytest.approx(-0.4999, abs=1e-4)
    assert flips["p1"].becomes_top == "p1"


# ---------------------------------------------------------------------------------------------
# Fidelity to the engine


@pytest.fixture(scope="module")
def builtin_problem() -> SensitivityProblem:
    return build_problem(
        agenda_of(builtins=True),
        make_host(builtins=True),
        as_of=AS_OF,
        focus="CAN-JPN",
        thresholds=(0.0, 0.2, 0.5),
    )


def test_nominal_equals_the_engine_for_the_builtin_data(
    builtin_problem: SensitivityProblem,
) -> None:
    card = run(builtins=True, as_of=AS_OF, subject="CAN-JPN")
    result = run_sensitivity(builtin_problem, SensitivitySettings(samples=200, seed=0))
    focus = builtin_problem.subjects.index("CAN-JPN")
    assert builtin_problem.focus == focus
    assert builtin_problem.priorities == tuple(p.id for p in card.priorities)
    for j, priority in enumerate(card.priorities):
        assert priority.score is not None
        assert round(result.nominal[focus, j], 4) == priority.score
    assert round(result.nominal[focus, -1], 4) == card.overall.score
    assert builtin_problem.priorities[result.nominal_top] == card.ranking[0]
    shown = result.to_dict()["uncertainty"]["subjects"]["CAN-JPN"]
    assert shown["overall"]["nominal"] == card.overall.score
    security = next(p for p in card.priorities if p.id == "security")
    assert shown["priorities"]["security"]["nominal"] == security.score


@pytest.mark.parametrize("method", [0, 1, 2])
@pytest.mark.parametrize("threshold", [0, 1, 2])
def test_every_method_and_threshold_equals_the_engine(
    builtin_problem: SensitivityProblem, method: int, threshold: int
) -> None:
    agenda, host = agenda_of(builtins=True), make_host(builtins=True)
    name = builtin_problem.methods[method]
    for s, subject in enumerate(builtin_problem.subjects):
        options = RunOptions(
            as_of=AS_OF,
            subject=subject,
            criteria_aggregation=name,
            priorities_aggregation=name,
            min_grade=builtin_problem.thresholds[threshold],
            method=UNGATED,
        )
        card = build_scorecard(agenda, host, options)
        exact, rounded, overall = reference_scores(
            builtin_problem, s, method=method, threshold=threshold
        )
        prio, fast_overall = evaluate(
            builtin_problem,
            builtin_problem.criterion_weights,
            builtin_problem.priority_weights,
            [method],
            [threshold],
        )
        for j, priority in enumerate(card.priorities):
            expected = NAN if priority.score is None else priority.score
            assert rounded[j] == pytest.approx(expected, nan_ok=True, abs=0)
            assert prio[0, s, j] == pytest.approx(exact[j], nan_ok=True, abs=1e-9)
        expected_overall = NAN if card.overall.score is None else card.overall.score
        assert round(overall, 4) == pytest.approx(expected_overall, nan_ok=True, abs=0)
        assert fast_overall[0, s] == pytest.approx(overall, nan_ok=True, abs=1e-9)


def world_problem(world: World, method: str) -> tuple[SensitivityProblem, list[object]]:
    plugin = StaticPlugin(
        subjects=[SUBJECT], priorities=world.priorities, criteria=world.criteria,
        evidence=world.evidence,
    )  # fmt: skip
    host = make_host(plugin)
    agenda = collect_agenda(host)
    thresholds = (0.0, 0.3, 0.7)
    problem = build_problem(
        agenda, host, as_of=dt.date(2031, 1, 1), thresholds=thresholds, focus=SUBJECT.id
    )
    cards = [
        build_scorecard(
            agenda,
            host,
            RunOptions(
                as_of=dt.date(2031, 1, 1),
                subject=SUBJECT.id,
                criteria_aggregation=method,
                priorities_aggregation=method,
                min_grade=t,
                method=UNGATED,
            ),
        )
        for t in thresholds
    ]
    return problem, cards


@settings(max_examples=25, deadline=None)
@given(worlds(), st.sampled_from(sensitivity.METHODS))
def test_any_agenda_equals_the_engine(world: World, method: str) -> None:
    problem, cards = world_problem(world, method)
    m = problem.methods.index(method)
    for t, card in enumerate(cards):
        exact, rounded, overall = reference_scores(problem, 0, method=m, threshold=t)
        assert [NAN if p.score is None else p.score for p in card.priorities] == pytest.approx(
            rounded, nan_ok=True, abs=0
        )
        expected = NAN if card.overall.score is None else card.overall.score
        assert round(overall, 4) == pytest.approx(expected, nan_ok=True, abs=0)
        top = sensitivity._Reference(problem).top(rounded)
        assert problem.priorities[top] == card.ranking[0]
        prio, fast = evaluate(
            problem, problem.criterion_weights, problem.priority_weights, [m], [t]
        )
        assert prio[0, 0] == pytest.approx(exact, nan_ok=True, abs=1e-9)
        assert fast[0, 0] == pytest.approx(overall, nan_ok=True, abs=1e-9)


# ---------------------------------------------------------------------------------------------
# Properties


@st.composite
def problems(draw: st.DrawFn, subjects: int = 1) -> SensitivityProblem:
    p_count = draw(st.integers(1, 3))
    sizes = [draw(st.integers(1, 3)) for _ in range(p_count)]
    membership = np.repeat(np.arange(p_count), sizes)
    c_count = len(membership)
    t_count = draw(st.integers(1, 2))
    score = st.one_of(st.just(NAN), st.just(0.0), st.integers(0, 10**6).map(lambda k: k / 10**4))
    scores = np.array(
        draw(
            st.lists(
                score, min_size=t_count * subjects * c_count, max_size=t_count * subjects * c_count
            )
        )
    ).reshape(t_count, subjects, c_count)
    weight = st.floats(0.1, 10)
    return SensitivityProblem(
        subjects=tuple(f"s{i}" for i in range(subjects)),
        priorities=tuple(f"p{i}" for i in range(p_count)),
        criteria=tuple(f"c{i}" for i in range(c_count)),
        membership=membership,
        scores=scores,
        thresholds=tuple(0.1 * t for t in range(t_count)),
        criterion_weights=np.array(draw(st.lists(weight, min_size=c_count, max_size=c_count))),
        priority_weights=np.array(draw(st.lists(weight, min_size=p_count, max_size=p_count))),
        targets=np.array(draw(st.lists(st.floats(0, 100), min_size=p_count, max_size=p_count))),
    )


@settings(max_examples=40, deadline=None)
@given(problems(subjects=2), st.integers(0, 2**32 - 1))
def test_vectorised_evaluation_equals_the_engine_arithmetic(
    problem: SensitivityProblem, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    rows = 20
    cw = problem.criterion_weights * rng.uniform(0, 2, (rows, len(problem.criteria)))
    cw[rng.random(cw.shape) < 0.2] = 0.0  # some weights left out
    pw = problem.priority_weights * rng.uniform(0.1, 2, (rows, len(problem.priorities)))
    methods = rng.integers(0, 3, rows)
    thresholds = rng.integers(0, len(problem.thresholds), rows)
    prio, overall = evaluate(problem, cw, pw, methods, thresholds)
    reference = sensitivity._Reference(problem)
    for r in range(rows):
        for s in range(len(problem.subjects)):
            exact, rounded, total = reference.scores(
                s, cw[r].tolist(), pw[r].tolist(), int(methods[r]), int(thresholds[r])
            )
            assert prio[r, s] == pytest.approx(exact, nan_ok=True, rel=1e-12, abs=1e-9)
            if np.array_equal(round_scores(prio[r, s]), np.array(rounded), equal_nan=True):
                assert overall[r, s] == pytest.approx(total, nan_ok=True, rel=1e-12, abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(problems(subjects=3), st.integers(0, 2**32 - 1))
def test_geometric_at_most_arithmetic_and_minimum_at_most_both(
    problem: SensitivityProblem, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    rows = 10
    cw = problem.criterion_weights * rng.uniform(0.5, 1.5, (rows, len(problem.criteria)))
    pw = problem.priority_weights * rng.uniform(0.5, 1.5, (rows, len(problem.priorities)))
    t = rng.integers(0, len(problem.thresholds), rows)
    by_method = [evaluate(problem, cw, pw, np.full(rows, m), t) for m in range(3)]
    (ap, ao), (gp, go), (mp, mo) = by_method
    tolerance = 1e-9
    assert np.all(np.isnan(ap) == np.isnan(gp))
    assert np.all(np.isnan(ap) == np.isnan(mp))
    rated = ~np.isnan(ap)
    assert np.all(gp[rated] <= ap[rated] + tolerance)
    assert np.all(mp[rated] <= gp[rated] + tolerance)
    rated = ~np.isnan(ao)
    assert np.all(go[rated] <= ao[rated] + tolerance)
    assert np.all(mo[rated] <= go[rated] + tolerance)


@given(
    st.lists(st.integers(0, 2), min_size=1, max_size=8).flatmap(
        lambda membership: st.tuples(
            st.just(membership),
            st.lists(st.floats(0.001, 1000), min_size=len(membership), max_size=len(membership)),
            st.lists(st.floats(0.001, 1000), min_size=3, max_size=3),
        )
    )
)
def test_normalised_weights_sum_to_one(
    case: tuple[list[int], list[float], list[float]],
) -> None:
    membership, cw, pw = case
    problem = SensitivityProblem(
        subjects=("s",),
        priorities=("p0", "p1", "p2"),
        criteria=tuple(f"c{i}" for i in range(len(membership))),
        membership=np.array(membership),
        scores=np.full((1, 1, len(membership)), 50.0),
        thresholds=(0.0,),
        criterion_weights=np.array(cw),
        priority_weights=np.array(pw),
        targets=np.full(3, 75.0),
    )
    cn, pn = normalised_weights(problem, cw, pw)
    for p in set(membership):
        assert cn[0, np.array(membership) == p].sum() == pytest.approx(1.0)
    assert pn.sum() == pytest.approx(1.0)


def test_dirichlet_draws_are_normalised_weights_around_the_nominal() -> None:
    problem = small_problem()
    inputs = sensitivity._Inputs(problem, SensitivitySettings(samples=10, seed=0, dirichlet=50))
    cw, pw, _, _ = inputs.decode(inputs.draw(np.random.default_rng(0), 20_000))
    cn, pn = normalised_weights(problem, cw, pw)
    assert np.allclose(cn[:, :2].sum(axis=1), 1.0)
    assert np.allclose(pn.sum(axis=1), 1.0)
    # Dirichlet(50 x (1/4, 3/4)) has mean (1/4, 3/4)
    assert cn[:, :2].mean(axis=0) == pytest.approx([0.25, 0.75], abs=0.01)
    assert pn.mean(axis=0) == pytest.approx([2 / 3, 1 / 3], abs=0.01)


@settings(max_examples=15, deadline=None)
@given(problems(), st.integers(0, 1000))
def test_nominal_within_the_5_95_band_when_only_weights_vary_symmetrically(
    problem: SensitivityProblem, seed: int
) -> None:
    result = run_sensitivity(
        problem,
        SensitivitySettings(samples=600, seed=seed, vary_methods=False, vary_thresholds=False),
    )
    nominal = result.nominal[0]
    known = ~np.isnan(nominal)
    assert np.all(result.p05[0][known] <= nominal[known] + 1e-9)
    assert np.all(nominal[known] <= result.p95[0][known] + 1e-9)
    assert np.array_equal(np.isnan(result.median[0]), ~known)


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


def test_result_does_not_depend_on_chunks_or_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(3)
    scores = np.round(rng.uniform(0, 100, (2, 7, 4)), 4)
    scores[rng.random(scores.shape) < 0.2] = NAN
    problem = small_problem(subjects=tuple(f"s{i}" for i in range(7)), scores=scores,
                            thresholds=(0.0, 0.5), focus=3)  # fmt: skip
    options = SensitivitySettings(samples=250, seed=2)
    expected = run_sensitivity(problem, options).to_dict()
    monkeypatch.setattr(sensitivity, "_STORE_BYTES", 250 * 3 * 8 * 2)  # 2 subjects a block
    monkeypatch.setattr(sensitivity, "_CHUNK_VALUES", 3 * 2 * 16)  # 16 samples a chunk
    monkeypatch.setattr(sensitivity, "_SOBOL_ROWS", 500)
    monkeypatch.setattr(sensitivity, "_MAX_WORKERS", 1)
    calls: list[tuple[int, int]] = []
    assert (
        run_sensitivity(problem, options, lambda d, t: calls.append((d, t))).to_dict() == expected
    )
    total = calls[-1][1]
    assert calls == [(d, total) for d in range(1, total + 1)]
    assert total > 4 * 16  # 4 blocks x 16 chunks, and more


def test_an_error_in_progress_stops_the_run() -> None:
    class StopError(Exception):
        pass

    def progress(done: int, total: int) -> None:
        raise StopError

    with pytest.raises(StopError):
        run_sensitivity(small_problem(), SensitivitySettings(samples=100, seed=0), progress)


def test_frequencies_sum_to_one() -> None:
    problem = small_problem(
        subjects=("S", "T", "U"),
        scores=np.array([[[40.0, 80.0, 50.0, NAN], [60, 20, 90, 95], [NAN, NAN, NAN, NAN]]]),
    )
    for options in (
        SensitivitySettings(samples=500, seed=0),
        SensitivitySettings(samples=500, seed=0, dirichlet=5.0),
    ):
        result = run_sensitivity(problem, options)
        assert result.top_frequency.sum() == pytest.approx(1.0)
        assert result.first_frequency is not None
        assert result.first_frequency.sum() == pytest.approx(1.0)
        assert result.first_frequency[2] == 0.0  # never scored
        assert result.unrated[2].tolist() == [1.0, 1.0, 1.0]
        shown = result.to_dict()["uncertainty"]
        assert sum(shown["top_recommendation"]["frequency"].values()) == pytest.approx(1.0)
        assert shown["subjects"]["U"]["overall"]["median"] is None


def test_single_subject_has_no_ranking() -> None:
    assert small_result().first_frequency is None
    assert small_result().to_dict()["uncertainty"]["ranked_first"] is None


def test_an_input_without_effect_has_indices_near_zero() -> None:
    # p1's criteria all score 50, so their weights cannot move anything; only weights vary.
    problem = small_problem(scores=np.array([[[50.0, 50.0, 20.0, 90.0]]]))
    result = run_sensitivity(
        problem,
        SensitivitySettings(samples=2000, seed=3, vary_methods=False, vary_thresholds=False),
    )
    assert "method" not in result.inputs
    assert "threshold" not in result.inputs
    overall = len(problem.priorities)
    for name in ("criterion_weight:a", "criterion_weight:b"):
        i = result.inputs.index(name)
        assert abs(result.first_order[overall, i]) < 0.02
        assert abs(result.total_effect[overall, i]) < 0.02
    # p2's score depends on c's and d's weights only; p1's score does not vary at all
    assert math.isnan(result.first_order[0, 0])
    assert result.variance[0] < 1e-12  # floating-point noise only
    i = result.inputs.index("priority_weight:p1")
    assert result.first_order[1, i] == result.total_effect[1, i] == 0.0
    assert (
        result.to_dict()["sensitivity"]["outputs"]["p1"]["first_order"]["criterion_weight:a"]
        is None
    )


def test_a_dominant_input_has_large_indices() -> None:
    # p1 = {10, 90}: arithmetic 50, geometric 30, minimum 10; weights move it little.
    problem = small_problem(
        scores=np.array([[[10.0, 90.0, 10.0, 90.0]]]),
        criterion_weights=np.ones(4),
        priority_weights=np.ones(2),
    )
    result = run_sensitivity(problem, SensitivitySettings(samples=4000, seed=5, weight_band=0.1))
    i = result.inputs.index("method")
    for output in range(3):
        assert result.first_order[output, i] > 0.8
        assert result.total_effect[output, i] > 0.8
        weights = np.delete(result.total_effect[output], i)
        assert np.all(weights < 0.2)


def test_threshold_input_and_unrated_share() -> None:
    # Under the second threshold, every criterion of p2 is unrated.
    scores = np.array([[[40.0, 80.0, 50.0, 30.0]], [[40.0, 70.0, NAN, NAN]]])
    problem = small_problem(scores=scores, thresholds=(0.0, 0.5))
    result = run_sensitivity(problem, SensitivitySettings(samples=1000, seed=0))
    assert result.inputs[-2:] == ("method", "threshold")
    assert result.unrated[0, 1] == pytest.approx(0.5, abs=0.05)
    assert result.unrated[0, 0] == 0.0
    # p2 has no score in some evaluations: its indices are not defined
    assert np.all(np.isnan(result.first_order[1]))


@pytest.mark.parametrize("n", [1, 2, 5, 99, 100, 1001, 10_000])
def test_percentiles_are_numpys(n: int) -> None:
    rng = np.random.default_rng(n)
    rows = np.round(rng.uniform(0, 100, (6, n)), 2)
    rows[1] = NAN
    rows[2, :: max(1, n // 3)] = NAN
    expected = [
        np.percentile(row[~np.isnan(row)], [5, 50, 95]) if (~np.isnan(row)).any() else [NAN] * 3
        for row in rows
    ]
    found = sensitivity._row_percentiles(rows.copy())
    assert np.array_equal(found[:3], np.array(expected).T, equal_nan=True)
    assert found[3, 1] == 1.0
    clean = rows[[0, 3, 4, 5]]
    found = sensitivity._row_percentiles(clean.copy())  # partitions, does not sort
    assert np.array_equal(found[:3], np.percentile(clean, [5, 50, 95], axis=1))
    assert np.all(found[3] == 0.0)


def test_round_scores_is_pythons_round() -> None:
    values = np.array([0.00015, 2.675, 1.00005, 0.03125, 12.34565, 99.99995, 0.0, NAN, 33.3333])
    expected = [round(v, 4) if not math.isnan(v) else NAN for v in values.tolist()]
    assert round_scores(values).tolist() == pytest.approx(expected, nan_ok=True, abs=0)


@given(st.floats(0, 100))
def test_round_scores_matches_round_for_any_score(value: float) -> None:
    assert round_scores(np.array([value]))[0] == round(value, 4)


def test_problem_is_checked() -> None:
    with pytest.raises(ValueError, match="scores has shape"):
        small_problem(scores=np.zeros((1, 2, 4)))
    with pytest.raises(ValueError, match="unknown aggregation 'median'"):
        small_problem(methods=("arithmetic", "median"))
    with pytest.raises(ValueError, match="all criterion weights of priority 'p2' are zero"):
        small_problem(criterion_weights=np.array([1.0, 1.0, 0.0, 0.0]))
    with pytest.raises(ValueError, match="within"):
        small_problem(scores=np.array([[[40.0, 180.0, 50.0, NAN]]]))
    with pytest.raises(ValueError, match="weight_band"):
        SensitivitySettings(samples=10, seed=0, weight_band=1.0)
    problem = small_problem()
    with pytest.raises(ValueError, match="read-only"):
        problem.scores[0, 0, 0] = 1.0
