"""Scoring run: agenda -> criterion scores -> priority scores -> overall index -> scorecard.

Each stage only reads the output of the one before it; the formulas are in
docs/methodology.md and in the docstrings of ``scoring`` and ``aggregation``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from renewal_score.agenda import Agenda
from renewal_score.aggregation import normalise, weighted_mean
from renewal_score.errors import UsageError
from renewal_score.models import (
    CriterionScore,
    Evidence,
    ExcludedEvidence,
    Method,
    OverallScore,
    PriorityScore,
    Scorecard,
    ScoringContext,
    Status,
)
from renewal_score.plugins import PluginHost
from renewal_score.scoring import PRECISION, declaratory_share

STATUS_BANDS = {"on track": 50.0, "signs of progress": 25.0}
"""Lowest score for each status below "achieved" (score >= the priority's target)."""

METHOD_DESCRIPTION = (
    "Criterion score: expected rubric score from graded evidence in date order "
    "(x <- x + w*max(0, s-x) for an advance, x <- x - w*max(0, x-s) for a setback, "
    "w = reliability x credibility of the grade). Priority and overall scores: weighted "
    "arithmetic mean of the rated items, weights normalised to sum to 1. "
    "Say-do gap: percentage of grade-weighted evidence that is declaratory. "
    "See docs/methodology.md."
)


@dataclass(frozen=True)
class RunOptions:
    """What a scoring run is asked for."""

    as_of: dt.date
    subject: str | None = None


def default_subject(agenda: Agenda) -> str:
    """The subject with the most evidence records (ties: the first id in sort order)."""
    counts = Counter(record.subject for record in agenda.evidence)
    if not counts:
        if not agenda.subjects:
            raise UsageError("no subject is declared by any plugin, so there is nothing to score")
        return min(agenda.subjects)
    return min(counts, key=lambda subject: (-counts[subject], subject))


def build_scorecard(agenda: Agenda, host: PluginHost, options: RunOptions) -> Scorecard:
    """Score every criterion and priority of the agenda for one subject as of one date."""
    subject_id = options.subject or default_subject(agenda)
    if subject_id not in agenda.subjects:
        known = ", ".join(sorted(agenda.subjects))
        raise UsageError(f"unknown subject {subject_id!r} (known: {known})")
    context = ScoringContext(as_of=options.as_of, subject=subject_id)
    counted, excluded = _select(agenda.evidence, context)
    by_criterion: dict[str, list[Evidence]] = defaultdict(list)
    for record in sorted(counted, key=lambda r: (r.effective_date, r.id)):
        by_criterion[record.criterion].append(record)

    priority_weights = normalise({p.id: p.weight for p in agenda.priorities.values()}, "priorities")
    criterion_weights: dict[str, float] = {}
    priorities = []
    for priority in agenda.priorities.values():
        members = agenda.criteria_of(priority.id)
        weights = normalise({c.id: c.weight for c in members}, priority.id)
        criterion_weights.update(weights)
        criteria = []
        for criterion in members:
            plugin, assessment = host.score_criterion(
                criterion, by_criterion[criterion.id], context
            )
            criteria.append(
                CriterionScore(
                    id=criterion.id,
                    title=criterion.title,
                    priority=priority.id,
                    scored_by=plugin,
                    weight=round(weights[criterion.id], PRECISION),
                    **dict(assessment),
                )
            )
        records = [r for c in members for r in by_criterion[c.id]]
        priorities.append(
            _priority_score(
                priority.id,
                priority.title,
                priority.target,
                priority_weights[priority.id],
                criteria,
                records,
                context,
            )
        )

    ranked = _rank(priorities)
    overall = _overall(ranked, counted, context)
    method = Method(
        aggregation="weighted arithmetic mean",
        priority_weights={k: round(v, PRECISION) for k, v in priority_weights.items()},
        criterion_weights={k: round(v, PRECISION) for k, v in criterion_weights.items()},
        reliability_weights=context.reliability_weights,
        credibility_weights=context.credibility_weights,
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
        excluded=excluded,
    )


def _select(
    evidence: Sequence[Evidence], context: ScoringContext
) -> tuple[list[Evidence], ExcludedEvidence]:
    """The records that count for this subject and date, and how many were left out and why."""
    counted = []
    later = other = 0
    for record in evidence:
        if record.subject != context.subject:
            other += 1
        elif record.effective_date > context.as_of:
            later += 1
        else:
            counted.append(record)
    return counted, ExcludedEvidence(after_as_of=later, other_subject=other)


def _priority_score(
    priority_id: str,
    title: str,
    target: float,
    weight: float,
    criteria: list[CriterionScore],
    records: list[Evidence],
    context: ScoringContext,
) -> PriorityScore:
    weights = [c.weight for c in criteria]
    score = weighted_mean([c.score for c in criteria], weights)
    concrete = weighted_mean([c.concrete_score for c in criteria], weights)
    confidence = weighted_mean([c.confidence for c in criteria], weights) or 0.0
    return PriorityScore(
        id=priority_id,
        title=title,
        weight=round(weight, PRECISION),
        score=_rounded(score),
        target=target,
        gap=None if score is None else round(max(0.0, target - score), PRECISION),
        status=status_of(score, target),
        confidence=round(confidence, PRECISION),
        evidence_count=len(records),
        say_do_gap=declaratory_share(records, context),
        concrete_score=_rounded(concrete),
        rank=0,
        criteria=tuple(criteria),
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
    order = sorted(
        priorities,
        key=lambda p: (p.gap is None, -(p.gap or 0.0), -p.weight, p.id),
    )
    rank = {p.id: position for position, p in enumerate(order, start=1)}
    return [p.model_copy(update={"rank": rank[p.id]}) for p in priorities]


def _overall(
    priorities: list[PriorityScore], counted: list[Evidence], context: ScoringContext
) -> OverallScore:
    weights = [p.weight for p in priorities]
    return OverallScore(
        score=_rounded(weighted_mean([p.score for p in priorities], weights)),
        concrete_score=_rounded(weighted_mean([p.concrete_score for p in priorities], weights)),
        say_do_gap=declaratory_share(counted, context),
        confidence=round(
            weighted_mean([p.confidence for p in priorities], weights) or 0.0, PRECISION
        ),
        evidence_count=len(counted),
    )


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, PRECISION)
