"""The fast reader of JSON Lines evidence: a file of plain records read into columns
(``records.JsonLinesBatch``) without a pydantic model per record.

It accepts only what the Evidence model accepts unchanged, and never words an error: any
other file is left to model validation (``datafiles``), which accepts or explains it.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from renewal_score.models import Evidence, Source, event_date_span
from renewal_score.records import COLUMNS, Columns, JsonLinesBatch

CHUNK_CHARS = 100_000
"""Characters parsed per ``json.loads`` call: enough to amortise the call, few enough that
the parsed records of a chunk stay in the processor's cache while they are checked."""

SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
"""An escaped UTF-16 surrogate, on which ``json`` and pydantic's parser may disagree."""


def read_plain_jsonl(file: str, text: str) -> JsonLinesBatch | None:
    """The file's records as columns if every line is one plain record (``PlainEvidence``);
    None leaves the file to model validation, which accepts or explains everything else."""
    plain = PlainEvidence()
    numbers: array[int] | None = None  # None while record i is on line i + 1
    for first_line, chunk in _chunks(text):
        if SURROGATE_ESCAPE.search(chunk):
            return None
        parsed, kept = _parsed_lines(chunk)
        if parsed is None or not plain.add(parsed):
            return None
        if numbers is None and len(kept) < chunk.count("\n") + 1:
            numbers = array("q", range(1, first_line))
        if numbers is not None:
            numbers.extend(map(first_line.__add__, kept))
    count = len(plain.columns.id)
    return JsonLinesBatch(
        file, text, range(1, count + 1) if numbers is None else numbers, plain.columns
    )


def _parsed_lines(chunk: str) -> tuple[list[Any] | None, Sequence[int]]:
    """The value on each line of the chunk that is not blank, and those lines' positions in
    the chunk; None if a line holds no JSON value or more than one.

    A chunk of objects, one per line, each line starting with ``{`` right after the ``}``
    that ends the line before, is parsed in one call, as one array with a comma before each
    line break. No value can then run on from one line into the next: JSON allows no raw
    line break inside a string, and between the tokens of a record without arrays (as
    plain records are) a ``}`` is never followed by ``{``. With as many values as lines,
    each line holds exactly one. Any other chunk is parsed line by line.
    """
    breaks = chunk.count("\n")
    if chunk[:1] == "{" and chunk[-1:] == "}" and chunk.count("}\n{") == breaks:
        try:
            parsed: list[Any] = json.loads("[" + chunk.replace("\n", ",\n") + "]")
        except ValueError:
            parsed = []
        if len(parsed) == breaks + 1:
            return parsed, range(len(parsed))
    lines = chunk.split("\n")
    kept = list(itertools.compress(range(len(lines)), map(str.strip, lines)))
    try:
        return [json.loads(lines[i]) for i in kept], kept
    except ValueError:
        return None, kept


def _chunks(text: str) -> Iterator[tuple[int, str]]:
    """The text in chunks of whole lines, about CHUNK_CHARS each, with their first line's
    number (a final line break ends the last line rather than starting another)."""
    start, first_line = 0, 1
    stop = len(text) - 1 if text.endswith("\n") else len(text)
    while start < stop:
        end = text.find("\n", start + CHUNK_CHARS, stop)
        chunk = text[start : stop if end < 0 else end]
        yield first_line, chunk
        first_line += chunk.count("\n") + 1
        start = stop if end < 0 else end + 1


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

    def add(self, records: list[Any]) -> bool:
        """Add the records if every one is plain; otherwise add none and return False."""
        if set(map(type, records)) != {dict}:
            return False
        try:
            field = {name: [r[name] for r in records] for name in REQUIRED_EVIDENCE_FIELDS}
        except KeyError:
            return False
        field["effect"] = [r.get("effect", "advance") for r in records]
        field["event"] = [r.get("event") for r in records]
        optional = sum(
            sum(map(dict.__contains__, records, itertools.repeat(name)))
            for name in OPTIONAL_EVIDENCE_FIELDS
        )
        if sum(map(len, records)) != len(REQUIRED_EVIDENCE_FIELDS) * len(records) + optional:
            return False  # a field the model does not know
        sources = field["source"]
        if set(map(type, sources)) != {dict} or not all(map(SOURCE_FIELDS.issuperset, sources)):
            return False
        days = [s.get("date") for s in sources]
        events = [e for e in field["event"] if e is not None]
        plain = (
            _plain_ids(field["id"])
            and (not events or _plain_ids(events))
            and all(self._share(field, name, check) for name, check in REPEATED_CHECKS)
            and _plain_texts(field["statement"])
            and _strings([r.get("note", "") for r in records])
            and _plain_texts([s.get("title") for s in sources])
            and _strings([s.get("publisher", "") for s in sources])
            and _strings([s.get("url", "") for s in sources])
            and _strings(day for day in days if day is not None)
            and all(map(_plain_day, set(days) - {None}))
        )
        if plain:
            self.columns.extend(Columns(*(field[name] for name in COLUMNS)))
        return plain

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
