"""Evidence records as CSV: a header row, then one row per record; nested fields are dotted
columns (``source.title``) and an empty cell is an absent field.

A cell that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab, carriage
return first) is written with a leading ``'``, as OWASP advises, and so is a cell that
starts with ``'`` itself; reading removes one leading ``'``. A record therefore reads back
exactly as it was written (``escaping.quote_formula``), and a spreadsheet shows text.
"""

from __future__ import annotations

import collections
import contextlib
import csv
import io
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from renewal_score.dotted import dotted_items
from renewal_score.errors import DataError, Problem
from renewal_score.escaping import echo, quote_formula, unquote_formula
from renewal_score.models import Evidence, Source

EVIDENCE_COLUMNS: tuple[str, ...] = tuple(
    f"source.{sub}" if name == "source" else name
    for name in Evidence.model_fields
    for sub in (Source.model_fields if name == "source" else [""])
)
"""CSV columns of an evidence record, in model order; nested fields are dotted."""


def read_rows(path: Path, text: str) -> list[tuple[dict[str, Any], int]]:
    """Each row of a CSV evidence file as a (nested) record, with the line it starts on;
    DataError if the header or the CSV syntax is wrong."""
    records = []
    line = 1
    with _fields_as_long_as(len(text)):
        reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
        try:
            _check_header(path, reader.fieldnames)
            line = reader.line_num + 1  # the line after the header row
            for row in reader:
                if None in row:
                    raise _fail(path, line, "has more cells than the header has columns")
                records.append((_unflatten(row), line))
                line = reader.line_num + 1
        except csv.Error as error:  # in the row that starts on ``line``
            raise _fail(path, line, f"invalid CSV: {error}") from None
    return records


def write_rows(records: Sequence[Evidence]) -> str:
    """Records as CSV that ``read_rows`` reads back to the same records."""
    buffer = io.StringIO()
    # CRLF (RFC 4180) also makes the writer quote a field holding a lone carriage return.
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(EVIDENCE_COLUMNS)
    for record in records:
        flat = dict(dotted_items(record.model_dump(mode="json")))
        writer.writerow(_cell(flat.get(column)) for column in EVIDENCE_COLUMNS)
    return buffer.getvalue()


def _fail(path: Path, line: int, message: str) -> DataError:
    return DataError([Problem(str(path), line, message=message)])


@contextlib.contextmanager
def _fields_as_long_as(length: int) -> Iterator[None]:
    """Let the csv module read a field as long as the whole text: its default limit (131,072
    characters) is shorter than a valid record's statement may be. The limit is the
    process's, so it is put back afterwards."""
    previous = csv.field_size_limit()
    csv.field_size_limit(max(previous, length))
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def _check_header(path: Path, columns: Sequence[str] | None) -> None:
    """DataError unless the header row names an id column and no field twice. Unknown
    columns are left to the model, which reports them per record with a suggestion."""
    if not columns:
        message = f"is empty; a CSV evidence file starts with a header row: {_expected()}"
        raise _fail(path, 1, message)
    problems = []
    if "id" not in columns:
        message = f"the header row {echo(list(columns))} has no id column; {_expected()}"
        problems.append(message)
    for column, count in collections.Counter(columns).items():
        if count > 1:
            problems.append(f"column {echo(column)} is named {count} times")
    for column in columns:
        head, dot, _ = column.partition(".")
        if dot and head in columns:
            problems.append(f"columns {echo(head)} and {echo(column)} both give {echo(head)}")
    if problems:
        raise DataError(Problem(str(path), 1, message=text) for text in problems)


def _expected() -> str:
    return f"expected columns {', '.join(EVIDENCE_COLUMNS)}"


def _unflatten(row: Mapping[str, str | None]) -> dict[str, Any]:
    """A CSV row as a nested record: ``source.title`` goes to ``{"source": {"title": ...}}``.

    An empty cell is an absent field, so that defaults apply and required fields are missed.
    """
    record: dict[str, Any] = {}
    for column, cell in row.items():
        value = unquote_formula(cell or "")
        if not value:
            continue
        head, _, rest = column.partition(".")
        if rest:
            record.setdefault(head, {})[rest] = value
        else:
            record[head] = value
    return record


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    return quote_formula(value) if isinstance(value, str) else value
