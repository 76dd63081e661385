"""Reading data files (TOML, JSON, JSON Lines) into validated models.

Data files are parsed as data only: nothing in them is executed, imported or unpickled.
Every problem is reported with its file, line, record id and field, and all problems of
a file are collected before anything is raised, so a user can fix them in one pass.
"""

from __future__ import annotations

import difflib
import json
import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from renewal_score.errors import DataError, Problem
from renewal_score.hookspecs import hookimpl
from renewal_score.models import Criterion, Evidence, Priority, Subject

ModelT = TypeVar("ModelT", bound=BaseModel)

SUFFIXES = (".toml", ".json", ".jsonl")


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


def read_text(path: Path) -> str:
    """The file's text; a UTF-8 BOM and CRLF line endings are accepted."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise DataError(
            [Problem(file=str(path), message=f"cannot be read ({error.strerror})")]
        ) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise DataError(
            [Problem(file=str(path), line=line, message=f"is not UTF-8 (byte {error.start})")]
        ) from None


def read_tables(path: Path, key: str) -> list[RawRecord]:
    """The records stored under ``key`` in a data file, with their line numbers.

    TOML: an array of tables ``[[key]]``. JSON: an array of records, or an object with a
    ``key`` array. JSON Lines: one record per line (blank lines are ignored).
    """
    text = read_text(path)
    suffix = path.suffix.lower()
    if suffix == ".toml":
        return _read_toml(path, text, key)
    if suffix == ".json":
        return _read_json(path, text, key)
    if suffix == ".jsonl":
        return _read_jsonl(path, text)
    raise DataError(
        [
            Problem(
                file=str(path), message=f"unknown file type (expected one of {', '.join(SUFFIXES)})"
            )
        ]
    )


def _read_toml(path: Path, text: str, key: str) -> list[RawRecord]:
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"line (\d+)", str(error))
        line = int(match.group(1)) if match else None
        raise DataError(
            [Problem(file=str(path), line=line, message=f"invalid TOML: {error}")]
        ) from None
    tables = document.get(key, [])
    if not isinstance(tables, list):
        raise DataError([Problem(file=str(path), field=key, message="must be an array of tables")])
    header = re.compile(r"^\s*\[\[\s*" + re.escape(key) + r"\s*\]\]", re.MULTILINE)
    lines = [text.count("\n", 0, m.start()) + 1 for m in header.finditer(text)]
    if len(lines) != len(tables):  # inline arrays carry no header line per record
        lines = []
    return [RawRecord(t, lines[i] if lines else None) for i, t in enumerate(tables)]


def _read_json(path: Path, text: str, key: str) -> list[RawRecord]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise DataError(
            [Problem(file=str(path), line=error.lineno, message=f"invalid JSON: {error.msg}")]
        ) from None
    if isinstance(document, dict):
        document = document.get(key, [])
    if not isinstance(document, list):
        raise DataError(
            [
                Problem(
                    file=str(path),
                    message=f"must be an array of records or an object with a {key!r} array",
                )
            ]
        )
    return [RawRecord(item, None) for item in document]


def _read_jsonl(path: Path, text: str) -> list[RawRecord]:
    records: list[RawRecord] = []
    problems: list[Problem] = []
    for number, line in enumerate(text.splitlines(), start=1):
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
    return records


def validate_records(
    records: Iterable[RawRecord], model: type[ModelT], origin: str
) -> tuple[list[ModelT], list[Problem]]:
    """Validate raw records into models; every invalid record yields its problems."""
    valid: list[ModelT] = []
    problems: list[Problem] = []
    for record in records:
        if isinstance(record.data, model):
            valid.append(record.data)
            continue
        if not isinstance(record.data, Mapping):
            problems.append(
                Problem(
                    file=origin,
                    line=record.line,
                    message=f"a record must be a table/object, not {type(record.data).__name__}",
                )
            )
            continue
        try:
            valid.append(model.model_validate(record.data))
        except ValidationError as error:
            problems.extend(_problems_from(error, record, model, origin))
    return valid, problems


def _problems_from(
    error: ValidationError, record: RawRecord, model: type[BaseModel], origin: str
) -> Iterator[Problem]:
    record_id = record.data.get("id") if isinstance(record.data, Mapping) else None
    for detail in error.errors(include_url=False):
        location = [str(part) for part in detail["loc"]]
        yield Problem(
            file=origin,
            line=record.line,
            record=str(record_id) if isinstance(record_id, str) else "",
            field=".".join(location),
            message=_explain(detail, location, model),
        )


def _explain(detail: Any, location: Sequence[str], model: type[BaseModel]) -> str:
    kind = detail["type"]
    if kind == "extra_forbidden":
        allowed = _allowed_fields(model, location[:-1])
        close = difflib.get_close_matches(location[-1], allowed, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return f"unknown field (allowed: {', '.join(allowed)}){hint}"
    if kind == "missing":
        return "is required but missing"
    if kind == "string_pattern_mismatch" and location[-1] in EXPECTED_FORMS:
        return f"{detail['input']!r} is not valid (expected {EXPECTED_FORMS[location[-1]]})"
    message = str(detail["msg"]).removeprefix("Value error, ")
    return f"{message} (got {detail['input']!r})" if kind != "value_error" else message


def _allowed_fields(model: type[BaseModel], path: Sequence[str]) -> list[str]:
    current: Any = model
    for part in path:
        field = current.model_fields.get(part) if hasattr(current, "model_fields") else None
        if field is None:
            return []
        current = field.annotation
    return list(current.model_fields) if hasattr(current, "model_fields") else []


def load_models(path: Path, key: str, model: type[ModelT]) -> list[ModelT]:
    """Read and validate the ``key`` records of one data file; DataError lists every problem."""
    valid, problems = validate_records(read_tables(path, key), model, str(path))
    if problems:
        raise DataError(problems)
    return valid


class DataPlugin:
    """A plugin whose agenda and evidence live in data files in one folder.

    ``criteria.toml`` holds ``[[priorities]]`` and ``[[criteria]]``; ``evidence.toml`` holds
    ``[[subjects]]`` and ``[[evidence]]``. Either file may be absent. Files are read on the
    first hook call, not at import, and parsed as data only.
    """

    def __init__(self, folder: Path) -> None:
        self._criteria_file = folder / "criteria.toml"
        self._evidence_file = folder / "evidence.toml"

    @staticmethod
    def _load(path: Path, key: str, model: type[ModelT]) -> list[ModelT]:
        return load_models(path, key, model) if path.exists() else []

    @hookimpl
    def register_subjects(self) -> list[Subject]:
        return self._load(self._evidence_file, "subjects", Subject)

    @hookimpl
    def register_priorities(self) -> list[Priority]:
        return self._load(self._criteria_file, "priorities", Priority)

    @hookimpl
    def register_criteria(self) -> list[Criterion]:
        return self._load(self._criteria_file, "criteria", Criterion)

    @hookimpl
    def register_evidence(self) -> list[Evidence]:
        return self._load(self._evidence_file, "evidence", Evidence)
