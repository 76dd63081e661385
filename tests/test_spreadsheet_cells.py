"""CSV opened in a spreadsheet: a text cell that starts like a formula (``=``, ``+``, ``-``,
``@``, tab, carriage return) is written with a leading ``'`` so that it stays text. In the
CSV reports that is all; in the CSV evidence export a leading ``'`` is quoted too, and the
reader removes one, so that every record reads back exactly. Numbers stay numbers."""

from __future__ import annotations

import csv
import io
import json
import re
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from renewal_score.datafiles import read_tables, write_evidence
from renewal_score.models import Evidence
from renewal_score.reports.formatting import fmt
from renewal_score.reports.tabular import render_csv, render_tables
from renewal_score.results import RECORD_COLUMNS
from running import AS_OF, run_cli
from scorecards import scored_with_text

FORMULA_STARTS = ["=", "+", "-", "@", "\t", "\r"]
formulas = st.tuples(st.sampled_from(FORMULA_STARTS), st.text(max_size=10)).map("".join)
quoted = st.text(max_size=10).map(lambda text: "'" + text)


def cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


@settings(max_examples=30, deadline=None)
@given(st.sampled_from("=+-@"), st.text(max_size=10).map(lambda text: "x" + text))
def test_report_titles_that_start_like_formulas_are_quoted(start: str, rest: str) -> None:
    title = (start + rest).strip()  # titles are stripped, so tab and CR cannot start them
    card, _ = scored_with_text(title)
    row = dict(zip(RECORD_COLUMNS, cells(render_csv(card))[1], strict=True))
    assert row["priority_title"] == "'" + title
    assert row["criterion_title"] == "'" + title


NUMBER_TEXT = re.compile(r"[-+]?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?%?")
"""Text that a spreadsheet reads as a number (as ``fmt`` writes them): not a formula."""


@given(
    formulas.filter(lambda text: text != "-" and not NUMBER_TEXT.fullmatch(text)),
    st.floats(-1e6, 1e6, allow_nan=False),
    st.integers(0, 3),
)
def test_table_cells_that_start_like_formulas_are_quoted_and_numbers_kept(
    text: str, number: float, digits: int
) -> None:
    numbers = [fmt(number, digits), fmt(number, digits, "%"), fmt(None)]  # "-": missing
    table = render_tables("t", [("t", ["a", "b", "c", "d"], [[text, *numbers]])], "csv")
    assert cells(table)[1] == ["'" + text, *numbers]


def test_the_command_line_report_quotes_titles_that_start_like_formulas(tmp_path: Path) -> None:
    title = '=HYPERLINK("https://example.org","click")'
    (tmp_path / "f.toml").write_text(
        f'[[subjects]]\nid = "F"\ntitle = "F"\n[[priorities]]\nid = "f"\ntitle = {json.dumps(title)}\n'
        f'[[criteria]]\nid = "f.c"\npriority = "f"\ntitle = "-2+3+cmd"\n'
        'rubric = [{id = "a", label = "A", description = "a"}, '
        '{id = "b", label = "B", description = "b"}]\n'
        '[[evidence]]\nid = "test-f"\nsubject = "F"\ncriterion = "f.c"\ndate = "2024"\n'
        'statement = "S"\nlevel = "b"\nkind = "concrete"\ngrade = "B2"\nsource = {title = "T"}\n',
        encoding="utf-8",
    )
    result = run_cli(
        "report",
        "--evidence",
        "f.toml",
        "--subject",
        "F",
        "--as-of",
        AS_OF,
        "--format",
        "csv",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    rows = [dict(zip(RECORD_COLUMNS, row, strict=True)) for row in cells(result.stdout)[1:]]
    row = next(r for r in rows if r["priority"] == "f")
    assert row["priority_title"] == "'" + title
    assert row["criterion_title"] == "'-2+3+cmd"
    assert float(row["priority_score"]) >= 0  # a number, as it was


RECORD: dict[str, Any] = {
    "id": "test-formula",
    "subject": "CAN-JPN",
    "criterion": "security.intel-cyber",
    "date": "2025-01",
    "statement": "Test record.",
    "level": "declared",
    "kind": "declaratory",
    "source": {"title": "Test source"},
    "grade": "B2",
}


@settings(max_examples=50, deadline=None)
@given(
    st.one_of(formulas, quoted, st.text(max_size=10)).filter(str.strip),
    st.one_of(formulas, quoted, st.just("")),
    st.one_of(formulas, quoted).filter(str.strip),
)
def test_the_evidence_export_quotes_formulas_and_reads_back_exactly(
    statement: str, note: str, title: str
) -> None:
    record = Evidence.model_validate(
        {**RECORD, "statement": statement, "note": note, "source": {"title": title}}
    )
    text = write_evidence([record], "csv")
    for cell in cells(text)[1]:
        assert not cell.startswith(tuple(FORMULA_STARTS)), cell
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.csv"
        path.write_text(text, encoding="utf-8")
        [read] = read_tables(path)["evidence"]
    assert Evidence.model_validate(read.data) == record


def test_the_command_line_export_reads_back_exactly(tmp_path: Path) -> None:
    record = {**RECORD, "statement": "=SUM(A1:A9)", "note": "'quoted", "source": {"title": "@x"}}
    (tmp_path / "f.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    export = ["evidence", "--criterion", "security.intel-cyber"]
    exported = run_cli(*export, "--evidence", "f.jsonl", "--format", "csv", cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr
    row = next(r for r in cells(exported.stdout) if r[0] == "test-formula")
    assert {"'=SUM(A1:A9)", "''quoted", "'@x"} <= set(row)
    (tmp_path / "export.csv").write_text(exported.stdout, encoding="utf-8")

    again = run_cli(*export, "--evidence", "export.csv", "--format", "jsonl", cwd=tmp_path)

    assert again.returncode == 0, again.stderr
    read = next(json.loads(line) for line in again.stdout.splitlines() if "test-formula" in line)
    assert (read["statement"], read["note"], read["source"]["title"]) == (
        "=SUM(A1:A9)",
        "'quoted",
        "@x",
    )
