"""The reader of JSON Lines evidence: a file read in chunks of whole lines into columns
(``records.JsonLinesBatch``), without a pydantic model per record and without holding the
file's text, so that memory stays small whatever the file's size.

Each chunk is validated in one call, as the ``Evidence`` model validates a record but into
dicts (``evidence_rows.RowValidator``). A chunk that fails is read line by line: each line
the same way, and a line that fails by the model (``Fallback``), which words each of its
problems; reading goes on after a bad line, so one pass finds every problem.
"""

from __future__ import annotations

import functools
import itertools
import operator
import re
from array import array
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from renewal_score.errors import DataError, Problem
from renewal_score.events import source_key_of
from renewal_score.evidence_rows import Row, RowValidator
from renewal_score.models import Evidence
from renewal_score.records import (
    COLUMNS,
    Columns,
    FileLines,
    JsonLinesBatch,
    LineSource,
    MemoryLines,
)

CHUNK_BYTES = 1 << 17
"""Bytes read and validated at a time (whole lines): enough to amortise each call, few enough
that a chunk's records stay in the processor's cache while they are turned into columns."""

SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
"""An escaped UTF-16 surrogate, on which ``json`` (which the model's reading of a line uses)
and pydantic's parser may disagree: such a line is left to the model."""

UNCERTAIN_BYTES = re.compile(rb"\\u[dD][89a-fA-F]|\xed[\xa0-\xbf]")
"""An escaped surrogate, or an encoded one (which is not UTF-8): a chunk holding either is
read line by line."""

BYTE_ORDER_MARK = b"\xef\xbb\xbf"

Fallback = Callable[[str, int], tuple[Evidence | None, list[Problem]]]
"""Model validation of one line (its text and number): the record, or its problems."""

SHARED_COLUMNS = ("subject", "criterion", "date", "level", "effect", "kind", "grade")
"""Columns whose values repeat across records: held as one string per distinct value."""

DEFAULTS = {n: f.default for n, f in Evidence.model_fields.items() if not f.is_required()}
"""What an optional field of a record holds when the line leaves it out."""

SOURCE_KEYS_KEPT = 100_000
"""Distinct sources whose keys are kept for reuse (memory stays bounded when each record
has a source of its own)."""


def read_jsonl_file(path: Path, fallback: Fallback) -> tuple[JsonLinesBatch, list[Problem]]:
    """The valid records of a JSON Lines file, and the problems of the others."""
    try:
        lines = FileLines.of(str(path))
        with path.open("rb") as handle:
            reader = LinesReader(str(path), fallback)
            reader.read(iter(functools.partial(handle.read, CHUNK_BYTES), b""))
    except OSError as error:
        message = f"cannot be read ({error.strerror})"
        raise DataError([Problem(str(path), message=message)]) from None
    return reader.batch(lines), reader.problems


def read_plain_jsonl(file: str, text: str) -> JsonLinesBatch | None:
    """The records of a text if the row type takes every line that is not blank; None when
    any line is left to the model. The fast path alone, for testing its contract."""
    data = text.encode("utf-8", "surrogatepass")
    reader = LinesReader(file, _refuse)
    reader.read(data[i : i + CHUNK_BYTES] for i in range(0, len(data), CHUNK_BYTES))
    if reader.problems:
        return None
    return reader.batch(MemoryLines(data))


def _refuse(line: str, number: int) -> tuple[Evidence | None, list[Problem]]:
    return None, [Problem(message="left to the model")]


class LinesReader:
    """Records of a JSON Lines file, chunk by chunk, into columns, with each row's line
    number and byte offset; problems of lines that are not valid records are kept."""

    def __init__(self, file: str, fallback: Fallback) -> None:
        self.file = file
        self.fallback = fallback
        self.builder = ColumnsBuilder()
        self.validator = RowValidator()
        self.lines: array[int] = array("q")
        self.offsets: array[int] = array("q")
        self.parsed: set[int] = set()
        self.problems: list[Problem] = []

    def read(self, blocks: Iterable[bytes]) -> None:
        first_line = 1
        for offset, chunk in _whole_lines(blocks):
            if offset == 0 and chunk.startswith(BYTE_ORDER_MARK):
                chunk, offset = chunk[len(BYTE_ORDER_MARK) :], len(BYTE_ORDER_MARK)
            first_line += self._chunk(offset, first_line, chunk)

    def batch(self, source: LineSource) -> JsonLinesBatch:
        return JsonLinesBatch(
            self.file,
            self.lines,
            self.offsets,
            self.builder.columns,
            source,
            frozenset(self.parsed),
        )

    def _chunk(self, offset: int, first_line: int, chunk: bytes) -> int:
        """A chunk of valid records in one call; otherwise its lines one by one. Returns the
        number of lines."""
        starts = _line_starts(chunk, offset)
        if not _uncertain(chunk):
            rows = self._validated_chunk(chunk, len(starts) - 1)
            if rows is not None:
                self.builder.add(rows)
                self.lines.extend(range(first_line, first_line + len(rows)))
                self.offsets.extend(starts)
                return len(starts)
        try:
            text = chunk.decode("utf-8")
        except UnicodeDecodeError as error:
            number = first_line + chunk.count(b"\n", 0, error.start)
            byte = offset + error.start
            message = f"is not UTF-8 (byte {byte} is {chunk[error.start]:#04x})"
            raise DataError([Problem(self.file, number, message=message)]) from None
        for index, line in enumerate(text.split("\n")):
            if line.strip():
                self._line(line, first_line + index, starts[index])
        return len(starts)

    def _validated_chunk(self, chunk: bytes, breaks: int) -> list[Row] | None:
        """The record on each line of the chunk (of ``breaks`` line breaks), when every line
        holds one valid record; otherwise None.

        A chunk of objects, one per line, each line starting with ``{`` right after the ``}``
        that ends the line before, is validated in one call, as one array with a comma before
        each line break. No value can then run on from one line into the next: JSON allows no
        raw line break inside a string, and between the tokens of an object without arrays (as
        valid records are: no field holds one) a ``}`` is never followed by ``{``. With as many
        records as lines, each line holds exactly one.
        """
        if chunk[:1] == b"{" and chunk[-1:] == b"}" and chunk.count(b"}\n{") == breaks:
            rows = self.validator.records(b"[" + chunk.replace(b"\n", b",\n") + b"]")
            if rows is not None and len(rows) == breaks + 1:
                return rows
        return None

    def _line(self, line: str, number: int, offset: int) -> None:
        """One line of a chunk that is not all valid: by the row type, else by the model."""
        row = None if SURROGATE_ESCAPE.search(line) else self.validator.record(line)
        if row is not None:
            self.builder.add([row])
        else:
            record, problems = self.fallback(line, number)
            if record is None:
                self.problems.extend(problems)
                return
            self.parsed.add(len(self.lines))
            self.builder.columns.extend(Columns.of([record]))
        self.lines.append(number)
        self.offsets.append(offset)


def _whole_lines(blocks: Iterable[bytes]) -> Iterator[tuple[int, bytes]]:
    """The bytes in chunks of whole lines, each with its byte offset, without the line
    break that ends it (a final line break ends the last line rather than starting
    another)."""
    pieces: list[bytes] = []
    offset = 0
    for block in blocks:
        cut = block.rfind(b"\n")
        if cut < 0:
            pieces.append(block)
            continue
        chunk = b"".join([*pieces, block[:cut]])
        pieces = [block[cut + 1 :]]
        yield offset, chunk
        offset += len(chunk) + 1
    rest = b"".join(pieces)
    if rest:
        yield offset, rest


def _line_starts(chunk: bytes, offset: int) -> list[int]:
    """The byte offset of each line of the chunk, the chunk starting at ``offset``: one
    search per line break, copying nothing (cheaper than splitting the chunk)."""
    starts = [offset]
    find = chunk.find
    end = find(b"\n")
    while end >= 0:
        starts.append(offset + end + 1)
        end = find(b"\n", end + 1)
    return starts


def _uncertain(chunk: bytes) -> bool:
    """Whether ``UNCERTAIN_BYTES`` occurs in the chunk (quick scans rule it out)."""
    maybe = b"\xed" in chunk or (b"\\" in chunk and b"\\u" in chunk)  # memchr first
    return maybe and UNCERTAIN_BYTES.search(chunk) is not None


class ColumnsBuilder:
    """Validated records (dicts) into ``columns``: repeated values as one shared string per
    distinct value (which keeps memory small and later lookups in cache), and each source's
    key made once per distinct source."""

    def __init__(self) -> None:
        self.columns = Columns()
        self._shared: dict[str, str] = {}
        self._keys: dict[str | tuple[str, str], str] = {}

    def add(self, rows: list[Row]) -> None:
        share = self._shared.setdefault
        found = {name: _values(rows, name) for name in COLUMNS}
        for name in SHARED_COLUMNS:
            found[name] = list(map(share, found[name], found[name]))
        keys = self._source_keys(_values(rows, "source"))
        self.columns.extend(Columns(**found, source_key=keys))

    def _source_keys(self, sources: list[dict[str, str]]) -> list[str]:
        """Each source's ``events.source_key``, made once per distinct url (or publisher and
        title, without a url) and shared."""
        keys = self._keys
        if len(keys) > SOURCE_KEYS_KEPT:
            keys.clear()
        found: list[str | tuple[str, str]] = _values(sources, "url", "")
        if not all(found):  # sources without a url: known by publisher and title
            pairs = zip(found, sources, strict=True)
            found = [url or (source.get("publisher", ""), source["title"]) for url, source in pairs]
        for raw in set(found).difference(keys):
            url, (publisher, title) = (raw, ("", "")) if isinstance(raw, str) else ("", raw)
            keys[raw] = source_key_of(url, publisher, title)
        return list(map(keys.__getitem__, found))


def _values(rows: list[Row], name: str, *default: Any) -> list[Any]:
    """Each record's value of the field, or the default (without one, the field's default
    in the model, else KeyError), in loops that run in C."""
    if default or name in DEFAULTS:
        absent = default[0] if default else DEFAULTS[name]
        return list(map(dict.get, rows, itertools.repeat(name), itertools.repeat(absent)))
    return list(map(operator.itemgetter(name), rows))
