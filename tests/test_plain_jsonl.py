# ruff: noqa: RUF001  (full-width and Arabic-Indic digits are deliberate: ids and dates in ASCII)
"""The fast path for JSON Lines evidence (``plain_jsonl.read_plain_jsonl``) against the model.

The contract: the fast path never accepts a file that ``Evidence`` would reject on any line,
and when it accepts one, every record is exactly what ``Evidence.model_validate_json`` makes
of its line, the columns hold the model's field values, and each record keeps its line
number. Whatever it refuses is left to model validation, which accepts or explains it.

Tests named ``test_regression_*`` hold inputs on which earlier versions broke the contract.
"""

from __future__ import annotations

import datetime as dt
import json
import operator
import re
import string
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from renewal_score import plain_jsonl
from renewal_score.datafiles import DataSet, load_data_files
from renewal_score.errors import Location, Problem
from renewal_score.models import Evidence
from renewal_score.plain_jsonl import read_plain_jsonl
from renewal_score.records import COLUMNS, EvidenceRecords, JsonLinesBatch, ModelBatch
from strategies import event_dates

FILE = "evidence.jsonl"
GRADES = [f"{r}{c}" for r in "ABCDEF" for c in "123456"]
SUBJECTS = ["S", "CAN-JPN", "eu.fr", "x:1"]
CRITERIA = ["security.intel-cyber", "c1", "trade_2"]
LEVELS = ["signed", "l0", "in-force"]


def plain_record(index: int, **changes: Any) -> dict[str, Any]:
    """A valid record that the fast path takes as it is."""
    record: dict[str, Any] = {
        "id": f"e{index}",
        "subject": "CAN-JPN",
        "criterion": "security.intel-cyber",
        "date": "2025-01-15",
        "statement": f"Something happened ({index}).",
        "level": "signed",
        "effect": "advance",
        "kind": "declaratory",
        "source": {"title": "A source", "publisher": "A publisher", "date": "2025-01-16"},
        "grade": "B2",
    }
    record.update(changes)
    return record


def jsonl(records: list[Any]) -> str:
    return "".join(json.dumps(r) + "\n" for r in records)


def model_view(text: str) -> list[tuple[int, Evidence | None]]:
    """Each non-blank line's number and what the model makes of it (None: rejected)."""
    found: list[tuple[int, Evidence | None]] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            found.append((number, Evidence.model_validate_json(line)))
        except ValidationError:
            found.append((number, None))
    return found


def check_against_model(text: str) -> JsonLinesBatch | None:
    """The fast path's batch for the text, after checking it against the model line by line."""
    expected = model_view(text)
    batch = read_plain_jsonl(FILE, text)
    if batch is None:
        return None
    rejected = [number for number, record in expected if record is None]
    assert not rejected, (
        f"the fast path accepted lines {rejected}, which the model rejects; "
        f"line {rejected[0]}: {text.split(chr(10))[rejected[0] - 1][:400]!r}"
        if rejected
        else ""
    )
    assert len(batch.lines) == len(expected)
    for name in COLUMNS:
        assert len(getattr(batch.columns, name)) == len(expected), name
    for row, (number, record) in enumerate(expected):
        assert batch.location(row) == Location(FILE, number)
        assert batch.record(row) == record
        for name in COLUMNS:
            value = getattr(batch.columns, name)[row]
            assert type(value) is str or (name == "event" and value is None), (row, name, value)
            assert value == getattr(record, name), (row, name, value)
    return batch


def load(path: Path, raw: bytes) -> tuple[DataSet, list[Problem]]:
    """The file written as those bytes, read as ``renewal-score`` reads it."""
    path.write_bytes(raw)
    problems: list[Problem] = []
    return load_data_files([path], problems), problems


# ---------------------------------------------------------------------------------------------
# Strategies: plain records, then mutations of them

BMP = st.characters(max_codepoint=0xFFFF, codec="utf-8")  # no lone surrogates
ANY_CHAR = st.characters(codec="utf-8")
PLAIN_TEXT = st.text(BMP, max_size=16).map(lambda text: text.strip() or "text")
ANY_TEXT = st.text(BMP, max_size=16)
ALNUM = string.ascii_letters + string.digits
IDS = st.builds(operator.add, st.sampled_from(ALNUM), st.text(ALNUM + "_.:-", max_size=40))
DAYS = st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31))


@st.composite
def plain_records(draw: st.DrawFn, text: st.SearchStrategy[str] = PLAIN_TEXT) -> dict[str, Any]:
    """A valid record of plain values, in a random key order, optional fields present or not."""
    source: dict[str, Any] = {"title": draw(text)}
    if draw(st.booleans()):
        source["publisher"] = draw(ANY_TEXT)
    if draw(st.booleans()):
        source["date"] = draw(st.none() | DAYS.map(dt.date.isoformat))
    if draw(st.booleans()):
        source["url"] = draw(st.sampled_from(["", "https://example.org/a?b=c"]))
    record: dict[str, Any] = {
        "id": draw(IDS),
        "subject": draw(st.sampled_from(SUBJECTS)),
        "criterion": draw(st.sampled_from(CRITERIA)),
        "date": draw(event_dates(DAYS)),
        "statement": draw(text),
        "level": draw(st.sampled_from(LEVELS)),
        "kind": draw(st.sampled_from(["declaratory", "concrete"])),
        "source": source,
        "grade": draw(st.sampled_from(GRADES)),
    }
    if draw(st.booleans()):
        record["effect"] = draw(st.sampled_from(["advance", "setback"]))
    if draw(st.booleans()):
        record["note"] = draw(ANY_TEXT)
    keys = draw(st.permutations(list(record)))
    return {key: record[key] for key in keys}


KeyPath = tuple[str, ...]
STRING_FIELDS: list[KeyPath] = [
    *((name,) for name in ("id", "subject", "criterion", "date", "statement", "level")),
    *((name,) for name in ("effect", "kind", "grade", "note")),
    *(("source", name) for name in ("title", "publisher", "url", "date")),
]
REQUIRED: list[KeyPath] = [
    *((name,) for name in ("id", "subject", "criterion", "date", "statement", "level")),
    *((name,) for name in ("kind", "source", "grade")),
    ("source", "title"),
]
OPTIONAL: list[KeyPath] = [("effect",), ("note",), ("source", "publisher"), ("source", "date")]
WHITESPACE = [
    *(" ", "\t", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x1f", "\x85", "\u00a0", "\u1680"),
    *("\u2003", "\u2028", "\u202f", "\u3000", "\ufeff", "\u200b", "\u180e"),
]
"""Python's and Unicode's whitespace, and some characters that are neither (the last three)."""
WRONG_TYPES: list[Any] = [0, 1, -2.5, float("nan"), float("inf"), None, True, [], ["x"], {}]
ODD_IDS = [
    *("a" * 120, "a" * 121, "1", "a.", "A:b_c-d.e", "a b", "é1", "ａ1", "a/b", "-a", "_a"),
    *(".a", "a\u0301", "Ⅻ", "a,b"),
]
ODD_DATES = [
    *("２０２５", "٢٠٢٥", "2025-02-30", "2025-13", "2025-00", "2025-Q5", "2025-Q0", "2025-q1"),
    *("2025-1", "2025-01-1", "25", "20250", "0000", "0001", "9999-12", "2024-02-29"),
    *("2025-02-29", "2025-04-31", "2025-１２", "2025/01/01", "2025-01-01T00:00", "2025-Q4"),
]
ODD_GRADES = ["b2", "A7", "A0", "G1", "AA", "B", "B22", "Ｂ2", "B２", "F6", "A1", "B 2"]
ODD_EFFECTS = ["Advance", "progress", "", "SETBACK", "setback", "advance"]
ODD_KINDS = ["Concrete", "declarative", "", "concrete", "declaratory"]
ODD_DAYS: list[Any] = [
    *(None, "2025-01-01", "2024-02-29", "2025-02-30", "2025-13-01", "2025-01", "2025"),
    *("20250101", "2025-1-1", "２０２５-01-01", 20250101, "2025-01-01T00:00:00"),
    *("0000-01-01", "0001-01-01", "9999-12-31", "", "2025-00-10", "2025-04-31", "2023-02-29"),
]
"""Values of ``source.date``: none, real days, impossible days, and texts that are not days.
The invalid values of the fields above are chosen so that none of them is a valid value of
another field (see ``test_regression_value_valid_in_another_field``)."""


def _get(record: Any, path: KeyPath) -> Any:
    for key in path:
        if not isinstance(record, dict) or key not in record:
            return None
        record = record[key]
    return record


def _set(record: dict[str, Any], path: KeyPath, value: Any) -> None:
    parent = _get(record, path[:-1]) if len(path) > 1 else record
    if isinstance(parent, dict):
        parent[path[-1]] = value


def _delete(record: dict[str, Any], path: KeyPath) -> None:
    parent = _get(record, path[:-1]) if len(path) > 1 else record
    if isinstance(parent, dict):
        parent.pop(path[-1], None)


Mutation = Callable[[st.DrawFn, dict[str, Any]], None]


def pad(draw: st.DrawFn, record: dict[str, Any]) -> None:
    path = draw(st.sampled_from(STRING_FIELDS))
    value = _get(record, path)
    if isinstance(value, str):
        before = draw(st.sampled_from(["", *WHITESPACE]))
        after = draw(st.sampled_from(["", *WHITESPACE]))
        _set(record, path, before + value + after)


def empty_text(draw: st.DrawFn, record: dict[str, Any]) -> None:
    path = draw(st.sampled_from([("statement",), ("source", "title"), ("id",), ("note",)]))
    _set(record, path, draw(st.sampled_from(["", " ", "\u00a0", "\x1c", "\u3000\t"])))


def wrong_type(draw: st.DrawFn, record: dict[str, Any]) -> None:
    path = draw(st.sampled_from([*STRING_FIELDS, ("source",)]))
    _set(record, path, draw(st.sampled_from([*WRONG_TYPES, {"title": 1}, "a source"])))


def unknown_field(draw: st.DrawFn, record: dict[str, Any]) -> None:
    if draw(st.booleans()):
        name = draw(st.sampled_from(["extra", "Note", "sources", "id ", "ID", "confidence"]))
        record[name] = draw(st.sampled_from(["x", 1, None]))
    else:
        _set(record, ("source", draw(st.sampled_from(["author", "Title", "doi"]))), "x")


def missing_field(draw: st.DrawFn, record: dict[str, Any]) -> None:
    _delete(record, draw(st.sampled_from(REQUIRED)))


def absent_optional(draw: st.DrawFn, record: dict[str, Any]) -> None:
    _delete(record, draw(st.sampled_from(OPTIONAL)))


def odd_values(*paths: KeyPath, values: list[Any]) -> Mutation:
    def mutation(draw: st.DrawFn, record: dict[str, Any]) -> None:
        _set(record, draw(st.sampled_from(paths)), draw(st.sampled_from(values)))

    mutation.__name__ = f"odd_{'_'.join(p[-1] for p in paths)}"
    return mutation


def any_text(draw: st.DrawFn, record: dict[str, Any]) -> None:
    """Any text, including escaped line breaks, characters beyond the BMP (escaped as
    surrogate pairs unless written as they are) and lone surrogates (always escaped)."""
    path = draw(st.sampled_from([("statement",), ("note",), ("source", "title")]))
    path = draw(st.sampled_from([path, ("source", "publisher"), ("source", "url")]))
    odd = st.sampled_from(["two\nlines\r\n", "\U0001f600", "x\ud800", "\udfff", "\x00"])
    _set(record, path, draw(st.text(ANY_CHAR, max_size=12) | odd))


def embedded_line_break(draw: st.DrawFn, record: dict[str, Any]) -> None:
    """An identifier with a line feed inside (see test_regression_id_with_line_feed)."""
    path = draw(st.sampled_from([("id",), ("subject",), ("criterion",), ("level",)]))
    _set(record, path, "a\nb")


def value_of_another_field(draw: st.DrawFn, record: dict[str, Any]) -> None:
    """A valid value of one field in a field that may not allow it (see
    test_regression_value_valid_in_another_field)."""
    target = draw(st.sampled_from(["date", "grade", "effect", "kind"]))
    source = draw(st.sampled_from(["subject", "criterion", "level", "date", "grade", "effect"]))
    record[target] = record.get(source, "advance")


MUTATIONS: list[Mutation] = [
    *(pad, empty_text, wrong_type, unknown_field, missing_field, absent_optional, any_text),
    odd_values(("id",), values=ODD_IDS),
    odd_values(("subject",), ("criterion",), ("level",), values=ODD_IDS),
    odd_values(("date",), values=ODD_DATES),
    odd_values(("grade",), values=ODD_GRADES),
    odd_values(("effect",), values=ODD_EFFECTS),
    odd_values(("kind",), values=ODD_KINDS),
    odd_values(("source", "date"), values=ODD_DAYS),
    embedded_line_break,
    value_of_another_field,
]


@st.composite
def mutated_files(draw: st.DrawFn) -> list[Any]:
    """Plain records, then mutations: none; exactly one, so that it is seen alone in a file
    that is otherwise plain; one for each record; or one or two for some or every record."""
    how = draw(st.sampled_from(["none", "one", "each", "one", "each", "some", "all"]))
    size = draw(st.integers(0, 30))  # evenly: st.lists favours small lists
    record = plain_records()
    records: list[Any] = draw(st.lists(record, min_size=size, max_size=size))
    if not records:
        return records
    mutations = MUTATIONS
    if how == "one":
        draw(st.sampled_from(mutations))(draw, records[draw(st.integers(0, len(records) - 1))])
    elif how == "each":  # every line then shows one mutation alone (as a file of its own)
        for record in records:
            draw(st.sampled_from(mutations))(draw, record)
    elif how != "none":
        for record in records:
            if how == "all" or draw(st.integers(0, 3)) == 0:
                for mutation in draw(st.lists(st.sampled_from(mutations), min_size=1, max_size=2)):
                    mutation(draw, record)
    if not draw(st.integers(0, 20)):
        i = draw(st.integers(0, len(records) - 1))
        records[i] = draw(st.sampled_from([[records[i]], "record", 1, None, []]))
    return records


BLANKS = ["", " ", "\t", "\u00a0", "\x1c", "\u2003", "\x0c"]
"""Lines that both readers skip as blank (``str.strip`` leaves nothing)."""


def _dumps(record: Any, ensure_ascii: bool, separators: tuple[str, str] | None) -> str:
    """One line of JSON; a lone surrogate, which UTF-8 cannot hold, is always escaped."""
    line = json.dumps(record, ensure_ascii=ensure_ascii, separators=separators)
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(record, separators=separators)
    return line


JOINERS = [" ", ",", ", ", "],[", "] , ["]
"""What may stand between two values on one line: JSON's separators, and '],[' (which an
earlier fast path put for each line break, parsing each line as an array of its own)."""
FREE_TEXT = re.compile(r'"(statement|note|title|publisher|url)": ?"')
"""The start of a text in which any character may follow: where a line may be broken so that
both halves still read as one JSON value to a parser that takes line breaks as separators."""


def _broken_in_text(line: str, at: int = 0) -> list[str]:
    """The line broken in two inside a text (the first found at or after ``at``)."""
    found = FREE_TEXT.search(line, at) or FREE_TEXT.search(line)
    return [line] if found is None else [line[: found.end()], line[found.end() :]]


@st.composite
def jsonl_texts(draw: st.DrawFn, records: list[Any], *, mangle: bool) -> str:
    """The records as JSON Lines, laid out in one of the ways a file may be; with ``mangle``,
    some lines are also broken (two values on a line, a truncated line, a stray prefix)."""
    ensure_ascii = draw(st.booleans())
    compact = draw(st.booleans())
    separators = (",", ":") if compact else None
    lines = [_dumps(r, ensure_ascii, separators) for r in records]
    if mangle and lines:
        for _ in range(draw(st.integers(0, 2))):
            i = draw(st.integers(0, len(lines) - 1))
            kind = draw(st.sampled_from(["two values", "truncated", "prefix", "suffix"]))
            if kind == "two values" and i + 1 < len(lines):
                joiner = draw(st.sampled_from([" ", ", ", ","]))
                lines[i : i + 2] = [lines[i] + joiner + lines[i + 1]]
            elif kind == "truncated":
                lines[i] = lines[i][:-1]
            elif kind == "prefix":
                lines[i] = draw(st.sampled_from([" ", "\t", "\u00a0", "\x1c", ","])) + lines[i]
            elif kind == "suffix":
                lines[i] += draw(st.sampled_from([" ", "\t", "\r", ",", "]", "\u2003"]))
    text = ""
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    for line in lines:
        if draw(st.integers(0, 4)) == 0:
            text += draw(st.sampled_from(BLANKS)) + newline
        text += line + newline
    if text and not draw(st.booleans()):  # no final line break
        text = text.removesuffix(newline)
    return text


CHUNK_SIZES = st.sampled_from([64, 200, 1_000, plain_jsonl.CHUNK_BYTES])
"""Characters per chunk: small ones put every line or two in a chunk of its own."""


# ---------------------------------------------------------------------------------------------
# Properties


@given(
    records=mutated_files(),
    data=st.data(),
    chunk=CHUNK_SIZES,
)
def test_fast_path_agrees_with_model(records: list[Any], data: st.DataObject, chunk: int) -> None:
    text = data.draw(jsonl_texts(records, mangle=True))
    with mock.patch.object(plain_jsonl, "CHUNK_BYTES", chunk):
        for line in text.split("\n"):  # each line is also a file, with its mutations alone
            check_against_model(line)
        check_against_model(text)


@given(
    records=st.lists(plain_records(), min_size=1, max_size=25),
    data=st.data(),
    chunk=CHUNK_SIZES,
)
def test_fast_path_takes_plain_records(
    records: list[dict[str, Any]], data: st.DataObject, chunk: int
) -> None:
    text = data.draw(jsonl_texts(records, mangle=False))
    with mock.patch.object(plain_jsonl, "CHUNK_BYTES", chunk):
        batch = check_against_model(text)
    assert batch is not None, "plain records must not be left to the model"
    assert batch.file == FILE
    for row, record in enumerate(records):
        for name in COLUMNS:
            default = None if name == "event" else "advance"
            assert getattr(batch.columns, name)[row] == record.get(name, default)


@settings(phases=[Phase.explicit, Phase.reuse, Phase.generate])  # shrinking these takes minutes
@given(records=st.lists(plain_records(), min_size=4, max_size=10), data=st.data())
def test_fast_path_agrees_with_model_on_broken_lines(
    records: list[dict[str, Any]], data: st.DataObject
) -> None:
    """Plain records laid out wrongly: two values on some lines (joined by one of JOINERS), one
    value over two lines elsewhere (broken inside a text), often as many of each."""
    lines = [json.dumps(r) for r in records]
    joiner = data.draw(st.sampled_from(JOINERS))
    joins = data.draw(st.integers(1, 3))
    breaks = joins if data.draw(st.booleans()) else data.draw(st.integers(0, 3))
    for _ in range(joins):
        i = data.draw(st.integers(0, len(lines) - 2))
        lines[i : i + 2] = [lines[i] + joiner + lines[i + 1]]
    for _ in range(breaks):
        i = data.draw(st.integers(0, len(lines) - 1))
        lines[i : i + 1] = _broken_in_text(lines[i], data.draw(st.integers(0, len(lines[i]))))
    check_against_model("\n".join(lines))


# ---------------------------------------------------------------------------------------------
# Examples

LINE_A = json.dumps(plain_record(1))
LINE_B = json.dumps(plain_record(2))


@pytest.mark.parametrize(
    "line",
    [
        pytest.param(f"{LINE_A} {LINE_B}", id="two objects, space"),
        pytest.param(f"{LINE_A}, {LINE_B}", id="two objects, comma"),
        pytest.param(f"{LINE_A},{LINE_B}", id="two objects, bare comma"),
        pytest.param(f"{LINE_A},", id="trailing comma"),
        pytest.param(f"[{LINE_A}]", id="array of one"),
        pytest.param(f"[{LINE_A}, {LINE_B}]", id="array of two"),
        pytest.param("[]", id="empty array"),
        pytest.param('"a record"', id="string"),
        pytest.param("null", id="null"),
        pytest.param("{}", id="empty object"),
        pytest.param(LINE_A[:-1], id="truncated"),
    ],
)
def test_line_that_is_not_one_record_is_refused(tmp_path: Path, line: str) -> None:
    text = f"{LINE_A}\n{line}\n{LINE_B}\n"
    assert read_plain_jsonl(FILE, text) is None
    path = tmp_path / "evidence.jsonl"
    data, problems = load(path, text.encode("utf-8"))
    assert problems
    assert all(str(p).startswith(f"{path}:2:") for p in problems), problems
    [batch] = data.evidence_batches  # the lines around it are read all the same
    assert list(batch.lines) == [1, 3]
    assert [batch.record(i).id for i in range(2)] == ["e1", "e2"]


DUPLICATE_KEYS = [
    '{"id": "a", "id": "b"',
    '{"grade": "Z9", "grade": "B2"',
    '{"grade": "B2", "grade": "Z9"',
    '{"grade": "B2", "grade": 3',
    '{"kind": "concrete", "kind": "declaratory"',
    '{"effect": "setback", "effect": "advance"',
    '{"statement": "", "statement": "x"',
    '{"source": {"title": ""}, "source": {"title": "t"}',
    '{"source": {"title": "t", "title": " padded "}',
    '{"source": {"date": "2025-02-30", "date": "2025-02-28", "title": "t"}',
]


@pytest.mark.parametrize("prefix", DUPLICATE_KEYS)
def test_duplicate_keys_agree_with_model(prefix: str) -> None:
    record = plain_record(1)
    json_prefix = json.loads(prefix + "}")  # the keys given twice, last value
    rest = json.dumps({k: v for k, v in record.items() if k not in json_prefix})
    line = prefix + ", " + rest[1:]
    batch = check_against_model(f"{LINE_B}\n{line}\n")
    [(_, model)] = model_view(line)
    if batch is not None:
        assert len(batch.lines) == 2
    if model is not None:
        # The model takes the last value of a key given twice, as json.loads does.
        assert model == Evidence.model_validate(json.loads(line))


SURROGATES = [
    pytest.param('"\\ud83d\\ude00 rocket"', "\U0001f600 rocket", id="pair"),
    pytest.param('"\\uD83D\\uDE00 rocket"', "\U0001f600 rocket", id="pair, upper case"),
]


@pytest.mark.parametrize(("statement", "expected"), SURROGATES)
def test_escaped_surrogate_pair_is_left_to_model(
    tmp_path: Path, statement: str, expected: str
) -> None:
    line = json.dumps(plain_record(1)).replace('"Something happened (1)."', statement)
    text = f"{LINE_B}\n{line}\n"
    assert read_plain_jsonl(FILE, text) is None
    path = tmp_path / "evidence.jsonl"
    data, problems = load(path, text.encode("utf-8"))
    assert problems == []
    assert data.counts == {str(path): 2}
    [batch] = data.evidence_batches
    assert [batch.record(i).statement for i in range(2)] == ["Something happened (2).", expected]
    assert list(batch.lines) == [1, 2]


@pytest.mark.parametrize("escape", ["\\ud800", "\\udfff", "\\uDBFF\\uDFFF", "\\ude00\\ud83d"])
def test_escaped_surrogate_is_refused(escape: str) -> None:
    line = json.dumps(plain_record(1, note="x")).replace('"note": "x"', f'"note": "{escape}"')
    assert read_plain_jsonl(FILE, line) is None


@pytest.mark.parametrize(
    "text",
    ["", "\n", "\n\n", "\r\n", " \n\t\n", "\u00a0\n\x1c", "\n\n\n\n\n"],
)
def test_empty_file(tmp_path: Path, text: str) -> None:
    batch = check_against_model(text)
    assert batch is None or len(batch.lines) == 0
    path = tmp_path / "evidence.jsonl"
    data, problems = load(path, text.encode("utf-8"))
    assert problems == []
    assert data.counts == {str(path): 0}
    assert data.evidence == []
    assert sum(len(b.lines) for b in data.evidence_batches) == 0


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_byte_order_mark(tmp_path: Path, newline: str) -> None:
    records = [plain_record(i) for i in range(3)]
    text = newline.join(json.dumps(r) for r in records) + newline
    path = tmp_path / "evidence.jsonl"
    data, problems = load(path, b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert problems == []
    assert data.evidence == []
    [batch] = data.evidence_batches
    assert data.counts == {str(path): 3}
    assert [batch.record(i) for i in range(3)] == [Evidence.model_validate(r) for r in records]
    assert [batch.location(i) for i in range(3)] == [Location(str(path), n) for n in (1, 2, 3)]


@pytest.mark.parametrize(
    "changes",
    [
        {"statement": "first line\nsecond line"},
        {"statement": "a\r\nb\tc"},
        {"statement": "in\u2028side"},
        {"note": "\n"},
        {"note": "  padded  "},
        {"source": {"title": "two\nlines", "publisher": " p ", "url": "\n"}},
    ],
)
def test_escaped_line_breaks_inside_texts(changes: dict[str, Any]) -> None:
    text = jsonl([plain_record(0), plain_record(1, **changes), plain_record(2)])
    batch = check_against_model(text)
    assert batch is not None
    assert list(batch.lines) == [1, 2, 3]
    assert batch.record(1) == Evidence.model_validate(plain_record(1, **changes))


@pytest.mark.parametrize(
    ("changes", "valid"),
    [
        ({"id": "a" * 120}, True),
        ({"id": "a" * 121}, False),
        ({"subject": "a" * 121}, False),
        ({"id": " e1"}, True),  # the model strips it
        ({"statement": "x\u00a0"}, True),
        ({"statement": "\x1c"}, True),  # not whitespace to the model, but to Python
        ({"date": "2024-02-29"}, True),
        ({"date": "2025-02-29"}, False),
        ({"date": "２０２５"}, False),
        ({"date": "2025-Q4"}, True),
        ({"date": "2025-Q5"}, False),
        ({"source": {"title": "t", "date": None}}, True),
        ({"source": {"title": "t", "date": "2025-01-01T00:00:00"}}, True),
        ({"source": {"title": "t", "date": "0000-01-01"}}, False),
        ({"grade": "F6"}, True),
        ({"grade": "b2"}, False),
        ({"note": 1}, False),
        ({"subject": " CAN-JPN"}, True),
        ({"criterion": "c1\u00a0"}, True),
        ({"level": "\u2003signed"}, True),
        ({"grade": "B2 "}, True),
        ({"date": "2025\t"}, True),
        ({"kind": " concrete"}, False),
        ({"effect": "setback\n"}, False),
        ({"effect": "setback"}, True),
        ({"source": {"title": "t", "author": "x"}}, False),
        ({"source": {"title": "t", "date": " 2025-01-01"}}, False),
        ({"source": {"title": " "}}, False),
        ({"source": {"publisher": "p"}}, False),
        ({"source": "a source"}, False),
        ({"extra": None}, False),
    ],
)
def test_edge_values(changes: dict[str, Any], valid: bool) -> None:
    """The fast path takes a record exactly when the model accepts it."""
    text = jsonl([plain_record(0), plain_record(1, **changes)])
    assert all(record is not None for _, record in model_view(text)) == valid
    batch = check_against_model(text)
    assert (batch is not None) == valid


def test_optional_fields_absent() -> None:
    record = plain_record(1)
    del record["effect"]
    record["source"] = {"title": "t"}
    batch = check_against_model(jsonl([record]))
    assert batch is not None
    assert batch.columns.effect == ["advance"]


def test_lines_after_blank_lines_across_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plain_jsonl, "CHUNK_BYTES", 200)
    lines = [json.dumps(plain_record(i)) for i in range(12)]
    text = (
        "\n".join(lines[:5]) + "\n\n \n" + "\n".join(lines[5:9]) + "\r\n\n" + "\n".join(lines[9:])
    )
    batch = check_against_model(text)
    assert batch is not None
    assert list(batch.lines) == [1, 2, 3, 4, 5, 8, 9, 10, 11, 13, 14, 15]


# ---------------------------------------------------------------------------------------------
# Inputs on which the fast path accepted what the model rejects


@pytest.mark.parametrize("record_id", ["a\nb", "a\n" + "b" * 120, "a\n"])
def test_regression_id_with_line_feed(record_id: str) -> None:
    """Ids were matched all at once, joined by line feeds, so one holding a line feed passed."""
    text = jsonl([plain_record(0), plain_record(1, id=record_id)])
    batch = check_against_model(text)  # "a\n" is valid: the model strips it
    assert batch is None or batch.columns.id == ["e0", "a"]


@pytest.mark.parametrize(
    "changes",
    [
        {"subject": "zz", "grade": "zz"},
        {"date": "2025", "grade": "2025"},
        {"level": "signed", "date": "signed"},
        {"effect": "advance", "kind": "advance"},
        {"grade": "B2", "effect": "B2"},
    ],
)
@pytest.mark.parametrize("where", ["same record", "earlier chunk"])
def test_regression_value_valid_in_another_field(
    monkeypatch: pytest.MonkeyPatch, changes: dict[str, Any], where: str
) -> None:
    """One cache of accepted values served every field, so a value accepted for one (a
    subject, a date) skipped the check of another (a grade, a kind)."""
    monkeypatch.setattr(plain_jsonl, "CHUNK_BYTES", 64)
    [(first, value), (second, _)] = changes.items()
    if where == "same record":
        records = [plain_record(0), plain_record(1, **changes)]
    else:
        records = [plain_record(0, **{first: value}), plain_record(1, **{second: value})]
    assert model_view(jsonl(records))[-1][1] is None
    assert check_against_model(jsonl(records)) is None


@pytest.mark.parametrize("day", [[], {}, ["2025-01-01"], {"date": "2025-01-01"}])
def test_regression_source_date_array_or_object(tmp_path: Path, day: Any) -> None:
    """Source dates went into a set, which raised TypeError on an array or object."""
    assert check_against_model(jsonl([plain_record(1, source={"title": "t", "date": day})])) is None
    path = tmp_path / "evidence.jsonl"
    data, problems = load(
        path, jsonl([plain_record(1, source={"title": "t", "date": day})]).encode()
    )
    assert [(p.line, p.field) for p in problems] == [(1, "source.date")]
    assert data.counts == {str(path): 0}


@pytest.mark.parametrize("joiner", [", ", ","])
def test_regression_record_over_two_lines(joiner: str) -> None:
    """Line feeds were read as commas, so a record spread over two lines passed when another
    line held two values."""
    first, rest = LINE_B.split(", ", 1)  # '{"id": "e2"' and the other fields
    text = f"{LINE_A}{joiner}{first}\n{rest}\n"
    assert [record for _, record in model_view(text)] == [None, None]
    assert read_plain_jsonl(FILE, text) is None


@pytest.mark.parametrize("joiner", ["],[", "] , ["])
def test_regression_value_over_two_lines_with_two_values_on_another(joiner: str) -> None:
    """Line breaks were read as '],[' (one array per line): a text broken over two lines
    parsed as one value, and a line holding '],[' between two values made up the count."""
    text = "\n".join([LINE_A + joiner + LINE_B, *_broken_in_text(json.dumps(plain_record(3)))])
    assert [record for _, record in model_view(text)] == [None, None, None]
    assert read_plain_jsonl(FILE, text) is None


# ---------------------------------------------------------------------------------------------
# End to end: load_data_files


def test_plain_file_is_read_as_columns(tmp_path: Path) -> None:
    records = [plain_record(i) for i in range(5)]
    path = tmp_path / "plain.jsonl"
    path.write_text(jsonl(records[:2]) + "\n" + jsonl(records[2:]), encoding="utf-8")
    problems: list[Problem] = []
    data = load_data_files([path], problems)
    assert problems == []
    assert data.evidence == []
    [batch] = data.evidence_batches
    assert batch.file == str(path)
    assert data.counts == {str(path): 5}
    assert [batch.record(i) for i in range(5)] == [Evidence.model_validate(r) for r in records]
    assert [batch.location(i).line for i in range(5)] == [1, 2, 4, 5, 6]


@pytest.mark.parametrize(
    "changes",
    [
        {"grade": "b2"},
        {"date": "2025-02-30"},
        {"statement": " "},
        {"extra": 1},
        {"source": {"title": "t", "date": "2025-13-01"}},
        {"id": "a" * 121},
    ],
)
def test_invalid_record_is_reported_and_valid_files_kept(
    tmp_path: Path, changes: dict[str, Any]
) -> None:
    good = tmp_path / "good.jsonl"
    good.write_text(jsonl([plain_record(i) for i in range(4)]), encoding="utf-8")
    bad = tmp_path / "bad.jsonl"
    records = [plain_record(10), plain_record(11), plain_record(12, **changes), plain_record(13)]
    bad.write_text(jsonl(records[:2]) + "\n" + jsonl(records[2:]), encoding="utf-8")
    also_good = tmp_path / "also_good.jsonl"
    also_good.write_text(jsonl([plain_record(20, effect="setback")]), encoding="utf-8")
    problems: list[Problem] = []
    data = load_data_files([good, bad, also_good], problems)
    assert problems
    assert all(str(p).startswith(f"{bad}:4:") for p in problems), [str(p) for p in problems]
    assert data.counts == {str(good): 4, str(bad): 3, str(also_good): 1}
    assert [b.file for b in data.evidence_batches] == [str(good), str(bad), str(also_good)]
    kept = data.evidence_batches[1]
    assert [(line, kept.record(i).id) for i, line in enumerate(kept.lines)] == [
        (1, "e10"),
        (2, "e11"),
        (5, "e13"),
    ]


def test_valid_file_that_is_not_plain_is_read_by_model(tmp_path: Path) -> None:
    """A line with an escaped surrogate pair is left to the model, which reads it from its
    parsed value; the padded line beside it is taken by the row type, stripped alike."""
    padded = json.dumps(plain_record(2, id=" e2 ", statement=" padded "))
    escaped = json.dumps(plain_record(3, statement="smile \U0001f600"))  # ASCII: \ud83d\ude00
    path = tmp_path / "mixed.jsonl"
    path.write_text(f"{LINE_A}\n{padded}\n{escaped}\n", encoding="utf-8")
    problems: list[Problem] = []
    data = load_data_files([path], problems)
    assert problems == []
    assert data.evidence == []
    assert data.counts == {str(path): 3}
    [batch] = data.evidence_batches
    assert batch.parsed == {2}
    found = [
        (batch.location(i).line, batch.record(i).id, batch.record(i).statement) for i in (1, 2)
    ]
    assert found == [(2, "e2", "padded"), (3, "e3", "smile \U0001f600")]
    assert batch.columns.id == ["e1", "e2", "e3"]


# ---------------------------------------------------------------------------------------------
# EvidenceRecords over batches


def evidence(index: int, **changes: Any) -> Evidence:
    return Evidence.model_validate(plain_record(index, **changes))


@pytest.fixture
def batches() -> list[ModelBatch | JsonLinesBatch]:
    first = ModelBatch(
        records=[evidence(0), evidence(1)],
        locations=[Location("plugin", None, "a-plugin"), Location("x.toml", 7)],
    )
    empty = ModelBatch(records=[], locations=[])
    text = jsonl([plain_record(2)]) + "\n" + jsonl([plain_record(3), plain_record(4)])
    lines = read_plain_jsonl("f.jsonl", text)
    assert lines is not None
    last = ModelBatch(records=[evidence(5, grade="A1")], locations=[Location("y.csv", 2)])
    return [first, empty, lines, last]


def test_evidence_records_in_order(batches: list[ModelBatch | JsonLinesBatch]) -> None:
    records = EvidenceRecords(batches)
    everything = [evidence(i) for i in range(5)] + [evidence(5, grade="A1")]
    assert len(records) == 6
    assert records[0] == everything[0]
    assert records[2] == everything[2]
    assert records[-1] == everything[5]
    assert records[-4] == everything[2]
    assert records[1:4] == everything[1:4]
    assert records[::-2] == everything[::-2]
    assert records[4:100] == everything[4:]
    assert list(records) == everything
    assert records.columns.id == [f"e{i}" for i in range(6)]
    assert records.columns.grade == ["B2"] * 5 + ["A1"]
    assert records.find("e3") == 3
    assert records.find("e9") is None
    assert [records.location(i) for i in range(6)] == [
        Location("plugin", None, "a-plugin"),
        Location("x.toml", 7),
        Location("f.jsonl", 1),
        Location("f.jsonl", 3),
        Location("f.jsonl", 4),
        Location("y.csv", 2),
    ]
    assert records.pick([5, 0, 3]) == [everything[5], everything[0], everything[3]]
    with pytest.raises(IndexError):
        records[6]


def test_evidence_records_keep(batches: list[ModelBatch | JsonLinesBatch]) -> None:
    records = EvidenceRecords(batches, keep=[4, 1, 5, 2])
    assert len(records) == 4
    assert list(records) == [evidence(4), evidence(1), evidence(5, grade="A1"), evidence(2)]
    assert records[-1] == evidence(2)
    assert records[1:3] == [evidence(1), evidence(5, grade="A1")]
    assert records.columns.id == ["e4", "e1", "e5", "e2"]
    assert records.columns.grade == ["B2", "B2", "A1", "B2"]
    assert records.find("e5") == 2
    assert records.find("e0") is None
    assert records.find("e3") is None
    assert records.location(0) == Location("f.jsonl", 4)
    assert records.location(1) == Location("x.toml", 7)
    assert records.location(-1) == Location("f.jsonl", 1)
    assert records.pick([3, 0]) == [evidence(2), evidence(4)]


def test_evidence_records_of_models() -> None:
    models = [evidence(0), evidence(1, effect="setback")]
    records = EvidenceRecords.of(models, Location("plugin", None, "p"))
    assert list(records) == models
    assert records.columns.effect == ["advance", "setback"]
    assert records.location(1) == Location("plugin", None, "p")
    assert len(EvidenceRecords([])) == 0
    assert list(EvidenceRecords([])) == []


@settings(max_examples=30)
@given(st.lists(plain_records(), max_size=8, unique_by=lambda r: r["id"]), st.data())
def test_evidence_records_keep_any_rows(records: list[dict[str, Any]], data: st.DataObject) -> None:
    split = data.draw(st.integers(0, len(records)))
    models = [Evidence.model_validate(r) for r in records[:split]]
    head = ModelBatch(models, [Location("m", i) for i in range(split)])
    tail = read_plain_jsonl(FILE, jsonl(records[split:]))
    assert tail is not None
    rows = st.lists(st.integers(0, len(records) - 1), max_size=10) if records else st.just([])
    keep = data.draw(rows)
    kept = EvidenceRecords([head, tail], keep=keep)
    everything = [Evidence.model_validate(r) for r in records]
    assert list(kept) == [everything[i] for i in keep]
    assert kept.columns.id == [everything[i].id for i in keep]
    for position, row in enumerate(keep):
        where = Location("m", row) if row < split else Location(FILE, row - split + 1)
        assert kept.location(position) == where
