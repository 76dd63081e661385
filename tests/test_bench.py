"""The benchmark's smoke run, so that the script cannot rot (it measures, it asserts no time)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).parents[1] / "bench" / "run.py"


def test_the_quick_benchmark_runs_every_measurement(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(BENCH), "--quick"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert [row["records"] for row in figures["ingest_validate_score"]] == [1_000, 10_000]
    for row in figures["ingest_validate_score"]:
        assert row["ratio"] > 0
        assert row["renewal_score"]["mib"] > 0
    sensitivity = figures["sensitivity"]
    assert sensitivity["samples"] == 200
    assert sensitivity["ratio"] > 0
    assert sensitivity["with_largest_evidence"]["records"] == 10_000
    assert sensitivity["analysis_ratio"] > 0
    cold = figures["cold_start"]
    assert cold["ratio"] > 0
    assert cold["import_with_base_model"]["seconds"] > 0
