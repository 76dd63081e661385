"""The analysis: Monte Carlo over every input (intervals, how often each priority is the top
recommendation), variance-based indices of the focus subject's outputs, and the one-at-a-time
analyses at nominal settings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from renewal_score.sensitivity.evaluate import Evaluator, Outcome
from renewal_score.sensitivity.problem import SensitivityProblem
from renewal_score.sensitivity.robustness import (
    Removal,
    WeightFlip,
    flips,
    nominal,
    removals,
)
from renewal_score.sensitivity.rules import FloatArray, order_statistics
from renewal_score.sensitivity.sampling import Inputs, Parameters, SensitivitySettings
from renewal_score.sensitivity.sobol import MODEL_ROWS, SobolIndices, sobol_indices

Progress = Callable[[int, int], None]

SHARES = (0.05, 0.5, 0.95)
"""The interval's bounds and the median, as the engine takes them (``uncertainty.interval``)."""
STABLE_WIDTH = 0.1
"""Widest interval of an index (±0.05) below which the indices are called stable."""
BLOCK_VALUES = 2**22
"""Evidence uniforms (samples x subjects x criteria) of one block of subjects."""


@dataclass(frozen=True, eq=False)
class SensitivityResult:
    """Everything ``run_sensitivity`` computes; ``to_dict`` gives it as plain JSON values.

    Columns of the per-subject arrays [S, P + 1] are the problem's priorities then the
    overall index; rows its subjects. NaN means "no value"."""

    problem: SensitivityProblem
    settings: SensitivitySettings
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    """The focus subject's outputs whose indices are computed."""
    nominal: FloatArray
    nominal_top: int
    median: FloatArray
    p05: FloatArray
    p95: FloatArray
    unrated: FloatArray
    top_frequency: FloatArray
    first_frequency: FloatArray | None
    indices: SobolIndices
    removals: tuple[Removal, ...]
    flips: tuple[WeightFlip, ...]
    smallest_flip: WeightFlip | None
    warnings: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        from renewal_score.sensitivity.report import result_dict

        return result_dict(self)


def output_names(problem: SensitivityProblem) -> tuple[str, ...]:
    """The focus subject's outputs: each priority's score and the index; their statuses
    (ordinals: stalled 0, signs of progress 1, on track 2, achieved 3); and whether each
    priority ranks first (1 or 0: its indices apportion the chance that it does)."""
    items = [*problem.priorities, "overall"]
    return (
        *items,
        *(f"status:{item}" for item in items),
        *(f"first:{priority}" for priority in problem.priorities),
    )


def _focus_outputs(outcome: Outcome) -> FloatArray:
    count = outcome.priorities.shape[-1]
    first = outcome.top[:, :1] == np.arange(count)[None, :]
    return np.concatenate(
        [outcome.priorities[:, 0], outcome.overall[:, :1], outcome.statuses[:, 0], first], axis=1
    )


def run_sensitivity(
    problem: SensitivityProblem, settings: SensitivitySettings, progress: Progress | None = None
) -> SensitivityResult:
    """Uncertainty analysis, variance-based indices with intervals, remove-one and weight
    flips. ``progress(done, total)`` is called after each step of work. The same problem,
    settings and seed give the same result."""
    evaluator = Evaluator(problem)
    inputs = Inputs(problem, settings)
    n = settings.samples
    focus = slice(problem.focus, problem.focus + 1)
    blocks = _blocks(problem, n)
    batches = -(-len(inputs.names) // max(1, MODEL_ROWS // n))
    step = _counter(progress, len(blocks) + batches + 2)

    def model(rows: FloatArray) -> FloatArray:
        return _focus_outputs(evaluator.evaluate(inputs.decode(rows), focus))

    parameters = inputs.decode(inputs.draw(generator(settings.seed, 0), n))
    summary, best, tops = _monte_carlo(evaluator, inputs, parameters, blocks, step)
    indices = sobol_indices(
        model,
        inputs.space(),
        n,
        np.random.SeedSequence(settings.seed, spawn_key=(1,)),
        resamples=settings.resamples,
        progress=step,
    )
    weights = problem.criterion_weights.tolist()
    at_nominal = [nominal(evaluator, s, weights) for s in range(len(problem.subjects))]
    focused = at_nominal[problem.focus]
    found_flips = flips(evaluator, inputs)
    step()
    changes = [f for f in found_flips if f.change is not None]
    return SensitivityResult(
        problem=problem,
        settings=settings,
        inputs=inputs.names,
        outputs=output_names(problem),
        nominal=np.array([[*v.priorities, v.overall] for v in at_nominal]),
        nominal_top=focused.top,
        p05=summary[0],
        median=summary[1],
        p95=summary[2],
        unrated=summary[3],
        top_frequency=np.bincount(tops, minlength=len(problem.priorities)) / n,
        first_frequency=_first_frequency(best, len(problem.subjects)),
        indices=indices,
        removals=removals(evaluator, focused),
        flips=found_flips,
        smallest_flip=min(changes, key=lambda f: abs(f.change or 0.0), default=None),
        warnings=_warnings(indices),
    )


def generator(seed: int, *key: int) -> np.random.Generator:
    """The stream of one part of the analysis: 0 the Monte Carlo rows, 1 the indices' rows,
    (2, s) subject s's evidence."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=key)))


def _counter(progress: Progress | None, total: int) -> Callable[[], None]:
    """A step of work done, told to ``progress`` as (done, total)."""
    steps = iter(range(1, total + 1))

    def step() -> None:
        done = next(steps)
        if progress is not None:
            progress(done, total)

    return step


def _blocks(problem: SensitivityProblem, n: int) -> list[slice]:
    size = max(1, BLOCK_VALUES // (n * len(problem.criteria)))
    count = len(problem.subjects)
    return [slice(lo, min(count, lo + size)) for lo in range(0, count, size)]


def _monte_carlo(
    evaluator: Evaluator,
    inputs: Inputs,
    parameters: Parameters,
    blocks: list[slice],
    step: Callable[[], None],
) -> tuple[FloatArray, FloatArray, Any]:
    """Per subject and output (priorities, then the index): p05, median, p95 and the share
    without a score [4, S, P + 1]; per sample and block, the best index and its subject
    [2, blocks, N]; the focus subject's top recommendation per sample."""
    problem = evaluator.problem
    n = len(parameters)
    summaries, best, tops = [], [], np.zeros(n, dtype=np.intp)
    for block in blocks:
        outcome = evaluator.evaluate(parameters, block, _uniforms(inputs, parameters, block))
        values = np.concatenate([outcome.priorities, outcome.overall[..., None]], axis=2)
        rows = values.transpose(1, 2, 0).reshape(-1, n)  # one row per (subject, output)
        unrated = np.isnan(rows).mean(axis=1)
        stats = np.concatenate([order_statistics(rows.copy(), SHARES), unrated[None]])
        summaries.append(stats.reshape(4, block.stop - block.start, -1))
        filled = np.where(np.isnan(outcome.overall), -np.inf, outcome.overall)
        best.append(np.stack([filled.max(axis=1), filled.argmax(axis=1) + block.start]))
        if block.start <= problem.focus < block.stop:
            tops = outcome.top[:, problem.focus - block.start]
        step()
    return np.concatenate(summaries, axis=1), np.stack(best, axis=1), tops


def _uniforms(inputs: Inputs, parameters: Parameters, block: slice) -> FloatArray | None:
    """The evidence uniforms of a block of subjects [N, s, C]: the focus subject's are its
    inputs; every other subject's come from a stream of its own, as its evidence is
    independent of the focus subject's."""
    if parameters.evidence is None:
        return None
    problem = inputs.problem
    n, c = parameters.evidence.shape
    uniforms = np.empty((n, block.stop - block.start, c))
    for i, subject in enumerate(range(block.start, block.stop)):
        if subject == problem.focus:
            uniforms[:, i] = parameters.evidence
        else:
            uniforms[:, i] = generator(inputs.settings.seed, 2, subject).random((n, c))
    return uniforms


def _first_frequency(best: FloatArray, count: int) -> FloatArray | None:
    """How often each subject has the highest index (ties: the first), over the samples in
    which some subject has one; None for a single subject."""
    if count < 2:
        return None
    scores, subjects = best
    which = np.argmax(scores, axis=0)  # the first block with the best score: lower index
    first = subjects[which, np.arange(scores.shape[1])].astype(np.intp)
    scored = scores.max(axis=0) > -np.inf
    if not scored.any():
        return np.full(count, np.nan)
    result: FloatArray = np.bincount(first[scored], minlength=count) / scored.sum()
    return result


def _warnings(indices: SobolIndices) -> tuple[str, ...]:
    widest = indices.widest()
    if widest <= STABLE_WIDTH:
        return ()
    return (
        f"the sensitivity indices are not stable at {indices.samples} samples: their "
        f"{indices.confidence:.0%} intervals are up to {widest:.2f} wide (stable: at most "
        f"{STABLE_WIDTH}); intervals narrow as 1/sqrt(samples), so use more --samples",
    )
