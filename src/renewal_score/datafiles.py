"""Reading and writing data files: TOML, JSON, JSON Lines and CSV.

Data files are parsed as data only: nothing in them is executed, imported or unpickled.
Every problem is reported with its file, line, record id and field, and all problems of
a file are collected before anything is raised, so a user can fix them in one pass.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import difflib
import functools
import io
import json
import re
import tomllib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from renewal_score.errors import DataError, Location, Problem, UsageError
from renewal_score.escaping import clipped, echo
from renewal_score.hookspecs import hookimpl
from renewal_score.models import (
    Criterion,
    Evidence,
    Observation,
    Priority,
    Source,
    Subject,
)
from renewal_score.plain_jsonl import read_plain_jsonl
from renewal_score.records import JsonLinesBatch

ModelT = TypeVar("ModelT", bound=BaseModel)

EXPECTED_FORMS = {
    "grade": "an Admiralty grade: source reliability A-F then information credibility 1-6, e.g. B2",
    "date": "YYYY, YYYY-Qn, YYYY-MM or YYYY-MM-DD",
    **dict.fromkeys(
        ("id", "subject", "criterion", "level", "priority"),
        "letters, digits and . _ : -, starting with a letter or digit",
    ),
}
"""What a field with a pattern expects, in words, for error messages."""


@dataclass(frozen=True)
class RawRecord:
    """One record as parsed from a file, before validation."""

    data: Any
    line: int | None


def _fail(path: Path, message: str, line: int | None = None, field: str = "") -> DataError:
    return DataError([Problem(file=str(path), line=line, field=field, message=message)])


def read_text(path: Path) -> str:
    """The file's text; a UTF-8 BOM and CRLF line endings are accepted."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise _fail(path, f"cannot be read ({error.strerror})") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise _fail(
            path, f"is not UTF-8 (byte {error.start} is {raw[error.start]:#04x})", line
        ) from None


Tables = dict[str, list[RawRecord]]
"""Records of a data file by kind: subjects, priorities, criteria, evidence."""

MODELS: dict[str, type[BaseModel]] = {
    "subjects": Subject,
    "priorities": Priority,
    "criteria": Criterion,
    "evidence": Evidence,
    "observations": Observation,
}
"""The kinds of record a data file may hold, by table name, in the order they are checked."""


def _read_toml(path: Path, text: str) -> Tables:
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"line (\d+)", str(error))
        line = int(match.group(1)) if match else None
        raise _fail(path, f"invalid TOML: {error}", line) from None
    tables: Tables = {}
    for key, records in _arrays(path, document, text).items():
        if key == REVIEWED:
            tables[key] = records
            continue
        header = re.compile(r"^[ \t]*\[\[[ \t]*" + re.escape(key) + r"[ \t]*\]\]", re.MULTILINE)
        lines: list[int | None] = [
            text.count("\n", 0, m.start()) + 1 for m in header.finditer(text)
        ]
        if len(lines) != len(records):  # an inline array carries no header line per record
            lines = [None] * len(records)
        tables[key] = [RawRecord(r, line) for r, line in zip(records, lines, strict=True)]
    return tables


def _arrays(path: Path, document: Any, text: str) -> dict[str, list[Any]]:
    """The record arrays of a TOML or JSON document; other top-level keys are mistakes."""
    if not isinstance(document, dict):
        kinds = ", ".join(MODELS)
        raise _fail(path, f"must be an array of records or an object with arrays {kinds}")
    for name, value in document.items():
        if name == REVIEWED:
            continue
        if name not in MODELS:
            close = difflib.get_close_matches(name, MODELS, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            message = f"unknown table (expected {', '.join(MODELS)}){hint}"
            raise _fail(path, message, line_of_key(text, name), name)
        if not isinstance(value, list):
            raise _fail(path, "must be an array of records", line_of_key(text, name), name)
    arrays = {name: value for name, value in document.items() if name != REVIEWED}
    if REVIEWED in document:
        arrays[REVIEWED] = [RawRecord(document[REVIEWED], line_of_key(text, REVIEWED))]
    return arrays


REVIEWED = "reviewed"
"""A data file's optional top-level key: the date its records were last checked against the
public record (``reviewed = 2026-11-27``), so that a report can say how fresh they are."""


def _review_date(path: Path, raw: RawRecord) -> dt.date:
    value = raw.data
    if isinstance(value, str):
        with contextlib.suppress(ValueError):  # not a date: said so below
            value = dt.date.fromisoformat(value)
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        message = f"must be a date such as 2026-11-27 (got {echo(raw.data)})"
        raise _fail(path, message, raw.line, REVIEWED)
    return value


def line_of_key(text: str, name: str) -> int | None:
    """The line on which a top-level TOML table or key, or a JSON key, is first named."""
    key = re.escape(name)
    toml = re.compile(r'^[ \t]*(\[\[?[ \t]*)?"?' + key + r'"?[ \t]*[\]=]', re.MULTILINE)
    found = toml.search(text) or re.search(r'"' + key + r'"\s*:', text)
    return text.count("\n", 0, found.start()) + 1 if found else None


def _read_json(path: Path, text: str) -> Tables:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        message = f"invalid JSON: {error.msg} (column {error.colno})"
        raise _fail(path, message, error.lineno) from None
    if isinstance(document, list):
        return {"evidence": _json_records(text, document, text.find("["))}
    tables: Tables = {}
    for key, records in _arrays(path, document, text).items():
        if key == REVIEWED:
            tables[key] = records
            continue
        found = re.search(r'"' + re.escape(key) + r'"\s*:\s*\[', text)
        tables[key] = _json_records(text, records, found.end() - 1 if found else -1)
    return tables


def _json_records(text: str, records: list[Any], array_start: int) -> list[RawRecord]:
    lines = _element_lines(text, array_start, len(records)) if array_start >= 0 else []
    return [RawRecord(r, lines[i] if lines else None) for i, r in enumerate(records)]


def _element_lines(text: str, array_start: int, count: int) -> list[int | None]:
    """Line on which each element of the JSON array starting at ``array_start`` begins."""
    decoder = json.JSONDecoder()
    lines: list[int | None] = []
    position = array_start + 1
    for _ in range(count):
        while position < len(text) and text[position] in " \t\r\n,":
            position += 1
        lines.append(text.count("\n", 0, position) + 1)
        _, position = decoder.raw_decode(text, position)
    return lines


def _read_jsonl(path: Path, text: str) -> Tables:
    records: list[RawRecord] = []
    problems: list[Problem] = []
    # Split on line feeds only: JSON leaves U+2028 and friends unescaped inside strings.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            records.append(RawRecord(json.loads(line), number))
        except json.JSONDecodeError as error:
            problems.append(
                Problem(file=str(path), line=number, message=f"invalid JSON: {error.msg}")
            )
    if problems:
        raise DataError(problems)
    return {"evidence": records}


def _read_csv(path: Path, text: str) -> Tables:
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    records = []
    try:
        _ = reader.fieldnames  # reads the header row, so that line numbers start after it
        line = reader.line_num + 1
        for row in reader:
            if None in row:
                raise _fail(path, "has more cells than the header has columns", line)
            records.append(RawRecord(_unflatten(row), line))
            line = reader.line_num + 1
    except csv.Error as error:
        raise _fail(path, f"invalid CSV: {error}", reader.line_num) from None
    return {"evidence": records}


def _unflatten(row: Mapping[str, str | None]) -> dict[str, Any]:
    """A CSV row as a nested record: ``source.title`` goes to ``{"source": {"title": ...}}``.

    An empty cell is an absent field, so that defaults apply and required fields are missed.
    """
    record: dict[str, Any] = {}
    for column, value in row.items():
        if not value:
            continue
        head, _, rest = column.partition(".")
        if rest:
            record.setdefault(head, {})[rest] = value
        else:
            record[head] = value
    return record


READERS: dict[str, Callable[[Path, str], Tables]] = {
    ".toml": _read_toml,
    ".json": _read_json,
    ".jsonl": _read_jsonl,
    ".csv": _read_csv,
}
"""Data file readers by file-name extension."""


def read_tables(path: Path) -> Tables:
    """The records of a data file by kind, each with its line number where known.

    TOML: arrays of tables ``[[subjects]]``, ``[[priorities]]``, ``[[criteria]]``,
    ``[[evidence]]``. JSON: an object with such arrays, or an array of evidence records.
    JSON Lines: one evidence record per line (blank lines are ignored). CSV: a header row,
    then one evidence record per row, nested fields as dotted columns (``source.title``).
    """
    return _reader(path)(path, read_text(path))


def _reader(path: Path) -> Callable[[Path, str], Tables]:
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise UsageError(f"{path}: unknown file type (expected one of {', '.join(READERS)})")
    return reader


def data_files(paths: Iterable[Path]) -> tuple[list[Path], list[Path]]:
    """The data files named, folders expanded to the data files below them, in a stable order,
    and the other (non-hidden) files found in those folders, so that they can be reported.

    A path that does not exist, or a named file of an unknown type, is a usage error.
    """
    found: list[Path] = []
    skipped: list[Path] = []
    for path in paths:
        if path.is_dir():
            for file in sorted(p for p in path.rglob("*") if p.is_file()):
                if file.suffix.lower() in READERS:
                    found.append(file)
                elif not file.name.startswith("."):
                    skipped.append(file)
        elif not path.exists():
            raise UsageError(f"{path}: no such file or folder")
        elif path.suffix.lower() not in READERS:
            raise UsageError(f"{path}: unknown file type (expected one of {', '.join(READERS)})")
        else:
            found.append(path)
    return found, skipped


@dataclass
class DataSet:
    """Records read from data files, each with the file and line that defined it."""

    subjects: list[tuple[Location, Subject]] = field(default_factory=list)
    priorities: list[tuple[Location, Priority]] = field(default_factory=list)
    criteria: list[tuple[Location, Criterion]] = field(default_factory=list)
    evidence: list[tuple[Location, Evidence]] = field(default_factory=list)
    observations: list[tuple[Location, Observation]] = field(default_factory=list)
    evidence_batches: list[JsonLinesBatch] = field(default_factory=list)
    """Evidence of JSON Lines files read as columns, without a model per record."""
    counts: dict[str, int] = field(default_factory=dict)
    """Valid records per file, by path."""
    reviewed: dict[str, dt.date] = field(default_factory=dict)
    """When each file that says so was last reviewed, by path."""


def load_data_files(paths: Iterable[Path], problems: list[Problem]) -> DataSet:
    """Every valid record in the files; the problems of the others are appended to ``problems``."""
    data = DataSet()
    for path in paths:
        try:
            text = read_text(path)
            if path.suffix.lower() == ".jsonl" and _take_valid_jsonl(path, text, data):
                continue
            tables = _reader(path)(path, text)
        except DataError as error:
            problems.extend(error.problems)
            continue
        data.counts[str(path)] = 0
        if REVIEWED in tables:
            try:
                data.reviewed[str(path)] = _review_date(path, tables[REVIEWED][0])
            except DataError as error:
                problems.extend(error.problems)
        for key, model in MODELS.items():
            for record in tables.get(key, []):
                valid, found = validate_records([record], model, Location(str(path)))
                problems.extend(found)
                getattr(data, key).extend((Location(str(path), record.line), r) for r in valid)
                data.counts[str(path)] += len(valid)
    return data


@functools.cache
def evidence_list() -> TypeAdapter[list[Evidence]]:
    """Validator and serialiser of a list of evidence records, built on first use."""
    return TypeAdapter(list[Evidence])


def _take_valid_jsonl(path: Path, text: str, data: DataSet) -> bool:
    """Add a JSON Lines file's records to ``data`` if every line is a valid record.

    Files of plain records become columns (``records.JsonLinesBatch``) without a model per
    record. Otherwise the whole file is validated in one call, several times faster than
    record by record. A file with any problem returns False, to be read record by record so
    that each problem is reported with its line.
    """
    batch = read_plain_jsonl(str(path), text)
    if batch is not None:
        data.evidence_batches.append(batch)
        data.counts[batch.file] = len(batch.lines)
        return True
    numbered = [(n, line) for n, line in enumerate(text.split("\n"), start=1) if line.strip()]
    try:
        records = evidence_list().validate_json("[" + ",".join(line for _, line in numbered) + "]")
    except ValidationError:
        return False
    if len(records) != len(numbered):  # a line held more than one value
        return False
    file = str(path)
    data.evidence.extend(
        (Location(file, n), r) for (n, _), r in zip(numbered, records, strict=True)
    )
    data.counts[file] = len(records)
    return True


EVIDENCE_COLUMNS: tuple[str, ...] = tuple(
    f"source.{sub}" if name == "source" else name
    for name in Evidence.model_fields
    for sub in (Source.model_fields if name == "source" else [""])
)
"""CSV columns of an evidence record, in model order; nested fields are dotted."""


def write_evidence(records: Sequence[Evidence], file_format: str) -> str:
    """Records as a data file that ``read_tables`` reads back to the same records."""
    if file_format == "jsonl":
        return "".join(record.model_dump_json() + "\n" for record in records)
    if file_format == "json":
        return (
            json.dumps([r.model_dump(mode="json") for r in records], indent=2, ensure_ascii=False)
            + "\n"
        )
    if file_format == "csv":
        buffer = io.StringIO()
        # CRLF (RFC 4180) also makes the writer quote a field holding a lone carriage return.
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(EVIDENCE_COLUMNS)
        for record in records:
            flat = _flatten(record.model_dump(mode="json"))
            writer.writerow("" if flat.get(c) is None else flat[c] for c in EVIDENCE_COLUMNS)
        return buffer.getvalue()
    raise ValueError(file_format)


def _flatten(record: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in record.items():
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def validate_records(
    records: Iterable[RawRecord], model: type[ModelT], origin: Location
) -> tuple[list[ModelT], list[Problem]]:
    """Validate raw records into models; every invalid record yields its problems."""
    valid: list[ModelT] = []
    problems: list[Problem] = []
    for record in records:
        if isinstance(record.data, model):
            valid.append(record.data)
            continue
        if not isinstance(record.data, Mapping):
            message = f"a record must be a table/object, not {type(record.data).__name__}"
            problems.append(origin.at(record.line).problem("", "", message))
            continue
        try:
            valid.append(model.model_validate(record.data))
        except ValidationError as error:
            problems.extend(_problems_from(error, record, model, origin))
    return valid, problems


def _problems_from(
    error: ValidationError, record: RawRecord, model: type[BaseModel], origin: Location
) -> Iterator[Problem]:
    record_id = record.data.get("id") if isinstance(record.data, Mapping) else None
    where = origin.at(record.line)
    for detail in error.errors(include_url=False):
        location = [str(part) for part in detail["loc"]]
        yield where.problem(
            str(record_id) if isinstance(record_id, str) else "",
            ".".join(location),
            _explain(detail, location, model),
        )


def _explain(detail: Any, location: Sequence[str], model: type[BaseModel]) -> str:
    kind = detail["type"]
    if kind == "extra_forbidden":
        allowed = _allowed_fields(model, location[:-1])
        close = difflib.get_close_matches(clipped(location[-1]), allowed, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return f"unknown field (allowed: {', '.join(allowed)}){hint}"
    if kind == "missing":
        return "is required but missing"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_pattern_mismatch" and location[-1] in EXPECTED_FORMS:
        return f"{echo(detail['input'])} is not valid (expected {EXPECTED_FORMS[location[-1]]})"
    message = str(detail["msg"]).removeprefix("Value error, ")
    return f"{message} (got {echo(detail['input'])})" if kind != "value_error" else message


def _allowed_fields(model: type[BaseModel], path: Sequence[str]) -> list[str]:
    current: Any = model
    for part in path:
        field = current.model_fields.get(part) if hasattr(current, "model_fields") else None
        if field is None:
            return []
        current = field.annotation
    return list(current.model_fields) if hasattr(current, "model_fields") else []


class DataPlugin:
    """A plugin whose records live in data files: by default every data file in one folder.

    Any file may hold subjects, priorities, criteria and evidence (the built-ins keep
    priorities and criteria in ``criteria.toml``, subjects and evidence in ``evidence.toml``).
    Files are read on the first hook call, not at import, and parsed as data only.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @cached_property
    def _data(self) -> DataSet:
        problems: list[Problem] = []
        data = load_data_files(data_files([self.folder])[0], problems)
        if problems:
            raise DataError(problems)
        return data

    @hookimpl
    def register_subjects(self) -> list[Subject]:
        return [record for _, record in self._data.subjects]

    @hookimpl
    def register_priorities(self) -> list[Priority]:
        return [record for _, record in self._data.priorities]

    @hookimpl
    def register_criteria(self) -> list[Criterion]:
        return [record for _, record in self._data.criteria]

    @hookimpl
    def register_evidence(self) -> list[Evidence]:
        batches = self._data.evidence_batches
        from_lines = [b.record(row) for b in batches for row in range(len(b.lines))]
        return [record for _, record in self._data.evidence] + from_lines

    @hookimpl
    def register_observations(self) -> list[Observation]:
        return [record for _, record in self._data.observations]
