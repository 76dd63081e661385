"""Reading and writing data files: TOML, JSON, JSON Lines and CSV.

Data files are parsed as data only: nothing in them is executed, imported or unpickled.
Every problem is reported with its file, line, record id and field, and all problems of
a file are collected before anything is raised, so a user can fix them in one pass.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import re
import tomllib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from renewal_score import models
from renewal_score.errors import DataError, Location, Problem, UsageError, did_you_mean
from renewal_score.escaping import clipped, echo
from renewal_score.hookspecs import hookimpl
from renewal_score.locating import (
    JsonMember,
    json_array_lines,
    json_object_members,
    reading,
    toml_error_line,
    toml_table_lines,
)
from renewal_score.models import (
    Criterion,
    Evidence,
    Observation,
    Priority,
    Subject,
)
from renewal_score.records import JsonLinesBatch
from renewal_score.toml_text import toml_document

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
    "agendas": models.AgendaDefinition,
    "subjects": Subject,
    "priorities": Priority,
    "criteria": Criterion,
    "evidence": Evidence,
    "observations": Observation,
}
"""The kinds of record a data file may hold, by table name, in the order they are checked."""


def parse_toml(path: Path, text: str) -> dict[str, Any]:
    """The TOML document; DataError with the line of a syntax error."""
    try:
        return toml_document(text)
    except tomllib.TOMLDecodeError as error:
        raise _fail(path, f"invalid TOML: {error}", toml_error_line(error, text)) from None


def _read_toml(path: Path, text: str) -> Tables:
    document = parse_toml(path, text)
    tables: Tables = {}
    headers = toml_table_lines(text)
    for key, records in _arrays(path, document, text).items():
        if key == REVIEWED:
            tables[key] = records
            continue
        lines: list[int | None] = list(headers.get(key, []))
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
            message = f"unknown table (expected {', '.join(MODELS)}){did_you_mean(name, MODELS)}"
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
        lines = json_array_lines(text, text.index("["))
        return {"evidence": [RawRecord(r, n) for r, n in zip(document, lines, strict=True)]}
    arrays = _arrays(path, document, text)
    members = json_object_members(text)
    _no_repeated_keys(path, members)
    elements = {member.key: member.elements for member in members}
    tables: Tables = {}
    for key, records in arrays.items():
        if key == REVIEWED:
            tables[key] = records
            continue
        lines = elements[key] or []
        tables[key] = [RawRecord(r, n) for r, n in zip(records, lines, strict=True)]
    return tables


def _no_repeated_keys(path: Path, members: Sequence[JsonMember]) -> None:
    """DataError for each top-level key written twice: JSON keeps the last value only, and
    the records of the first would silently be lost."""
    first: dict[str, int] = {}
    problems = []
    for member in members:
        if member.key in first:
            message = f"is given more than once (first on line {first[member.key]})"
            problems.append(Problem(str(path), member.line, field=member.key, message=message))
        first.setdefault(member.key, member.line)
    if problems:
        raise DataError(problems)


def _read_jsonl(path: Path, text: str) -> Tables:
    records: list[RawRecord] = []
    problems: list[Problem] = []
    # Split on line feeds only: JSON leaves U+2028 and friends unescaped inside strings.
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            found = _json_line(path, line, number)
            if isinstance(found, RawRecord):
                records.append(found)
            else:
                problems.extend(found)
    if problems:
        raise DataError(problems)
    return {"evidence": records}


def _json_line(path: Path, line: str, number: int) -> RawRecord | list[Problem]:
    """The value on one line of a JSON Lines file, or the line's problems."""
    try:
        with reading(path, line):
            return RawRecord(json.loads(line), number)
    except json.JSONDecodeError as error:
        return [Problem(file=str(path), line=number, message=f"invalid JSON: {error.msg}")]
    except DataError as error:  # located within the line: the line is the file's
        return [replace(p, line=number) for p in error.problems]


def _evidence_line(path: Path, line: str, number: int) -> tuple[Evidence | None, list[Problem]]:
    """One line of a JSON Lines file validated by the model: its record, or its problems."""
    found = _json_line(path, line, number)
    if not isinstance(found, RawRecord):
        return None, found
    valid, problems = validate_records([found], Evidence, Location(str(path)))
    return (valid[0] if valid else None), problems


def _read_csv(path: Path, text: str) -> Tables:
    from renewal_score.evidence_csv import read_rows  # only when a CSV file is read

    return {"evidence": [RawRecord(record, line) for record, line in read_rows(path, text)]}


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
    text = read_text(path)
    with reading(path, text):
        return _reader(path)(path, text)


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

    agendas: list[tuple[Location, models.AgendaDefinition]] = field(default_factory=list)
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
            if path.suffix.lower() == ".jsonl":
                _load_jsonl(path, data, problems)
                continue
            text = read_text(path)
            with reading(path, text):
                _load_file(path, text, data, problems)
        except DataError as error:
            problems.extend(error.problems)
    return data


def _load_jsonl(path: Path, data: DataSet, problems: list[Problem]) -> None:
    """A JSON Lines file read as columns (``records.JsonLinesBatch``), chunk by chunk, each
    invalid line reported and the valid ones kept."""
    from renewal_score.plain_jsonl import read_jsonl_file  # only when a JSON Lines file is read

    batch, found = read_jsonl_file(path, functools.partial(_evidence_line, path))
    problems.extend(found)
    data.evidence_batches.append(batch)
    data.counts[batch.file] = len(batch.lines)


def _load_file(path: Path, text: str, data: DataSet, problems: list[Problem]) -> None:
    tables = _reader(path)(path, text)
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
        from renewal_score.evidence_csv import write_rows

        return write_rows(records)
    raise ValueError(file_format)


def validate_records(
    records: Iterable[RawRecord], model: type[ModelT], origin: Location
) -> tuple[list[ModelT], list[Problem]]:
    """Validate raw records into models; every invalid record yields its problems."""
    valid: list[ModelT] = []
    problems: list[Problem] = []
    for record in records:
        if isinstance(record.data, model):  # from a plugin: checked too, in case it was built
            # without validation (model_construct), and as the model itself, not a subclass
            record = replace(record, data=record.data.model_dump(include=set(model.model_fields)))
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
        hint = did_you_mean(clipped(location[-1]), allowed)
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
    def register_agendas(self) -> list[models.AgendaDefinition]:
        return [record for _, record in self._data.agendas]

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
