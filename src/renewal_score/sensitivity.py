"""Uncertainty and sensitivity analysis of the scores (Handbook step 7).

Follows the OECD/JRC *Handbook on Constructing Composite Indicators* (2008), chapter 7, and
the sensitivity analysis of COINr: the choices made in building the index (the weights, the
aggregation method, the evidence-grade threshold) are treated as uncertain inputs, sampled,
and propagated through the aggregation of criterion scores into priority scores and into the
overall index.

Inputs and their distributions
------------------------------
- every criterion weight and every priority weight with a positive nominal value: uniform on
  nominal x [1 - band, 1 + band] (``weight_band``, in [0, 1)); or, with ``dirichlet`` = a,
  the criterion weights of each priority and the priority weights are Dirichlet(a x the
  normalised nominal weights). The Dirichlet draw is made as independent gamma variates
  g_i ~ Gamma(a w_i), which the aggregation normalises within their group (g_i / sum g); the
  gamma variates are the inputs of the variance-based analysis, which needs independent
  inputs;
- the aggregation method: one of the problem's ``methods`` with equal probability;
- the grade threshold: one of the problem's ``thresholds`` with equal probability.

A categorical input is drawn as floor(u x options), u uniform on [0, 1). Weights with a
nominal value of 0 stay 0 and are not inputs; neither are the method or the threshold when
they are not varied or have a single option.

Aggregation
-----------
Exactly as ``engine.py``: per priority, over its criteria that are rated (score not NaN) and
have weight > 0, weights renormalised to sum to 1; arithmetic = sum w x; geometric =
prod x^w (0 if any such x is 0); minimum = min x; a priority without such a criterion has no
score (NaN). Priority scores are rounded to 4 decimals (``scoring.PRECISION``, with Python's
rounding), as the engine rounds them, before they are aggregated, by the same method, into the
overall index and before their gaps are ranked. Gap = round(max(0, target - score), 4); the
top recommendation is the priority with the largest gap, ties broken as ``engine._rank``
does: larger normalised weight (rounded to 4 decimals) of that evaluation, then lower id;
priorities without a score rank last.

``nominal`` values are computed with the engine's own arithmetic (``aggregation`` and
``math.fsum``), so they are the engine's to the last bit; the vectorised evaluation agrees
to about 1e-12 before rounding. A priority's score is reported unrounded (nominal, samples,
sensitivity output), the overall score as the engine computes it, from the rounded priority
scores, before its own rounding.

Outputs
-------
1. Uncertainty: N Monte Carlo samples of all inputs, every subject; per subject, priority
   and the overall index: nominal, median, 5th and 95th percentiles (``np.percentile``,
   linear interpolation, over the samples in which the score exists) and the share of samples
   without a score; how often each priority of the focus subject is its top recommendation;
   how often each subject ranks first by overall score (ties: lower index; over the samples
   in which some subject has a score).
2. Variance-based sensitivity of the focus subject's overall score and of each of its
   priority scores. Two independent N x k sample matrices A and B of the k inputs; A_B^(i)
   is A with its column i taken from B; f_A, f_B, f_(A_B^(i)) are the model outputs for their
   rows, V the variance of the 2N values f_A and f_B together. Then

       first-order    S_i  = mean( f_B (f_(A_B^(i)) - f_A) ) / V
                      (Saltelli, Annoni, Azzini, Campolongo, Ratto & Tarantola 2010,
                      "Variance based sensitivity analysis of model output. Design and
                      estimator for the total sensitivity index", Comput. Phys. Commun.
                      181:259-270);
       total effect   ST_i = mean( (f_A - f_(A_B^(i)))^2 ) / (2 V)
                      (Jansen 1999, "Analysis of variance designs for model output",
                      Comput. Phys. Commun. 117:35-43; recommended by Saltelli et al. 2010).

   N (k + 2) evaluations of the focus subject. S_i is the share of the output variance that
   input i explains alone, ST_i the share it is involved in, interactions included. An index
   is NaN (None in ``to_dict``) when V = 0 (up to floating-point noise: a standard deviation
   below 1e-9 of the output's magnitude) or the output has no value in some evaluation.
3. Remove one criterion: the focus subject's scores at nominal settings with one criterion's
   weight set to 0 (the others renormalised), their change, and whether the top
   recommendation changes.
4. For each single weight, the smallest relative change (factor f in [0, 10], f != 1;
   reported as f - 1) that makes another priority the focus subject's top recommendation at
   the nominal method and threshold: a grid search over f, then bisection to the boundary.
   A flip between two grid points that flips back before the next one can be missed.

``run_sensitivity`` evaluates batches of samples with array operations (matrix products per
priority for the weighted sums, precomputed masked minima for the minimum), over blocks of
subjects and chunks of samples, so that memory stays bounded.
"""

from __future__ import annotations

import itertools
import math
import os
import queue
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt

from renewal_score.aggregation import arithmetic_mean, geometric_mean, minimum
from renewal_score.method import DEFAULT_METHOD, MethodSettings
from renewal_score.scoring import PRECISION

if TYPE_CHECKING:
    import datetime as dt

    from renewal_score.agenda import Agenda
    from renewal_score.plugins import PluginHost

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]
BoolArray = npt.NDArray[np.bool_]
Progress = Callable[[int, int], None]

METHODS = ("arithmetic", "geometric", "minimum")
"""The aggregation methods the analysis can vary (the engine's built-in ones)."""

_ARITHMETIC, _GEOMETRIC, _MINIMUM = 0, 1, 2
_COMBINE = {"arithmetic": arithmetic_mean, "geometric": geometric_mean, "minimum": minimum}
_SCALE = 10.0**PRECISION
_STORE_BYTES = 24 * 2**20
"""Budget for the sampled outputs of one block of subjects, kept for the percentiles. Below
the 32 MiB up to which glibc's malloc keeps freed memory for reuse, so that each block does
not map (and fault in) fresh pages: 15% of the analysis of 1,000 subjects at 32 MiB."""
_CHUNK_VALUES = 2**18
"""Values (samples x outputs x subjects) per chunk: temporaries stay in the processor's cache."""
_SORT_ROWS = 64
"""Outputs sorted at a time for the percentiles (64 x N floats)."""
_SOBOL_ROWS = 20_000
"""Rows of one subject evaluated at a time (variance-based design, weight-flip grid)."""
_MAX_WORKERS = 2
"""Threads; each holds one block of subjects (about _STORE_BYTES plus temporaries)."""
_GEMM_SIZE = 2**17
"""Largest m x n x k of one matrix product, below the size at which BLAS libraries (OpenBLAS:
4 x 65536) start threads of their own, which would compete with ours."""
_NOISE = 1e-9
"""Relative size of floating-point noise in a score: an output whose standard deviation is
below it (times the output's magnitude) has no variance to apportion."""
FLIP_RANGE = (0.0, 10.0)
"""The factors by which a single weight is scaled in the search for a flip."""


# ---------------------------------------------------------------------------------------------
# Problem, settings, results


def _frozen_array(value: object, dtype: type, shape: tuple[int, ...], name: str) -> Any:
    array: npt.NDArray[Any] = np.array(value, dtype=dtype, copy=True)
    if array.shape != shape:
        raise ValueError(f"{name} has shape {array.shape}, expected {shape}")
    array.setflags(write=False)
    return array


@dataclass(frozen=True, eq=False)
class SensitivityProblem:
    """What is analysed: criterion scores under each grade threshold, weights, targets, methods.

    ``scores[t, s, c]`` is criterion c's score (0-100, NaN = unrated) for subject s when
    evidence below ``thresholds[t]`` is left out; index 0 of ``thresholds`` and ``methods`` is
    the nominal choice. ``membership[c]`` is the index of criterion c's priority. Weights are
    the nominal ones, in any scale (they are normalised within each group).
    """

    subjects: tuple[str, ...]
    priorities: tuple[str, ...]
    criteria: tuple[str, ...]
    membership: IntArray
    scores: FloatArray
    thresholds: tuple[float, ...]
    criterion_weights: FloatArray
    priority_weights: FloatArray
    targets: FloatArray
    methods: tuple[str, ...] = METHODS
    focus: int = 0

    def __post_init__(self) -> None:
        s, p, c, t = (
            len(self.subjects),
            len(self.priorities),
            len(self.criteria),
            len(self.thresholds),
        )
        for name, ids in (
            ("subjects", self.subjects),
            ("priorities", self.priorities),
            ("criteria", self.criteria),
        ):
            if not ids:
                raise ValueError(f"{name} is empty")
            if len(set(ids)) != len(ids):
                raise ValueError(f"{name} has repeated ids")
        fix = object.__setattr__
        fix(self, "membership", _frozen_array(self.membership, np.intp, (c,), "membership"))
        fix(self, "scores", _frozen_array(self.scores, np.float64, (t, s, c), "scores"))
        fix(
            self,
            "criterion_weights",
            _frozen_array(self.criterion_weights, np.float64, (c,), "criterion_weights"),
        )
        fix(
            self,
            "priority_weights",
            _frozen_array(self.priority_weights, np.float64, (p,), "priority_weights"),
        )
        fix(self, "targets", _frozen_array(self.targets, np.float64, (p,), "targets"))
        fix(self, "thresholds", tuple(float(x) for x in self.thresholds))
        if not t:
            raise ValueError("thresholds is empty")
        if np.any((self.membership < 0) | (self.membership >= p)):
            raise ValueError("membership names a priority index out of range")
        rated = self.scores[~np.isnan(self.scores)]
        if np.any((rated < 0) | (rated > 100)):
            raise ValueError("scores must be within [0, 100] (or NaN when unrated)")
        for name, weights in (
            ("criterion_weights", self.criterion_weights),
            ("priority_weights", self.priority_weights),
        ):
            if not np.all(np.isfinite(weights)) or np.any(weights < 0):
                raise ValueError(f"{name} must be finite and >= 0")
        if not np.all(np.isfinite(self.targets)):
            raise ValueError("targets must be finite")
        if self.priority_weights.sum() <= 0:
            raise ValueError("all priority weights are zero")
        for index, priority in enumerate(self.priorities):
            members = self.criterion_weights[self.membership == index]
            if members.size and members.sum() <= 0:
                raise ValueError(f"all criterion weights of priority {priority!r} are zero")
        if not self.methods or len(set(self.methods)) != len(self.methods):
            raise ValueError("methods must be a non-empty tuple without repeats")
        unknown = [m for m in self.methods if m not in METHODS]
        if unknown:
            raise ValueError(f"unknown aggregation {unknown[0]!r} (known: {', '.join(METHODS)})")
        if not 0 <= self.focus < s:
            raise ValueError(f"focus {self.focus} is not a subject index (0..{s - 1})")


@dataclass(frozen=True)
class SensitivitySettings:
    """How the analysis samples: N, the seed, and which inputs vary and how."""

    samples: int
    seed: int
    weight_band: float = 0.25
    dirichlet: float | None = None
    vary_methods: bool = True
    vary_thresholds: bool = True

    def __post_init__(self) -> None:
        if self.samples < 2:
            raise ValueError("samples must be at least 2")
        if not 0 <= self.weight_band < 1:
            raise ValueError("weight_band must be within [0, 1)")
        if self.dirichlet is not None and not (
            math.isfinite(self.dirichlet) and self.dirichlet > 0
        ):
            raise ValueError("dirichlet (the concentration) must be a positive number")


@dataclass(frozen=True)
class Removal:
    """The focus subject at nominal settings without one criterion (NaN: no score)."""

    criterion: str
    priority: str
    priority_scores: tuple[float, ...]
    overall: float
    priority_changes: tuple[float, ...]
    overall_change: float
    top: str
    top_changed: bool


@dataclass(frozen=True)
class WeightFlip:
    """The smallest change of one weight that changes the focus subject's top recommendation.

    ``change`` is f - 1 for the weight scaled by f; None (and ``becomes_top`` None) when no
    factor in FLIP_RANGE changes it.
    """

    input: str
    kind: Literal["criterion", "priority"]
    item: str
    change: float | None
    becomes_top: str | None


@dataclass(frozen=True, eq=False)
class SensitivityResult:
    """Everything ``run_sensitivity`` computes; ``to_dict`` gives it as plain JSON values.

    Array columns are the problem's priorities then the overall index (P + 1); rows of the
    per-subject arrays are the problem's subjects. NaN means "no value".
    """

    problem: SensitivityProblem
    settings: SensitivitySettings
    nominal: FloatArray
    median: FloatArray
    p05: FloatArray
    p95: FloatArray
    unrated: FloatArray
    nominal_top: int
    top_frequency: FloatArray
    first_frequency: FloatArray | None
    inputs: tuple[str, ...]
    variance: FloatArray
    first_order: FloatArray
    total_effect: FloatArray
    removals: tuple[Removal, ...]
    flips: tuple[WeightFlip, ...]
    smallest_flip: WeightFlip | None

    def to_dict(self) -> dict[str, Any]:
        problem = self.problem
        names = [*problem.priorities, "overall"]
        focus = problem.subjects[problem.focus]

        def summary(s: int, j: int) -> dict[str, float | None]:
            return {
                "nominal": _plain(self.nominal[s, j]),
                "median": _plain(self.median[s, j]),
                "p05": _plain(self.p05[s, j]),
                "p95": _plain(self.p95[s, j]),
                "unrated": _plain(self.unrated[s, j]),
            }

        subjects = {
            subject: {
                "overall": summary(s, len(problem.priorities)),
                "priorities": {p: summary(s, j) for j, p in enumerate(problem.priorities)},
            }
            for s, subject in enumerate(problem.subjects)
        }
        sobol = {
            name: {
                "variance": _plain(self.variance[j]),
                "first_order": {
                    i: _plain(v) for i, v in zip(self.inputs, self.first_order[j], strict=True)
                },
                "total_effect": {
                    i: _plain(v) for i, v in zip(self.inputs, self.total_effect[j], strict=True)
                },
            }
            for j, name in enumerate(names)
        }
        return {
            "focus": focus,
            "settings": {
                "samples": self.settings.samples,
                "seed": self.settings.seed,
                "weight_band": None
                if self.settings.dirichlet is not None
                else _plain(self.settings.weight_band),
                "dirichlet": _plain(self.settings.dirichlet),
                "methods": list(problem.methods)
                if self.settings.vary_methods
                else [problem.methods[0]],
                "thresholds": [_plain(t) for t in problem.thresholds]
                if self.settings.vary_thresholds
                else [_plain(problem.thresholds[0])],
            },
            "uncertainty": {
                "subjects": subjects,
                "top_recommendation": {
                    "nominal": problem.priorities[self.nominal_top],
                    "frequency": {
                        p: _plain(f)
                        for p, f in zip(problem.priorities, self.top_frequency, strict=True)
                    },
                },
                "ranked_first": None
                if self.first_frequency is None
                else {
                    s: _plain(f)
                    for s, f in zip(problem.subjects, self.first_frequency, strict=True)
                },
            },
            "sensitivity": {"inputs": list(self.inputs), "outputs": sobol},
            "remove_one": [
                {
                    "criterion": r.criterion,
                    "priority": r.priority,
                    "priority_scores": {
                        p: _plain(v)
                        for p, v in zip(problem.priorities, r.priority_scores, strict=True)
                    },
                    "overall": _plain(r.overall),
                    "priority_changes": {
                        p: _plain(v)
                        for p, v in zip(problem.priorities, r.priority_changes, strict=True)
                    },
                    "overall_change": _plain(r.overall_change),
                    "top": r.top,
                    "top_changed": r.top_changed,
                }
                for r in self.removals
            ],
            "weight_flip": {
                "weights": [_flip_dict(f) for f in self.flips],
                "smallest": None if self.smallest_flip is None else _flip_dict(self.smallest_flip),
            },
        }


def _plain(value: float | np.floating[Any] | None) -> float | None:
    """A JSON-able float rounded to 4 decimals; None for NaN or None."""
    if value is None:
        return None
    number = float(value)
    if math.isnan(number):
        return None
    return round(number, PRECISION) + 0.0  # + 0.0 turns -0.0 into 0.0


def _flip_dict(flip: WeightFlip) -> dict[str, Any]:
    return {
        "input": flip.input,
        "kind": flip.kind,
        "item": flip.item,
        "change": _plain(flip.change),
        "becomes_top": flip.becomes_top,
    }


# ---------------------------------------------------------------------------------------------
# Rounding as Python's round(x, 4), vectorised


def round_scores(values: FloatArray, out: FloatArray | None = None) -> FloatArray:
    """``round(x, 4)`` of every element, exactly as Python rounds floats (NaN stays NaN).

    Python rounds the exact binary value of x: k = x * 10**4 rounded to the nearest integer,
    halves to even, then returns the float nearest k / 10**4. ``np.round`` rounds the
    floating-point product instead, which differs when the product lands on a half; there the
    sign of the product's rounding error (Dekker's exact product) decides.
    """
    scaled = np.multiply(values, _SCALE)
    nearest = np.rint(scaled, out=out)
    np.subtract(scaled, nearest, out=scaled)  # within [-0.5, 0.5]; NaN for NaN
    if scaled.size and (
        np.nanmax(scaled, initial=0.0) == 0.5 or np.nanmin(scaled, initial=0.0) == -0.5
    ):
        where = np.nonzero(np.abs(scaled) == 0.5)
        x = values[where]
        product = x * _SCALE
        split = x * 134217729.0  # Veltkamp split: 2**27 + 1
        high = split - (split - x)
        low = x - high
        error = (high * _SCALE - product) + low * _SCALE  # x * 10**4 - product, exactly
        floor = np.floor(product)
        nearest[where] = np.where(error > 0, floor + 1, np.where(error < 0, floor, nearest[where]))
    result: FloatArray = np.divide(nearest, _SCALE, out=nearest)
    return result


# ---------------------------------------------------------------------------------------------
# Vectorised evaluation


class _Evaluator:
    """Scores of batches of parameter rows, with array operations.

    A row is (criterion weights [C], priority weights [P], method index, threshold index).
    ``block(lo, hi)`` prepares the evaluation of rows for subjects lo..hi; blocks are
    independent, so that threads can evaluate different blocks.
    """

    def __init__(self, problem: SensitivityProblem) -> None:
        self.problem = problem
        self.codes = [METHODS.index(m) for m in problem.methods]
        scores = problem.scores
        self.rated = ~np.isnan(scores)
        self.lowest = np.where(self.rated, scores, np.inf)  # [T, S, C]
        self.zero = self.rated & (scores == 0)
        positive = self.rated & (scores > 0)
        self.value = np.where(self.rated, scores, 0.0)
        self.log = np.zeros_like(scores)
        np.log(scores, out=self.log, where=positive)
        p_count = len(problem.priorities)
        self.members = [np.flatnonzero(problem.membership == p) for p in range(p_count)]
        self.grouped = np.concatenate(self.members)  # criteria, priority by priority
        ends = np.cumsum([m.size for m in self.members]).tolist()
        self.spans = [slice(end - m.size, end) for m, end in zip(self.members, ends, strict=True)]
        self.id_rank = np.argsort(np.argsort(np.array(problem.priorities))).astype(np.intp)

    def block(self, subjects: slice) -> _Block:
        return _Block(self, subjects)

    def evaluate(
        self,
        criterion_weights: FloatArray,
        priority_weights: FloatArray,
        methods: IntArray,
        thresholds: IntArray,
        subjects: slice,
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Priority scores [n, P, s], the same rounded to 4 decimals, overall scores [n, s]."""
        return self.block(subjects).evaluate(
            criterion_weights, priority_weights, methods, thresholds
        )


class _Block:
    """The evaluation of parameter rows for one block of subjects.

    Rows are grouped by (which criterion weights are positive, threshold, method). For a
    group and a priority, the weighted sums are matrix products of the rows' weights of the
    priority's criteria [r, C_p] with the criteria's (criteria x subjects) score matrices:
    sum w x, sum w log x and sum w [rated] (the membership matrix G[C, P] is used as the
    list of each priority's criteria; a product with the one-hot G itself would do P times
    the work). The minimum, and whether the geometric mean is 0, depend on a row only
    through which weights are positive, so they are computed once per such pattern.
    """

    def __init__(self, evaluator: _Evaluator, subjects: slice) -> None:
        self.evaluator = evaluator
        lo, hi, _ = subjects.indices(evaluator.problem.scores.shape[1])
        self.lo, self.hi = lo, max(lo, hi)
        self.width = self.hi - self.lo
        self.p_count = len(evaluator.members)
        self._matrices_cache: dict[tuple[str, int], list[FloatArray]] = {}
        self._tables: dict[tuple[bytes, int], tuple[FloatArray, BoolArray, bool]] = {}

    def _matrices(self, kind: str, t: int) -> list[FloatArray]:
        """Per priority, its criteria's scores under threshold t [C_p, s], contiguous."""
        key = (kind, t)
        if key not in self._matrices_cache:
            ev = self.evaluator
            source = {"value": ev.value, "log": ev.log, "mask": ev.rated}[kind]
            block = source[t, self.lo : self.hi]  # [s, C]
            self._matrices_cache[key] = [
                np.ascontiguousarray(block[:, members].T, dtype=np.float64)
                for members in ev.members
            ]
        return self._matrices_cache[key]

    def _pattern(self, positive: BoolArray, t: int) -> tuple[FloatArray, BoolArray, bool]:
        """For the criteria with positive weight: per priority and subject, the minimum over
        rated criteria (NaN if none) and whether one of them scores 0 [P * s]; and whether
        some priority has no score."""
        key = (np.packbits(positive).tobytes(), t)
        if key not in self._tables:
            ev = self.evaluator
            lowest = np.full((self.p_count, self.width), np.nan)
            zero = np.zeros((self.p_count, self.width), dtype=bool)
            for p, members in enumerate(ev.members):
                chosen = members[positive[members]]
                if chosen.size:
                    low = ev.lowest[t, self.lo : self.hi][:, chosen].min(axis=1)
                    lowest[p] = np.where(np.isinf(low), np.nan, low)
                    zero[p] = ev.zero[t, self.lo : self.hi][:, chosen].any(axis=1)
            self._tables[key] = (lowest.reshape(-1), zero.reshape(-1), bool(np.isnan(lowest).any()))
        return self._tables[key]

    def evaluate(
        self,
        criterion_weights: FloatArray,
        priority_weights: FloatArray,
        methods: IntArray,
        thresholds: IntArray,
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Priority scores [n, P, s], the same rounded to 4 decimals, overall scores [n, s]."""
        ev = self.evaluator
        n = criterion_weights.shape[0]
        t_count, m_count = len(ev.problem.thresholds), len(ev.codes)
        positive = criterion_weights > 0
        if n == 0 or bool(np.all(positive == positive[0])):
            patterns = positive[:1]
            pattern_of = np.zeros(n, dtype=np.intp)
        else:
            _, first, inverse = np.unique(
                np.packbits(positive, axis=1), axis=0, return_index=True, return_inverse=True
            )
            patterns = positive[first]
            pattern_of = inverse.reshape(-1).astype(np.intp)
        key = (pattern_of * t_count + thresholds) * m_count + methods
        ordered = bool(np.all(key[1:] >= key[:-1]))
        order = np.arange(n)
        if not ordered:
            order = np.argsort(key, kind="stable")
            key = key[order]
            criterion_weights = criterion_weights[order]
            priority_weights = priority_weights[order]
        columns = self.p_count * self.width
        prio = np.empty((n, columns))
        rounded = np.empty((n, columns))
        overall = np.empty((n, self.width))
        all_positive = bool(np.all(priority_weights > 0))
        grouped = criterion_weights[:, ev.grouped]
        bounds = [0, *(np.flatnonzero(np.diff(key)) + 1).tolist(), n] if n else [0]
        for a, b in itertools.pairwise(bounds):
            pattern, rest = divmod(int(key[a]), t_count * m_count)
            t, m = divmod(rest, m_count)
            code = ev.codes[m]
            weights = grouped[a:b]
            lowest, zero, unrated = self._pattern(patterns[pattern], t)
            target = prio[a:b]
            if code == _MINIMUM:
                target[...] = lowest
            else:
                by_priority = target.reshape(b - a, self.p_count, self.width)
                masks = self._matrices("mask", t)
                sums = self._matrices("value" if code == _ARITHMETIC else "log", t)
                with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                    for p, span in enumerate(ev.spans):
                        # small products: BLAS runs them on the calling thread
                        step = max(1, _GEMM_SIZE // max(1, self.width * (span.stop - span.start)))
                        for i in range(0, b - a, step):
                            out = by_priority[i : i + step, p]
                            w = weights[i : i + step, span]
                            np.matmul(w, sums[p], out=out)
                            np.divide(out, w @ masks[p], out=out)  # 0 / 0 = NaN: no score
                    if code == _GEOMETRIC:
                        np.exp(target, out=target)
                        target[:, zero] = 0.0
            shown = round_scores(target, out=rounded[a:b])
            overall[a:b] = _combine_priorities(
                shown.reshape(b - a, self.p_count, self.width),
                priority_weights[a:b],
                code,
                simple=all_positive and not unrated,
            )
        prio_3d = prio.reshape(n, self.p_count, self.width)
        rounded_3d = rounded.reshape(n, self.p_count, self.width)
        if not ordered:
            inverse_order = np.empty_like(order)
            inverse_order[order] = np.arange(n)
            return prio_3d[inverse_order], rounded_3d[inverse_order], overall[inverse_order]
        return prio_3d, rounded_3d, overall


def _combine_priorities(
    scores: FloatArray, weights: FloatArray, code: int, *, simple: bool = False
) -> FloatArray:
    """Overall scores [n, s] from rounded priority scores [n, P, s] and priority weights [n, P].

    ``simple``: every score exists and every weight is positive.
    """
    p_count = scores.shape[1]
    with np.errstate(divide="ignore", invalid="ignore"):
        if simple:
            if code == _MINIMUM:
                low: FloatArray = scores.min(axis=1)
                return low
            total = weights.sum(axis=1, keepdims=True)
            if code == _ARITHMETIC:
                acc = scores[:, 0] * weights[:, :1]
                for p in range(1, p_count):
                    acc += scores[:, p] * weights[:, p : p + 1]
                acc /= total
                return acc
            logs = np.log(scores)  # log 0 = -inf, and exp(-inf) = 0: any 0 gives 0
            acc = logs[:, 0] * weights[:, :1]
            for p in range(1, p_count):
                acc += logs[:, p] * weights[:, p : p + 1]
            acc /= total
            return np.exp(acc, out=acc)
        w = weights[:, :, None]
        used = ~np.isnan(scores) & (w > 0)
        if code == _MINIMUM:
            low = np.where(used, scores, np.inf).min(axis=1)
            result: FloatArray = np.where(np.isinf(low), np.nan, low)
            return result
        share = np.where(used, w, 0.0)
        denominator = share.sum(axis=1)
        if code == _ARITHMETIC:
            mean: FloatArray = (share * np.where(used, scores, 0.0)).sum(axis=1) / denominator
            return mean
        logs = np.log(np.where(used & (scores > 0), scores, 1.0))
        result = np.exp((share * logs).sum(axis=1) / denominator)
        result[(used & (scores == 0)).any(axis=1)] = 0.0
        return result


def _top(
    scores: FloatArray, priority_weights: FloatArray, targets: FloatArray, id_rank: IntArray
) -> IntArray:
    """Index of the top recommendation of each row of rounded priority scores [n, P].

    Largest gap = round(max(0, target - score), 4); ties: larger normalised priority weight
    (rounded to 4 decimals), then lower id; no score ranks last (engine._rank).
    """
    gap = round_scores(np.maximum(0.0, targets - scores))
    gap = np.where(np.isnan(gap), -np.inf, gap)
    candidate = gap == gap.max(axis=1, keepdims=True)
    total = priority_weights.sum(axis=1, keepdims=True)
    shares = np.divide(
        priority_weights, total, out=np.zeros_like(priority_weights), where=total > 0
    )
    weight = round_scores(shares)
    weight = np.where(candidate, weight, -np.inf)
    candidate &= weight == weight.max(axis=1, keepdims=True)
    rank = np.where(candidate, id_rank, len(id_rank))
    chosen: IntArray = np.argmin(rank, axis=1)
    return chosen


def evaluate(
    problem: SensitivityProblem,
    criterion_weights: npt.ArrayLike,
    priority_weights: npt.ArrayLike,
    methods: npt.ArrayLike,
    thresholds: npt.ArrayLike,
) -> tuple[FloatArray, FloatArray]:
    """Priority scores [n, S, P] (unrounded) and overall scores [n, S] of n parameter rows.

    Rows: criterion weights [n, C], priority weights [n, P] (>= 0, any scale), method and
    threshold indices [n] into the problem's ``methods`` and ``thresholds``.
    """
    cw = np.atleast_2d(np.asarray(criterion_weights, dtype=np.float64))
    pw = np.atleast_2d(np.asarray(priority_weights, dtype=np.float64))
    m = np.asarray(methods, dtype=np.intp).reshape(-1)
    t = np.asarray(thresholds, dtype=np.intp).reshape(-1)
    prio, _, overall = _Evaluator(problem).evaluate(cw, pw, m, t, slice(None))
    return prio.transpose(0, 2, 1), overall


def normalised_weights(
    problem: SensitivityProblem, criterion_weights: npt.ArrayLike, priority_weights: npt.ArrayLike
) -> tuple[FloatArray, FloatArray]:
    """Rows of weights scaled to sum to 1 within each priority's criteria and over priorities
    (before leaving out unrated items; a group of zero weights stays zero)."""
    cw = np.atleast_2d(np.asarray(criterion_weights, dtype=np.float64))
    pw = np.atleast_2d(np.asarray(priority_weights, dtype=np.float64))
    groups = np.zeros((len(problem.criteria), len(problem.priorities)))
    groups[np.arange(len(problem.criteria)), problem.membership] = 1.0
    totals = (cw @ groups)[:, problem.membership]
    with np.errstate(divide="ignore", invalid="ignore"):
        cn = np.where(totals > 0, cw / totals, 0.0)
        pt = pw.sum(axis=1, keepdims=True)
        pn = np.where(pt > 0, pw / pt, 0.0)
    return cn, pn


# ---------------------------------------------------------------------------------------------
# The engine's own arithmetic, for nominal values


def _mean_of(
    method: str, values: Sequence[float | None], weights: Sequence[float]
) -> tuple[float, float]:
    """engine._mean_of: the aggregate, unrounded and rounded; NaN when nothing is rated."""
    pairs = [(v, w) for v, w in zip(values, weights, strict=True) if v is not None and w > 0]
    total = sum(w for _, w in pairs)
    if total <= 0:
        return math.nan, math.nan
    value = _COMBINE[method]([v for v, _ in pairs], [w / total for _, w in pairs])
    return value, round(value, PRECISION)


def _normalise(weights: Sequence[float]) -> list[float]:
    """aggregation.normalise, without raising for all zeros (then all stay zero)."""
    total = sum(weights)
    return [w / total if total > 0 else 0.0 for w in weights]


class _Reference:
    """One subject's scores computed item by item, exactly as ``engine.build_scorecard``."""

    def __init__(self, problem: SensitivityProblem) -> None:
        self.problem = problem
        self.members = [
            np.flatnonzero(problem.membership == p).tolist() for p in range(len(problem.priorities))
        ]
        self.criterion_weights = problem.criterion_weights.tolist()
        self.priority_weights = problem.priority_weights.tolist()
        self.targets = problem.targets.tolist()
        self.scores_list = [
            [[None if math.isnan(x) else x for x in row] for row in table]
            for table in problem.scores.tolist()
        ]

    def scores(
        self,
        subject: int,
        criterion_weights: Sequence[float] | None = None,
        priority_weights: Sequence[float] | None = None,
        method: int = 0,
        threshold: int = 0,
    ) -> tuple[list[float], list[float], float]:
        name = self.problem.methods[method]
        cw = self.criterion_weights if criterion_weights is None else criterion_weights
        pw = self.priority_weights if priority_weights is None else priority_weights
        row = self.scores_list[threshold][subject]
        exact, rounded = [], []
        for members in self.members:
            weights = _normalise([float(cw[c]) for c in members])
            value, shown = _mean_of(name, [row[c] for c in members], weights)
            exact.append(value)
            rounded.append(shown)
        shown_scores = [None if math.isnan(v) else v for v in rounded]
        overall, _ = _mean_of(name, shown_scores, _normalise([float(w) for w in pw]))
        return exact, rounded, overall

    def top(self, rounded: Sequence[float], priority_weights: Sequence[float] | None = None) -> int:
        """engine._rank's first: largest gap, then larger weight, then id; no score last."""
        pw = self.priority_weights if priority_weights is None else priority_weights
        weights = _normalise([float(w) for w in pw])
        keys = []
        for p, score in enumerate(rounded):
            gap = None if math.isnan(score) else round(max(0.0, self.targets[p] - score), PRECISION)
            keys.append(
                (
                    gap is None,
                    -(gap or 0.0),
                    -round(weights[p], PRECISION),
                    self.problem.priorities[p],
                )
            )
        return min(range(len(keys)), key=keys.__getitem__)


def reference_scores(
    problem: SensitivityProblem,
    subject: int,
    criterion_weights: Sequence[float] | None = None,
    priority_weights: Sequence[float] | None = None,
    method: int = 0,
    threshold: int = 0,
) -> tuple[list[float], list[float], float]:
    """One subject's scores computed one by one, as ``engine.build_scorecard`` computes them.

    Returns the unrounded priority scores, the same rounded to 4 decimals, and the unrounded
    overall score (NaN: no score). Weights default to the nominal ones.
    """
    return _Reference(problem).scores(
        subject, criterion_weights, priority_weights, method, threshold
    )


# ---------------------------------------------------------------------------------------------
# Inputs: sampling and decoding


class _Inputs:
    """The varied inputs, their names, and how a row of input values becomes parameters."""

    def __init__(self, problem: SensitivityProblem, settings: SensitivitySettings) -> None:
        self.problem = problem
        self.settings = settings
        varied = settings.dirichlet is not None or settings.weight_band > 0
        self.criteria = (
            np.flatnonzero(problem.criterion_weights > 0) if varied else np.zeros(0, np.intp)
        )
        self.priorities = (
            np.flatnonzero(problem.priority_weights > 0) if varied else np.zeros(0, np.intp)
        )
        self.vary_method = settings.vary_methods and len(problem.methods) > 1
        self.vary_threshold = settings.vary_thresholds and len(problem.thresholds) > 1
        names = [f"criterion_weight:{problem.criteria[c]}" for c in self.criteria]
        names += [f"priority_weight:{problem.priorities[p]}" for p in self.priorities]
        if self.vary_method:
            names.append("method")
        if self.vary_threshold:
            names.append("threshold")
        self.names = tuple(names)
        self.nominal = np.concatenate(
            [problem.criterion_weights[self.criteria], problem.priority_weights[self.priorities]]
        )
        if settings.dirichlet is not None:
            cn, pn = normalised_weights(
                problem, problem.criterion_weights, problem.priority_weights
            )
            self.shape = settings.dirichlet * np.concatenate(
                [cn[0, self.criteria], pn[0, self.priorities]]
            )

    def draw(self, rng: np.random.Generator, n: int) -> FloatArray:
        """n rows of input values (weights, then method and threshold indices as floats)."""
        k_weights = self.nominal.size
        uniform = rng.random((n, len(self.names)))
        values = uniform.copy()
        if k_weights:
            if self.settings.dirichlet is not None:
                gamma = rng.standard_gamma(np.broadcast_to(self.shape, (n, k_weights)))
                # a gamma variate can underflow to 0 for a tiny shape; 0 would drop the item
                values[:, :k_weights] = np.maximum(gamma, np.finfo(np.float64).tiny)
            else:
                band = self.settings.weight_band
                values[:, :k_weights] = self.nominal * (
                    1.0 - band + 2.0 * band * uniform[:, :k_weights]
                )
        column = k_weights
        if self.vary_method:
            values[:, column] = np.floor(uniform[:, column] * len(self.problem.methods))
            column += 1
        if self.vary_threshold:
            values[:, column] = np.floor(uniform[:, column] * len(self.problem.thresholds))
        return values

    def decode(self, values: FloatArray) -> tuple[FloatArray, FloatArray, IntArray, IntArray]:
        """Criterion weights [n, C], priority weights [n, P], method and threshold indices."""
        n = values.shape[0]
        problem = self.problem
        cw = np.repeat(problem.criterion_weights[None, :], n, axis=0)
        pw = np.repeat(problem.priority_weights[None, :], n, axis=0)
        k_c = self.criteria.size
        k_weights = self.nominal.size
        cw[:, self.criteria] = values[:, :k_c]
        pw[:, self.priorities] = values[:, k_c:k_weights]
        column = k_weights
        methods = np.zeros(n, dtype=np.intp)
        thresholds = np.zeros(n, dtype=np.intp)
        if self.vary_method:
            methods = values[:, column].astype(np.intp)
            column += 1
        if self.vary_threshold:
            thresholds = values[:, column].astype(np.intp)
        return cw, pw, methods, thresholds


# ---------------------------------------------------------------------------------------------
# The analysis


_QUANTILES = np.true_divide(np.array([5.0, 50.0, 95.0]), 100)


def _lerp(a: FloatArray, b: FloatArray, gamma: FloatArray) -> FloatArray:
    """numpy's linear interpolation between order statistics (``_lerp``), term for term."""
    diff = b - a
    result: FloatArray = np.where(gamma >= 0.5, b - diff * (1 - gamma), a + diff * gamma)
    return result


def _row_percentiles(rows: FloatArray) -> FloatArray:
    """p05, median, p95 and the share of NaN [4, g] of each row of rows [g, N], which is
    reordered in place. Percentiles as ``np.percentile`` (linear) computes them over the values
    that are not NaN; NaN for a row of NaN only.

    Rows without NaN: the order statistics k and k + 1 around each percentile by three
    partial partitions (median first, then each half) and minima; other rows: sorted.
    """
    g, n = rows.shape
    result = np.empty((4, g))
    has_nan = np.isnan(rows).any(axis=1)
    clean = np.flatnonzero(~has_nan)
    if n >= 100 and clean.size == g:
        virtual = (n - 1) * _QUANTILES
        low = np.floor(virtual).astype(np.intp)
        gamma = (virtual - low)[:, None]
        k05, k50, k95 = low.tolist()
        rows.partition(k50, axis=1)
        left, right = rows[:, :k50], rows[:, k50 + 1 :]
        left.partition(k05, axis=1)
        right.partition(k95 - k50 - 1, axis=1)
        a = np.stack([left[:, k05], rows[:, k50], right[:, k95 - k50 - 1]])
        b = np.stack(
            [
                left[:, k05 + 1 :].min(axis=1),
                right.min(axis=1),
                right[:, k95 - k50 :].min(axis=1),
            ]
        )
        result[:3] = _lerp(a, b, gamma)
        result[3] = 0.0
        return result
    rows.sort(axis=1)  # NaN sorts last
    counts = np.full(g, n, dtype=np.intp)
    with_nan = np.flatnonzero(has_nan)
    counts[with_nan] = np.argmax(np.isnan(rows[with_nan]), axis=1)
    virtual = (counts - 1)[None, :] * _QUANTILES[:, None]  # [3, g]
    previous = np.floor(virtual)
    last = np.maximum(counts - 1, 0)[None, :]
    low = np.minimum(previous.astype(np.intp), last)
    high = np.minimum(low + 1, last)
    take = np.arange(g)[None, :]
    result[:3] = _lerp(rows[take, low], rows[take, high], virtual - previous)
    result[:3, counts == 0] = np.nan
    result[3] = 1.0 - counts / n
    return result


class _Events:
    """Chunks done, reported by worker threads and relayed by the calling thread."""

    def __init__(self) -> None:
        self.queue: queue.SimpleQueue[bool] = queue.SimpleQueue()

    def chunk(self) -> None:
        self.queue.put(True)

    def finished(self) -> None:
        self.queue.put(False)


def _workers() -> int:
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(_MAX_WORKERS, cores))


def _chunking(problem: SensitivityProblem, samples: int) -> tuple[int, int]:
    """Subjects per block and samples per chunk, within the memory budgets."""
    columns = len(problem.priorities) + 1
    block = max(1, min(len(problem.subjects), _STORE_BYTES // (samples * columns * 8)))
    chunk = max(1, min(samples, _CHUNK_VALUES // (block * columns)))
    return block, chunk


@dataclass(frozen=True)
class _Samples:
    """The Monte Carlo parameter rows, sorted by (threshold, method)."""

    criterion_weights: FloatArray
    priority_weights: FloatArray
    methods: IntArray
    thresholds: IntArray


def _uncertainty_block(
    evaluator: _Evaluator, subjects: slice, samples: _Samples, chunk: int, events: _Events
) -> tuple[FloatArray, FloatArray, IntArray, IntArray | None]:
    """For a block of subjects: p05, median, p95 and share unrated [4, s, P + 1]; per sample,
    the best overall score in the block and its subject; the focus subject's top
    recommendation per sample if it is in the block."""
    try:
        block = evaluator.block(subjects)
        problem = evaluator.problem
        p_count, width = block.p_count, block.width
        n = samples.methods.size
        store = np.empty(((p_count + 1) * width, n))  # one row per (output, subject)
        best = np.full(n, -np.inf)
        first = np.zeros(n, dtype=np.intp)
        focus = problem.focus - block.lo
        tops = np.zeros(n, dtype=np.intp) if 0 <= focus < width else None
        for a in range(0, n, chunk):
            b = min(n, a + chunk)
            pw = samples.priority_weights[a:b]
            exact, rounded, overall = block.evaluate(
                samples.criterion_weights[a:b], pw, samples.methods[a:b], samples.thresholds[a:b]
            )
            store[: p_count * width, a:b] = exact.reshape(b - a, -1).T
            store[p_count * width :, a:b] = overall.T
            filled = np.where(np.isnan(overall), -np.inf, overall)
            best[a:b] = filled.max(axis=1)
            first[a:b] = filled.argmax(axis=1) + block.lo
            if tops is not None:
                tops[a:b] = _top(rounded[:, :, focus], pw, problem.targets, evaluator.id_rank)
            events.chunk()
        summary = np.empty((4, (p_count + 1) * width))
        for start in range(0, len(store), _SORT_ROWS):
            summary[:, start : start + _SORT_ROWS] = _row_percentiles(
                store[start : start + _SORT_ROWS]
            )
        summary_3d = summary.reshape(4, p_count + 1, width).transpose(0, 2, 1)
        return summary_3d, best, first, tops
    finally:
        events.finished()


def run_sensitivity(
    problem: SensitivityProblem,
    settings: SensitivitySettings,
    progress: Progress | None = None,
) -> SensitivityResult:
    """Uncertainty analysis, variance-based sensitivity, remove-one and weight-flip analyses.

    ``progress(done, total)`` is called, in the calling thread, after each chunk of work. The
    work runs on up to two threads (blocks of subjects, the variance-based analysis and the
    local analyses are independent); the same problem, settings and seed give the same
    result.
    """
    evaluator = _Evaluator(problem)
    inputs = _Inputs(problem, settings)
    rng = np.random.Generator(np.random.PCG64(settings.seed))
    n = settings.samples
    subjects = len(problem.subjects)
    p_count = len(problem.priorities)
    mc_rows = inputs.draw(rng, n)
    a_rows = inputs.draw(rng, n)
    b_rows = inputs.draw(rng, n)
    cw, pw, methods, thresholds = inputs.decode(mc_rows)
    order = np.argsort(thresholds * len(problem.methods) + methods, kind="stable")
    samples = _Samples(cw[order], pw[order], methods[order], thresholds[order])
    block, chunk = _chunking(problem, n)
    blocks = [slice(lo, min(subjects, lo + block)) for lo in range(0, subjects, block)]
    sobol_batch = max(1, _SOBOL_ROWS // n)
    sobol_units = 1 + -(-len(inputs.names) // sobol_batch)
    total = len(blocks) * -(-n // chunk) + sobol_units + 1
    events = _Events()
    pool = ThreadPoolExecutor(max_workers=_workers(), thread_name_prefix="sensitivity")
    try:
        sobol = pool.submit(_sobol, evaluator, inputs, a_rows, b_rows, sobol_batch, events)
        local = pool.submit(_local, evaluator, events)
        uncertainty = [
            pool.submit(_uncertainty_block, evaluator, s, samples, chunk, events) for s in blocks
        ]
        done = finished = 0
        while finished < len(blocks) + 2:
            if events.queue.get():
                done += 1
                if progress is not None:
                    progress(done, total)
            else:
                finished += 1
        variance, first_order, total_effect = sobol.result()
        nominal, nominal_top, removals, flips = local.result()
        parts = [future.result() for future in uncertainty]
    finally:
        # on an error or an interrupt, blocks not yet started are dropped
        pool.shutdown(wait=True, cancel_futures=True)
    summaries = np.concatenate([part[0] for part in parts], axis=1)
    best = np.stack([part[1] for part in parts])
    winners = np.stack([part[2] for part in parts])
    tops = next(part[3] for part in parts if part[3] is not None)
    top_frequency = np.bincount(tops, minlength=p_count) / n
    first_frequency = None
    if subjects > 1:
        which = np.argmax(best, axis=0)  # the first block with the best score: lower index
        first = winners[which, np.arange(n)]
        scored = best.max(axis=0) > -np.inf
        first_frequency = (
            np.bincount(first[scored], minlength=subjects) / scored.sum()
            if scored.any()
            else np.full(subjects, np.nan)
        )
    changes = [f for f in flips if f.change is not None]
    smallest = min(changes, key=lambda f: abs(f.change or 0.0), default=None)
    p05, median, p95, unrated = summaries
    return SensitivityResult(
        problem=problem,
        settings=settings,
        nominal=nominal,
        median=median,
        p05=p05,
        p95=p95,
        unrated=unrated,
        nominal_top=nominal_top,
        top_frequency=top_frequency,
        first_frequency=first_frequency,
        inputs=inputs.names,
        variance=variance,
        first_order=first_order,
        total_effect=total_effect,
        removals=removals,
        flips=flips,
        smallest_flip=smallest,
    )


def _sobol(
    evaluator: _Evaluator,
    inputs: _Inputs,
    a_rows: FloatArray,
    b_rows: FloatArray,
    batch: int,
    events: _Events,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Variance of each output of the focus subject (its priority scores, then its overall
    score), first-order and total-effect indices [P + 1, k] (see the module docstring)."""
    try:
        problem = evaluator.problem
        block = evaluator.block(slice(problem.focus, problem.focus + 1))
        k = len(inputs.names)
        n = a_rows.shape[0]

        def outputs(rows: FloatArray) -> FloatArray:
            exact, _, overall = block.evaluate(*inputs.decode(rows))
            return np.concatenate([exact[:, :, 0], overall], axis=1)

        f_a, f_b = np.split(outputs(np.concatenate([a_rows, b_rows])), 2)
        events.chunk()
        variance = np.var(np.concatenate([f_a, f_b]), axis=0)
        first_order = np.full((len(variance), k), np.nan)
        total_effect = np.full((len(variance), k), np.nan)
        for start in range(0, k, batch):
            columns = range(start, min(k, start + batch))
            mixed = np.tile(a_rows, (len(columns), 1))
            for j, i in enumerate(columns):
                mixed[j * n : (j + 1) * n, i] = b_rows[:, i]
            for i, f_ab in zip(columns, np.split(outputs(mixed), len(columns)), strict=True):
                first_order[:, i] = np.mean(f_b * (f_ab - f_a), axis=0)
                total_effect[:, i] = np.mean((f_a - f_ab) ** 2, axis=0) / 2.0
            events.chunk()
        # an output that varies only by floating-point noise does not vary
        scale = np.maximum(1.0, np.max(np.abs(np.concatenate([f_a, f_b])), axis=0))
        usable = np.isfinite(variance) & (np.sqrt(variance) > _NOISE * scale)
        first_order[usable] /= variance[usable, None]
        total_effect[usable] /= variance[usable, None]
        first_order[~usable] = np.nan
        total_effect[~usable] = np.nan
        return variance, first_order, total_effect
    finally:
        events.finished()


def _local(
    evaluator: _Evaluator, events: _Events
) -> tuple[FloatArray, int, tuple[Removal, ...], tuple[WeightFlip, ...]]:
    """Nominal scores of every subject (the engine's arithmetic), the focus subject's top
    recommendation, the remove-one and the weight-flip analyses."""
    try:
        problem = evaluator.problem
        p_count = len(problem.priorities)
        reference = _Reference(problem)
        nominal = np.empty((len(problem.subjects), p_count + 1))
        for s in range(len(problem.subjects)):
            exact, _, overall = reference.scores(s)
            nominal[s, :p_count] = exact
            nominal[s, p_count] = overall
        _, rounded, _ = reference.scores(problem.focus)
        nominal_top = reference.top(rounded)
        removals = _removals(reference, nominal[problem.focus], nominal_top)
        flips = _flips(evaluator)
        events.chunk()
        return nominal, nominal_top, removals, flips
    finally:
        events.finished()


def _removals(reference: _Reference, nominal: FloatArray, nominal_top: int) -> tuple[Removal, ...]:
    problem = reference.problem
    p_count = len(problem.priorities)
    removals = []
    for c, criterion in enumerate(problem.criteria):
        weights = problem.criterion_weights.tolist()
        weights[c] = 0.0
        exact, rounded, overall = reference.scores(problem.focus, weights)
        top = reference.top(rounded)
        removals.append(
            Removal(
                criterion=criterion,
                priority=problem.priorities[problem.membership[c]],
                priority_scores=tuple(exact),
                overall=overall,
                priority_changes=tuple(float(v) for v in np.array(exact) - nominal[:p_count]),
                overall_change=overall - float(nominal[p_count]),
                top=problem.priorities[top],
                top_changed=top != nominal_top,
            )
        )
    return tuple(removals)


def _flips(evaluator: _Evaluator) -> tuple[WeightFlip, ...]:
    """Per weight, the factor nearest 1 that changes the focus subject's top recommendation."""
    problem = evaluator.problem
    c_count = len(problem.criteria)
    focus = slice(problem.focus, problem.focus + 1)
    kinds: list[tuple[Literal["criterion", "priority"], int]] = [
        ("criterion", c) for c in range(c_count)
    ] + [("priority", p) for p in range(len(problem.priorities))]
    low, high = FLIP_RANGE
    grid = np.unique(
        np.concatenate(
            [
                np.linspace(low, high, 2001),
                1.0 - np.logspace(-4, 0, 41),
                1.0 + np.logspace(-4, math.log10(high - 1.0), 81),
                [1.0],
            ]
        )
    )
    grid = grid[(grid >= low) & (grid <= high)]
    one = int(np.flatnonzero(grid == 1.0)[0])

    def tops(which: IntArray, factors: FloatArray) -> IntArray:
        rows = which.size
        cw = np.repeat(problem.criterion_weights[None, :], rows, axis=0)
        pw = np.repeat(problem.priority_weights[None, :], rows, axis=0)
        scale = np.ones((rows, c_count + len(problem.priorities)))
        scale[np.arange(rows), which] = factors
        cw *= scale[:, :c_count]
        pw *= scale[:, c_count:]
        zeros = np.zeros(rows, dtype=np.intp)
        _, rounded, _ = evaluator.evaluate(cw, pw, zeros, zeros, focus)
        return _top(rounded[:, :, 0], pw, problem.targets, evaluator.id_rank)

    nominal = np.concatenate([problem.criterion_weights, problem.priority_weights])
    candidates = np.flatnonzero(nominal > 0)
    base = int(tops(np.zeros(1, dtype=np.intp), np.ones(1))[0])
    flipped = np.zeros((candidates.size, grid.size), dtype=bool)
    per_call = max(1, _SOBOL_ROWS // grid.size)  # weights per evaluation, to bound memory
    for start in range(0, candidates.size, per_call):
        chosen = candidates[start : start + per_call]
        which = np.repeat(chosen, grid.size)
        found_tops = tops(which, np.tile(grid, chosen.size)).reshape(chosen.size, grid.size)
        flipped[start : start + per_call] = found_tops != base
    # the flipping grid point nearest 1 on each side, and its neighbour towards 1
    ok_points: list[float] = []
    flip_points: list[float] = []
    owners: list[tuple[int, int]] = []  # (index into candidates, side)
    for row in range(candidates.size):
        below = np.flatnonzero(flipped[row, :one])
        above = np.flatnonzero(flipped[row, one + 1 :]) + one + 1
        if below.size:
            owners.append((row, -1))
            flip_points.append(float(grid[below[-1]]))
            ok_points.append(float(grid[below[-1] + 1]))
        if above.size:
            owners.append((row, 1))
            flip_points.append(float(grid[above[0]]))
            ok_points.append(float(grid[above[0] - 1]))
    found: dict[int, tuple[float, int]] = {}
    if owners:
        who = candidates[np.array([o[0] for o in owners])]
        ok = np.array(ok_points)
        flip = np.array(flip_points)
        for _ in range(64):
            middle = 0.5 * (ok + flip)
            moved = (middle != ok) & (middle != flip)
            if not np.any(moved):
                break
            changed = tops(who, middle) != base
            flip = np.where(changed, middle, flip)
            ok = np.where(changed, ok, middle)
        winners = tops(who, flip)
        for index, (row, _) in enumerate(owners):
            change = float(flip[index]) - 1.0
            weight = int(candidates[row])
            if weight not in found or abs(change) < abs(found[weight][0]):
                found[weight] = (change, int(winners[index]))
    flips = []
    for index, (kind, item) in enumerate(kinds):
        ids = problem.criteria if kind == "criterion" else problem.priorities
        result = found.get(index)
        flips.append(
            WeightFlip(
                input=f"{kind}_weight:{ids[item]}",
                kind=kind,
                item=ids[item],
                change=None if result is None else result[0],
                becomes_top=None if result is None else problem.priorities[result[1]],
            )
        )
    return tuple(flips)


# ---------------------------------------------------------------------------------------------
# From an agenda


def build_problem(
    agenda: Agenda,
    host: PluginHost,
    *,
    as_of: dt.date,
    focus: str | None = None,
    subjects: Sequence[str] | None = None,
    thresholds: Sequence[float] = (0.0,),
    methods: Sequence[str] = METHODS,
    weights: Mapping[str, float] | None = None,
    method: MethodSettings = DEFAULT_METHOD,
) -> SensitivityProblem:
    """The problem of an agenda: criterion scores from ``engine.build_scorecard`` for each
    subject (default: all, in the agenda's order) and each grade threshold (the first is the
    nominal one), nominal weights (the agenda's, overridden by ``weights``) and targets.

    ``focus`` defaults to the engine's default subject. Criteria without evidence count as
    ``method.unrated`` says.
    """
    from renewal_score.engine import criterion_scores
    from renewal_score.options import RunOptions
    from renewal_score.plan import aggregated_value
    from renewal_score.selection import default_subject

    overrides = dict(weights or {})
    focus_id = focus or default_subject(agenda)
    chosen = list(agenda.subjects) if subjects is None else list(subjects)
    if focus_id not in chosen:
        raise ValueError(f"the focus subject {focus_id!r} is not among the subjects analysed")
    priorities = list(agenda.priorities.values())
    criteria = [c for p in priorities for c in agenda.criteria_of(p.id)]
    position = {c.id: i for i, c in enumerate(criteria)}
    scores = np.full((len(thresholds), len(chosen), len(criteria)), np.nan)
    for t, threshold in enumerate(thresholds):
        options = RunOptions(as_of=as_of, weights=overrides, min_grade=threshold, method=method)
        by_subject = criterion_scores(agenda, host, options, chosen)
        for s, subject in enumerate(chosen):
            for criterion_id, found in by_subject[subject].items():
                score = aggregated_value(found, method)
                if score is not None:
                    scores[t, s, position[criterion_id]] = score
    priority_index = {p.id: i for i, p in enumerate(priorities)}
    return SensitivityProblem(
        subjects=tuple(chosen),
        priorities=tuple(p.id for p in priorities),
        criteria=tuple(c.id for c in criteria),
        membership=np.array([priority_index[c.priority] for c in criteria], dtype=np.intp),
        scores=scores,
        thresholds=tuple(thresholds),
        criterion_weights=np.array([overrides.get(c.id, c.weight) for c in criteria]),
        priority_weights=np.array([overrides.get(p.id, p.weight) for p in priorities]),
        targets=np.array(
            [p.target if method.target is None else method.target for p in priorities]
        ),
        methods=tuple(methods),
        focus=chosen.index(focus_id),
    )
