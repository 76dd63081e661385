"""What an analysis is about: criterion scores and beliefs under each variant of the method,
weights, targets, the aggregation methods and the method's constants."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from renewal_score.aggregation import Aggregator, register_aggregations
from renewal_score.method import DEFAULT_METHOD, MethodSettings
from renewal_score.sensitivity.rules import BoolArray, FloatArray, IntArray

METHODS = ("arithmetic", "geometric", "minimum")
"""The engine's built-in aggregation methods."""
BUILT_IN: Mapping[str, Aggregator] = register_aggregations()


def frozen_array(value: object, dtype: type, shape: tuple[int, ...], name: str) -> Any:
    """A read-only copy of ``value`` of the given shape; ValueError for another shape."""
    array: npt.NDArray[Any] = np.array(value, dtype=dtype, copy=True)
    if array.shape != shape:
        raise ValueError(f"{name} has shape {array.shape}, expected {shape}")
    array.setflags(write=False)
    return array


@dataclass(frozen=True, eq=False)
class Beliefs:
    """Each criterion's belief (a discrete distribution of its score) under each variant:
    ``values[v, s, c, l]`` ascending with ``cumulative[v, s, c, l]`` probabilities (the last
    1), padded with the last value; NaN values: the criterion is left out."""

    values: FloatArray
    cumulative: FloatArray

    def decode(self, uniforms: FloatArray, variants: IntArray, subjects: slice) -> FloatArray:
        """The score of each criterion at the uniform [n, s, C] by its belief's inverse
        distribution function (as ``random.choices`` draws: the first value whose cumulative
        probability exceeds it), under each row's variant."""
        found = np.empty(uniforms.shape)
        levels = self.values.shape[-1]
        for variant in np.unique(variants).tolist():
            rows = np.flatnonzero(variants == variant)
            cumulative = self.cumulative[variant, subjects]  # [s, C, L]
            drawn = uniforms[rows]
            index = np.zeros(drawn.shape, dtype=np.intp)
            for level in range(levels - 1):  # the last cumulative probability is 1
                index += cumulative[..., level] <= drawn
            values = self.values[variant, subjects].reshape(-1)
            start = np.arange(0, values.size, levels).reshape(cumulative.shape[:2])
            found[rows] = values[start + index]
        return found

    def varies(self) -> BoolArray:
        """[V, S, C]: whether the belief has more than one value."""
        result: BoolArray = self.cumulative[..., 0] < 1.0 - 1e-12
        return result


@dataclass(frozen=True, eq=False)
class SensitivityProblem:
    """What is analysed.

    ``scores[v, s, c]`` is criterion c's central score as aggregated (its reading; NaN: left
    out) for subject s under variant v of the method. The variants are every combination of
    a grade bar (``thresholds``, the probability below which evidence is left out), a grade
    table (``tables``) and a level spacing (``spacings``), v = (bar x tables + table) x
    spacings + spacing; index 0 of each is the nominal choice, as is ``methods[0]``.
    ``beliefs`` (None: scores taken as certain) gives each criterion's distribution, and
    ``rated[v, s, c]`` whether evidence rates it (default: its score is not NaN), which
    decides coverage. ``membership[c]`` is the index of criterion c's priority; weights are
    the nominal ones in any scale. ``method`` holds the constants the analysis starts from
    (status bands, coverage, ranking rule); ``manifest`` what is needed to reproduce it.
    """

    subjects: tuple[str, ...]
    priorities: tuple[str, ...]
    criteria: tuple[str, ...]
    membership: IntArray
    scores: FloatArray
    criterion_weights: FloatArray
    priority_weights: FloatArray
    targets: FloatArray
    thresholds: tuple[float, ...] = (0.0,)
    tables: tuple[str, ...] = ("nominal",)
    spacings: tuple[float, ...] = (1.0,)
    beliefs: Beliefs | None = None
    rated: BoolArray | None = None
    methods: tuple[str, ...] = METHODS
    aggregators: Mapping[str, Aggregator] = field(default_factory=lambda: dict(BUILT_IN))
    method: MethodSettings = DEFAULT_METHOD
    focus: int = 0
    manifest: Mapping[str, Any] = field(default_factory=dict)

    @property
    def variants(self) -> int:
        return len(self.thresholds) * len(self.tables) * len(self.spacings)

    def variant_of(self, bar: IntArray, table: IntArray, spacing: IntArray) -> IntArray:
        """The variant of each (bar, table, spacing)."""
        variant: IntArray = (bar * len(self.tables) + table) * len(self.spacings) + spacing
        return variant

    def variant_choices(self) -> list[tuple[int, int, int]]:
        """(bar, table, spacing) of each variant, in variant order."""
        return list(
            itertools.product(
                range(len(self.thresholds)), range(len(self.tables)), range(len(self.spacings))
            )
        )

    def members(self) -> list[IntArray]:
        """The criteria of each priority."""
        return [np.flatnonzero(self.membership == p) for p in range(len(self.priorities))]

    def __post_init__(self) -> None:
        s, p, c, v = len(self.subjects), len(self.priorities), len(self.criteria), self.variants
        for name in ("subjects", "priorities", "criteria"):
            ids = getattr(self, name)
            if not ids:
                raise ValueError(f"{name} is empty")
            if len(set(ids)) != len(ids):
                raise ValueError(f"{name} has repeated ids")
        if not v:
            raise ValueError("thresholds, tables and spacings must not be empty")
        fix = object.__setattr__
        fix(self, "membership", frozen_array(self.membership, np.intp, (c,), "membership"))
        fix(self, "scores", frozen_array(self.scores, np.float64, (v, s, c), "scores"))
        for name, size in (("criterion_weights", c), ("priority_weights", p), ("targets", p)):
            fix(self, name, frozen_array(getattr(self, name), np.float64, (size,), name))
        rated = ~np.isnan(self.scores) if self.rated is None else self.rated
        fix(self, "rated", frozen_array(rated, np.bool_, (v, s, c), "rated"))
        fix(self, "thresholds", tuple(float(x) for x in self.thresholds))
        fix(self, "aggregators", dict(self.aggregators))
        self._check_values()
        self._check_methods()
        if not 0 <= self.focus < s:
            raise ValueError(f"focus {self.focus} is not a subject index (0..{s - 1})")

    def _check_values(self) -> None:
        if np.any((self.membership < 0) | (self.membership >= len(self.priorities))):
            raise ValueError("membership names a priority index out of range")
        rated = self.scores[~np.isnan(self.scores)]
        if np.any((rated < 0) | (rated > 100)):
            raise ValueError("scores must be within [0, 100] (or NaN when left out)")
        for name in ("criterion_weights", "priority_weights"):
            weights = getattr(self, name)
            if not np.all(np.isfinite(weights)) or np.any(weights < 0):
                raise ValueError(f"{name} must be finite and >= 0")
        if not np.all((self.targets >= 0) & (self.targets <= 100)):
            raise ValueError("targets must be within [0, 100]")
        if self.priority_weights.sum() <= 0:
            raise ValueError("all priority weights are zero")
        for index, members in enumerate(self.members()):
            if members.size and self.criterion_weights[members].sum() <= 0:
                priority = self.priorities[index]
                raise ValueError(f"all criterion weights of priority {priority!r} are zero")
        if self.beliefs is not None:
            shape = self.beliefs.values.shape
            if shape[:3] != self.scores.shape or self.beliefs.cumulative.shape != shape:
                raise ValueError(f"beliefs have shape {shape}, expected {self.scores.shape} + (L,)")

    def _check_methods(self) -> None:
        if not self.methods or len(set(self.methods)) != len(self.methods):
            raise ValueError("methods must be a non-empty tuple without repeats")
        unknown = [m for m in self.methods if m not in self.aggregators]
        if unknown:
            known = ", ".join(sorted(self.aggregators))
            raise ValueError(f"unknown aggregation {unknown[0]!r} (known: {known})")
