"""Scoring run: agenda -> criterion scores -> priority scores -> overall index -> scorecard.

Each stage only reads the output of the one before it; the formulas are in
docs/methodology.md and in the docstrings of ``scoring`` and ``aggregation``.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from renewal_score import __version__
from renewal_score.agenda import Agenda
from renewal_score.aggregation import Aggregator, normalise
from renewal_score.errors import UsageError
from renewal_score.models import (
    Coverage,
    Criterion,
    CriterionScore,
    Evidence,
    ExcludedEvidence,
    Manifest,
    Method,
    Observation,
    OverallScore,
    PluginVersion,
    PriorityScore,
    Scorecard,
    ScoringContext,
    SkippedPlugin,
    Status,
    event_date_span,
)
from renewal_score.plugins import PluginHost
from renewal_score.records import Columns
from renewal_score.scoring import PRECISION, Step, fold_evidence

RecordT = TypeVar("RecordT", Evidence, Observation)

STATUS_BANDS = {"on track": 50.0, "signs of progress": 25.0}
"""Lowest score for each status below "achieved" (score >= the priority's target)."""

METHOD_DESCRIPTION = (
    "Criterion score: rubric score from graded evidence in date order, each record moving it a "
    "fraction w of the way to the level it shows (x <- x + w*max(0, s-x) for an advance, "
    "x <- x + w*(s-x) for a setback; w = reliability x credibility of the grade). "
    "Quantitative criteria: 100 x the mean of their components' latest values normalised "
    "between fixed goalposts. "
    "Priority and overall scores: aggregation of the rated items with weights normalised to sum "
    "to 1. Say-do gap: percentage of grade-weighted evidence that is declaratory. "
    "See docs/methodology.md."
)


@dataclass(frozen=True)
class RunOptions:
    """What a scoring run is asked for.

    ``weights`` overrides the weight of priorities and criteria by id.
    ``criteria_aggregation`` names the aggregator of criteria into priorities,
    ``priorities_aggregation`` that of priorities into the overall index.
    ``min_grade_weight`` leaves out evidence whose grade weight is below it.
    """

    as_of: dt.date
    subject: str | None = None
    weights: Mapping[str, float] = field(default_factory=dict)
    criteria_aggregation: str = "arithmetic"
    priorities_aggregation: str = "arithmetic"
    min_grade_weight: float = 0.0


def default_subject(agenda: Agenda) -> str:
    """The subject with the most evidence records (ties: the first id in sort order)."""
    counts = Counter(agenda.evidence.columns.subject)
    if not counts:
        if not agenda.subjects:
            raise UsageError("no subject is declared by any plugin, so there is nothing to score")
        return min(agenda.subjects)
    return min(counts, key=lambda subject: (-counts[subject], subject))


@dataclass(frozen=True)
class Selection:
    """The records that count for one subject, by criterion, and why the others do not."""

    context: ScoringContext
    evidence: dict[str, list[Evidence]]
    observations: dict[str, list[Observation]]
    reasons: Counter[str]


def select(agenda: Agenda, options: RunOptions) -> Selection:
    """The subject's records that count under the options, in the order they apply."""
    subject_id = options.subject or default_subject(agenda)
    if subject_id not in agenda.subjects:
        known = ", ".join(sorted(agenda.subjects))
        raise UsageError(f"unknown subject {subject_id!r} (known: {known})")
    context = ScoringContext(as_of=options.as_of, subject=subject_id)
    evidence, observations = agenda.records_of(subject_id)
    reasons: Counter[str] = Counter(
        other_subject=len(agenda.evidence)
        + len(agenda.observations)
        - len(evidence)
        - len(observations)
    )
    return Selection(
        context,
        _select(evidence, agenda, context, options.min_grade_weight, reasons),
        _select(observations, agenda, context, options.min_grade_weight, reasons),
        reasons,
    )


def criterion_scores(
    agenda: Agenda, host: PluginHost, options: RunOptions, subjects: Sequence[str]
) -> dict[str, dict[str, float | None]]:
    """Each criterion's score for each subject, without building scorecards (for analyses of
    many subjects or settings); the numbers are those of ``build_scorecard``.

    When the core scorer is the only one, rubric criteria are scored straight from the
    evidence columns, without a model per record. A plugin's scorer is given models, as
    ever.
    """
    if host.scorers() != [CORE_SCORER]:
        return {
            subject: _criterion_scores_of(agenda, host, replace(options, subject=subject))
            for subject in subjects
        }
    from_columns = _rubric_scores(agenda, options, subjects)
    measured = [c for c in agenda.criteria.values() if c.indicator is not None]
    scores = {}
    for subject in subjects:
        scores[subject] = {c: from_columns.get((subject, c)) for c in agenda.criteria}
        if measured:
            context = ScoringContext(as_of=options.as_of, subject=subject)
            observations = agenda.observations_of(subject)
            counted = _select(observations, agenda, context, options.min_grade_weight, Counter())
            for criterion in measured:
                _, assessment = host.score_criterion(criterion, [], counted[criterion.id], context)
                scores[subject][criterion.id] = assessment.score
    return scores


CORE_SCORER = "renewal_score.scoring"


def _criterion_scores_of(
    agenda: Agenda, host: PluginHost, options: RunOptions
) -> dict[str, float | None]:
    chosen = select(agenda, options)
    return {
        criterion.id: host.score_criterion(
            criterion,
            chosen.evidence[criterion.id],
            chosen.observations[criterion.id],
            chosen.context,
        )[1].score
        for criterion in agenda.criteria.values()
    }


LONG_RUN = 256
"""Records of one subject and criterion beyond which they are folded one by one: the
vectorised fold takes one round per record of the longest run it is given."""


def _rubric_scores(
    agenda: Agenda, options: RunOptions, subjects: Sequence[str]
) -> dict[tuple[str, str], float]:
    """The core scorer's score of each rubric criterion with counted evidence, by (subject,
    criterion), from the evidence columns: the records ``select`` counts, in its order.

    The fold runs over every (subject, criterion) run at once, one round per position in
    the run, with the float operations of ``scoring.fold_evidence`` in the same order, so
    the scores are the same to the bit.
    """
    import numpy as np

    columns = agenda.evidence.columns
    criteria = list(agenda.criteria.values())
    grade_weights = ScoringContext(as_of=options.as_of, subject="any").grade_weights()
    subject_index = {subject: i for i, subject in enumerate(subjects)}
    criterion_index = {c.id: i for i, c in enumerate(criteria)}
    level_index = {level: i for i, level in enumerate({lv.id for c in criteria for lv in c.rubric})}
    level_scores = np.zeros((len(criteria), len(level_index)))
    for c, criterion in enumerate(criteria):
        for k, level in enumerate(criterion.rubric):
            level_scores[c, level_index[level.id]] = criterion.level_score(k)
    effective = {d: event_date_span(d)[1].toordinal() for d in set(columns.date)}

    def column(values: Iterable[object], dtype: type = np.int64) -> Any:
        return np.fromiter(values, dtype, len(columns.id))

    subject = column(map(subject_index.get, columns.subject, itertools.repeat(-1)))
    criterion = column(map(criterion_index.__getitem__, columns.criterion))
    day = column(map(effective.__getitem__, columns.date))
    weight = column(map(grade_weights.__getitem__, columns.grade), float)
    setback = column(map("setback".__eq__, columns.effect), bool)
    earliest = np.array([_earliest_counted(c, options.as_of) for c in criteria], np.int64)
    counted = np.flatnonzero(
        (subject >= 0)
        & (day >= earliest[criterion])
        & (day <= options.as_of.toordinal())
        & (weight >= options.min_grade_weight)
    )
    # One integer key per record, (subject, criterion, day, setback) from high bits to low:
    # day ordinals are below 2**22, so it fits 63 bits up to 2**40 subject-criterion pairs.
    key = (((subject * len(criteria) + criterion) << 23) + day << 1) + setback
    order = counted[np.argsort(key[counted], kind="stable")]
    _order_ties_by_id(order, key[order][1:] == key[order][:-1], columns.id)
    group = subject[order] * len(criteria) + criterion[order]
    starts = np.flatnonzero(np.diff(group, prepend=-1))
    lengths = np.diff(starts, append=len(order))
    level = column(map(level_index.__getitem__, columns.level))
    target = level_scores[criterion[order], level[order]]
    step_weight, advance = weight[order], ~setback[order]
    score = np.zeros(len(starts))
    by_length = np.argsort(-lengths, kind="stable")
    short = by_length[lengths[by_length] <= LONG_RUN]
    for k in range(int(lengths[short[0]]) if len(short) else 0):
        active = short[: np.searchsorted(-lengths[short], -k, side="left")]
        at = starts[active] + k
        gap = target[at] - score[active]
        score[active] += step_weight[at] * np.where(advance[at], np.maximum(gap, 0.0), gap)
    scores = {}
    runs = zip(
        group[starts].tolist(), starts.tolist(), lengths.tolist(), score.tolist(), strict=True
    )
    for g, start, length, value in runs:
        rubric = criteria[g % len(criteria)]
        if length > LONG_RUN:
            rows = order[start : start + length].tolist()
            value = fold_evidence(rubric, _steps(columns, rows, rubric, grade_weights)).score
        scores[subjects[g // len(criteria)], rubric.id] = round(value, PRECISION)
    return scores


def _order_ties_by_id(order: Any, tied: Any, ids: list[str]) -> None:
    """Sort each run of ``order`` whose neighbours are ``tied`` by record id, in place."""
    import numpy as np

    edges = np.diff(tied.astype(np.int8), prepend=0, append=0)
    for first, last in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True):
        order[first : last + 1] = sorted(order[first : last + 1].tolist(), key=ids.__getitem__)


def _steps(
    columns: Columns, rows: list[int], criterion: Criterion, grade_weights: dict[str, float]
) -> Iterator[Step]:
    """The fold steps of the given rows of the evidence columns."""
    level_of = {level.id: index for index, level in enumerate(criterion.rubric)}
    for row in rows:
        yield (
            grade_weights[columns.grade[row]],
            level_of[columns.level[row]],
            columns.effect[row] == "advance",
            columns.kind[row] == "concrete",
            columns.id[row],
        )


def subject_scores(
    agenda: Agenda, host: PluginHost, options: RunOptions, subjects: Sequence[str]
) -> dict[str, tuple[dict[str, float | None], float | None]]:
    """Each subject's priority scores and overall index, as ``build_scorecard`` computes
    them, without building scorecards (for comparisons of many subjects)."""
    combine_criteria, combine_priorities = _aggregators(host, options)
    priority_weights, weights_within = _weighting(agenda, options)
    results = {}
    for subject, scores in criterion_scores(agenda, host, options, subjects).items():
        priorities = {
            priority: _mean_of(combine_criteria, [scores[c] for c in weights], [*weights.values()])
            for priority, weights in weights_within.items()
        }
        overall = _mean_of(
            combine_priorities, [*priorities.values()], [priority_weights[p] for p in priorities]
        )
        results[subject] = (priorities, overall)
    return results


def _aggregators(host: PluginHost, options: RunOptions) -> tuple[Aggregator, Aggregator]:
    """The aggregation of criteria into priorities, and of priorities into the overall index."""
    aggregators = host.aggregations()
    return (
        _aggregator(aggregators, options.criteria_aggregation),
        _aggregator(aggregators, options.priorities_aggregation),
    )


def _weighting(
    agenda: Agenda, options: RunOptions
) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """Priority weights, and criterion weights within each priority, normalised to sum to 1."""

    def weight_of(item_id: str, nominal: float) -> float:
        return options.weights.get(item_id, nominal)

    priorities = normalise(
        {p.id: weight_of(p.id, p.weight) for p in agenda.priorities.values()}, "priorities"
    )
    within = {
        p.id: normalise({c.id: weight_of(c.id, c.weight) for c in agenda.criteria_of(p.id)}, p.id)
        for p in agenda.priorities.values()
    }
    return priorities, within


def build_scorecard(agenda: Agenda, host: PluginHost, options: RunOptions) -> Scorecard:
    """Score every criterion and priority of the agenda for one subject as of one date."""
    chosen = select(agenda, options)
    context, reasons = chosen.context, chosen.reasons
    subject_id = context.subject
    by_criterion, measured = chosen.evidence, chosen.observations
    tallies = {
        c: tally([*by_criterion[c], *measured[c]], context) for c in {*by_criterion, *measured}
    }
    combine_criteria, combine_priorities = _aggregators(host, options)
    priority_weights, weights_within = _weighting(agenda, options)
    criterion_weights: dict[str, float] = {}
    priorities = []
    for priority in agenda.priorities.values():
        members = agenda.criteria_of(priority.id)
        weights = weights_within[priority.id]
        criterion_weights.update(weights)
        criteria = []
        for criterion in members:
            plugin, assessment = host.score_criterion(
                criterion, by_criterion[criterion.id], measured[criterion.id], context
            )
            criteria.append(
                CriterionScore(
                    id=criterion.id,
                    title=criterion.title,
                    priority=priority.id,
                    scored_by=plugin,
                    weight=round(weights[criterion.id], PRECISION),
                    coverage=tallies.get(criterion.id, EMPTY_TALLY).coverage,
                    **dict(assessment),
                )
            )
        weighed = [tallies.get(c.id, EMPTY_TALLY) for c in members]
        priorities.append(
            _priority_score(
                priority.id,
                priority.title,
                priority.target,
                priority_weights[priority.id],
                criteria,
                [weights[c.id] for c in members],
                weighed,
                combine_criteria,
            )
        )

    ranked = _rank(priorities)
    overall = _overall(
        ranked, [priority_weights[p.id] for p in ranked], list(tallies.values()), combine_priorities
    )
    method = Method(
        aggregation=_aggregation_name(options),
        priority_weights=_rounded_all(priority_weights),
        criterion_weights=_rounded_all(criterion_weights),
        reliability_weights=context.reliability_weights,
        credibility_weights=context.credibility_weights,
        min_grade_weight=options.min_grade_weight,
        status_bands=STATUS_BANDS,
        plugins=tuple(f"{p.name} {p.version}".strip() for p in host.plugins),
        description=METHOD_DESCRIPTION,
    )
    return Scorecard(
        as_of=options.as_of,
        subject=agenda.subjects[subject_id],
        overall=overall,
        method=method,
        priorities=tuple(ranked),
        ranking=tuple(p.id for p in sorted(ranked, key=lambda p: p.rank)),
        excluded=ExcludedEvidence(**reasons),
        skipped_plugins=tuple(SkippedPlugin(name=n, reason=r) for n, r in host.skipped),
        manifest=Manifest(
            renewal_score_version=__version__,
            as_of=options.as_of,
            subject=subject_id,
            plugins=tuple(
                PluginVersion(name=p.name, version=p.version, source=p.source) for p in host.plugins
            ),
            weights=dict(options.weights),
            criteria_aggregation=options.criteria_aggregation,
            priorities_aggregation=options.priorities_aggregation,
            min_grade_weight=options.min_grade_weight,
            evidence_records=len(agenda.evidence) + len(agenda.observations),
            evidence_sha256=agenda.digest,
        ),
    )


@dataclass(frozen=True)
class Tally:
    """The records behind one criterion, counted once for coverage and the say-do gap."""

    coverage: Coverage
    weight: float
    """Sum of the records' grade weights."""
    declared: float
    """Sum of the grade weights of declaratory records."""


EMPTY_TALLY = Tally(Coverage(records=0, concrete=0, declaratory=0, grades={}, newest=None), 0, 0)


def tally(records: Sequence[Evidence | Observation], context: ScoringContext) -> Tally:
    """Counts of a criterion's records by kind and grade, the newest date, and the weights."""
    grades: Counter[str] = Counter()
    grade_weights = context.grade_weights()
    weight = declared = 0.0
    declaratory = 0
    for record in records:
        grades[record.grade] += 1
        grade_weight = grade_weights[record.grade]
        weight += grade_weight
        if record.kind == "declaratory":
            declaratory += 1
            declared += grade_weight
    newest = max(records, key=lambda r: (r.effective_date, r.id), default=None)
    coverage = Coverage(
        records=len(records),
        concrete=len(records) - declaratory,
        declaratory=declaratory,
        grades=dict(sorted(grades.items())),
        newest=newest.date if newest else None,
    )
    return Tally(coverage, weight, declared)


def say_do_gap(tallies: Sequence[Tally]) -> float | None:
    """Percentage of the grade-weighted records that is declaratory (None without weight)."""
    weight = sum(t.weight for t in tallies)
    return round(100.0 * sum(t.declared for t in tallies) / weight, PRECISION) if weight else None


def _aggregator(aggregators: Mapping[str, Aggregator], name: str) -> Aggregator:
    if name not in aggregators:
        raise UsageError(f"unknown aggregation {name!r} (known: {', '.join(sorted(aggregators))})")
    return aggregators[name]


def _aggregation_name(options: RunOptions) -> str:
    if options.criteria_aggregation == options.priorities_aggregation:
        return options.criteria_aggregation
    return f"criteria: {options.criteria_aggregation}; priorities: {options.priorities_aggregation}"


def _select(
    records: Sequence[RecordT],
    agenda: Agenda,
    context: ScoringContext,
    min_grade_weight: float,
    reasons: Counter[str],
) -> dict[str, list[RecordT]]:
    """The subject's records that count, by criterion in the order they apply; ``reasons``
    counts the others by why they were left out (nothing is dropped silently)."""
    counted: dict[str, list[RecordT]] = defaultdict(list)
    for record in records:
        valid_years = agenda.criteria[record.criterion].valid_years
        if record.effective_date > context.as_of:
            reasons["after_as_of"] += 1
        elif context.grade_weight(record.grade) < min_grade_weight:
            reasons["below_grade"] += 1
        elif valid_years is not None and record.effective_date < _years_before(
            context.as_of, valid_years
        ):
            reasons["expired"] += 1
        else:
            counted[record.criterion].append(record)
    return counted


def _earliest_counted(criterion: Criterion, as_of: dt.date) -> int:
    """The first day (ordinal) whose evidence counts for the criterion's rubric score."""
    if criterion.indicator is not None:  # scored from observations: evidence never counts
        return as_of.toordinal() + 1
    if criterion.valid_years is None:
        return dt.date.min.toordinal()
    return _years_before(as_of, criterion.valid_years).toordinal()


def _years_before(day: dt.date, years: float) -> dt.date:
    return day - dt.timedelta(days=round(365.25 * years))


def _mean_of(
    combine: Aggregator, values: Sequence[float | None], weights: Sequence[float]
) -> float | None:
    """Aggregate the rated values (None is left out) with their weights renormalised."""
    pairs = [(v, w) for v, w in zip(values, weights, strict=True) if v is not None and w > 0]
    total = sum(w for _, w in pairs)
    if total <= 0:
        return None
    return round(combine([v for v, _ in pairs], [w / total for _, w in pairs]), PRECISION)


def _priority_score(
    priority_id: str,
    title: str,
    target: float,
    weight: float,
    criteria: list[CriterionScore],
    weights: list[float],
    tallies: Sequence[Tally],
    combine: Aggregator,
) -> PriorityScore:
    score = _mean_of(combine, [c.score for c in criteria], weights)
    return PriorityScore(
        id=priority_id,
        title=title,
        weight=round(weight, PRECISION),
        score=score,
        target=target,
        gap=None if score is None else round(max(0.0, target - score), PRECISION),
        status=status_of(score, target),
        confidence=_confidence([c.confidence for c in criteria], weights),
        evidence_count=sum(t.coverage.records for t in tallies),
        say_do_gap=say_do_gap(tallies),
        concrete_score=_mean_of(combine, [c.concrete_score for c in criteria], weights),
        rank=0,
        criteria=tuple(criteria),
    )


def _confidence(values: Sequence[float], weights: Sequence[float]) -> float:
    """Weighted mean confidence; unrated items count with confidence 0."""
    total = sum(weights)
    return (
        round(sum(v * w for v, w in zip(values, weights, strict=True)) / total, PRECISION)
        if total
        else 0.0
    )


def status_of(score: float | None, target: float) -> Status:
    """A status word in the manner of policy trackers, from the score and the target."""
    if score is None:
        return "cannot rate"
    if score >= target:
        return "achieved"
    if score >= STATUS_BANDS["on track"]:
        return "on track"
    if score >= STATUS_BANDS["signs of progress"]:
        return "signs of progress"
    return "stalled"


def _rank(priorities: list[PriorityScore]) -> list[PriorityScore]:
    """Rank 1 is where action is most needed: largest gap, then larger weight, then id.

    Priorities that cannot be rated rank last: the first action there is to find evidence.
    """
    order = sorted(priorities, key=lambda p: (p.gap is None, -(p.gap or 0.0), -p.weight, p.id))
    rank = {p.id: position for position, p in enumerate(order, start=1)}
    return [p.model_copy(update={"rank": rank[p.id]}) for p in priorities]


def _overall(
    priorities: list[PriorityScore],
    weights: list[float],
    tallies: Sequence[Tally],
    combine: Aggregator,
) -> OverallScore:
    return OverallScore(
        score=_mean_of(combine, [p.score for p in priorities], weights),
        concrete_score=_mean_of(combine, [p.concrete_score for p in priorities], weights),
        say_do_gap=say_do_gap(tallies),
        confidence=_confidence([p.confidence for p in priorities], weights),
        evidence_count=sum(t.coverage.records for t in tallies),
    )


def _rounded_all(values: Mapping[str, float]) -> dict[str, float]:
    return {key: round(value, PRECISION) for key, value in values.items()}
