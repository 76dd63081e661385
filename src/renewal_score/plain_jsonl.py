"""The reader of JSON Lines evidence: a file read in chunks of whole lines into columns
(``records.JsonLinesBatch``), without a pydantic model per record and without holding the
file's text, so that memory stays small whatever the file's size.

A chunk of plain records (``PlainEvidence``: what the Evidence model accepts unchanged) is
parsed and checked in a few calls. Any other chunk is read line by line: plain lines as
before, and every other line by the model (``Fallback``), which accepts the record or words
each of its problems; reading goes on after a bad line, so one pass finds every problem.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import json
import operator
import re
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from renewal_score.errors import DataError, Problem
from renewal_score.events import source_key_of
from renewal_score.models import Evidence, Source, event_date_span
from renewal_score.records import (
    COLUMNS,
    Columns,
    FileLines,
    JsonLinesBatch,
    LineSource,
    MemoryLines,
)

CHUNK_BYTES = 1 << 17
"""Bytes read and parsed at a time (whole lines): enough to amortise each call, few enough
that a chunk's parsed records stay in the processor's cache while they are checked."""

SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
"""An escaped UTF-16 surrogate, on which ``json`` and pydantic's parser may disagree."""

UNCERTAIN_BYTES = re.compile(rb"\\u[dD][89a-fA-F]|\xed[\xa0-\xbf]")
"""An escaped surrogate, or an encoded one (which is not UTF-8, but which ``json`` decodes
from bytes): a chunk holding either is read line by line."""

BYTE_ORDER_MARK = b"\xef\xbb\xbf"

Fallback = Callable[[str, int], tuple[Evidence | None, list[Problem]]]
"""Model validation of one line (its text and number): the record, or its problems."""


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
    """The records of a text if every line is one plain record; None when any line is not
    (a line that is blank counts as none). The fast path alone, for testing its contract."""
    data = text.encode("utf-8", "surrogatepass")
    reader = LinesReader(file, _refuse)
    reader.read(data[i : i + CHUNK_BYTES] for i in range(0, len(data), CHUNK_BYTES))
    if reader.problems:
        return None
    return reader.batch(MemoryLines(data))


def _refuse(line: str, number: int) -> tuple[Evidence | None, list[Problem]]:
    return None, [Problem(message="not plain")]


class LinesReader:
    """Records of a JSON Lines file, chunk by chunk, into columns, with each row's line
    number and byte offset; problems of lines that are not valid records are kept."""

    def __init__(self, file: str, fallback: Fallback) -> None:
        self.file = file
        self.fallback = fallback
        self.plain = PlainEvidence()
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
            self.file, self.lines, self.offsets, self.plain.columns, source, frozenset(self.parsed)
        )

    def _chunk(self, offset: int, first_line: int, chunk: bytes) -> int:
        """A chunk of plain records in a few calls; otherwise its lines one by one. Returns
        the number of lines."""
        starts = _line_starts(chunk, offset)
        if not _uncertain(chunk):
            values, kept = _parsed_chunk(chunk, len(starts) - 1)
            if values is not None and self.plain.add(values):
                self.lines.extend(map(first_line.__add__, kept))
                self.offsets.extend(map(starts.__getitem__, kept))
                return len(starts)
        try:
            text = chunk.decode("utf-8")
        except UnicodeDecodeError as error:
            number = first_line + chunk.count(b"\n", 0, error.start)
            byte = offset + error.start
            message = f"is not UTF-8 (byte {byte} is {chunk[error.start]:#04x})"
            raise DataError([Problem(self.file, number, message=message)]) from None
        values, kept = _parsed_lines(text)
        if values is not None and not SURROGATE_ESCAPE.search(text) and self.plain.add(values):
            # plain records, laid out otherwise (blank lines, CRLF line ends)
            self.lines.extend(map(first_line.__add__, kept))
            self.offsets.extend(map(starts.__getitem__, kept))
            return len(starts)
        for index, line in enumerate(text.split("\n")):
            if line.strip():
                self._line(line, first_line + index, starts[index])
        return len(starts)

    def _line(self, line: str, number: int, offset: int) -> None:
        """One line of a chunk that is not all plain: plain, or for the model to judge."""
        if not SURROGATE_ESCAPE.search(line):
            values, _ = _parsed_lines(line)
            if values is not None and self.plain.add(values):
                self.lines.append(number)
                self.offsets.append(offset)
                return
        record, problems = self.fallback(line, number)
        if record is None:
            self.problems.extend(problems)
            return
        self.parsed.add(len(self.lines))
        self.plain.columns.extend(Columns.of([record]))
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


def _parsed_chunk(chunk: bytes, breaks: int) -> tuple[list[Any] | None, Sequence[int]]:
    """The value on each line of the chunk (of ``breaks`` line breaks), and the lines'
    positions in the chunk, when every line holds one record; otherwise None.

    A chunk of objects, one per line, each line starting with ``{`` right after the ``}``
    that ends the line before, is parsed in one call, as one array with a comma before each
    line break. No value can then run on from one line into the next: JSON allows no raw
    line break inside a string, and between the tokens of a record without arrays (as
    plain records are) a ``}`` is never followed by ``{``. With as many values as lines,
    each line holds exactly one. ``json`` decodes the bytes as UTF-8, letting through only
    encoded surrogates, which ``UNCERTAIN_BYTES`` has ruled out.
    """
    if chunk[:1] == b"{" and chunk[-1:] == b"}" and chunk.count(b"}\n{") == breaks:
        try:
            parsed: list[Any] = json.loads(b"[" + chunk.replace(b"\n", b",\n") + b"]")
        except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
            return None, ()
        if len(parsed) == breaks + 1:
            return parsed, range(len(parsed))
    return None, ()


def _parsed_lines(text: str) -> tuple[list[Any] | None, Sequence[int]]:
    """The value on each line of the text that is not blank, and those lines' positions;
    None if a line holds no JSON value or more than one."""
    lines = text.split("\n")
    kept = list(itertools.compress(range(len(lines)), map(str.strip, lines)))
    try:
        return [json.loads(lines[i]) for i in kept], kept
    except (ValueError, RecursionError):
        return None, kept


PLAIN_ID = r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,119}"
PLAIN_IDS = re.compile(rf"(?:{PLAIN_ID}\n)*{PLAIN_ID}")
PLAIN_EVENT_DATE = re.compile(r"[0-9]{4}(-Q[1-4]|-[0-9]{2}(-[0-9]{2})?)?")
PLAIN_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
EVIDENCE_FIELDS = frozenset(Evidence.model_fields)
REQUIRED_EVIDENCE_FIELDS = tuple(n for n, f in Evidence.model_fields.items() if f.is_required())
OPTIONAL_EVIDENCE_FIELDS = tuple(
    n for n in Evidence.model_fields if n not in REQUIRED_EVIDENCE_FIELDS
)
SOURCE_FIELDS = frozenset(Source.model_fields)
SOURCE_KEYS_KEPT = 100_000
"""Distinct sources whose keys are kept for reuse (memory stays bounded when each record
has a source of its own)."""
GRADES = frozenset(f"{r}{c}" for r in "ABCDEF" for c in "123456")


class PlainEvidence:
    """A quick check of parsed JSON records, adding them to ``columns`` if all are plain.

    It accepts only records that the Evidence model accepts unchanged: every field of its
    plain JSON type, no whitespace around values that the model would strip, ids and dates
    in ASCII. Anything else, valid or not, is for the model to accept or explain, so this
    check never words an error and never accepts what the model would reject.

    Records are checked field by field over a whole chunk, so that the loops run in C: ids
    by one regular expression over all of them, repeated values (subjects, criteria, dates,
    levels, grades) once per distinct value, and then stored as one shared string per value
    (which keeps memory small and later lookups in cache).
    """

    def __init__(self) -> None:
        self.columns = Columns()
        self._shared: dict[str, dict[str, str]] = {name: {} for name, _ in REPEATED_CHECKS}
        """Per repeated field, every value that passed its check, by itself: one string for
        all rows (per field: a value valid in one field may not be in another)."""
        self._keys: dict[str | tuple[str, str], str] = {}
        self._days: set[str] = set()

    def add(self, records: list[Any]) -> bool:
        """Add the records if every one is plain; otherwise add none and return False."""
        if set(map(type, records)) != {dict}:
            return False
        try:
            field = {name: _values(records, name) for name in REQUIRED_EVIDENCE_FIELDS}
        except KeyError:
            return False
        field["effect"] = _values(records, "effect", "advance")
        field["event"] = _values(records, "event", None)
        optional = sum(
            sum(map(dict.__contains__, records, itertools.repeat(name)))
            for name in OPTIONAL_EVIDENCE_FIELDS
        )
        if sum(map(len, records)) != len(REQUIRED_EVIDENCE_FIELDS) * len(records) + optional:
            return False  # a field the model does not know
        sources = field["source"]
        if set(map(type, sources)) != {dict} or not all(map(SOURCE_FIELDS.issuperset, sources)):
            return False
        days = _values(sources, "date", None)
        events = [e for e in field["event"] if e is not None]
        plain = (
            _plain_ids(field["id"])
            and (not events or _plain_ids(events))
            and all(self._share(field, name, check) for name, check in REPEATED_CHECKS)
            and _plain_texts(field["statement"])
            and _strings(_values(records, "note", ""))
            and _plain_texts(_values(sources, "title", None))
            and _strings(_values(sources, "publisher", ""))
            and _strings(_values(sources, "url", ""))
            and _strings(day for day in days if day is not None)
            and self._plain_days(days)
        )
        if plain:
            keys = self._source_keys(sources)
            self.columns.extend(Columns(**{name: field[name] for name in COLUMNS}, source_key=keys))
        return plain

    def _plain_days(self, days: list[str | None]) -> bool:
        """Whether every source date is a real day, checked once per distinct date."""
        new = {day for day in set(days).difference(self._days) if day is not None}
        if not all(map(_plain_day, new)):
            return False
        self._days.update(new)
        return True

    def _source_keys(self, sources: list[dict[str, str]]) -> list[str]:
        """Each source's ``events.source_key``, made once per distinct url (or publisher and
        title, without a url) and shared."""
        keys = self._keys
        if len(keys) > SOURCE_KEYS_KEPT:
            keys.clear()
        found = [s.get("url", "").strip() or (s.get("publisher", ""), s["title"]) for s in sources]
        for raw in set(found).difference(keys):
            url, (publisher, title) = (raw, ("", "")) if isinstance(raw, str) else ("", raw)
            keys[raw] = source_key_of(url, publisher, title)
        return list(map(keys.__getitem__, found))

    def _share(self, field: dict[str, list[Any]], name: str, check: Callable[[str], bool]) -> bool:
        """Replace the field's values by the shared strings, if every value is a string that
        passes the check (made once per value)."""
        shared = self._shared[name]
        share = shared.__getitem__
        try:
            field[name] = list(map(share, field[name]))
            return True
        except (KeyError, TypeError):  # a value not seen before, or not a string
            pass
        values = field[name]
        if not _strings(values):
            return False
        for value in set(values).difference(shared):
            if not check(value):
                return False
            shared[value] = value
        field[name] = list(map(share, values))
        return True


def _values(records: list[dict[str, Any]], name: str, *default: Any) -> list[Any]:
    """Each record's value of the field, or the default (without one, KeyError when a
    record lacks the field), in loops that run in C."""
    if default:
        return list(map(dict.get, records, itertools.repeat(name), itertools.repeat(default[0])))
    return list(map(operator.itemgetter(name), records))


def _strings(values: Iterable[Any]) -> bool:
    try:
        "".join(values)  # in C, and fails on the first value that is not a string
    except TypeError:
        return False
    return True


def _plain_ids(values: list[Any]) -> bool:
    """Whether every value is a plain id: one match over all of them, joined by line feeds
    (so none may hold a line feed of its own)."""
    if not _strings(values):
        return False
    joined = "\n".join(values)
    return joined.count("\n") == len(values) - 1 and PLAIN_IDS.fullmatch(joined) is not None


def _plain_texts(values: list[Any]) -> bool:
    """Non-empty texts that stripping would not change (Python's whitespace includes the
    Unicode whitespace that the model strips)."""
    return _strings(values) and all(values) and list(map(str.strip, values)) == values


def _plain_identifier(value: str) -> bool:
    return re.fullmatch(PLAIN_ID, value) is not None


def _plain_event_date(value: str) -> bool:
    if not PLAIN_EVENT_DATE.fullmatch(value):
        return False
    try:
        event_date_span(value)
    except ValueError:
        return False
    return True


def _plain_day(value: str) -> bool:
    if not PLAIN_DAY.fullmatch(value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


REPEATED_CHECKS: tuple[tuple[str, Callable[[str], bool]], ...] = (
    ("subject", _plain_identifier),
    ("criterion", _plain_identifier),
    ("level", _plain_identifier),
    ("date", _plain_event_date),
    ("grade", GRADES.__contains__),
    ("effect", {"advance", "setback"}.__contains__),
    ("kind", {"declaratory", "concrete"}.__contains__),
)
"""Fields whose values repeat across records, each with the check of one value."""
