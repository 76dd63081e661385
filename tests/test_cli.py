"""The command line as a user runs it: subprocesses, exit codes, bytes on stdout and stderr."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

AS_OF = "2025-05-01"
CONSOLE_SCRIPT = Path(sys.executable).with_name("renewal-score")


def cli(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CONSOLE_SCRIPT), *args], cwd=cwd, capture_output=True, text=True, env=env, check=False
    )


def test_report_runs_from_any_directory_and_is_byte_identical(tmp_path: Path) -> None:
    first = cli("report", "--as-of", AS_OF, cwd=tmp_path)
    second = cli("report", "--as-of", AS_OF, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    assert "Overall renewal index" in first.stdout
    assert "where action is most needed" in first.stdout


def test_python_dash_m_works_like_the_console_script(tmp_path: Path) -> None:
    module = subprocess.run(
        [sys.executable, "-m", "renewal_score", "report", "--as-of", AS_OF, "--format", "json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert module.stdout == cli("report", "--as-of", AS_OF, "--format", "json", cwd=tmp_path).stdout


def test_json_report_keeps_its_contract(tmp_path: Path) -> None:
    result = cli("report", "--as-of", AS_OF, "--format", "json", cwd=tmp_path)
    card = json.loads(result.stdout)
    assert {"as_of", "overall", "method", "priorities"} <= card.keys()
    assert card["as_of"] == AS_OF
    assert {p["id"] for p in card["priorities"]} == {
        "security",
        "minerals-energy",
        "coercion-resilience",
    }
    for priority in card["priorities"]:
        assert {"id", "title", "score", "criteria"} <= priority.keys()
        for criterion in priority["criteria"]:
            assert {"id", "title", "score", "level", "evidence"} <= criterion.keys()
            assert all(isinstance(e, str) for e in criterion["evidence"])


def test_markdown_report_has_github_tables(tmp_path: Path) -> None:
    result = cli("report", "--as-of", AS_OF, "--format", "markdown", cwd=tmp_path)
    assert result.returncode == 0
    assert "\n|--------|" in result.stdout or "\n|---" in result.stdout
    assert result.stdout.startswith("# Renewal scorecard")


def test_evidence_after_as_of_is_left_out_and_counted(tmp_path: Path) -> None:
    early = json.loads(
        cli("report", "--as-of", "2019-01-01", "--format", "json", cwd=tmp_path).stdout
    )
    late = json.loads(cli("report", "--as-of", AS_OF, "--format", "json", cwd=tmp_path).stdout)
    assert early["excluded"]["after_as_of"] > 0
    assert early["overall"]["evidence_count"] < late["overall"]["evidence_count"]


def test_version_and_help(tmp_path: Path) -> None:
    version = cli("--version", cwd=tmp_path)
    assert version.returncode == 0
    assert version.stdout.startswith("renewal-score ")
    assert cli("--help", cwd=tmp_path).returncode == 0
    assert "--as-of" in cli("report", "--help", cwd=tmp_path).stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["report", "--format", "pdf"],
            "unknown format 'pdf' (known: csv, html, json, markdown, text",
        ),
        (["report", "--as-of", "2025-13-01"], "is not a date"),
        (["report", "--subject", "XX-YY", "--as-of", AS_OF], "unknown subject 'XX-YY'"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_usage_exits_2(tmp_path: Path, args: list[str], message: str) -> None:
    result = cli(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


BROKEN_PLUGINS = {
    "import_error.py": (
        "import no_such_module_anywhere\n",
        "plugin 'import_error'",
        "ModuleNotFoundError",
    ),
    "raises.py": (
        "from renewal_score import hookimpl\n\n@hookimpl\ndef register_evidence():\n"
        "    raise RuntimeError('database offline')\n",
        "plugin 'raises', hook register_evidence",
        "RuntimeError: database offline",
    ),
    "wrong_type.py": (
        "from renewal_score import hookimpl\n\n@hookimpl\ndef register_criteria():\n    return 42\n",
        "plugin 'wrong_type', hook register_criteria",
        "returned int; expected a list of Criterion",
    ),
    "misspelt.py": (
        "from renewal_score import hookimpl\n\n@hookimpl\ndef register_evidense():\n    return []\n",
        "plugin 'misspelt'",
        "register_evidense",
    ),
    "bad_record.py": (
        "from renewal_score import hookimpl\n\n@hookimpl\ndef register_subjects():\n"
        "    return [{'id': 'X', 'titel': 'typo'}]\n",
        "plugin 'bad_record' (register_subjects)",
        "titel: unknown field",
    ),
}


@pytest.mark.parametrize("name", sorted(BROKEN_PLUGINS))
def test_a_failing_plugin_is_named_without_traceback(tmp_path: Path, name: str) -> None:
    source, where, what = BROKEN_PLUGINS[name]
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / name).write_text(source, encoding="utf-8")
    result = cli("report", "--as-of", AS_OF, "--plugins-dir", str(folder), cwd=tmp_path)
    assert result.returncode == 1
    assert where in result.stderr
    assert what in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "broken.py").write_text("raise ValueError('boom')\n", encoding="utf-8")
    result = cli("--debug", "report", "--plugins-dir", str(folder), cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" in result.stderr


def test_failed_run_leaves_an_existing_output_file_untouched(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("previous good report\n", encoding="utf-8")
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "broken.py").write_text("raise ValueError('boom')\n", encoding="utf-8")
    result = cli("report", "--plugins-dir", str(folder), "-o", str(target), cwd=tmp_path)
    assert result.returncode == 1
    assert target.read_text(encoding="utf-8") == "previous good report\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plugins", "report.json"]


def test_output_file_gets_the_same_bytes_as_stdout(tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    assert (
        cli(
            "report", "--as-of", AS_OF, "--format", "markdown", "-o", str(target), cwd=tmp_path
        ).returncode
        == 0
    )
    stdout = cli("report", "--as-of", AS_OF, "--format", "markdown", cwd=tmp_path).stdout
    assert target.read_text(encoding="utf-8") == stdout


@pytest.mark.parametrize("model", ["evidence", "criterion", "scorecard"])
def test_schema_prints_a_json_schema(tmp_path: Path, model: str) -> None:
    result = cli("schema", model, cwd=tmp_path)
    schema = json.loads(result.stdout)
    assert schema["type"] == "object"
    assert "properties" in schema


@pytest.mark.parametrize(
    "command",
    [
        ["report", "--as-of", AS_OF],
        ["trend", "--from", "2023-01-01", "--to", AS_OF],
        ["evidence"],
        ["sensitivity", "--as-of", AS_OF, "--samples", "100"],
    ],
)
def test_text_output_fits_a_100_column_terminal(tmp_path: Path, command: list[str]) -> None:
    result = cli(*command, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    too_wide = [line for line in result.stdout.splitlines() if len(line) > 100]
    assert not too_wide, too_wide[:3]


@pytest.mark.parametrize(
    ("arguments", "loads_numpy"),
    [
        (["report", "--as-of", AS_OF], False),
        (["--version"], False),
        (["sensitivity", "--samples", "10", "--as-of", AS_OF], True),
    ],
)
def test_numpy_is_imported_only_by_the_commands_that_compute_with_it(
    tmp_path: Path, arguments: list[str], loads_numpy: bool
) -> None:
    """The everyday report starts without numpy (tens of milliseconds of its cold start)."""
    probe = (
        "import runpy, sys\n"
        f"sys.argv = ['renewal-score', *{arguments!r}]\n"
        "try:\n    runpy.run_module('renewal_score', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "print('numpy' in sys.modules, file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert result.stderr.strip().splitlines()[-1] == str(loads_numpy), result.stderr
