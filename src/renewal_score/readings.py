"""Criterion readings of many subjects at once, straight from the evidence columns.

``compare`` and ``sensitivity`` need each (subject, criterion)'s central score, not its
belief, for every subject. The core scorer reads each record through a model; here the
records are read from the columns (``records.Columns``) and only the steps of the reading
are taken: the same selection (``selection.counted_rows``), the same events
(``events.claims_of`` for an event of several reports; an event of one report is the
report, with the probability ``events.combined`` gives it) and the same fold
(``belief.reading_of``). So the scores are those of the core scorer to the bit
(``tests/test_many_subjects.py``). A record becomes a model only when its statement is
needed: when another record of its subject and criterion, without ``event``, has the same
date, level, effect, kind and source, so that only their statements tell whether they are
copies of one report.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping, Sequence

from renewal_score.agenda import Agenda
from renewal_score.belief import EventClaims, event_claims, reading_of
from renewal_score.events import Report, claims_of, combined, implicit_event
from renewal_score.models import Criterion
from renewal_score.options import RunOptions
from renewal_score.records import Columns
from renewal_score.scoring import PRECISION
from renewal_score.selection import counted_rows

Key = tuple[str | None, ...]
"""What groups a record into its event: its ``event``, or what it reports."""


def rubric_readings(
    agenda: Agenda, options: RunOptions, subjects: Collection[str]
) -> dict[tuple[str, str], float | None]:
    """The score (the reading, rounded) of each rubric criterion of each subject with
    counted evidence, by (subject, criterion); criteria with an indicator are left out."""
    supports = options.method.supports()
    alone = {grade: _alone(support) for grade, support in supports.items()}
    scores: dict[tuple[str, str], float | None] = {}
    for (subject, criterion_id), rows in counted_rows(agenda, options, subjects).items():
        criterion = agenda.criteria[criterion_id]
        if criterion.indicator is not None:
            continue
        read = _Criterion(agenda, criterion, options, supports, alone)
        reading = reading_of(read.events(rows), read.level_scores)
        scores[subject, criterion_id] = None if reading is None else round(reading, PRECISION)
    return scores


def _alone(support: float) -> float:
    """The probability of an event that one report of this support makes."""
    return combined([Report("", "", 0, 0, False, False, "", support)])


class _Criterion:
    """One criterion's records of one subject, read into events."""

    def __init__(
        self,
        agenda: Agenda,
        criterion: Criterion,
        options: RunOptions,
        supports: Mapping[str, float],
        alone: Mapping[str, float],
    ) -> None:
        self.agenda = agenda
        self.columns: Columns = agenda.evidence.columns
        self.level_of = {level.id: index for index, level in enumerate(criterion.rubric)}
        self.level_scores = criterion.level_scores(options.method.level_spacing)
        self.supports = supports
        self.alone = alone

    def events(self, rows: Sequence[tuple[int, int]]) -> list[tuple[int, EventClaims]]:
        """Each event of the rows (row, effective day): its day and claims."""
        columns = self.columns
        keys = [self._key(row) for row, _ in rows]
        sizes = Counter(keys)
        found: list[tuple[int, EventClaims]] = []
        shared: dict[str, list[Report]] = {}
        for (row, day), key in zip(rows, keys, strict=True):
            if sizes[key] == 1:
                probability = self.alone[columns.grade[row]]
                claim = (self.level_of[columns.level[row]], columns.effect[row] == "setback")
                found.append((day, (probability, ((*claim, probability),))))
            else:
                report = self._report(row, day)
                shared.setdefault(report.event, []).append(report)
        for reports in shared.values():
            day = min(r.day for r in reports)
            found.append((day, event_claims(*claims_of(reports))))
        return found

    def _key(self, row: int) -> Key:
        """The record's event, or for a record without one, what it reports but its
        statement (the statement is read only where this key is shared)."""
        columns = self.columns
        event = columns.event[row]
        if event is not None:
            return ("event", event)
        return (
            None,
            columns.date[row],
            columns.level[row],
            columns.effect[row],
            columns.kind[row],
            columns.source_key[row],
        )

    def _report(self, row: int, day: int) -> Report:
        columns = self.columns
        event = columns.event[row]
        return Report(
            record=columns.id[row],
            event=self._implicit_event(row) if event is None else "event:" + event,
            day=day,
            level=self.level_of[columns.level[row]],
            setback=columns.effect[row] == "setback",
            concrete=columns.kind[row] == "concrete",
            source=columns.source_key[row],
            support=self.supports[columns.grade[row]],
        )

    def _implicit_event(self, row: int) -> str:
        """``events.event_key`` of a record without ``event``, with its statement as the file
        gives it: the model only strips the whitespace around it, which folding drops."""
        columns = self.columns
        return implicit_event(
            columns.criterion[row],
            columns.date[row],
            columns.level[row],
            columns.effect[row],
            columns.kind[row],
            columns.source_key[row],
            self.agenda.evidence.value(row, "statement"),
        )
