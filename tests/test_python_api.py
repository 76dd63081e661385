"""The Python API as a researcher embeds it: typed top-level functions, evidence as paths,
models, dicts or iterables of them, weights checked as weights files are, results with
``to_records()``, and the same results as the command line for the same options."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import renewal_score
from renewal_score.analysis import SensitivityAnalysis
from renewal_score.errors import DataError, UsageError
from renewal_score.method import MethodSettings
from renewal_score.models import Evidence
from running import AS_OF, run_cli

REPO = Path(__file__).parents[1]
HDI = REPO / "tests" / "data" / "hdi" / "hdi.toml"
DATE = dt.date.fromisoformat(AS_OF)
FAST = MethodSettings(draws=200)

RECORD: dict[str, Any] = {
    "id": "mine-1",
    "subject": "CAN-JPN",
    "criterion": "security.bilateral-framework",
    "date": "2025-04-30",
    "statement": "A reciprocal access agreement is signed.",
    "level": "signed",
    "kind": "concrete",
    "source": {"title": "An example source"},
    "grade": "B2",
}


def write_jsonl(path: Path, *records: dict[str, Any]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_evidence_may_be_a_path_text_a_model_a_dict_or_an_iterable_of_them(tmp_path: Path) -> None:
    file = write_jsonl(tmp_path / "mine.jsonl", RECORD)
    cards = [
        renewal_score.score(as_of=DATE, method=FAST, evidence=given)
        for given in (
            str(file),
            file,
            [str(file)],
            Evidence.model_validate(RECORD),
            [RECORD],
            (r for r in [Evidence.model_validate(RECORD)]),
        )
    ]
    plain = renewal_score.score(as_of=DATE, method=FAST)
    assert cards[0].manifest.evidence_records == plain.manifest.evidence_records + 1
    assert (
        "mine-1" in next(p for p in cards[0].priorities if p.id == "security").criteria[0].records
    )
    # A JSON Lines file is hashed as its bytes, records given as models as JSON: the
    # digest names the input's form; every figure is the same.
    digests = [c.manifest.evidence_sha256 for c in cards]
    assert len(set(digests[:3])) == len(set(digests[3:])) == 1
    unhashed = [
        c.model_copy(update={"manifest": c.manifest.model_copy(update={"evidence_sha256": ""})})
        for c in cards
    ]
    assert all(c == unhashed[0] for c in unhashed)


def test_an_invalid_record_given_from_python_is_located_by_its_position() -> None:
    with pytest.raises(DataError) as raised:
        renewal_score.score(as_of=DATE, evidence=[RECORD, {**RECORD, "id": "x", "grade": "Z9"}])
    assert [str(p) for p in raised.value.problems] == [
        "evidence[1]: record x: grade: 'Z9' is not valid (expected an Admiralty grade: source "
        "reliability A-F then information credibility 1-6, e.g. B2)"
    ]


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        (
            {"securty": 2},
            "record securty: id: is neither a priority nor a criterion; did you mean 'security'?",
        ),
        (
            {"security": float("nan")},
            "record security: weight: nan is not a finite, non-negative weight",
        ),
        ({"security": -0.1}, "record security: weight: -0.1 is not a finite, non-negative weight"),
    ],
)
def test_weights_from_python_are_checked_as_a_weights_file_is(
    tmp_path: Path, weights: dict[str, float], message: str
) -> None:
    with pytest.raises(DataError) as raised:
        renewal_score.score(as_of=DATE, weights=weights)
    assert [str(p) for p in raised.value.problems] == [f"weights: {message}"]
    file = tmp_path / "w.toml"
    key, value = next(iter(weights.items()))
    file.write_text(f"{key} = {value if value == value else 'nan'}\n", encoding="utf-8")
    result = run_cli("report", "--weights", file, cwd=tmp_path)
    assert f"{file}:1: {message}" in result.stderr or f"{file}: {message}" in result.stderr


def test_an_unknown_argument_is_named_with_a_hint() -> None:
    with pytest.raises(TypeError, match="unexpected argument 'wieghts'; did you mean 'weights'"):
        renewal_score.score(wieghts={"security": 2})  # type: ignore[call-arg]


CLI_OPTIONS = (
    "--as-of", AS_OF, "--aggregation", "geometric", "--min-grade", "C3", "--unrated",
    "available", "--rank-by", "weighted-gap", "--replace",
)  # fmt: skip
API_OPTIONS: dict[str, Any] = {
    "as_of": DATE,
    "aggregation": "geometric",
    "min_grade": "C3",
    "unrated": "available",
    "rank_by": "weighted-gap",
    "replace": True,
}


def cli_json(tmp_path: Path, *args: str | Path) -> Any:
    result = run_cli(*args, "--format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_score_gives_the_report_of_the_same_options(tmp_path: Path) -> None:
    file = write_jsonl(tmp_path / "mine.jsonl", RECORD)
    weights = tmp_path / "w.toml"
    weights.write_text("security = 2\n", encoding="utf-8")
    since = ("--since", "2024-12-31")
    options = (*CLI_OPTIONS, "--evidence", file, "--weights", weights, *since)
    report = cli_json(tmp_path, "report", *options)
    card = renewal_score.score(
        **API_OPTIONS, evidence=file, weights={"security": 2}, since=dt.date(2024, 12, 31)
    )
    expected = json.loads(card.model_dump_json())
    report["manifest"]["weights"] = expected["manifest"]["weights"]
    assert report == expected
    assert card.changes is not None


def test_compare_trend_and_sensitivity_give_what_their_commands_print(tmp_path: Path) -> None:
    compared = renewal_score.compare(**API_OPTIONS, subjects=["CAN-JPN", "AUS-JPN"])
    assert cli_json(tmp_path, "compare", *CLI_OPTIONS, "--subjects", "CAN-JPN,AUS-JPN") == (
        json.loads(compared.model_dump_json())
    )
    over_time = renewal_score.trend(
        start=dt.date(2024, 1, 1), end=DATE, every="year", aggregation="geometric"
    )
    command = ("trend", "--from", "2024-01-01", "--to", AS_OF, "--every", "year")
    assert cli_json(tmp_path, *command, "--aggregation", "geometric") == json.loads(
        over_time.model_dump_json()
    )
    analysis = renewal_score.sensitivity(samples=64, seed=1, as_of=DATE)
    printed = cli_json(tmp_path, "sensitivity", "--samples", "64", "--seed", "1", "--as-of", AS_OF)
    assert SensitivityAnalysis.model_validate(printed) == analysis


def test_every_result_has_flat_records() -> None:
    compared = renewal_score.compare(as_of=DATE, method=FAST)
    rows = compared.to_records()
    assert [r["subject"] for r in rows] == [s.subject for s in compared.subjects]
    assert {"rank", "overall", "z_score", "priority_security"} <= set(rows[0])
    over_time = renewal_score.trend(start=dt.date(2025, 1, 1), end=DATE, method=FAST)
    kinds = {r["kind"] for r in over_time.to_records()}
    assert kinds == {"overall", "priority", "criterion"}
    analysis = renewal_score.sensitivity(samples=16, as_of=DATE)
    items = {r["item"] for r in analysis.to_records()}
    assert items == {"security", "minerals-energy", "coercion-resilience", "overall"}


README_SNIPPET = re.search(
    r"```python\n(.*?)```", (REPO / "README.md").read_text(encoding="utf-8"), re.DOTALL
)


def test_the_readme_python_example_passes_mypy(tmp_path: Path) -> None:
    assert README_SNIPPET is not None
    example = tmp_path / "example.py"
    example.write_text(README_SNIPPET[1], encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(REPO / "pyproject.toml"),
         "--cache-dir", str(REPO / ".mypy_cache"), str(example)],
        cwd=REPO, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout


def test_a_usage_error_names_the_option() -> None:
    with pytest.raises(UsageError, match="min_grade 'Z' is not a grade such as C3"):
        renewal_score.score(min_grade="Z")
