"""``renewal-score validate`` on JSON Lines files, as a user runs it: every problem of every
line in one pass (an invalid line does not hide the others), the valid lines read as columns
and a faulty one worded by the model as in any other file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from running import assert_located_failure, problem_lines, run_cli
from test_plain_jsonl import jsonl, plain_record


def builtin_record(index: int, **changes: Any) -> dict[str, Any]:
    """A valid record for the built-in agenda."""
    return plain_record(index, **{"criterion": "security.bilateral-framework", **changes})


def test_validate_reports_every_problem_of_every_line_in_one_pass(tmp_path: Path) -> None:
    five_faults = builtin_record(
        3, grade="Z9", date="2025-13", statement=" ", kind="maybe", colour="red"
    )
    lines = [
        json.dumps(builtin_record(1)),
        '{"id": "broken", "subject": ',  # invalid JSON: the lines after it are read all the same
        json.dumps(five_faults),
        json.dumps(builtin_record(4, subject="XX-YY")),  # valid alone, unknown to the agenda
        json.dumps(builtin_record(5)),
    ]
    path = tmp_path / "mine.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_cli("validate", path, cwd=tmp_path)
    assert_located_failure(result, str(path))
    found = [
        (line.split(":")[1], line.split(": ", 2)[-1][:40]) for line in problem_lines(result.stderr)
    ]
    assert [number for number, _ in found] == ["2", "3", "3", "3", "3", "3", "4"], result.stderr
    assert "invalid JSON: Expecting value" in result.stderr
    for field in ("grade", "date", "statement", "kind", "colour"):
        assert f"record e3: {field}:" in result.stderr, field
    assert "record e4: subject: 'XX-YY' is not defined" in result.stderr


def test_one_invalid_record_at_the_end_of_a_large_file(tmp_path: Path) -> None:
    """The valid lines are read as columns, the last one by the model, which words its
    problem as it does in any other file."""
    path = tmp_path / "large.jsonl"
    records = [builtin_record(i) for i in range(3_000)]
    path.write_text(jsonl([*records, builtin_record(3_000, grade="b2")]), encoding="utf-8")
    result = run_cli("validate", path, cwd=tmp_path)
    assert_located_failure(result, str(path))
    assert problem_lines(result.stderr) == [
        f"{path}:3001: record e3000: grade: 'b2' is not valid (expected an Admiralty grade: "
        "source reliability A-F then information credibility 1-6, e.g. B2)"
    ]
