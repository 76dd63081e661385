"""Rewrite the golden reports after a deliberate change of output: python tests/golden/update.py"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

FOLDER = Path(__file__).parent
AS_OF = "2025-05-01"
FORMATS = {"text": "txt", "markdown": "md", "json": "json", "csv": "csv", "html": "html"}


def report(file_format: str) -> bytes:
    command = [
        sys.executable,
        "-m",
        "renewal_score",
        "report",
        "--as-of",
        AS_OF,
        "--format",
        file_format,
    ]
    return subprocess.run(command, capture_output=True, check=True).stdout


if __name__ == "__main__":
    for name, suffix in FORMATS.items():
        (FOLDER / f"report.{suffix}").write_bytes(report(name))
