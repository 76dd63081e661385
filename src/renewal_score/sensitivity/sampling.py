"""The uncertain inputs of an analysis: which choices vary, how each is drawn, and how a row
of input values becomes the settings of one evaluation (``Parameters``).

Every input is independent, as the variance-based indices need, and all but the gamma
variates of Dirichlet weights are a function of one uniform U on [0, 1):

    criterion_weight:ID, priority_weight:ID   w (1 - b + 2 b U)  (or Gamma(a w^) variates)
    method, grade bar, grade table, level spacing      floor(U x options): one of them
    evidence:ID     U itself, read through the criterion's belief under the row's variant
    band:NAME       the band's score + r (2U - 1)      (r = ``band_range``, clipped to 0-100)
    target          r (2U - 1) added to every priority's target (r = ``target_range``)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np

from renewal_score.analysis import RESAMPLES, WEIGHT_BAND
from renewal_score.sensitivity.problem import SensitivityProblem
from renewal_score.sensitivity.rules import FloatArray, IntArray
from renewal_score.sensitivity.sobol import InputSpace

GROUPS = ("weights", "method", "bar", "table", "spacing", "evidence", "bands", "target")
"""The groups of inputs that ``vary`` may name."""
CHOICES = {
    "method": "method",
    "bar": "grade bar",
    "table": "grade table",
    "spacing": "level spacing",
}
"""The discrete groups and the name of their input."""


@dataclass(frozen=True)
class SensitivitySettings:
    """How the analysis samples: N, the seed, which groups of inputs vary and how."""

    samples: int
    seed: int
    weight_band: float = WEIGHT_BAND
    dirichlet: float | None = None
    vary: frozenset[str] = field(default_factory=lambda: frozenset(GROUPS))
    band_range: float = 10.0
    target_range: float = 10.0
    resamples: int = RESAMPLES

    def __post_init__(self) -> None:
        if self.samples < 2:
            raise ValueError("samples must be at least 2")
        if not 0 <= self.weight_band < 1:
            raise ValueError("weight_band must be within [0, 1)")
        if self.dirichlet is not None and not (
            math.isfinite(self.dirichlet) and self.dirichlet > 0
        ):
            raise ValueError("dirichlet (the concentration) must be a positive number")
        unknown = sorted(set(self.vary) - set(GROUPS))
        if unknown:
            raise ValueError(f"unknown input group {unknown[0]!r} (known: {', '.join(GROUPS)})")
        for name in ("band_range", "target_range"):
            if not 0 <= getattr(self, name) <= 100:
                raise ValueError(f"{name} must be within [0, 100]")
        if self.resamples < 10:
            raise ValueError("resamples must be at least 10")

    def varies(self, group: str) -> bool:
        return group in self.vary


@dataclass(frozen=True)
class Parameters:
    """The settings of n evaluations, one row each."""

    criterion_weights: FloatArray  # [n, C]
    priority_weights: FloatArray  # [n, P]
    methods: IntArray  # [n], into the problem's methods
    variants: IntArray  # [n], into the problem's variants
    targets: FloatArray  # [n, P]
    bands: FloatArray  # [n, 2]: on track, signs of progress
    evidence: FloatArray | None  # [n, C] uniforms; None: the central scores

    def __len__(self) -> int:
        return int(self.methods.size)

    def rows(self, which: slice | IntArray) -> Parameters:
        return Parameters(
            self.criterion_weights[which],
            self.priority_weights[which],
            self.methods[which],
            self.variants[which],
            self.targets[which],
            self.bands[which],
            None if self.evidence is None else self.evidence[which],
        )


@dataclass(frozen=True)
class _Column:
    name: str
    kind: str
    item: int = 0


class Inputs:
    """The varied inputs of a problem under some settings, in a fixed order."""

    def __init__(self, problem: SensitivityProblem, settings: SensitivitySettings) -> None:
        self.problem = problem
        self.settings = settings
        columns: list[_Column] = []
        if settings.varies("weights") and (settings.dirichlet or settings.weight_band > 0):
            for kind, ids, weights in (
                ("criterion_weight", problem.criteria, problem.criterion_weights),
                ("priority_weight", problem.priorities, problem.priority_weights),
            ):
                columns += [
                    _Column(f"{kind}:{ids[i]}", kind, i)
                    for i in np.flatnonzero(weights > 0).tolist()
                ]
        for group, name in CHOICES.items():
            if settings.varies(group) and self.options(group) > 1:
                columns.append(_Column(name, group))
        self.evidence = settings.varies("evidence") and problem.beliefs is not None
        if self.evidence and problem.beliefs is not None:
            varies = problem.beliefs.varies()[:, problem.focus].any(axis=0)
            columns += [
                _Column(f"evidence:{problem.criteria[c]}", "evidence", c)
                for c in np.flatnonzero(varies).tolist()
            ]
        if settings.varies("bands") and settings.band_range > 0:
            columns += [_Column(f"band:{b}", "band", i) for i, b in enumerate(self.band_names)]
        if settings.varies("target") and settings.target_range > 0:
            columns.append(_Column("target", "target"))
        self.columns = tuple(columns)
        self.names = tuple(c.name for c in columns)

    band_names = ("on track", "signs of progress")

    def options(self, group: str) -> int:
        problem = self.problem
        return {
            "method": len(problem.methods),
            "bar": len(problem.thresholds),
            "table": len(problem.tables),
            "spacing": len(problem.spacings),
        }[group]

    def nominal_bands(self) -> FloatArray:
        bands = self.problem.method.status_bands
        return np.array([bands[name] for name in self.band_names])

    def space(self) -> InputSpace:
        return InputSpace(self.names, self.draw)

    def draw(self, generator: np.random.Generator, n: int) -> FloatArray:
        """n rows of input values."""
        uniform = generator.random((n, len(self.columns)))
        values = self.values_of(uniform)
        if self.settings.dirichlet is not None:
            weights = [i for i, c in enumerate(self.columns) if c.kind.endswith("_weight")]
            if weights:
                shape = self.settings.dirichlet * self._normalised_nominal(weights)
                gamma = generator.standard_gamma(np.broadcast_to(shape, (n, len(weights))))
                # a gamma variate can underflow to 0 for a tiny shape; 0 would drop the item
                values[:, weights] = np.maximum(gamma, np.finfo(np.float64).tiny)
        return values

    def values_of(self, uniform: FloatArray) -> FloatArray:
        """Input values from uniforms on [0, 1) [n, k] (weights within their band)."""
        values = uniform.copy()
        band, bands = self.settings.weight_band, self.nominal_bands()
        for i, column in enumerate(self.columns):
            u = uniform[:, i]
            if column.kind.endswith("_weight"):
                values[:, i] = self._nominal(column) * (1.0 - band + 2.0 * band * u)
            elif column.kind in CHOICES:
                values[:, i] = np.floor(u * self.options(column.kind))
            elif column.kind == "band":
                spread = self.settings.band_range * (2.0 * u - 1.0)
                values[:, i] = np.clip(bands[column.item] + spread, 0.0, 100.0)
            elif column.kind == "target":
                values[:, i] = self.settings.target_range * (2.0 * u - 1.0)
        return values

    def _nominal(self, column: _Column) -> float:
        problem = self.problem
        weights = (
            problem.criterion_weights
            if column.kind == "criterion_weight"
            else problem.priority_weights
        )
        return float(weights[column.item])

    def _normalised_nominal(self, positions: list[int]) -> FloatArray:
        """Each weight input's nominal weight as a share of its group's."""
        problem = self.problem
        shares = []
        for i in positions:
            column = self.columns[i]
            if column.kind == "priority_weight":
                total = problem.priority_weights.sum()
            else:
                group = problem.membership == problem.membership[column.item]
                total = problem.criterion_weights[group].sum()
            shares.append(self._nominal(column) / total)
        return np.array(shares)

    def nominal(self, n: int = 1) -> Parameters:
        """n rows of the nominal settings (each criterion at its central score)."""
        return replace(self.decode(np.zeros((n, 0)), columns=()), evidence=None)

    def decode(self, values: FloatArray, columns: tuple[_Column, ...] | None = None) -> Parameters:
        """The settings of each row of input values (inputs not varied: nominal)."""
        problem = self.problem
        n = values.shape[0]
        cw = np.repeat(problem.criterion_weights[None, :], n, axis=0)
        pw = np.repeat(problem.priority_weights[None, :], n, axis=0)
        choice = {group: np.zeros(n, dtype=np.intp) for group in CHOICES}
        bands = np.repeat(self.nominal_bands()[None, :], n, axis=0)
        shift = np.zeros(n)
        evidence = np.full((n, len(problem.criteria)), 0.5) if self.evidence else None
        for i, column in enumerate(self.columns if columns is None else columns):
            value = values[:, i]
            if column.kind == "criterion_weight":
                cw[:, column.item] = value
            elif column.kind == "priority_weight":
                pw[:, column.item] = value
            elif column.kind in CHOICES:
                choice[column.kind] = value.astype(np.intp)
            elif column.kind == "band":
                bands[:, column.item] = value
            elif column.kind == "target":
                shift = value
            elif evidence is not None:
                evidence[:, column.item] = value
        bands[:, 1] = np.minimum(bands[:, 1], bands[:, 0])
        return Parameters(
            criterion_weights=cw,
            priority_weights=pw,
            methods=choice["method"],
            variants=problem.variant_of(choice["bar"], choice["table"], choice["spacing"]),
            targets=np.clip(problem.targets[None, :] + shift[:, None], 0.0, 100.0),
            bands=bands,
            evidence=evidence,
        )
