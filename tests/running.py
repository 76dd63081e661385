"""Running the command line as a user does (``python -m renewal_score``), for the tests of
hostile input and output: exit status, standard output and error, and what a run leaves."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

AS_OF = "2025-05-01"
TIMEOUT = 120

BUILTIN_NAMES = (
    "renewal_score_criteria.coercion_resilience",
    "renewal_score_criteria.minerals_energy",
    "renewal_score_criteria.security",
)
"""The built-in criteria modules, as they load: entry points of renewal-score, by name."""


def run_cli(
    *args: str | Path, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -m renewal_score ARGS`` in ``cwd``; ``env`` adds to the environment."""
    return subprocess.run(
        [sys.executable, "-m", "renewal_score", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=TIMEOUT,
        check=False,
    )


def problem_lines(stderr: str) -> list[str]:
    """The lines of a failed run's standard error, less the closing count of problems."""
    return [line for line in stderr.splitlines() if not line.endswith(" found")]


def assert_located_failure(result: subprocess.CompletedProcess[str], *names: str) -> None:
    """Exit status 1, no traceback, and every problem line naming one of the files."""
    assert result.returncode == 1, (result.returncode, result.stderr[-2000:])
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    lines = problem_lines(result.stderr)
    assert lines, result.stderr
    unlocated = [line for line in lines if not any(name in line for name in names)]
    assert not unlocated, unlocated[:5]


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())
