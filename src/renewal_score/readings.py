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
copies of one report. ``rubric_cases`` gives, the same way, what the core scorer reads of
each case (``scoring.content_of_reports``), so that ``sensitivity`` scores each distinct
case once, with models of that case's records alone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from renewal_score.agenda import Agenda
from renewal_score.belief import EventClaims, event_claims, reading_of
from renewal_score.events import Report, claims_of, combined, implicit_event
from renewal_score.models import Criterion
from renewal_score.options import RunOptions
from renewal_score.records import Columns
from renewal_score.scoring import PRECISION, RubricContent, content_of_reports
from renewal_score.selection import counted_rows

Key = tuple[str | None, ...]
"""What groups a record into its event: its ``event``, or what it reports."""


def rubric_readings(
    agenda: Agenda, options: RunOptions, subjects: Collection[str]
) -> dict[tuple[str, str], float | None]:
    """The score (the reading, rounded) of each rubric criterion of each subject with
    counted evidence, by (subject, criterion); criteria with an indicator are left out."""
    reader = _Reader(agenda, options)
    scores: dict[tuple[str, str], float | None] = {}
    for (subject, criterion_id), rows in counted_rows(agenda, options, subjects).items():
        criterion = agenda.criteria[criterion_id]
        if criterion.indicator is not None:
            continue
        levels = reader.levels(criterion)
        reading = reading_of(reader.events(levels, rows), levels.scores)
        scores[subject, criterion_id] = None if reading is None else round(reading, PRECISION)
    return scores


def rubric_cases(
    agenda: Agenda, options: RunOptions, subjects: Collection[str]
) -> dict[tuple[str, str], tuple[RubricContent, list[int]]]:
    """What the core scorer reads (``scoring.content_of_reports``) of the counted records of
    each rubric criterion of each subject with counted evidence, and their rows (positions
    in ``agenda.evidence``), by (subject, criterion): analyses of many subjects score each
    distinct case once, making models of its records only then."""
    reader = _Reader(agenda, options)
    cases: dict[tuple[str, str], tuple[RubricContent, list[int]]] = {}
    for (subject, criterion_id), rows in counted_rows(agenda, options, subjects).items():
        criterion = agenda.criteria[criterion_id]
        if criterion.indicator is None:
            content = content_of_reports(criterion, reader.reports(reader.levels(criterion), rows))
            cases[subject, criterion_id] = content, [row for row, _ in rows]
    return cases


def _alone(support: float) -> float:
    """The probability of an event that one report of this support makes."""
    return combined([Report("", "", 0, 0, False, False, "", support)])


@dataclass(frozen=True)
class _Levels:
    """A rubric's level indices by id, and their scores."""

    index: dict[str, int]
    scores: list[float]


Claims = tuple[tuple[int, bool, str, str], ...]
"""What ``claims_of`` reads of an event's reports: level index, setback, source, grade."""

REMEMBERED = 100_000
"""Events' claims remembered at most (then forgotten, so that memory stays bounded)."""


class _Reader:
    """Evidence rows read into events, criterion by criterion."""

    def __init__(self, agenda: Agenda, options: RunOptions) -> None:
        self.agenda = agenda
        self.columns: Columns = agenda.evidence.columns
        self.spacing = options.method.level_spacing
        self.supports = options.method.supports()
        self.alone = {grade: _alone(support) for grade, support in self.supports.items()}
        self.remembered: dict[Claims, EventClaims] = {}
        self._levels: dict[str, _Levels] = {}

    def levels(self, criterion: Criterion) -> _Levels:
        if criterion.id not in self._levels:
            index = {level.id: k for k, level in enumerate(criterion.rubric)}
            self._levels[criterion.id] = _Levels(index, criterion.level_scores(self.spacing))
        return self._levels[criterion.id]

    def events(
        self, levels: _Levels, rows: Sequence[tuple[int, int]]
    ) -> list[tuple[int, EventClaims]]:
        """Each event of the rows (row, effective day): its day and claims."""
        columns = self.columns
        found: list[tuple[int, EventClaims]] = []
        shared: dict[str, list[tuple[int, int]]] = {}
        for (row, day), event in zip(rows, self._shared_events(rows), strict=True):
            if event is None:
                probability = self.alone[columns.grade[row]]
                claim = (levels.index[columns.level[row]], columns.effect[row] == "setback")
                found.append((day, (probability, ((*claim, probability),))))
            else:
                shared.setdefault(event, []).append((row, day))
        for members in shared.values():
            found.append((min(day for _, day in members), self._claims(levels, members)))
        return found

    def _claims(self, levels: _Levels, members: Sequence[tuple[int, int]]) -> EventClaims:
        """``claims_of`` the event's reports, remembered by what it reads of them, which
        often repeats (the same outlets, grades and levels)."""
        columns = self.columns
        what = tuple(
            sorted(
                (
                    levels.index[columns.level[row]],
                    columns.effect[row] == "setback",
                    columns.source_key[row],
                    columns.grade[row],
                )
                for row, _ in members
            )
        )
        if what not in self.remembered:
            if len(self.remembered) >= REMEMBERED:
                self.remembered.clear()
            reports = [
                Report("", "", 0, level, setback, False, source, self.supports[grade])
                for level, setback, source, grade in what
            ]
            self.remembered[what] = event_claims(*claims_of(reports))
        return self.remembered[what]

    def _shared_events(self, rows: Sequence[tuple[int, int]]) -> list[str | None]:
        """Each row's event (``events.event_key``) where another of the rows may report it
        too, else None: the row is an event of its own."""
        keys = [self._key(row) for row, _ in rows]
        sizes = Counter(keys)
        return [
            self._event(row) if sizes[key] > 1 else None
            for (row, _), key in zip(rows, keys, strict=True)
        ]

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

    def reports(self, levels: _Levels, rows: Sequence[tuple[int, int]]) -> list[Report]:
        """The rows (row, effective day) as ``events.reports_of`` makes reports of their
        records, but for event keys: an event that one row alone reports is named by its
        row, which tells events apart as well."""
        columns = self.columns
        return [
            Report(
                record=columns.id[row],
                event=f"row:{row}" if event is None else event,
                day=day,
                level=levels.index[columns.level[row]],
                setback=columns.effect[row] == "setback",
                concrete=columns.kind[row] == "concrete",
                source=columns.source_key[row],
                support=self.supports[columns.grade[row]],
            )
            for (row, day), event in zip(rows, self._shared_events(rows), strict=True)
        ]

    def _event(self, row: int) -> str:
        """``events.event_key`` of the row's record."""
        event = self.columns.event[row]
        return self._implicit_event(row) if event is None else "event:" + event

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
