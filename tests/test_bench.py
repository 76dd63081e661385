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
    realistic = figures["realistic"]
    assert realistic["records"] == 10_000
    for name in ("report", "compare", "validate", "validate_one_invalid", "report_one_invalid"):
        assert realistic[name]["ratio"] > 0, name
        assert realistic[name]["renewal_score"]["mib"] > 0, name
        assert realistic[name]["floor"]["seconds"] > 0, name
    synthetic = figures["synthetic"]
    assert [row["records"] for row in synthetic["compare"]] == [1_000, 10_000]
    assert all(row["ratio"] > 0 for row in synthetic["compare"])
    assert synthetic["slope"] != 0
    sensitivity = figures["sensitivity"]
    assert sensitivity["samples"] == 200
    assert sensitivity["ratio"] > 0
    assert sensitivity["ratio_to_evidence_floor"] > 0
    assert sensitivity["pymcdm"] is None or sensitivity["pymcdm"]["speedup"] > 0
    cold_start = figures["cold_start"]
    for name in ("ratio", "models_alone_ratio", "fewest_draws_ratio"):
        assert cold_start[name] > 0, name
    assert cold_start["models_alone"]["mib"] > 0
    assert isinstance(cold_start["certainty_seconds"], float)


def test_groups_of_rows_can_be_run_alone(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(BENCH), "--quick", "--only", "cold_start"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert set(json.loads(result.stdout)) == {"machine", "cold_start"}
