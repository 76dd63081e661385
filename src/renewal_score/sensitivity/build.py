"""The problem of an agenda: every criterion scored by the engine's scorer (through the
``score_criterion`` hook, so that recency and plugin scorers apply) under each variant of the
method — each grade bar, grade table and level spacing — with its reading and its belief."""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from renewal_score import __version__
from renewal_score.agenda import Agenda, evidence_order
from renewal_score.analysis import GRADE_BARS
from renewal_score.engine import (
    CORE_SCORER,
    _targets,  # the engine's rule for each priority's target
)
from renewal_score.method import DEFAULT_METHOD, KENT_ESTIMATIVE, MethodSettings, ScoringContext
from renewal_score.models import Criterion, Evidence, Observation
from renewal_score.options import RunOptions
from renewal_score.plan import aggregated_value, belief_of, plan_of
from renewal_score.plugins import PluginHost
from renewal_score.readings import rubric_cases
from renewal_score.results import Assessment
from renewal_score.scoring import PRECISION, content_of_reports
from renewal_score.selection import counted_observations, default_subject, select
from renewal_score.sensitivity.problem import METHODS, Beliefs, SensitivityProblem
from renewal_score.sensitivity.sampling import GROUPS
from renewal_score.uncertainty import Distribution

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

    Records are selected once per grade bar and table (the spacing does not select). Each
    distinct case is scored once: a criterion whose records are the same under two bars,
    and, for the core scorer, any two criteria and subjects whose records read alike
    (``_cases_by_content``)."""
    tables, spacings = choices.tables, choices.spacings
    shape = (len(choices.bars) * len(tables) * len(spacings), len(subjects), len(criteria))
    variants = {
        (t, g): method_variant(options.method, table, spacing)
        for (t, table), (g, spacing) in itertools.product(enumerate(tables), enumerate(spacings))
    }
    contents: dict[tuple[object, ...], int] = {}  # each distinct case, numbered
    cases: dict[tuple[int, int, int], int] = {}  # (table, spacing, content) -> outcome
    outcomes: list[tuple[float, bool, Distribution | None]] = []
    case_of = np.zeros(shape, dtype=np.intp)
    by_content = host.scorers() == [CORE_SCORER]  # another scorer may read ids or dates
    cases_of = _cases_by_content if by_content else _cases_by_records
    for (b, bar), t in itertools.product(enumerate(choices.bars), range(len(tables))):
        grades = variants[t, 0]
        run = RunOptions(
            as_of=options.as_of, weights=options.weights, min_grade=_bar(grades, bar), method=grades
        )
        for s, (subject, found) in enumerate(cases_of(agenda, run, subjects, criteria)):
            numbers = [contents.setdefault(key, len(contents)) for key, _ in found]
            for g in range(len(spacings)):
                variant = variants[t, g]
                v = (b * len(tables) + t) * len(spacings) + g
                for c, (_, inputs) in enumerate(found):
                    if (t, g, numbers[c]) not in cases:
                        criterion = agenda.criteria[criteria[c]]
                        context = ScoringContext(as_of=run.as_of, subject=subject, method=variant)
                        _, scored = host.score_criterion(criterion, *inputs(), context)
                        cases[t, g, numbers[c]] = len(outcomes)
                        outcomes.append(_outcome(criterion, scored, variant))
                    case_of[v, s, c] = cases[t, g, numbers[c]]
    values = np.array([o[0] for o in outcomes] or [np.nan])
    rated = np.array([o[1] for o in outcomes] or [False])
    return values[case_of], rated[case_of], _beliefs([o[2] for o in outcomes], case_of)


def _outcome(
    criterion: Criterion, assessment: Assessment, variant: MethodSettings
) -> tuple[float, bool, Distribution | None]:
    """A case's score as aggregated (NaN: none), whether evidence rates it, and its belief."""
    value = aggregated_value(assessment.score, variant)
    return (
        np.nan if value is None else value,
        assessment.score is not None,
        belief_of(criterion, assessment, variant),
    )


Inputs = Callable[[], tuple[Sequence[Evidence], Sequence[Observation]]]
"""A case's counted evidence and observations, made when the case is first scored."""

Case = tuple[tuple[object, ...], Inputs]
"""What a criterion's score depends on, besides the level spacing, and its inputs."""


def _cases_by_content(
    agenda: Agenda, run: RunOptions, subjects: Sequence[str], criteria: Sequence[str]
) -> Iterator[tuple[str, list[Case]]]:
    """Each subject's cases for the core scorer: a rubric criterion's by what the scorer
    reads of its records (``readings.rubric_cases``, from the evidence columns), shared by
    subjects and criteria alike; an indicator's by criterion, subject and observations."""
    by_rows = rubric_cases(agenda, run, subjects)
    for subject in subjects:
        measured = counted_observations(agenda, run, subject) if agenda.observations else {}
        found: list[Case] = []
        for criterion_id in criteria:
            criterion = agenda.criteria[criterion_id]
            if criterion.indicator is not None:
                observations = measured.get(criterion_id, [])
                key = (criterion_id, subject, tuple(o.id for o in observations))
                found.append((key, functools.partial(_given, [], observations)))
                continue
            content, rows = by_rows.get((subject, criterion_id), (None, []))
            if content is None:
                content = content_of_reports(criterion, [])
            found.append((content, functools.partial(_records_of, agenda, rows)))
        yield subject, found


def _cases_by_records(
    agenda: Agenda, run: RunOptions, subjects: Sequence[str], criteria: Sequence[str]
) -> Iterator[tuple[str, list[Case]]]:
    """Each subject's cases for any scorer: by criterion, subject and the very records."""
    for subject in subjects:
        chosen = select(agenda, replace(run, subject=subject))
        found: list[Case] = []
        for c in criteria:
            evidence, observations = chosen.evidence[c], chosen.observations[c]
            key = (c, subject, tuple(r.id for r in evidence), tuple(o.id for o in observations))
            found.append((key, functools.partial(_given, evidence, observations)))
        yield subject, found


def _given(
    evidence: Sequence[Evidence], observations: Sequence[Observation]
) -> tuple[Sequence[Evidence], Sequence[Observation]]:
    return evidence, observations


def _records_of(agenda: Agenda, rows: Sequence[int]) -> tuple[list[Evidence], list[Observation]]:
    """The records of the rows as models, in the order they apply (as ``select`` gives)."""
    return sorted(agenda.evidence.pick(rows), key=evidence_order), []


def _beliefs(found: Sequence[Distribution | None], case_of: Any) -> Beliefs:
    """Distributions as padded arrays: values ascending, cumulative probabilities to 1;
    ``found`` holds each case's, ``case_of`` the case of each cell."""
    levels = max((len(b) for b in found if b), default=1)
    values = np.full((max(len(found), 1), levels), np.nan)
    cumulative = np.ones((max(len(found), 1), levels))
    for i, belief in enumerate(found):
        if not belief:
            continue
        points = sorted(belief)
        total = sum(p for _, p in points)
        values[i, : len(points)] = [v for v, _ in points]
        values[i, len(points) :] = points[-1][0]
        cumulative[i, : len(points)] = np.cumsum([p for _, p in points]) / total
        cumulative[i, len(points) - 1 :] = 1.0
    return Beliefs(values[case_of], cumulative[case_of])


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
