"""Input beyond what a careful user writes: nesting thousands of levels deep, integers of
thousands of digits, keys written twice, CSV that is not evidence, records too long for the
csv module's default, and dates in other scripts' digits. Each is a problem located in its
file (exit 1, no traceback), or is read as it should be."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sys
import tempfile
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from renewal_score.datafiles import load_data_files, read_tables, write_evidence
from renewal_score.errors import DataError, Problem
from renewal_score.models import Criterion, Evidence
from renewal_score.trend import dates
from renewal_score.weightsfile import read_weights
from running import AS_OF, assert_located_failure, run_cli

RECORD: dict[str, Any] = {
    "id": "test-hostile",
    "subject": "CAN-JPN",
    "criterion": "security.intel-cyber",
    "date": "2025-01-15",
    "statement": "Test record: hostile input.",
    "level": "signed",
    "kind": "declaratory",
    "source": {"title": "Test source: synthetic"},
    "grade": "B2",
}
INTEGER_LIMIT = sys.get_int_max_str_digits()
NESTED_MESSAGE = "arrays or tables nested more than 100 levels deep"


def problems_of(path: Path, text: str | bytes) -> list[Problem]:
    """The problems of a data file with this content, read as the command line reads it."""
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    problems: list[Problem] = []
    load_data_files([path], problems)
    return problems


def weights_problems(path: Path, text: str) -> list[Problem]:
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as caught:
        read_weights(path)
    return list(caught.value.problems)


# ---------------------------------------------------------------------------------------------
# Nesting and long integers: what the parsers raise, as a problem on the right line

OPENERS = {"json": ["[", '{"a": '], "toml": ["[", "{a = "]}
"""What opens an array and an object (an inline table), in each syntax."""


def deep(opener: str, depth: int) -> str:
    return opener * depth + ("]" if opener == "[" else "}") * depth


FILES_WITH_VALUE: dict[str, Callable[[int, str], tuple[str, int]]] = {
    # (number of lines before, the value) -> (file text, the line the value is on)
    "json": lambda before, value: ("\n" * before + f'[{{"id": {value}}}]', before + 1),
    "jsonl": lambda before, value: ("\n" * before + f'{{"id": {value}}}\n', before + 1),
    "toml": lambda before, value: ("# c\n" * before + f"[[evidence]]\nid = {value}\n", before + 2),
}


@settings(max_examples=30, deadline=None)
@given(
    file_format=st.sampled_from(sorted(FILES_WITH_VALUE)),
    opener=st.integers(0, 1),
    depth=st.integers(5_000, 50_000),  # beyond the recursion limit hypothesis raises
    before=st.integers(0, 5),
)
def test_deep_nesting_is_a_problem_on_its_line(
    file_format: str, opener: int, depth: int, before: int
) -> None:
    value = deep(OPENERS["toml" if file_format == "toml" else "json"][opener], depth)
    text, line = FILES_WITH_VALUE[file_format](before, value)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"deep.{file_format}"
        assert problems_of(path, text) == [Problem(str(path), line, message=NESTED_MESSAGE)]


@settings(max_examples=30, deadline=None)
@given(
    file_format=st.sampled_from(sorted(FILES_WITH_VALUE)),
    opener=st.integers(0, 1),
    depth=st.integers(1, 5_000),
)
def test_any_nesting_is_read_or_located(file_format: str, opener: int, depth: int) -> None:
    """Nesting that the parser takes, however deep, is an invalid field; deeper, a problem
    located as above: never an exception."""
    value = deep(OPENERS["toml" if file_format == "toml" else "json"][opener], depth)
    text, line = FILES_WITH_VALUE[file_format](0, value)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"deep.{file_format}"
        problems = problems_of(path, text)
    assert problems
    record_line = line - 1 if file_format == "toml" else line  # [[evidence]], then id = ...
    assert all(p.file == str(path) and p.line in {record_line, line} for p in problems)
    assert all(len(str(p)) < 1_000 for p in problems)


@settings(max_examples=30, deadline=None)
@given(
    file_format=st.sampled_from(sorted(FILES_WITH_VALUE)),
    digits=st.integers(INTEGER_LIMIT + 1, 30_000),
    before=st.integers(0, 5),
)
def test_an_integer_too_long_to_read_is_a_problem_on_its_line(
    file_format: str, digits: int, before: int
) -> None:
    text, line = FILES_WITH_VALUE[file_format](before, "7" * digits)
    message = f"a number of {digits:,} digits (at most {INTEGER_LIMIT:,} can be read)"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"long.{file_format}"
        assert problems_of(path, text) == [Problem(str(path), line, message=message)]


@settings(max_examples=20, deadline=None)
@given(depth=st.integers(5_000, 20_000), digits=st.integers(INTEGER_LIMIT + 1, 10_000))
def test_weights_files_too_deep_or_too_long_are_problems_on_their_lines(
    depth: int, digits: int
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "w.toml"
        text = f"security = 1\nx = {deep('[', depth)}\n"
        assert weights_problems(path, text) == [Problem(str(path), 2, message=NESTED_MESSAGE)]
        long = f"security = {'9' * digits}\n"
        message = f"a number of {digits:,} digits (at most {INTEGER_LIMIT:,} can be read)"
        assert weights_problems(path, long) == [Problem(str(path), 1, message=message)]


@pytest.mark.parametrize(
    "value", ["[" * 5000 + "]" * 5000, "9" * (INTEGER_LIMIT + 1)], ids=["deep", "long"]
)
def test_the_command_line_locates_them_without_a_traceback(tmp_path: Path, value: str) -> None:
    names = []
    for file_format, write in FILES_WITH_VALUE.items():
        names.append(f"bad.{file_format}")
        (tmp_path / names[-1]).write_text(write(1, value)[0], encoding="utf-8")
    (tmp_path / "w.toml").write_text(f"security = {value}\n", encoding="utf-8")

    assert_located_failure(run_cli("validate", *names, cwd=tmp_path), *names)
    assert_located_failure(run_cli("report", "--weights", "w.toml", cwd=tmp_path), "w.toml")


# ---------------------------------------------------------------------------------------------
# Weights whose numbers are too large


def test_an_integer_weight_beyond_the_largest_float_is_named(tmp_path: Path) -> None:
    path = tmp_path / "w.toml"
    assert weights_problems(path, f"security = {'1' * 400}\n") == [
        Problem(
            str(path),
            1,
            "security",
            "weight",
            "is too large for a weight (a number of 400 digits)",
        )
    ]


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        (
            {"security": "1.7e308", "minerals-energy": "1.7e308"},
            "w.toml:1: record security: weight: the weights of the priorities add up to more "
            "than 1.798e+308; use smaller numbers (only their ratios count)",
        ),
        (
            {
                "security.bilateral-framework": "0",
                "security.defence-technology": "0",
                "security.intel-cyber": "0",
                "security.naval-cooperation": "0",
            },
            "w.toml:1: record security.bilateral-framework: weight: the weights of the criteria of "
            "security are all zero; give one of them a weight above 0",
        ),
    ],
    ids=["sum beyond the largest float", "all zero"],
)
def test_weights_that_cannot_be_normalised_are_named_in_their_file(
    tmp_path: Path, weights: dict[str, str], message: str
) -> None:
    text = "".join(f'"{key}" = {value}\n' for key, value in weights.items())
    (tmp_path / "w.toml").write_text(text, encoding="utf-8")
    result = run_cli("report", "--as-of", AS_OF, "--weights", "w.toml", cwd=tmp_path)
    assert_located_failure(result, "w.toml")
    assert message in result.stderr


# ---------------------------------------------------------------------------------------------
# JSON keys written twice, or nested


def json_object(*members: tuple[str, Any]) -> str:
    """A JSON object with these members in order, one per line (a key may repeat)."""
    return "{\n" + ",\n".join(f"{json.dumps(k)}: {json.dumps(v)}" for k, v in members) + "\n}"


def test_a_key_written_twice_is_a_problem_not_lost_records(tmp_path: Path) -> None:
    path = tmp_path / "twice.json"
    text = json_object(("evidence", [RECORD]), ("evidence", [{**RECORD, "id": "test-2"}] * 2))
    assert problems_of(path, text) == [
        Problem(str(path), 3, field="evidence", message="is given more than once (first on line 2)")
    ]


@given(st.integers(0, 4), st.integers(0, 4))
def test_a_nested_evidence_key_does_not_move_the_records_lines(nested: int, real: int) -> None:
    """A subject with an (unknown) ``evidence`` field of its own, written before the file's
    evidence: each record of the file is still reported on its own line."""
    records = [{**RECORD, "id": f"test-{i}", "grade": "Z9"} for i in range(real)]
    subject = {"id": "X", "title": "A subject", "evidence": [RECORD] * nested}
    text = json_object(("subjects", [subject]), ("evidence", records))
    text = text.replace("}, {", "},\n{")  # every record, nested or not, on a line of its own
    first = 3 + max(nested - 1, 0)  # the line of the key "evidence" of the file
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "nested.json"
        problems = problems_of(path, text)
    assert [p.line for p in problems if p.field == "grade"] == [first + i for i in range(real)]
    assert [(p.record, p.field) for p in problems if p.record == "X"] == [("X", "evidence")]


# ---------------------------------------------------------------------------------------------
# CSV that is not evidence, and CSV too long for the csv module's default


@settings(max_examples=30, deadline=None)
@given(
    st.one_of(
        st.binary(min_size=1, max_size=1),
        st.integers(1, 1000).map(lambda n: b"\x00" * n),
        st.text(st.characters(codec="utf-8", exclude_characters=',"\r\n'), min_size=1).map(
            str.encode
        ),
    ).filter(lambda header: header.strip(b"\xef\xbb\xbf \t").lower() != b"id")
)
def test_a_csv_file_without_an_evidence_header_is_a_problem(header: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "odd.csv"
        problems = problems_of(path, header)
    assert [(p.file, p.line) for p in problems] == [(str(path), 1)]
    reasons = ("no id column", "is empty", "is not UTF-8", "invalid CSV")
    assert any(reason in problems[0].message for reason in reasons), problems
    assert "\x00" not in str(problems[0])


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("", "is empty; a CSV evidence file starts with a header row"),
        ("id,source,source.title", "columns 'source' and 'source.title' both give 'source'"),
        ("id,statement,statement", "column 'statement' is named 2 times"),
    ],
)
def test_a_csv_header_that_cannot_give_records_is_a_problem(
    tmp_path: Path, header: str, message: str
) -> None:
    path = tmp_path / "odd.csv"
    problems = problems_of(path, f"{header}\r\na,b,c\r\n" if header else "")
    assert [(p.file, p.line) for p in problems] == [(str(path), 1)]
    assert message in problems[0].message


@settings(max_examples=10, deadline=None)
@given(st.integers(131_073, 400_000))
def test_a_record_with_a_long_statement_reads_back_from_csv(length: int) -> None:
    record = Evidence.model_validate({**RECORD, "statement": "s" * length})
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "long.csv"
        path.write_text(write_evidence([record], "csv"), encoding="utf-8")
        assert [r.data["statement"] for r in read_tables(path)["evidence"]] == ["s" * length]
    assert csv.field_size_limit() == 131_072  # the process's limit is put back


def test_the_command_line_reads_back_its_own_csv_export(tmp_path: Path) -> None:
    (tmp_path / "long.jsonl").write_text(
        json.dumps({**RECORD, "statement": "s" * 200_000}) + "\n", encoding="utf-8"
    )
    exported = run_cli("evidence", "--evidence", "long.jsonl", "--format", "csv", cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr
    (tmp_path / "long.csv").write_text(exported.stdout, encoding="utf-8")
    result = run_cli("validate", "long.csv", cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]


def csv_rows(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


@given(st.lists(st.integers(1, 3), max_size=5), st.integers(1, 3))
def test_a_csv_syntax_error_is_on_the_line_its_row_starts(
    heights: list[int], bad_height: int
) -> None:
    """Rows of several lines (a statement with line breaks) before a row whose quoted field
    is followed by text: the problem is on the line that row starts on."""
    rows = [["id", "statement"]] + [[f"r{i}", "\n" * (h - 1)] for i, h in enumerate(heights)]
    bad_row = 'bad,"' + "\n" * (bad_height - 1) + '"x\n'
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "syntax.csv"
        problems = problems_of(path, csv_rows(rows) + bad_row)
    line = 2 + sum(heights)
    assert problems == [Problem(str(path), line, message="invalid CSV: ',' expected after '\"'")]


# ---------------------------------------------------------------------------------------------
# TOML lines that the parser does not give


@given(st.integers(1, 200), st.integers(0, 5))
def test_a_truncated_toml_file_is_reported_on_its_last_line(cut: int, before: int) -> None:
    text = "# c\n" * before + '[[evidence]]\nid = "test-1"\nstatement = """Test\n' + "x" * cut
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cut.toml"
        problems = problems_of(path, text)
    assert [(p.file, p.line) for p in problems] == [(str(path), before + 4)]
    assert problems[0].message == "invalid TOML: Unterminated string (at end of document)"


def toml_evidence(record_id: str, statement: str) -> str:
    """An ``[[evidence]]`` table with an invalid grade, so that each is reported with a line."""
    fields = {**RECORD, "id": record_id, "grade": "Z9"}
    body = "".join(
        f"{key} = {json.dumps(value)}\n"
        for key, value in fields.items()
        if key not in ("source", "statement")
    )
    return f'[[evidence]]\n{body}statement = {statement}\nsource = {{title = "t"}}\n'


@given(st.integers(0, 3), st.sampled_from(['"""', "'''"]))
def test_headers_inside_multi_line_strings_do_not_move_the_records_lines(
    fake_headers: int, quotes: str
) -> None:
    statement = quotes + "Test:\n" + "[[evidence]]\n" * fake_headers + "end" + quotes
    first = toml_evidence("test-1", statement)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "strings.toml"
        problems = problems_of(path, first + "\n" + toml_evidence("test-2", '"S"'))
    assert [(p.record, p.line) for p in problems if p.field == "grade"] == [
        ("test-1", 1),
        ("test-2", first.count("\n") + 2),
    ]


# ---------------------------------------------------------------------------------------------
# Dates: other scripts' digits, and the limits of dates


OTHER_ZEROS = (
    st.characters(categories=["Nd"])
    .filter(lambda c: not "0" <= c <= "9")
    .map(lambda c: chr(ord(c) - unicodedata.decimal(c)))
)
"""The zero of a script's digits other than ASCII (each script's ten digits are in order)."""


@settings(max_examples=30, deadline=None)
@given(
    OTHER_ZEROS,
    st.sets(st.sampled_from([0, 1, 2, 3, 5, 6, 8, 9]), min_size=1),
    st.sampled_from(["json", "toml"]),
)
def test_dates_in_other_digits_are_refused(zero: str, where: set[int], file_format: str) -> None:
    """2025-04-30 with some of its digits written in another script, same values."""
    date = "".join(chr(ord(zero) + int(c)) if i in where else c for i, c in enumerate("2025-04-30"))
    if file_format == "json":
        text = json.dumps([{**RECORD, "date": date}])
    else:
        text = f"[[evidence]]\ndate = {json.dumps(date, ensure_ascii=False)}\n"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"digits.{file_format}"
        problems = problems_of(path, text)
    assert [p.field for p in problems if p.field == "date"] == ["date"]


def test_the_evidence_schema_asks_for_ascii_digits(tmp_path: Path) -> None:
    schema = json.loads(run_cli("schema", "evidence", cwd=tmp_path).stdout)
    assert schema["properties"]["date"]["pattern"] == ("^[0-9]{4}(-Q[1-4]|-[0-9]{2}(-[0-9]{2})?)?$")


CRITERION = {
    "id": "p.c",
    "priority": "p",
    "title": "C",
    "rubric": [{"id": i, "label": i, "description": i} for i in ("a", "b")],
}


@given(st.floats(1000, 1e300, exclude_min=True))
def test_valid_years_beyond_a_thousand_are_refused(years: float) -> None:
    with pytest.raises(ValueError, match="less than or equal to 1000"):
        Criterion.model_validate({**CRITERION, "valid_years": years})


def test_valid_years_too_long_is_a_problem_of_validate_not_a_crash_of_report(
    tmp_path: Path,
) -> None:
    (tmp_path / "c.toml").write_text(
        '[[criteria]]\nid = "security.long"\npriority = "security"\ntitle = "Long"\n'
        "valid_years = 5000\n"
        'rubric = [{id = "a", label = "A", description = "a"}, '
        '{id = "b", label = "B", description = "b"}]\n'
        '[[evidence]]\nid = "test-long"\nsubject = "CAN-JPN"\ncriterion = "security.long"\n'
        'date = "2020"\nstatement = "S"\nlevel = "b"\nkind = "concrete"\ngrade = "B2"\n'
        'source = {title = "T"}\n',
        encoding="utf-8",
    )
    result = run_cli("report", "--evidence", "c.toml", cwd=tmp_path)
    assert_located_failure(result, "c.toml")
    assert (
        "c.toml:1: record security.long: valid_years: "
        "Input should be less than or equal to 1000 (got 5000)"
    ) in result.stderr


@given(
    st.dates(dt.date(9990, 1, 1), dt.date(9999, 12, 31)),
    st.sampled_from(["month", "quarter", "year"]),
)
def test_trend_dates_stop_at_the_last_date_there_is(start: dt.date, every: str) -> None:
    found = dates(start, dt.date.max, every)
    assert found[0] == start
    assert found == sorted(set(found))


def test_a_trend_to_the_end_of_time_is_scored(tmp_path: Path) -> None:
    result = run_cli("trend", "--from", "9999-10-01", "--to", "9999-12-31", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "9999-10-01" in result.stdout
    assert "9999-12-31" not in result.stdout
