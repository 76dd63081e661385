"""Variance-based sensitivity indices of any vectorised model, with bootstrap intervals.

Two independent N x k matrices A and B are drawn from the input space; A_B^(i) is A with its
column i taken from B; f_A, f_B, f_(A_B^(i)) are the model's outputs for their rows. With
f0 the mean and V the variance (divisor 2N) of the 2N values f_A and f_B:

    first order   S_i  = (1/N) sum_j (f_B(j) - f0) (f_(A_B^(i))(j) - f_A(j)) / V
                  (Saltelli et al. 2010, centred: the mean's noise does not enter)
    total effect  ST_i = (1/2N) sum_j (f_A(j) - f_(A_B^(i))(j))^2 / V        (Jansen 1999)

N (k + 2) evaluations. Intervals: the rows j are resampled with replacement R times and both
indices recomputed from the same evaluations (f0 and V too); the interval is the central
``confidence`` share of those R values (percentile bootstrap, Efron and Tibshirani 1993). An
index is NaN when its output does not vary (standard deviation below 1e-9 of its magnitude)
or has no value (NaN) in some evaluation.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
Model = Callable[[FloatArray], npt.ArrayLike]
"""A vectorised model: rows of input values [n, k] -> outputs [n] or [n, m]."""
Seed = int | np.random.SeedSequence

NOISE = 1e-9
"""Relative size of floating-point noise: an output whose standard deviation is below it
(times the output's magnitude) has no variance to apportion."""
MODEL_ROWS = 200_000
"""Rows handed to the model at a time (several A_B^(i) matrices at once, at least one)."""
PRODUCT_COLUMNS = 256
"""Columns of the bootstrap's matrix products at a time, to bound memory."""


@dataclass(frozen=True)
class InputSpace:
    """Independent inputs: their names, and how to draw rows of their values."""

    names: tuple[str, ...]
    draw: Callable[[np.random.Generator, int], FloatArray]
    """(generator, n) -> values [n, k], one column per input, independent columns."""

    @classmethod
    def uniform(cls, names: Sequence[str], low: float = 0.0, high: float = 1.0) -> InputSpace:
        """Inputs uniform on [low, high)."""
        k = len(names)
        return cls(tuple(names), lambda rng, n: low + (high - low) * rng.random((n, k)))


@dataclass(frozen=True, eq=False)
class SobolIndices:
    """First-order and total-effect indices [m, k] of m outputs for k inputs, with their
    bootstrap intervals [m, k, 2] (NaN: not defined)."""

    names: tuple[str, ...]
    samples: int
    resamples: int
    confidence: float
    variance: FloatArray
    first_order: FloatArray
    first_order_interval: FloatArray
    total_effect: FloatArray
    total_effect_interval: FloatArray

    def widest(self) -> float:
        """The widest interval of any defined index (0 when none is defined)."""
        widths = np.concatenate(
            [
                np.diff(self.first_order_interval, axis=-1).ravel(),
                np.diff(self.total_effect_interval, axis=-1).ravel(),
            ]
        )
        widths = widths[~np.isnan(widths)]
        return float(widths.max()) if widths.size else 0.0


def sobol_indices(
    model: Model,
    problem: InputSpace,
    n: int,
    seed: Seed,
    *,
    resamples: int = 200,
    confidence: float = 0.95,
    progress: Callable[[], None] | None = None,
) -> SobolIndices:
    """First-order and total-effect indices of ``model`` over ``problem``'s inputs from
    N = ``n`` rows of A and of B (N (k + 2) evaluations), with bootstrap intervals.

    ``model`` takes rows of input values [rows, k] and returns one output per row [rows] or
    several [rows, m]. The same model, problem, n and seed give the same indices.
    ``progress()`` is called after each batch of evaluations."""
    if n < 2:
        raise ValueError("n must be at least 2")
    if resamples < 1 or not 0 < confidence < 1:
        raise ValueError("resamples must be positive and confidence within (0, 1)")
    generator = np.random.Generator(np.random.PCG64(seed))
    a_rows, b_rows = problem.draw(generator, n), problem.draw(generator, n)
    k = a_rows.shape[1]
    f_a, f_b = np.split(_outputs(model, np.concatenate([a_rows, b_rows])), 2)
    f_ab = np.empty((k, *f_a.shape))
    batch = max(1, MODEL_ROWS // n)
    for start in range(0, k, batch):
        columns = range(start, min(k, start + batch))
        mixed = np.tile(a_rows, (len(columns), 1))
        for j, i in enumerate(columns):
            mixed[j * n : (j + 1) * n, i] = b_rows[:, i]
        f_ab[start : start + len(columns)] = _outputs(model, mixed).reshape(len(columns), n, -1)
        if progress is not None:
            progress()
    counts = _resample_counts(generator, n, resamples)
    return _indices(problem.names, f_a, f_b, f_ab, counts, confidence)


def _outputs(model: Model, rows: FloatArray) -> FloatArray:
    found = np.asarray(model(rows), dtype=np.float64)
    return found.reshape(rows.shape[0], -1)


def _resample_counts(generator: np.random.Generator, n: int, resamples: int) -> FloatArray:
    """How often each row is drawn in each resample [R, N] (rows drawn with replacement)."""
    picks = generator.integers(0, n, size=(resamples, n))
    counts = np.empty((resamples, n))
    for r in range(resamples):
        counts[r] = np.bincount(picks[r], minlength=n)
    return counts


def _indices(
    names: tuple[str, ...],
    f_a: FloatArray,
    f_b: FloatArray,
    f_ab: FloatArray,
    counts: FloatArray,
    confidence: float,
) -> SobolIndices:
    """The estimators on all rows (weights 1) and on each resample (weights ``counts``)."""
    n, m = f_a.shape
    k = f_ab.shape[0]
    both = np.concatenate([f_a, f_b])
    centre = both.mean(axis=0)
    a, b = f_a - centre, f_b - centre  # the indices do not move with a shift; sums stay small
    difference = (f_ab - f_a).transpose(1, 0, 2)  # [N, k, m]
    weights = np.concatenate([np.ones((1, n)), counts])  # row 0: the estimate itself
    with np.errstate(invalid="ignore"):
        moments = _products(weights, np.concatenate([a, b, a * a, b * b], axis=1))
        sums = [
            _products(weights, np.ascontiguousarray(part).reshape(n, k * m)).reshape(-1, k, m)
            for part in (difference, b[:, None, :] * difference, difference**2)
        ]
    mean = (moments[:, :m] + moments[:, m : 2 * m]) / (2 * n)  # [1 + R, m]
    variance = (moments[:, 2 * m : 3 * m] + moments[:, 3 * m :]) / (2 * n) - mean**2
    with np.errstate(divide="ignore", invalid="ignore"):
        first = ((sums[1] - mean[:, None] * sums[0]) / n / variance[:, None]).transpose(0, 2, 1)
        total = (sums[2] / (2 * n) / variance[:, None]).transpose(0, 2, 1)
    scale = np.maximum(1.0, np.abs(both).max(axis=0))
    usable = ~np.isnan(both).any(axis=0) & (np.sqrt(np.maximum(variance[0], 0)) > NOISE * scale)
    share = (1 - confidence) / 2
    bounds = [share, 1 - share]

    def interval(values: FloatArray) -> FloatArray:
        with np.errstate(invalid="ignore"):  # outputs without variance: not usable anyway
            found: FloatArray = np.quantile(values[1:], bounds, axis=0).transpose(1, 2, 0)
        return np.where(usable[:, None, None], found, np.nan)

    def estimate(values: FloatArray) -> FloatArray:
        return np.where(usable[:, None], values[0], np.nan)

    return SobolIndices(
        names=names,
        samples=n,
        resamples=counts.shape[0],
        confidence=confidence,
        variance=np.where(np.isnan(both).any(axis=0), np.nan, both.var(axis=0)),
        first_order=estimate(first),
        first_order_interval=interval(first),
        total_effect=estimate(total),
        total_effect_interval=interval(total),
    )


def _products(weights: FloatArray, columns: FloatArray) -> FloatArray:
    """weights @ columns, a band of columns at a time."""
    result = np.empty((weights.shape[0], columns.shape[1]))
    for start in range(0, columns.shape[1], PRODUCT_COLUMNS):
        part = slice(start, start + PRODUCT_COLUMNS)
        result[:, part] = weights @ np.ascontiguousarray(columns[:, part])
    return result
