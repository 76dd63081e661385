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
import hashlib
import json
import os
import weakref
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, BinaryIO, Protocol, TypeVar, overload

from renewal_score.errors import DataError, Location, Problem
from renewal_score.events import source_key
from renewal_score.models import Evidence

RecordT = TypeVar("RecordT")

COLUMNS = ("id", "subject", "criterion", "date", "level", "effect", "kind", "grade", "event")
"""The fields of a record that checking and scoring read, one column each."""

ALL_COLUMNS = (*COLUMNS, "source_key")
"""``COLUMNS``, and what scoring reads of the source: who published it (``source_key``)."""


@dataclass
class Columns:
    """One list per name of ``ALL_COLUMNS``, a row per record."""

    id: list[str] = field(default_factory=list)
    subject: list[str] = field(default_factory=list)
    criterion: list[str] = field(default_factory=list)
    date: list[str] = field(default_factory=list)
    level: list[str] = field(default_factory=list)
    effect: list[str] = field(default_factory=list)
    kind: list[str] = field(default_factory=list)
    grade: list[str] = field(default_factory=list)
    event: list[str | None] = field(default_factory=list)
    source_key: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, records: Sequence[Evidence]) -> Columns:
        fields = {name: [getattr(r, name) for r in records] for name in COLUMNS}
        return cls(**fields, source_key=[source_key(r.source) for r in records])

    def extend(self, other: Columns) -> None:
        for name in ALL_COLUMNS:
            getattr(self, name).extend(getattr(other, name))

    def rows(self, keep: Sequence[int]) -> Columns:
        """The given rows, in that order."""
        return Columns(*([getattr(self, name)[i] for i in keep] for name in ALL_COLUMNS))


class Batch(Protocol):
    """Records from one place (a plugin, a file), as columns and one by one."""

    @property
    def columns(self) -> Columns:
        """Every record's fields of ``ALL_COLUMNS``."""

    def record(self, row: int) -> Evidence:
        """The row's record as a model."""

    def value(self, row: int, name: str) -> Any:
        """One field of the row's record, without a model where there is none yet: the
        model's value or, in a text field that folding ignores, the file's."""

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

    def value(self, row: int, name: str) -> Any:
        return getattr(self.records[row], name)

    def location(self, row: int) -> Location:
        return self.locations[row]


class LineSource(Protocol):
    """Where the lines of a JSON Lines file can be read again, by byte offset."""

    def line(self, offset: int) -> bytes:
        """The bytes of the line that starts at the offset, without its line break."""

    def sha256(self) -> str:
        """SHA-256 of all the bytes."""


@dataclass(frozen=True)
class FileLines:
    """Lines read again from the file, so that its text need not be kept in memory; the
    file must not change in the meantime (its size and time of change are checked)."""

    path: str
    stamp: tuple[int, int]

    @classmethod
    def of(cls, path: str) -> FileLines:
        return cls(path, cls._stamp_of(path))

    @staticmethod
    def _stamp_of(path: str) -> tuple[int, int]:
        found = os.stat(path)
        return found.st_size, found.st_mtime_ns

    def line(self, offset: int) -> bytes:
        self._handle.seek(offset)
        return self._handle.readline().rstrip(b"\n")

    def sha256(self) -> str:
        hasher = hashlib.sha256()
        self._handle.seek(0)
        while block := self._handle.read(1 << 20):
            hasher.update(block)
        if self._stamp_of(self.path) != self.stamp:
            message = "changed since it was read; run again"
            raise DataError([Problem(self.path, message=message)])
        return hasher.hexdigest()

    @cached_property
    def _handle(self) -> BinaryIO:
        """The file, kept open while lines are read again one by one, closed with this."""
        handle = open(self.path, "rb")  # noqa: SIM115  (closed by the finalizer)
        weakref.finalize(self, handle.close)
        return handle


@dataclass(frozen=True)
class MemoryLines:
    """Lines of a file's bytes held in memory."""

    data: bytes

    def line(self, offset: int) -> bytes:
        end = self.data.find(b"\n", offset)
        return self.data[offset : None if end < 0 else end]

    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class JsonLinesBatch:
    """Valid records of a JSON Lines file as columns: row i is on line ``lines[i]``, which
    starts at byte ``offsets[i]``. A record becomes a model when it is needed, validated
    again from its line: from the JSON text when the reader validated it as a row, and from
    the parsed value (as every other data file is) for the rows in ``parsed``, which the
    model read."""

    file: str
    lines: Sequence[int]
    offsets: Sequence[int]
    columns: Columns
    source: LineSource
    parsed: frozenset[int] = frozenset()

    def record(self, row: int) -> Evidence:
        try:
            if row in self.parsed:
                return self._unchanged(row, Evidence.model_validate(json.loads(self._text(row))))
            return self._unchanged(row, Evidence.model_validate_json(self._text(row)))
        except ValueError:  # ValidationError, JSONDecodeError and UnicodeDecodeError are
            raise self._changed(row) from None

    def value(self, row: int, name: str) -> Any:
        """One field of the row's record as the file gives it (cheaper than the model)."""
        try:
            found = json.loads(self._text(row))
        except ValueError:
            raise self._changed(row) from None
        return self._unchanged(row, found)[name]

    def _text(self, row: int) -> str:
        return self.source.line(self.offsets[row]).decode("utf-8")

    def _unchanged(self, row: int, record: RecordT) -> RecordT:
        """The record read again, if it is still the one that was read (the same id)."""
        found = record.get("id") if isinstance(record, dict) else getattr(record, "id", None)
        if found != self.columns.id[row]:
            raise self._changed(row)
        return record

    def _changed(self, row: int) -> DataError:
        message = "changed since it was read; run again"
        return DataError([Problem(self.file, self.lines[row], message=message)])

    def location(self, row: int) -> Location:
        return Location(self.file, self.lines[row])


class EvidenceRecords(Sequence[Evidence]):
    """The evidence of an agenda in a stable order: columns for loops over many records,
    and each record as a model by position (``records[i]``) or by id (``find``)."""

    def __init__(self, batches: Sequence[Batch], keep: Sequence[int] | None = None) -> None:
        """Every row of the batches, in order; or only the rows ``keep`` numbers, ascending
        (counting through the batches one after another)."""
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

    def value(self, index: int, name: str) -> Any:
        """A field of the record at this position (``Batch.value``)."""
        batch, row = self._place(self._rows[index])
        return batch.value(row, name)

    def find(self, record_id: str) -> int | None:
        """The position of the record with this id, if there is one."""
        return self._positions.get(record_id)

    def pick(self, positions: Sequence[int]) -> list[Evidence]:
        return [self[i] for i in positions]

    def held(self) -> tuple[list[Evidence], list[str]]:
        """What the records are held as: those that are models, and the SHA-256 of each
        JSON Lines file the others are read from."""
        models: list[Evidence] = []
        for batch, start in zip(self._batches, self._starts, strict=True):
            if isinstance(batch, ModelBatch):  # the rows kept are ascending: find its span
                first = bisect.bisect_left(self._rows, start)
                last = bisect.bisect_left(self._rows, start + len(batch.columns.id))
                models.extend(batch.record(self._rows[i] - start) for i in range(first, last))
        files = [b.source.sha256() for b in self._batches if isinstance(b, JsonLinesBatch)]
        return models, files

    @cached_property
    def _positions(self) -> dict[str, int]:
        return {record_id: i for i, record_id in enumerate(self.columns.id)}

    def _place(self, flat: int) -> tuple[Batch, int]:
        which = bisect.bisect_right(self._starts, flat) - 1
        return self._batches[which], flat - self._starts[which]
