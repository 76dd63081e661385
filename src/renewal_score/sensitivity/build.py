"""The problem of an agenda: every criterion scored by the engine's scorer (through the
``score_criterion`` hook, so that recency and plugin scorers apply) under each variant of the
method — each grade bar, grade table and level spacing — with its reading and its belief."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from renewal_score import __version__
from renewal_score.agenda import Agenda
from renewal_score.engine import _targets  # the engine's rule for each priority's target
from renewal_score.method import DEFAULT_METHOD, KENT_ESTIMATIVE, MethodSettings
from renewal_score.options import RunOptions
from renewal_score.plan import aggregated_value, belief_of, plan_of
from renewal_score.plugins import PluginHost
from renewal_score.results import Assessment
from renewal_score.scoring import PRECISION
from renewal_score.selection import default_subject, select
from renewal_score.sensitivity.problem import METHODS, Beliefs, SensitivityProblem
from renewal_score.sensitivity.sampling import GROUPS
from renewal_score.uncertainty import Distribution

GRADE_BARS = ("C3", "B2")
"""Grade bars sampled besides the run's own (keep-all by default), as ``--grade-bars``."""
KENT_SPREAD = {
    "almost certain": 0.06,
    "probable": 0.12,
    "chances about even": 0.10,
    "probably not": 0.10,
    "almost certainly not": 0.05,
}
"""Half the width of the range Kent (1964) gave each word: almost certain 93 % give or take
about 6 %, probable 75 % about 12 %, chances about even 50 % about 10 %, probably not 30 %
about 10 %, almost certainly not 7 % about 5 %."""
TABLES = ("nominal", "low", "high")
"""The grade tables: the run's, and every probability at the low or the high end of the
range of Kent's word nearest it."""
SPACING_FACTORS = (1.0, 0.7, 1.4)
"""Level spacings, as factors of the run's: early steps count more (0.7) or late ones (1.4)."""
LOWEST_PROBABILITY = 0.01
"""A moved probability stays at least this (a grade's probability must be above 0)."""


def table_at(table: Mapping[str, float], side: str) -> dict[str, float]:
    """A grade table with each probability at the ``side`` (nominal, low, high) of the range
    of Kent's word nearest it."""
    if side == "nominal":
        return dict(table)
    sign = -1.0 if side == "low" else 1.0

    def moved(p: float) -> float:
        word = min(KENT_ESTIMATIVE, key=lambda w: (abs(KENT_ESTIMATIVE[w] - p), w))
        return round(min(1.0, max(LOWEST_PROBABILITY, p + sign * KENT_SPREAD[word])), 6)

    return {key: moved(p) for key, p in table.items()}


def method_variant(method: MethodSettings, table: str, spacing: float) -> MethodSettings:
    """The method with a grade table and a level spacing factor applied."""
    return method.model_copy(
        update={
            "reliability": table_at(method.reliability, table),
            "credibility": table_at(method.credibility, table),
            "level_spacing": min(10.0, method.level_spacing * spacing),
        }
    )


@dataclass(frozen=True)
class Choices:
    """The grade bars, tables and spacing factors scored, the nominal one first."""

    bars: tuple[str | None, ...]
    tables: tuple[str, ...]
    spacings: tuple[float, ...]

    @classmethod
    def of(cls, nominal: str | None, bars: Sequence[str], vary: Collection[str]) -> Choices:
        """The nominal bar, table and spacing, and the others of the groups that vary."""
        return cls(
            bars=tuple(dict.fromkeys([nominal, *(bars if "bar" in vary else ())])),
            tables=TABLES if "table" in vary else TABLES[:1],
            spacings=SPACING_FACTORS if "spacing" in vary else SPACING_FACTORS[:1],
        )


def build_problem(
    agenda: Agenda,
    host: PluginHost,
    *,
    as_of: dt.date,
    focus: str | None = None,
    subjects: Sequence[str] | None = None,
    min_grade: str | None = None,
    grade_bars: Sequence[str] = GRADE_BARS,
    weights: Mapping[str, float] | None = None,
    aggregation: str = "arithmetic",
    method: MethodSettings = DEFAULT_METHOD,
    vary: Collection[str] = GROUPS,
) -> SensitivityProblem:
    """The problem of an agenda, with the defaults of ``renewal-score sensitivity``.

    ``focus`` defaults to the engine's default subject, ``subjects`` to the focus alone.
    Grade bars: ``min_grade`` (None: keep every record) first, then ``grade_bars``, each a
    grade whose probability is taken under each grade table. Methods: ``aggregation`` (for
    both levels) first, then every other method registered, built-in or a plugin's, checked
    as the engine checks them. Weights: the agenda's, overridden by ``weights``. Bars, tables
    and spacings whose group is not in ``vary`` are scored at the nominal choice alone."""
    focus_id = focus or default_subject(agenda)
    chosen = [focus_id] if subjects is None else list(subjects)
    if focus_id not in chosen:
        raise ValueError(f"the focus subject {focus_id!r} is not among the subjects analysed")
    options = RunOptions(
        as_of=as_of,
        weights=dict(weights or {}),
        criteria_aggregation=aggregation,
        priorities_aggregation=aggregation,
        method=method,
    )
    plan = plan_of(agenda, host, options)  # checks the weights and the method as a run does
    aggregators = host.aggregations()
    choices = Choices.of(min_grade, grade_bars, vary)
    priorities = list(agenda.priorities)
    criteria = [c.id for p in priorities for c in agenda.criteria_of(p)]
    scored = _scored(agenda, host, options, chosen, criteria, choices)
    return SensitivityProblem(
        subjects=tuple(chosen),
        priorities=tuple(priorities),
        criteria=tuple(criteria),
        membership=np.array([priorities.index(agenda.criteria[c].priority) for c in criteria]),
        scores=scored[0],
        rated=scored[1],
        beliefs=scored[2],
        criterion_weights=np.array([plan.within[agenda.criteria[c].priority][c] for c in criteria]),
        priority_weights=np.array([plan.priority_weights[p] for p in priorities]),
        targets=np.array(list(_targets(agenda, method).values())),
        thresholds=tuple(_bar(method, grade) for grade in choices.bars),
        tables=choices.tables,
        spacings=tuple(min(10.0, method.level_spacing * g) for g in choices.spacings),
        methods=(aggregation, *sorted(set(aggregators) - {aggregation}, key=_method_order)),
        aggregators=aggregators,
        method=method,
        focus=chosen.index(focus_id),
        manifest=_manifest(agenda, host, options, min_grade, choices.bars),
    )


def _method_order(name: str) -> tuple[int, str]:
    """The built-in methods in their order, then plugins' by name."""
    return (METHODS.index(name), "") if name in METHODS else (len(METHODS), name)


def _bar(method: MethodSettings, grade: str | None) -> float:
    """The probability of a grade bar, rounded as a run's --min-grade (None: keep all)."""
    return 0.0 if grade is None else round(method.support(grade), PRECISION)


def _scored(
    agenda: Agenda,
    host: PluginHost,
    options: RunOptions,
    subjects: Sequence[str],
    criteria: Sequence[str],
    choices: Choices,
) -> tuple[Any, Any, Beliefs]:
    """Central scores as aggregated [V, S, C], whether evidence rates each, and beliefs.

    Records are selected once per grade bar and table (the spacing does not select); a
    criterion whose records are the same under two bars is scored once."""
    tables, spacings = choices.tables, choices.spacings
    shape = (len(choices.bars) * len(tables) * len(spacings), len(subjects), len(criteria))
    scores = np.full(shape, np.nan)
    rated = np.zeros(shape, dtype=np.bool_)
    beliefs: list[Distribution | None] = [None] * int(np.prod(shape))
    cache: dict[tuple[object, ...], Assessment] = {}
    for (b, bar), (t, table) in itertools.product(enumerate(choices.bars), enumerate(tables)):
        grades = method_variant(options.method, table, 1.0)
        run = RunOptions(
            as_of=options.as_of, weights=options.weights, min_grade=_bar(grades, bar), method=grades
        )
        for s, subject in enumerate(subjects):
            chosen = select(agenda, replace(run, subject=subject))
            for g, spacing in enumerate(spacings):
                variant = method_variant(options.method, table, spacing)
                context = chosen.context.model_copy(update={"method": variant})
                v = (b * len(tables) + t) * len(spacings) + g
                for c, criterion_id in enumerate(criteria):
                    criterion = agenda.criteria[criterion_id]
                    evidence = chosen.evidence[criterion_id], chosen.observations[criterion_id]
                    key = (
                        subject,
                        criterion_id,
                        table,
                        spacing,
                        *(tuple(r.id for r in e) for e in evidence),
                    )
                    if key not in cache:
                        cache[key] = host.score_criterion(criterion, *evidence, context)[1]
                    value = aggregated_value(cache[key].score, variant)
                    scores[v, s, c] = np.nan if value is None else value
                    rated[v, s, c] = cache[key].score is not None
                    beliefs[(v * len(subjects) + s) * len(criteria) + c] = belief_of(
                        criterion, cache[key], variant
                    )
    return scores, rated, _beliefs(beliefs, shape)


def _beliefs(found: Sequence[Distribution | None], shape: tuple[int, ...]) -> Beliefs:
    """Distributions as padded arrays: values ascending, cumulative probabilities to 1."""
    levels = max((len(b) for b in found if b), default=1)
    values = np.full((len(found), levels), np.nan)
    cumulative = np.ones((len(found), levels))
    for i, belief in enumerate(found):
        if not belief:
            continue
        points = sorted(belief)
        total = sum(p for _, p in points)
        values[i, : len(points)] = [v for v, _ in points]
        values[i, len(points) :] = points[-1][0]
        cumulative[i, : len(points)] = np.cumsum([p for _, p in points]) / total
        cumulative[i, len(points) - 1 :] = 1.0
    return Beliefs(values.reshape(*shape, levels), cumulative.reshape(*shape, levels))


def _manifest(
    agenda: Agenda,
    host: PluginHost,
    options: RunOptions,
    min_grade: str | None,
    bars: Sequence[str | None],
) -> dict[str, Any]:
    """What is needed to reproduce the analysis besides its settings and seed."""
    return {
        "renewal_score_version": __version__,
        "as_of": options.as_of.isoformat(),
        "plugins": [
            {"name": p.name, "version": p.version, "source": p.source} for p in host.plugins
        ],
        "evidence_records": len(agenda.evidence) + len(agenda.observations),
        "evidence_sha256": agenda.digest,
        "weights": dict(options.weights),
        "aggregation": options.criteria_aggregation,
        "min_grade": min_grade,
        "grade_bars": [b for b in bars if b is not None],
        "method": options.method.model_dump(mode="json"),
    }
