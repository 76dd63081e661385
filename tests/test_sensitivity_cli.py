"""``renewal-score sensitivity`` as a user runs it: the same numbers as from Python, every
format with every table, plugin methods, warnings."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

from renewal_score.engine import build_scorecard
from renewal_score.loading import checked_agenda, load_inputs
from renewal_score.options import RunOptions
from renewal_score.sensitivity import SensitivitySettings, build_problem, run_sensitivity
from running import AS_OF, run_cli

SMALL = ("--as-of", AS_OF, "--samples", "60", "--seed", "3")


def sensitivity(*args: str, cwd: Path) -> str:
    result = run_cli("sensitivity", *args, cwd=cwd)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout


def test_the_command_and_python_give_the_same_numbers(tmp_path: Path) -> None:
    shown = json.loads(sensitivity(*SMALL, "--format", "json", cwd=tmp_path))
    inputs = load_inputs()
    problem = build_problem(checked_agenda(inputs), inputs.host, as_of=dt.date.fromisoformat(AS_OF))
    found = run_sensitivity(problem, SensitivitySettings(samples=60, seed=3)).to_dict()
    assert json.loads(json.dumps(found)) == shown["analysis"]  # to the bit, manifest included
    manifest = shown["analysis"]["manifest"]
    assert manifest["evidence_sha256"] == checked_agenda(inputs).digest
    assert {p["name"] for p in manifest["plugins"]} >= {"renewal_score_criteria.security"}
    assert shown["analysis"]["settings"]["seed"] == 3


def test_the_default_text_shows_indices_with_intervals_and_what_to_gather(tmp_path: Path) -> None:
    text = sensitivity(*SMALL, cwd=tmp_path)
    assert "Inputs with most effect on the overall index" in text
    assert "Inputs with most effect on whether security ranks first" in text
    header = next(line for line in text.splitlines() if line.startswith("input "))
    assert header.split() == [
        "input",
        "total",
        "effect",
        "(95",
        "%)",
        "first",
        "order",
        "(95",
        "%)",
    ]
    index = r"-?\d\.\d{3} \(-?\d\.\d{3} to -?\d\.\d{3}\)"
    method = next(line for line in text.splitlines() if line.startswith("method "))
    assert re.fullmatch(rf"method +{index} +{index}", method), method
    card = build_scorecard(
        checked_agenda(load_inputs()),
        load_inputs().host,
        RunOptions(as_of=dt.date.fromisoformat(AS_OF)),
    )
    section = text.split("What to gather next")[1].split("Remove one criterion")[0]
    listed = [line.split()[0] for line in section.splitlines()[4:] if line.strip()]
    assert listed == [g.criterion for g in card.gather_next[:5]]
    assert "43.6%" in section  # security.bilateral-framework overturns it in 44 % of cases


def test_few_samples_are_flagged_in_every_format(tmp_path: Path) -> None:
    result = run_cli("sensitivity", "--as-of", AS_OF, "--samples", "10", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    warning = "the sensitivity indices are not stable at 10 samples"
    assert f"renewal-score: warning: {warning}" in result.stderr
    assert warning in " ".join(result.stdout.split())
    shown = json.loads(
        sensitivity("--as-of", AS_OF, "--samples", "10", "--format", "json", cwd=tmp_path)
    )
    assert shown["warnings"][0].startswith(warning)
    index = shown["analysis"]["sensitivity"]["outputs"]["overall"]["indices"]["method"]
    low, high = index["first_order_interval"]
    assert low <= index["first_order"] <= high


def csv_tables(text: str) -> dict[str, list[list[str]]]:
    rows = list(csv.reader(io.StringIO(text)))
    tables: dict[str, list[list[str]]] = {}
    current: list[list[str]] = []
    for row in rows:
        if len(row) == 1:
            current = tables.setdefault(row[0], [])
        elif row:
            current.append(row)
    return tables


def test_csv_holds_every_table_with_numbers_as_numbers(tmp_path: Path) -> None:
    tables = csv_tables(sensitivity(*SMALL, "--all-subjects", "--format", "csv", cwd=tmp_path))
    assert list(tables) == [
        "Scores and their 5-95 % intervals",
        "Sensitivity indices of every output",
        "What to gather next (one more report of each criterion)",
        "Remove one criterion (nominal settings)",
        "Every subject's overall index",
    ]
    scores = tables["Scores and their 5-95 % intervals"]
    assert {row[0] for row in scores[1:]} >= {"security", "overall"}
    float(scores[1][-1])  # a share of 1, not "56.3%"
    indices = tables["Sensitivity indices of every output"]
    assert indices[0] == [
        "output",
        "input",
        "total effect",
        "low",
        "high",
        "first order",
        "low",
        "high",
    ]
    outputs = {row[0] for row in indices[1:]}
    assert {"overall", "security", "status:overall", "status:security"} <= outputs
    assert all(float(cell) or True for row in indices[1:] for cell in row[2:] if cell)
    subjects = {row[0] for row in tables["Every subject's overall index"][1:]}
    assert subjects == {"CAN-JPN", "AUS-JPN"}


@pytest.mark.parametrize("file_format", ["text", "markdown", "html", "json"])
def test_all_subjects_shows_in_every_format(tmp_path: Path, file_format: str) -> None:
    output = sensitivity(*SMALL, "--all-subjects", "--format", file_format, cwd=tmp_path)
    assert "AUS-JPN" in output
    assert "highest" in output or "ranked_first" in output


PLUGIN = """
from renewal_score.hookspecs import hookimpl


@hookimpl
def register_aggregations():
    def median(values, weights):
        return sorted(values)[len(values) // 2]

    return {"median": median}
"""


def test_a_plugins_aggregation_is_an_option_and_the_nominal_method(tmp_path: Path) -> None:
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "medians.py").write_text(PLUGIN, encoding="utf-8")
    common = ("--plugins-dir", str(folder), *SMALL, "--format", "json")
    shown = json.loads(sensitivity(*common, cwd=tmp_path))
    assert shown["analysis"]["settings"]["methods"] == [
        "arithmetic",
        "geometric",
        "minimum",
        "median",
    ]
    nominal = json.loads(sensitivity(*common, "--aggregation", "median", cwd=tmp_path))
    assert nominal["analysis"]["settings"]["methods"][0] == "median"
    assert nominal["analysis"]["manifest"]["aggregation"] == "median"


def test_vary_chooses_the_inputs(tmp_path: Path) -> None:
    shown: Any = json.loads(
        sensitivity(*SMALL, "--vary", "bands,target", "--format", "json", cwd=tmp_path)
    )
    assert shown["analysis"]["sensitivity"]["inputs"] == [
        "band:on track",
        "band:signs of progress",
        "target",
    ]
    wrong = run_cli("sensitivity", *SMALL, "--vary", "colour", cwd=tmp_path)
    assert wrong.returncode == 2
    assert "unknown input group 'colour'" in wrong.stderr
    unknown = run_cli("sensitivity", *SMALL, "--aggregation", "median", cwd=tmp_path)
    assert unknown.returncode == 2
    assert "unknown aggregation 'median'" in unknown.stderr
