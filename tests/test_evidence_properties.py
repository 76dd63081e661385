"""Properties of evidence files: every valid record survives every format, and every broken
record is reported with its id and the field that is wrong."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import tempfile
import tomllib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, reject, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from renewal_score.agenda import Agenda, collect_agenda
from renewal_score.datafiles import load_data_files, read_tables, write_evidence
from renewal_score.errors import DataError, Problem
from renewal_score.evidence_csv import EVIDENCE_COLUMNS
from renewal_score.models import Evidence, Source
from renewal_score.testing import agenda_of, make_host
from strategies import event_dates
from tomlwriter import to_toml, toml_record, toml_string

EVENT_DAYS = st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2040, 12, 31))

AGENDA = agenda_of(builtins=True)
HOST = make_host(builtins=True)
CRITERIA = sorted(AGENDA.criteria.values(), key=lambda c: c.id)
SUBJECTS = sorted(AGENDA.subjects)
GRADES = [f"{r}{c}" for r in "ABCDEF" for c in "123456"]
FIELDS = list(Evidence.model_fields)


TRICKY = [
    "|",
    "<script>alert('x')</script>",
    "\n",
    "\r\n",
    '"',
    "'",
    ",",
    ";",
    "\\",
    "\\n",
    "\t",
    '"""',
    "'''",
    "#",
    "[[evidence]]",
    "\n[[evidence]]\n",
    "key = 1",
    "{}",
    "\ufeff",
    "\x00",
    "\x7f",
    "\x1f",
    "\x0b\x0c",
    "é",
    "Canada\u2013Japan",
    "日本",
    "😀",
    " ",
    "=SUM(A1)",
]

characters = st.characters(exclude_categories=("Cs",))
texts = st.lists(
    st.one_of(st.text(characters, max_size=12), st.sampled_from(TRICKY)), max_size=6
).map("".join)


@st.composite
def sources(draw: st.DrawFn) -> Source:
    return Source(
        title=draw(texts.map(lambda text: "Test source: " + text)),
        publisher=draw(st.one_of(st.just(""), texts)),
        date=draw(st.one_of(st.none(), st.dates(dt.date(1950, 1, 1), dt.date(2040, 12, 31)))),
        url=draw(st.one_of(st.just(""), st.just("https://example.org/a?b=1&c=2#d"), texts)),
    )


@st.composite
def evidence_records(draw: st.DrawFn) -> Evidence:
    """A valid record for a built-in criterion and subject (ids prefixed ``test-``)."""
    criterion = draw(st.sampled_from(CRITERIA))
    level = draw(st.sampled_from(criterion.rubric))
    effect = draw(st.sampled_from(["advance", "setback"]))
    if level.needs_concrete and effect == "advance":
        kind = "concrete"
    else:
        kind = draw(st.sampled_from(["declaratory", "concrete"]))
    statement = draw(st.one_of(texts, texts.map(lambda text: "Test record: " + text)))
    try:
        return Evidence(
            id=draw(st.from_regex(r"test-[A-Za-z0-9][A-Za-z0-9_.:-]{0,30}", fullmatch=True)),
            subject=draw(st.sampled_from(SUBJECTS)),
            criterion=criterion.id,
            date=draw(event_dates(EVENT_DAYS)),
            statement=statement,
            level=level.id,
            effect=effect,
            kind=kind,
            source=draw(sources()),
            grade=draw(st.sampled_from(GRADES)),
            note=draw(st.one_of(st.just(""), texts)),
        )
    except ValidationError:
        reject()  # a statement of whitespace only


# ---------------------------------------------------------------------------------------------
# The TOML writer (tomlwriter.py) for this record shape


def test_json_string_escapes_are_toml_string_escapes() -> None:
    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    assert tomllib.loads(f"s = {toml_string(every)}\n")["s"] == every


@settings(max_examples=50, deadline=None)
@given(st.text())
def test_toml_string_round_trips(text: str) -> None:
    assert tomllib.loads(f"s = {toml_string(text)}")["s"] == text


# ---------------------------------------------------------------------------------------------
# Round trips


def read_back(path: Path) -> list[Evidence]:
    tables = read_tables(path)
    assert set(tables) <= {"evidence"}
    return [Evidence.model_validate(r.data) for r in tables.get("evidence", [])]


WRITERS: dict[str, Callable[[list[Evidence]], str]] = {
    "jsonl": lambda records: write_evidence(records, "jsonl"),
    "json": lambda records: write_evidence(records, "json"),
    "csv": lambda records: write_evidence(records, "csv"),
    "toml": lambda records: to_toml([toml_record(r) for r in records]),
}


@settings(max_examples=50, deadline=None)
@given(st.lists(evidence_records(), max_size=5))
def test_records_round_trip_through_every_format(records: list[Evidence]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        for file_format, write in WRITERS.items():
            path = Path(folder) / f"records.{file_format}"
            path.write_bytes(write(records).encode("utf-8"))
            assert read_back(path) == records, file_format
            if file_format in {"jsonl", "toml"}:
                lines = [r.line for r in read_tables(path).get("evidence", [])]
                text = path.read_text(encoding="utf-8").split("\n")
                starts = [
                    n
                    for n, line in enumerate(text, start=1)
                    if line == "[[evidence]]" or line.startswith('{"id"')
                ]
                assert lines == starts, file_format


def test_round_trip_keeps_every_optional_field_and_precision(tmp_path: Path) -> None:
    records = [
        Evidence(
            id=f"test-{precision}",
            subject="CAN-JPN",
            criterion="security.intel-cyber",
            date=date,
            statement="Test record: | <script> \"quoted\", 'single', comma, \n newline",
            level="in-force",
            kind="concrete",
            source=Source(
                title="Test source", publisher="P, Inc.", date=dt.date(2025, 1, 2), url="u"
            ),
            grade="F6",
            note="Test note",
        )
        for precision, date in [
            ("y", "2024"),
            ("q", "2024-Q4"),
            ("m", "2024-02"),
            ("d", "2024-02-29"),
        ]
    ]
    for file_format, write in WRITERS.items():
        path = tmp_path / f"records.{file_format}"
        path.write_bytes(write(records).encode("utf-8"))
        assert read_back(path) == records, file_format


# ---------------------------------------------------------------------------------------------
# Mutations


def drop(field: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def mutate(record: dict[str, Any]) -> dict[str, Any]:
        if "." in field:
            head, tail = field.split(".")
            return {**record, head: {k: v for k, v in record[head].items() if k != tail}}
        return {k: v for k, v in record.items() if k != field}

    return mutate


def setting(field: str, value: Any) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda record: {**record, field: value}


@st.composite
def mutations(draw: st.DrawFn) -> tuple[str, str, Callable[[dict[str, Any]], dict[str, Any]]]:
    """A mutation's name, the field it breaks, and the mutation."""
    kind = draw(
        st.sampled_from(
            [
                "drop",
                "grade",
                "date",
                "unknown field",
                "empty statement",
                "kind",
                "criterion",
                "level",
            ]
        )
    )
    if kind == "drop":
        required = ["subject", "criterion", "date", "statement", "level", "kind", "source", "grade"]
        field = draw(st.sampled_from([*required, "source.title"]))
        return kind, field, drop(field)
    if kind == "grade":
        grades = ["G7", "B9", "b2", "B", "B22", "A0", "2B", "", " ", "Z1", "B 2"]
        return kind, "grade", setting("grade", draw(st.sampled_from(grades)))
    if kind == "date":
        dates = [
            "2025-02-30",
            "2023-02-29",
            "2025-04-31",
            "2025-13",
            "2025-00",
            "2025-06-00",
            "2025-Q5",
            "2025-Q0",
            "25-01-01",
            "2025-1-1",
            "2025/01/01",
            "2025-12-32",
            "next year",
        ]
        return kind, "date", setting("date", draw(st.sampled_from(dates)))
    if kind == "unknown field":
        name = draw(
            st.one_of(
                st.sampled_from(["critera", "levle", "grades", "Statement", "source_title"]),
                st.from_regex(r"[a-z_]{1,12}", fullmatch=True),
            ).filter(lambda n: n not in FIELDS)
        )
        return kind, name, setting(name, draw(st.sampled_from(["x", "security.intel-cyber"])))
    if kind == "empty statement":
        return kind, "statement", setting("statement", draw(st.sampled_from(["", " ", "\t \n"])))
    if kind == "kind":
        return kind, "kind", setting("kind", "rumour")
    if kind == "criterion":
        value = draw(st.sampled_from(["security.intel-cybr", "no-such.criterion", "x"]))
        return kind, "criterion", setting("criterion", value)
    value = draw(st.sampled_from(["ratified", "no-such-level", "NONE", "in_force"]))
    return kind, "level", setting("level", value)


def flatten(record: dict[str, Any]) -> dict[str, Any]:
    """A record as a CSV row: nested fields as dotted columns (``source.title``)."""
    row: dict[str, Any] = {}
    for key, value in record.items():
        if isinstance(value, dict):
            row.update({f"{key}.{sub}": item for sub, item in value.items()})
        else:
            row[key] = value
    return row


def to_csv(records: Sequence[dict[str, Any]]) -> str:
    """Records as CSV, with an extra column for each unknown field."""
    rows = [flatten(r) for r in records]
    extra = sorted({c for row in rows for c in row} - set(EVIDENCE_COLUMNS))
    columns = [*EVIDENCE_COLUMNS, *extra]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(columns)
    for row in rows:
        writer.writerow("" if row.get(c) is None else row[c] for c in columns)
    return buffer.getvalue()


RAW_WRITERS: dict[str, Callable[[Sequence[dict[str, Any]]], str]] = {
    "jsonl": lambda records: "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
    "json": lambda records: json.dumps(list(records), indent=2, ensure_ascii=False),
    "csv": to_csv,
    "toml": to_toml,
}


def load_checked(path: Path) -> Agenda:
    """The agenda of the built-in plugins and a data file, checked as the command line does:
    DataError lists the problems of the file's records and of the records against the rest."""
    problems: list[Problem] = []
    data = load_data_files([path], problems)
    try:
        agenda = collect_agenda(HOST, data)
    except DataError as error:
        problems.extend(error.problems)
    if problems:
        raise DataError(problems)
    return agenda


@settings(max_examples=50, deadline=None)
@given(evidence_records(), mutations(), st.sampled_from(sorted(RAW_WRITERS)))
def test_a_mutated_record_is_reported_with_its_id_and_field(
    record: Evidence,
    mutation: tuple[str, str, Callable[[dict[str, Any]], dict[str, Any]]],
    file_format: str,
) -> None:
    name, field, mutate = mutation
    raw = mutate(record.model_dump(mode="json"))
    fields = {field}
    if file_format == "csv" and field == "source.title":
        fields.add("source")  # with no other source cell filled in, there is no source at all
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"mutated.{file_format}"
        path.write_bytes(RAW_WRITERS[file_format]([raw]).encode("utf-8"))
        with pytest.raises(DataError) as caught:
            load_checked(path)
    problems = caught.value.problems
    assert any(p.field in fields and p.record == record.id for p in problems), (name, problems)
    assert all(p.record == record.id and p.file == str(path) for p in problems), problems
    assert all(p.line is not None for p in problems), problems


def test_unmutated_records_load_in_every_format(tmp_path: Path) -> None:
    records = [{**r.model_dump(mode="json"), "id": f"test-{r.id}"} for r in AGENDA.evidence]
    for file_format, write in RAW_WRITERS.items():
        path = tmp_path / f"copy.{file_format}"
        path.write_bytes(write(records).encode("utf-8"))
        agenda = load_checked(path)
        assert len(agenda.evidence) == 2 * len(AGENDA.evidence), file_format


# ---------------------------------------------------------------------------------------------
# Known bugs


def one_record(**changes: Any) -> Evidence:
    base: dict[str, Any] = {
        "id": "test-bug",
        "subject": "CAN-JPN",
        "criterion": "security.intel-cyber",
        "date": "2025-01",
        "statement": "Test record: known bug.",
        "level": "declared",
        "kind": "declaratory",
        "source": {"title": "Test source"},
        "grade": "B2",
    }
    return Evidence.model_validate({**base, **changes})


@pytest.mark.parametrize("character", ["\u2028", "\u2029", "\x85"])
@pytest.mark.parametrize("field", ["statement", "note"])
def test_jsonl_keeps_unicode_line_separators_inside_strings(
    tmp_path: Path, character: str, field: str
) -> None:
    record = one_record(**{field: f"Test record: before{character}after"})
    path = tmp_path / "records.jsonl"
    path.write_bytes(write_evidence([record], "jsonl").encode("utf-8"))
    assert read_back(path) == [record]


@pytest.mark.parametrize("field", ["statement", "note"])
def test_csv_keeps_a_lone_carriage_return_inside_a_field(tmp_path: Path, field: str) -> None:
    record = one_record(**{field: "Test record: before\rafter"})
    path = tmp_path / "records.csv"
    path.write_bytes(write_evidence([record], "csv").encode("utf-8"))
    assert read_back(path) == [record]
