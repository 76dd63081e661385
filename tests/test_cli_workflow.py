"""The command line's workflow as a user runs it: how options are given and checked, where
the output goes and how it fits, and the hint an unknown name gets."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from renewal_score.errors import did_you_mean
from running import AS_OF, TIMEOUT, files_in, run_cli


def broken_plugins(folder: Path) -> Path:
    folder.mkdir()
    (folder / "broken.py").write_text("raise ValueError('boom')\n", encoding="utf-8")
    return folder


def test_debug_after_the_command_shows_the_traceback(tmp_path: Path) -> None:
    folder = broken_plugins(tmp_path / "plugins")
    result = run_cli("report", "--plugins-dir", folder, "--debug", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "Traceback" in result.stderr
    assert "ValueError: boom" in result.stderr


@pytest.mark.parametrize(
    "command", [["schema", "evidence"], ["plugins"], ["evidence", "--as-of", AS_OF]]
)
def test_every_command_takes_debug(tmp_path: Path, command: list[str]) -> None:
    result = run_cli(*command, "--debug", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == run_cli("--debug", *command, cwd=tmp_path).stdout


def test_capital_v_prints_the_version(tmp_path: Path) -> None:
    short = run_cli("-V", cwd=tmp_path)
    assert short.returncode == 0, short.stderr
    assert short.stdout.startswith("renewal-score ")
    assert short.stdout == run_cli("--version", cwd=tmp_path).stdout


def report_json(*args: str, cwd: Path) -> dict[str, object]:
    result = run_cli("report", "--format", "json", *args, cwd=cwd)
    assert result.returncode == 0, result.stderr
    card: dict[str, object] = json.loads(result.stdout)
    return card


@pytest.mark.parametrize(
    ("given", "meant"),
    [("2024", "2024-12-31"), ("2024-Q1", "2024-03-31"), ("2024-02", "2024-02-29")],
)
def test_as_of_takes_every_evidence_date_form_as_the_end_of_its_period(
    tmp_path: Path, given: str, meant: str
) -> None:
    assert report_json("--as-of", given, cwd=tmp_path) == report_json(
        "--as-of", meant, cwd=tmp_path
    )


def test_trend_dates_take_every_evidence_date_form(tmp_path: Path) -> None:
    args = ["--from", "2023-Q4", "--to", "2024", "--every", "quarter", "--format", "json"]
    result = run_cli("trend", *args, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    dates = [point["as_of"] for point in json.loads(result.stdout)["points"]]
    assert dates == ["2023-12-31", "2024-03-31", "2024-06-30", "2024-09-30", "2024-12-31"]


@pytest.mark.parametrize(
    "value",
    ["2025-5", "2025-Q5", "2025-02-30", "May 2025", "\uff12\uff10\uff12\uff15"],  # full-width
)
@pytest.mark.parametrize(
    ("command", "option"),
    [(["report", "--as-of"], "--as-of"), (["trend", "--from", AS_OF, "--to"], "--to")],
)
def test_a_date_in_no_evidence_form_is_a_usage_error_naming_the_forms(
    tmp_path: Path, command: list[str], option: str, value: str
) -> None:
    result = run_cli(*command, value, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert f"argument {option}: " in result.stderr
    assert "expected YYYY, YYYY-Qn, YYYY-MM or YYYY-MM-DD" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["report", "--as-of", AS_OF, "-o", "card.html", "--format", "markdown"],
            "--format markdown does not match -o card.html, whose extension means html",
        ),
        (
            ["evidence", "-o", "all.json", "--format", "jsonl"],
            "--format jsonl does not match -o all.json, whose extension means json",
        ),
        (
            ["report", "--as-of", AS_OF, "-o", "card.xyz"],
            "cannot tell the format of card.xyz from its extension; give --format, or a file "
            "name ending in .txt, .md, .markdown, .html, .htm, .json, .csv",
        ),
        (
            ["schema", "evidence", "-o", "evidence.md"],
            "cannot write markdown to evidence.md; give --format (json)",
        ),
    ],
)
def test_an_output_file_whose_extension_disagrees_is_a_usage_error(
    tmp_path: Path, args: list[str], message: str
) -> None:
    result = run_cli(*args, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert result.stderr == f"renewal-score: error: {message}\n"
    assert files_in(tmp_path) == []


@pytest.mark.parametrize(
    "args",
    [
        ["-o", "card.xyz", "--format", "markdown"],  # an extension of no format: --format rules
        ["-o", "card.txt", "--format", "text"],
        ["-o", "card"],  # no extension: text
    ],
)
def test_an_output_file_that_agrees_is_written(tmp_path: Path, args: list[str]) -> None:
    result = run_cli("report", "--as-of", AS_OF, *args, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert files_in(tmp_path) == [args[1]]


TABLES = ["text", "markdown", "html", "json", "csv"]
FORMATS = {
    "report": ["text", "markdown", "json", "csv", "html", "plugins may add formats"],
    "trend": TABLES,
    "compare": TABLES,
    "sensitivity": TABLES,
    "evidence": ["text", "table", "markdown", "html", "jsonl", "json", "csv"],
    "plugins": [*TABLES, "table"],
    "schema": ["json"],
}


def format_help(command: str, cwd: Path) -> str:
    """The help of a command's --format option, on one line."""
    lines = run_cli(command, "--help", cwd=cwd, env={"COLUMNS": "100"}).stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("  --format"))
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("  -")), len(lines))
    return " ".join(" ".join(lines[start:end]).split())


@pytest.mark.parametrize("command", sorted(FORMATS))
def test_help_lists_every_format_a_command_writes(tmp_path: Path, command: str) -> None:
    text = format_help(command, tmp_path)
    missing = [name for name in FORMATS[command] if name not in text]
    assert not missing, text


GOLDEN = Path(__file__).parent / "golden"

TERMINAL = """
import sys

from renewal_score.cli import main

sys.stdout.isatty = lambda: True  # stands in for a terminal: no device is opened
sys.exit(main(sys.argv[1:]))
"""


def in_terminal(*args: str, columns: int, cwd: Path) -> str:
    """What the command writes to a terminal of ``columns`` columns (COLUMNS says so)."""
    result = subprocess.run(
        [sys.executable, "-c", TERMINAL, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": str(columns)},
        timeout=TIMEOUT,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def widest(text: str) -> int:
    """The widest line of text tables: the evidence listing's headings (a criterion and where
    its records come from, a file's path perhaps) are lines of their own, not cut."""
    return max(len(line) for line in text.splitlines() if " (from " not in line)


@pytest.mark.parametrize("command", [["report"], ["evidence"]])
def test_text_fits_the_terminal_width(tmp_path: Path, command: list[str]) -> None:
    narrow = in_terminal(*command, "--as-of", AS_OF, columns=80, cwd=tmp_path)
    wide = in_terminal(*command, "--as-of", AS_OF, columns=160, cwd=tmp_path)
    assert widest(narrow) <= 80
    assert 100 < widest(wide) <= 160
    assert len(wide.splitlines()) < len(narrow.splitlines())  # wider columns wrap less


def test_text_not_to_a_terminal_keeps_100_columns_whatever_columns_says(tmp_path: Path) -> None:
    result = run_cli("report", "--as-of", AS_OF, cwd=tmp_path, env={"COLUMNS": "60"})
    assert result.stdout == (GOLDEN / "report.txt").read_text(encoding="utf-8")
    run_cli("report", "--as-of", AS_OF, "-o", "card.txt", cwd=tmp_path, env={"COLUMNS": "60"})
    assert (tmp_path / "card.txt").read_bytes() == (GOLDEN / "report.txt").read_bytes()


BUILTIN_SECURITY = "renewal_score_criteria.security"


def test_an_unknown_plugin_in_the_allowlist_is_a_usage_error(tmp_path: Path) -> None:
    allowed = f"{BUILTIN_SECURITY},renewal_score_criteria.securty"
    result = run_cli(
        "compare", "--as-of", AS_OF, cwd=tmp_path, env={"RENEWAL_SCORE_PLUGINS": allowed}
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr == (
        "renewal-score: error: RENEWAL_SCORE_PLUGINS: unknown plugin "
        f"'renewal_score_criteria.securty'; did you mean {BUILTIN_SECURITY!r}?\n"
    )


def test_an_unknown_plugin_like_none_lists_the_plugins_there_are(tmp_path: Path) -> None:
    env = {"RENEWAL_SCORE_PLUGINS": "trade"}
    result = run_cli("report", "--as-of", AS_OF, cwd=tmp_path, env=env)
    assert result.returncode == 2, result.stderr
    assert "RENEWAL_SCORE_PLUGINS: unknown plugin 'trade' (known: " in result.stderr
    assert BUILTIN_SECURITY in result.stderr


@pytest.mark.parametrize(
    "command",
    [
        ["report", "--subject", "CAN-JPM"],
        ["compare", "--subjects", "CAN-JPN,CAN-JPM"],
        ["sensitivity", "--subject", "CAN-JPM", "--samples", "10"],
    ],
)
def test_an_unknown_subject_gets_the_same_hint_in_every_command(
    tmp_path: Path, command: list[str]
) -> None:
    result = run_cli(*command, "--as-of", AS_OF, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert result.stderr == (
        "renewal-score: error: unknown subject 'CAN-JPM'; did you mean 'CAN-JPN'?\n"
    )


def test_did_you_mean_suggests_the_closest_name_or_lists_them() -> None:
    known = ["security", "minerals-energy"]
    assert did_you_mean("securty", known) == "; did you mean 'security'?"
    assert did_you_mean("trade", known) == ""
    assert did_you_mean("trade", known, list_known=True) == " (known: minerals-energy, security)"


SOURCE = Path(__file__).parents[1] / "src" / "renewal_score"


def test_did_you_mean_is_worded_in_one_place() -> None:
    wording = [
        path.relative_to(SOURCE).as_posix()
        for path in sorted(SOURCE.rglob("*.py"))
        if "did you mean" in path.read_text(encoding="utf-8")
    ]
    assert wording == ["errors.py"]
