"""An agenda's evidence records, held as columns; each record is an Evidence model on demand.

Scoring many subjects reads eight short fields of each record. A pydantic model per record
costs about 4 KB and most of the time of reading a large file, so records are kept as
columns of shared strings (a pointer per record and field), and a record becomes an
``Evidence`` model only when something needs one: a report that lists it, or a plugin's
``score_criterion``. A record read from JSON Lines is then validated from its own line, so
it is exactly the model that the slower, model-per-record reading would have produced.
"""

from __future__ import annotations

import bisect
import itertools
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol, overload

from renewal_score.errors import Location
from renewal_score.models import Evidence

COLUMNS = ("id", "subject", "criterion", "date", "level", "effect", "kind", "grade", "event")
"""The fields of a record that checking and scoring read, one column each."""


@dataclass
class Columns:
    """One list per field of ``COLUMNS``, a row per record."""

    id: list[str] = field(default_factory=list)
    subject: list[str] = field(default_factory=list)
    criterion: list[str] = field(default_factory=list)
    date: list[str] = field(default_factory=list)
    level: list[str] = field(default_factory=list)
    effect: list[str] = field(default_factory=list)
    kind: list[str] = field(default_factory=list)
    grade: list[str] = field(default_factory=list)
    event: list[str | None] = field(default_factory=list)

    @classmethod
    def of(cls, records: Sequence[Evidence]) -> Columns:
        return cls(*([getattr(r, name) for r in records] for name in COLUMNS))

    def extend(self, other: Columns) -> None:
        for name in COLUMNS:
            getattr(self, name).extend(getattr(other, name))

    def rows(self, keep: Sequence[int]) -> Columns:
        """The given rows, in that order."""
        return Columns(*([getattr(self, name)[i] for i in keep] for name in COLUMNS))


class Batch(Protocol):
    """Records from one place (a plugin, a file), as columns and one by one."""

    @property
    def columns(self) -> Columns:
        """Every record's fields of ``COLUMNS``."""

    def record(self, row: int) -> Evidence:
        """The row's record as a model."""

    def location(self, row: int) -> Location:
        """Where the row's record was defined."""


@dataclass(frozen=True)
class ModelBatch:
    """Records that are already models (from plugins and from TOML, JSON or CSV files)."""

    records: list[Evidence]
    locations: list[Location]

    @cached_property
    def columns(self) -> Columns:
        return Columns.of(self.records)

    def record(self, row: int) -> Evidence:
        return self.records[row]

    def location(self, row: int) -> Location:
        return self.locations[row]


@dataclass(frozen=True)
class JsonLinesBatch:
    """Records of a JSON Lines file whose every line passed the reader's shape check; row i
    is on line ``lines[i]`` of ``text``."""

    file: str
    text: str
    lines: Sequence[int]
    columns: Columns

    def record(self, row: int) -> Evidence:
        line = self.lines[row]
        start, end = self._line_starts[line - 1], self._line_starts[line] - 1
        return Evidence.model_validate_json(self.text[start:end])

    @cached_property
    def _line_starts(self) -> array[int]:
        """Where each line starts in the text (one more past the end): found only when a
        record is first needed as a model."""
        lengths = map(len, self.text.split("\n"))
        return array("q", itertools.accumulate(map((1).__add__, lengths), initial=0))

    def location(self, row: int) -> Location:
        return Location(self.file, self.lines[row])


class EvidenceRecords(Sequence[Evidence]):
    """The evidence of an agenda in a stable order: columns for loops over many records,
    and each record as a model by position (``records[i]``) or by id (``find``)."""

    def __init__(self, batches: Sequence[Batch], keep: Sequence[int] | None = None) -> None:
        """Every row of the batches, in order; or only the rows ``keep`` numbers (counting
        through the batches one after another)."""
        self._batches = tuple(batches)
        starts, total = [], 0
        columns = Columns()
        for batch in self._batches:
            starts.append(total)
            total += len(batch.columns.id)
            columns.extend(batch.columns)
        self._starts = starts
        self._rows: Sequence[int] = range(total) if keep is None else array("q", keep)
        self.columns = columns if keep is None else columns.rows(keep)

    @classmethod
    def of(cls, records: Sequence[Evidence], location: Location) -> EvidenceRecords:
        """Records that are models, all from one place."""
        return cls([ModelBatch(list(records), [location] * len(records))])

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> Evidence: ...

    @overload
    def __getitem__(self, index: slice) -> list[Evidence]: ...

    def __getitem__(self, index: int | slice) -> Evidence | list[Evidence]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        batch, row = self._place(self._rows[index])
        return batch.record(row)

    def __iter__(self) -> Iterator[Evidence]:
        return (self[i] for i in range(len(self)))

    def location(self, index: int) -> Location:
        batch, row = self._place(self._rows[index])
        return batch.location(row)

    def find(self, record_id: str) -> int | None:
        """The position of the record with this id, if there is one."""
        return self._positions.get(record_id)

    def pick(self, positions: Sequence[int]) -> list[Evidence]:
        return [self[i] for i in positions]

    @cached_property
    def _positions(self) -> dict[str, int]:
        return {record_id: i for i, record_id in enumerate(self.columns.id)}

    def _place(self, flat: int) -> tuple[Batch, int]:
        which = bisect.bisect_right(self._starts, flat) - 1
        return self._batches[which], flat - self._starts[which]
