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
to about 1e-12 before rounding.

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
                      181:259-270, table 2 (b));
       total effect   ST_i = mean( (f_A - f_(A_B^(i)))^2 ) / (2 V)
                      (Jansen 1999, "Analysis of variance designs for model output",
                      Comput. Phys. Commun. 117:35-43; Saltelli et al. 2010, table 2 (f)).

   N (k + 2) evaluations of the focus subject. S_i is the share of the output variance that
   input i explains alone, ST_i the share it is involved in, interactions included. An index
   is NaN (None in ``to_dict``) when V = 0 or the output has no value in some evaluation.
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

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt

from renewal_score.aggregation import arithmetic_mean, geometric_mean, minimum
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
_STORE_BYTES = 64 * 2**20
"""Budget for the samples of one block of subjects kept for the percentiles."""
_WORK_BYTES = 96 * 2**20
"""Budget for the temporary arrays of one chunk of samples."""
_WORK_ARRAYS = 12
"""Roughly how many arrays of n x P x subjects floats one chunk keeps alive at once."""
FLIP_RANGE = (0.0, 10.0)
"""The factors by which a single weight is scaled in the search for a flip."""


# ---------------------------------------------------------------------------------------------
# Problem, settings, results


def _frozen_array(value: object, dtype: type, shape: tuple[int, ...], name: str) -> Any:
    array = np.array(value, dtype=dtype, copy=True)
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
        s, p, c, t = (len(self.subjects), len(self.priorities), len(self.criteria), len(self.thresholds))
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
        fix(self, "criterion_weights", _frozen_array(self.criterion_weights, np.float64, (c,), "criterion_weights"))
        fix(self, "priority_weights", _frozen_array(self.priority_weights, np.float64, (p,), "priority_weights"))
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
                "first_order": {i: _plain(v) for i, v in zip(self.inputs, self.first_order[j], strict=True)},
                "total_effect": {i: _plain(v) for i, v in zip(self.inputs, self.total_effect[j], strict=True)},
            }
            for j, name in enumerate(names)
        }
        return {
            "focus": focus,
            "settings": {
                "samples": self.settings.samples,
                "seed": self.settings.seed,
                "weight_band": None if self.settings.dirichlet is not None else _plain(self.settings.weight_band),
                "dirichlet": _plain(self.settings.dirichlet),
                "methods": list(problem.methods) if self.settings.vary_methods else [problem.methods[0]],
                "thresholds": [_plain(t) for t in problem.thresholds]
                if self.settings.vary_thresholds
                else [_plain(problem.thresholds[0])],
            },
            "uncertainty": {
                "subjects": subjects,
                "top_recommendation": {
                    "nominal": problem.priorities[self.nominal_top],
                    "frequency": {p: _plain(f) for p, f in zip(problem.priorities, self.top_frequency, strict=True)},
                },
                "ranked_first": None
                if self.first_frequency is None
                else {s: _plain(f) for s, f in zip(problem.subjects, self.first_frequency, strict=True)},
            },
            "sensitivity": {"inputs": list(self.inputs), "outputs": sobol},
            "remove_one": [
                {
                    "criterion": r.criterion,
                    "priority": r.priority,
                    "priority_scores": {p: _plain(v) for p, v in zip(problem.priorities, r.priority_scores, strict=True)},
                    "overall": _plain(r.overall),
                    "priority_changes": {p: _plain(v) for p, v in zip(problem.priorities, r.priority_changes, strict=True)},
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
