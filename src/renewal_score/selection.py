"""Which records count in a run, and why the others do not: the one place that decides.

A record counts for a subject as of a date when it is about that subject, its effective date
has passed, its grade's probability reaches the run's bar and it has not expired under its
criterion's recency rule (``valid_years``). Records left out are counted by the first reason
that applies, so that nothing is dropped silently (methodology §2-3).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Literal, TypeVar

from renewal_score.agenda import Agenda
from renewal_score.errors import UsageError, did_you_mean
from renewal_score.escaping import echo
from renewal_score.method import ScoringContext
from renewal_score.models import Criterion, Evidence, Observation, event_date_span
from renewal_score.options import RunOptions

RecordT = TypeVar("RecordT", Evidence, Observation)
Reason = Literal["after_as_of", "below_grade", "expired"]

DAYS_PER_YEAR = 365.25
"""Recency windows count years of 365.25 days (the Julian year)."""


def default_subject(agenda: Agenda) -> str:
    """The subject with the most evidence records (ties: the first id in sort order)."""
    counts = Counter(agenda.evidence.columns.subject)
    if not counts:
        if not agenda.subjects:
            raise UsageError("no subject is declared by any plugin, so there is nothing to score")
        return min(agenda.subjects)
    return min(counts, key=lambda subject: (-counts[subject], subject))


def subject_of(agenda: Agenda, options: RunOptions) -> str:
    """The run's subject: the one asked for, which must exist, or the default."""
    return known_subject(agenda, options.subject or default_subject(agenda))


def known_subject(agenda: Agenda, subject: str) -> str:
    """``subject``, if the agenda declares it; else a UsageError with a hint."""
    if subject not in agenda.subjects:
        hint = did_you_mean(subject, agenda.subjects, list_known=True)
        raise UsageError(f"unknown subject {echo(subject)}{hint}")
    return subject


def earliest_counted(criterion: Criterion, as_of: dt.date) -> dt.date:
    """The first effective date that still counts for the criterion as of the date."""
    if criterion.valid_years is None:
        return dt.date.min
    return as_of - dt.timedelta(days=round(DAYS_PER_YEAR * criterion.valid_years))


def why_not_counted(
    day: dt.date, support: float, criterion: Criterion, options: RunOptions
) -> Reason | None:
    """Why a record of the run's subject with this effective date and grade probability does
    not count, or None when it counts."""
    if day > options.as_of:
        return "after_as_of"
    if support < options.min_grade:
        return "below_grade"
    if day < earliest_counted(criterion, options.as_of):
        return "expired"
    return None


@dataclass(frozen=True)
class Selection:
    """The records that count for one subject, by criterion, and why the others do not."""

    context: ScoringContext
    evidence: dict[str, list[Evidence]]
    observations: dict[str, list[Observation]]
    reasons: Counter[str]

    def counted(self) -> list[Evidence | Observation]:
        """Every record counted, criterion by criterion."""
        return [
            *(r for group in self.evidence.values() for r in group),
            *(r for group in self.observations.values() for r in group),
        ]


def select(agenda: Agenda, options: RunOptions) -> Selection:
    """The subject's records that count under the options, each criterion's oldest first."""
    subject = subject_of(agenda, options)
    context = ScoringContext(as_of=options.as_of, subject=subject, method=options.method)
    evidence, observations = agenda.records_of(subject)
    reasons: Counter[str] = Counter(
        other_subject=len(agenda.evidence)
        + len(agenda.observations)
        - len(evidence)
        - len(observations)
    )
    return Selection(
        context,
        _counted(evidence, agenda, options, reasons),
        _counted(observations, agenda, options, reasons),
        reasons,
    )


def _counted(
    records: Sequence[RecordT], agenda: Agenda, options: RunOptions, reasons: Counter[str]
) -> dict[str, list[RecordT]]:
    supports = options.method.supports()
    counted: dict[str, list[RecordT]] = {c: [] for c in agenda.criteria}
    for record in records:  # already in evidence order
        criterion = agenda.criteria[record.criterion]
        reason = why_not_counted(record.effective_date, supports[record.grade], criterion, options)
        if reason is None:
            counted[record.criterion].append(record)
        else:
            reasons[reason] += 1
    return counted


def counted_rows(
    agenda: Agenda, options: RunOptions, subjects: Collection[str]
) -> dict[tuple[str, str], list[tuple[int, int]]]:
    """``select`` for many subjects at once, on the evidence columns: the rows (positions in
    ``agenda.evidence``) that count, with their effective day as an ordinal, by subject and
    criterion. The rule (``why_not_counted``) is applied once per distinct date, grade and
    criterion, and looked up for each row."""
    columns = agenda.evidence.columns
    supports = options.method.supports()
    wanted = frozenset(subjects)  # a list would be searched for every row
    verdicts: dict[tuple[str, str, str], int | None] = {}
    counted: dict[tuple[str, str], list[tuple[int, int]]] = {}
    rows = zip(columns.subject, columns.criterion, columns.date, columns.grade, strict=True)
    for row, (subject, criterion, date, grade) in enumerate(rows):
        if subject not in wanted:
            continue
        key = (date, grade, criterion)
        if key not in verdicts:
            day = event_date_span(date)[1]
            reason = why_not_counted(day, supports[grade], agenda.criteria[criterion], options)
            verdicts[key] = day.toordinal() if reason is None else None
        day_counted = verdicts[key]
        if day_counted is not None:
            counted.setdefault((subject, criterion), []).append((row, day_counted))
    return counted


def counted_observations(
    agenda: Agenda, options: RunOptions, subject: str
) -> dict[str, list[Observation]]:
    """The subject's observations that count, by criterion (``select`` without evidence)."""
    return _counted(agenda.observations_of(subject), agenda, options, Counter())
