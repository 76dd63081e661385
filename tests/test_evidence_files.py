"""Evidence files as a user writes them: validate, report and evidence on the command line.

The corpus in tests/corpus/invalid/ holds one small file per kind of mistake, and
tests/corpus/invalid/expected.toml what `validate` must say about each. The corpus in
tests/corpus/valid/ holds new, synthetic records in every format that must load and count.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

from renewal_score.datafiles import read_tables

AS_OF = "2025-05-01"
CONSOLE_SCRIPT = Path(sys.executable).with_name("renewal-score")
CORPUS = Path(__file__).parent / "corpus"
INVALID = CORPUS / "invalid"
VALID = CORPUS / "valid"
EXPECTED_FILE = INVALID / "expected.toml"
EXPECTED: dict[str, list[str]] = tomllib.loads(EXPECTED_FILE.read_text(encoding="utf-8"))

NEW_RECORD: dict[str, Any] = {
    "id": "test-export-appended",
    "subject": "CAN-JPN",
    "criterion": "security.intel-cyber",
    "date": "2025-01-15",
    "statement": "Test record: appended to an export, for the round-trip test only.",
    "level": "signed",
    "effect": "advance",
    "kind": "declaratory",
    "source": {"title": "Test source: synthetic", "publisher": "Test publisher"},
    "grade": "B2",
}


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CONSOLE_SCRIPT), *args], cwd=cwd, capture_output=True, text=True, check=False
    )


def report_json(*args: str, cwd: Path) -> dict[str, Any]:
    result = cli("report", "--format", "json", "--as-of", AS_OF, *args, cwd=cwd)
    assert result.returncode == 0, result.stderr
    card: dict[str, Any] = json.loads(result.stdout)
    return card


def criterion_counts(card: dict[str, Any]) -> dict[str, int]:
    """Evidence counted per criterion of a JSON report, and in all (as "total")."""
    counts = {c["id"]: c["coverage"]["records"] for p in card["priorities"] for c in p["criteria"]}
    return {**counts, "total": sum(counts.values())}


def invalid_files() -> list[str]:
    return sorted(p.name for p in INVALID.iterdir() if p.is_file() and p != EXPECTED_FILE)


def copy_into(folder: Path, source: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copyfile(source, folder / source.name))


# ---------------------------------------------------------------------------------------------
# The invalid corpus


def test_every_invalid_file_has_expectations_and_vice_versa() -> None:
    assert invalid_files() == sorted(EXPECTED)
    assert all(EXPECTED[name] for name in EXPECTED)


@pytest.mark.parametrize("name", invalid_files())
def test_validate_names_file_line_record_and_field(tmp_path: Path, name: str) -> None:
    copy_into(tmp_path, INVALID / name)
    result = cli("validate", name, cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    missing = [text for text in EXPECTED[name] if text not in result.stderr]
    assert not missing, f"missing {missing} in:\n{result.stderr}"
    *problems, summary = result.stderr.splitlines()
    count = len(problems)
    assert summary == f"renewal-score: {count} problem{'' if count == 1 else 's'} found"
    assert problems
    assert all(line.startswith(f"{name}") for line in problems), result.stderr


@pytest.mark.parametrize("name", invalid_files())
def test_failed_report_leaves_existing_output_untouched(tmp_path: Path, name: str) -> None:
    data = copy_into(tmp_path / "data", INVALID / name)
    out = tmp_path / "out"
    out.mkdir()
    report = out / "report.txt"
    before = b"An earlier, good report.\r\nIts bytes must survive a failed run.\n"
    report.write_bytes(before)

    result = cli("report", "--evidence", str(data), "-o", str(report), cwd=tmp_path / "data")

    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert re.search(r"^renewal-score: \d+ problems? found$", result.stderr, re.MULTILINE)
    assert name in result.stderr
    assert report.read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == ["report.txt"]


def test_csv_rows_are_numbered_by_the_line_they_start_on(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_text(
        "id,statement\n"  # line 1: the header
        "test-a,one line\n"  # line 2
        'test-b,"two\nlines"\n'  # lines 3-4
        "test-c,last\n",  # line 5
        encoding="utf-8",
    )
    assert [r.line for r in read_tables(path)["evidence"]] == [2, 3, 5]


# ---------------------------------------------------------------------------------------------
# Several problems


def check(command: str, name: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`validate NAME`, or `report --evidence NAME`."""
    args = ["validate", name] if command == "validate" else ["report", "--evidence", name]
    return cli(*args, cwd=cwd)


def jsonl(*records: dict[str, Any]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def with_changes(record_id: str, drop: tuple[str, ...] = (), **changes: Any) -> dict[str, Any]:
    record = {**NEW_RECORD, "id": record_id, **changes}
    return {k: v for k, v in record.items() if k not in drop}


def test_validate_reports_every_problem_of_a_file(tmp_path: Path) -> None:
    (tmp_path / "broken.jsonl").write_text(
        jsonl(with_changes("test-broken-ok"))
        + '{"id": "test-broken-1", \n'
        + jsonl(with_changes("test-broken-ok-2"))
        + '{"id": "test-broken-2"}}\n',
        encoding="utf-8",
    )
    result = cli("validate", "broken.jsonl", cwd=tmp_path)
    assert result.returncode == 1
    assert "broken.jsonl:2: invalid JSON: " in result.stderr
    assert "broken.jsonl:4: invalid JSON: " in result.stderr

    (tmp_path / "many.jsonl").write_text(
        jsonl(
            with_changes("test-many-1", drop=("grade",)),
            with_changes("test-many-2", date="2025-13", kind="rumour"),
            with_changes("test-many-ok"),
            with_changes("test-many-3", critera="security.intel-cyber"),
        ),
        encoding="utf-8",
    )
    (tmp_path / "more.csv").write_text(
        "id,subject,criterion,date,statement,level,kind,source.title,grade\n"
        "test-more-1,CAN-JPN,security.intel-cyber,2025-02-30,Test record: bad day.,declared,declaratory,T,B2\n"
        "test-more-2,CAN-JPN,security.intel-cyber,2025-02,,declared,declaratory,T,B9\n",
        encoding="utf-8",
    )
    result = cli("validate", "many.jsonl", "more.csv", cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines[-1] == "renewal-score: 7 problems found"
    expected = [
        "many.jsonl:1: record test-many-1: grade: is required but missing",
        "many.jsonl:2: record test-many-2: date: '2025-13' is not a real date: month 13 does not exist",
        "many.jsonl:2: record test-many-2: kind: ",
        "many.jsonl:4: record test-many-3: critera: unknown field",
        "more.csv:2: record test-more-1: date: '2025-02-30' is not a real date: day is out of range for month",
        "more.csv:3: record test-more-2: grade: 'B9' is not valid",
        "more.csv:3: record test-more-2: statement: is required but missing",
    ]
    for text in expected:
        assert text in result.stderr, result.stderr
    assert "test-many-ok" not in result.stderr


MIXED = (
    with_changes("test-mixed-1", drop=("grade",)),
    with_changes("test-mixed-2", criterion="security.intel-cybr"),
    with_changes("test-mixed-3", level="ratified"),
)
MIXED_PROBLEMS = [
    "mixed.jsonl:1: record test-mixed-1: grade: is required but missing",
    "mixed.jsonl:2: record test-mixed-2: criterion: 'security.intel-cybr' is not defined by any plugin; did you mean 'security.intel-cyber'?",
    "mixed.jsonl:3: record test-mixed-3: level: 'ratified' is not defined by criterion 'security.intel-cyber'",
]


@pytest.mark.parametrize("command", ["validate", "report"])
def test_record_and_cross_record_problems_are_listed_together(tmp_path: Path, command: str) -> None:
    (tmp_path / "mixed.jsonl").write_text(jsonl(*MIXED), encoding="utf-8")
    result = check(command, "mixed.jsonl", cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    for text in MIXED_PROBLEMS:
        assert text in result.stderr, result.stderr
    assert result.stderr.splitlines()[-1] == "renewal-score: 3 problems found"


@pytest.mark.parametrize("command", ["validate", "report"])
def test_every_cross_record_problem_is_listed(tmp_path: Path, command: str) -> None:
    (tmp_path / "cross.jsonl").write_text(
        jsonl(
            with_changes("test-cross-1", criterion="security.intel-cybr"),
            with_changes("test-cross-2", level="ratified"),
            with_changes("test-cross-3", level="in-force"),
            with_changes("test-cross-4", subject="CAN-JPM"),
            with_changes("test-cross-5"),
            with_changes("test-cross-5", grade="A1"),
            with_changes("test-cross-6"),
            with_changes("test-cross-6"),
        ),
        encoding="utf-8",
    )
    result = check(command, "cross.jsonl", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "cross.jsonl:1: record test-cross-1: criterion: 'security.intel-cybr' is not defined by any plugin; did you mean 'security.intel-cyber'?",
        "cross.jsonl:2: record test-cross-2: level: 'ratified' is not defined by criterion 'security.intel-cyber' (known: declared, in-force, none, pending, signed)",
        "cross.jsonl:3: record test-cross-3: level: declaratory evidence cannot show level 'in-force', which needs concrete evidence (set kind = \"concrete\" if something was built, spent, ratified or deployed)",
        "cross.jsonl:4: record test-cross-4: subject: 'CAN-JPM' is not defined by any plugin; did you mean 'CAN-JPN'?",
        "cross.jsonl:6: record test-cross-5: id: duplicate evidence id, also defined (differently) in cross.jsonl:5",
        "renewal-score: 5 problems found",
    ]


# ---------------------------------------------------------------------------------------------
# The valid corpus


def valid_files() -> list[Path]:
    return sorted(p for p in VALID.iterdir() if p.is_file())


def raw_records(path: Path) -> list[dict[str, Any]]:
    """The records of a corpus file, read with the standard library only."""
    text = path.read_bytes().decode("utf-8-sig")
    if path.suffix == ".jsonl":
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    if path.suffix == ".json":
        document = json.loads(text)
        return document if isinstance(document, list) else document["evidence"]
    if path.suffix == ".toml":
        records: list[dict[str, Any]] = tomllib.loads(text)["evidence"]
        return records
    assert path.suffix == ".csv"
    return list(csv.DictReader(io.StringIO(text, newline="")))


def period_end(date: str | dt.date) -> dt.date:
    """Last day of the period an event date names (YYYY, YYYY-Qn, YYYY-MM or YYYY-MM-DD)."""
    if isinstance(date, dt.date):
        return date
    year = int(date[:4])
    if len(date) == 4:
        return dt.date(year, 12, 31)
    if len(date) == 10:
        return dt.date.fromisoformat(date)
    month = 3 * int(date[6]) if date[5] == "Q" else int(date[5:7])
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def test_valid_corpus_covers_every_format_with_new_synthetic_records() -> None:
    files = valid_files()
    assert {p.suffix for p in files} == {".jsonl", ".json", ".toml", ".csv"}
    assert any(
        p.read_bytes().startswith(b"\xef\xbb\xbf") and b"\r\n" in p.read_bytes() for p in files
    )
    records = [r for p in files for r in raw_records(p)]
    assert all(r["id"].startswith("test-") for r in records)
    assert all(r["statement"].startswith("Test record: ") for r in records)
    assert all(r["subject"] == "CAN-JPN" for r in records)
    assert len({r["id"] for r in records}) == len(records)


def test_validate_accepts_the_valid_corpus(tmp_path: Path) -> None:
    for path in valid_files():
        copy_into(tmp_path, path)
    names = [p.name for p in valid_files()]
    result = cli("validate", *names, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout == "".join(
        f"{name}: {len(raw_records(tmp_path / name))} records ok\n" for name in names
    )
    for name in names:
        single = cli("validate", name, cwd=tmp_path)
        assert single.returncode == 0, single.stderr
        assert single.stdout == f"{name}: {len(raw_records(tmp_path / name))} records ok\n"


def test_report_counts_every_valid_record(tmp_path: Path) -> None:
    records = [r for p in valid_files() for r in raw_records(p)]
    as_of = dt.date.fromisoformat(AS_OF)
    counted = sum(period_end(r["date"]) <= as_of for r in records)
    later = sum(period_end(r["date"]) > as_of for r in records)
    assert counted > 0
    assert later > 0, "the corpus must hold a record dated after --as-of"

    before = report_json(cwd=tmp_path)
    after = report_json("--evidence", str(VALID), cwd=tmp_path)

    assert after["subject"]["id"] == before["subject"]["id"] == "CAN-JPN"
    assert after["overall"]["evidence_count"] - before["overall"]["evidence_count"] == counted
    assert after["excluded"]["after_as_of"] - before["excluded"]["after_as_of"] == later
    assert after["excluded"]["other_subject"] == before["excluded"]["other_subject"]
    assert criterion_counts(after)["total"] - criterion_counts(before)["total"] == counted


# ---------------------------------------------------------------------------------------------
# Usage errors


@pytest.mark.parametrize(
    ("name", "create", "message"),
    [
        (
            "no-such-file.jsonl",
            False,
            "renewal-score: error: no-such-file.jsonl: no such file or folder",
        ),
        ("notes.yaml", False, "renewal-score: error: notes.yaml: no such file or folder"),
        (
            "notes.yaml",
            True,
            "renewal-score: error: notes.yaml: unknown file type (expected one of .toml, .json, .jsonl, .csv)",
        ),
    ],
)
@pytest.mark.parametrize("command", ["validate", "report"])
def test_usage_errors_exit_2(
    tmp_path: Path, name: str, create: bool, message: str, command: str
) -> None:
    if create:
        (tmp_path / name).write_text("evidence: []\n", encoding="utf-8")
    result = check(command, name, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == message + "\n"


# ---------------------------------------------------------------------------------------------
# Export, edit, validate, report


def append_record(path: Path, file_format: str, record: dict[str, Any]) -> None:
    text = path.read_text(encoding="utf-8")
    if file_format == "jsonl":
        text += json.dumps(record, ensure_ascii=False) + "\n"
    elif file_format == "json":
        records = json.loads(text)
        text = json.dumps([*records, record], indent=2, ensure_ascii=False) + "\n"
    else:
        header = next(csv.reader(io.StringIO(text)))
        flat = {k: v for k, v in record.items() if k != "source"}
        flat.update({f"source.{k}": v for k, v in record["source"].items()})
        assert set(flat) <= set(header)
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerow(flat.get(c, "") for c in header)
        text += buffer.getvalue()
    path.write_text(text, encoding="utf-8")


@pytest.mark.parametrize("file_format", ["jsonl", "csv", "json"])
def test_export_edit_validate_report(tmp_path: Path, file_format: str) -> None:
    name = f"all.{file_format}"
    exported = cli("evidence", "--format", file_format, "-o", name, cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout == ""
    total = len(raw_records(tmp_path / name))
    assert total > 0

    # The export repeats the built-in records exactly: they count once, not twice.
    baseline_card = report_json(cwd=tmp_path)
    baseline = baseline_card["overall"]["evidence_count"]
    unchanged = report_json("--evidence", name, cwd=tmp_path)["overall"]["evidence_count"]
    assert unchanged == baseline

    append_record(tmp_path / name, file_format, NEW_RECORD)
    checked = cli("validate", name, cwd=tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout == f"{name}: {total + 1} records ok\n"

    card = report_json("--evidence", name, cwd=tmp_path)
    assert card["overall"]["evidence_count"] == baseline + 1
    criterion = NEW_RECORD["criterion"]
    assert criterion_counts(card)[criterion] == criterion_counts(baseline_card)[criterion] + 1


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_output_file_gets_the_usual_permissions(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        result = cli("evidence", "--format", "jsonl", "-o", "all.jsonl", cwd=tmp_path)
    finally:
        os.umask(umask)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "all.jsonl").stat().st_mode & 0o777 == 0o644


# ---------------------------------------------------------------------------------------------
# evidence --criterion, schema


def test_evidence_for_one_criterion(tmp_path: Path) -> None:
    result = cli(
        "evidence", "--criterion", "security.intel-cyber", "--format", "jsonl", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    everything = json.loads(cli("evidence", "--format", "json", cwd=tmp_path).stdout)
    assert records
    assert {r["criterion"] for r in records} == {"security.intel-cyber"}
    assert records == [r for r in everything if r["criterion"] == "security.intel-cyber"]


def test_evidence_for_a_misspelt_criterion_suggests_the_right_one(tmp_path: Path) -> None:
    result = cli("evidence", "--criterion", "security.intel-cybr", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        "renewal-score: error: unknown criterion 'security.intel-cybr'; "
        "did you mean 'security.intel-cyber'?\n"
    )


def test_schema_of_evidence_requires_the_essential_fields(tmp_path: Path) -> None:
    result = cli("schema", "evidence", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    schema = json.loads(result.stdout)
    required = {
        "id",
        "subject",
        "criterion",
        "date",
        "statement",
        "level",
        "kind",
        "source",
        "grade",
    }
    assert schema["type"] == "object"
    assert required <= set(schema["required"])
    assert required | {"effect", "event", "note"} == set(schema["properties"])
    assert schema["additionalProperties"] is False
