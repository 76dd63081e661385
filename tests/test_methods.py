"""Weights, aggregation methods, grade bar, recency, time series and subject comparison."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from renewal_score.aggregation import arithmetic_mean, geometric_mean, minimum, normalise
from renewal_score.testing import run
from renewal_score.trend import dates
from scorecards import drill_plugin

CONSOLE_SCRIPT = Path(sys.executable).with_name("renewal-score")
AS_OF = "2025-05-01"


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CONSOLE_SCRIPT), *args], cwd=cwd, capture_output=True, text=True, check=False
    )


def cli_json(*args: str, cwd: Path) -> Any:
    result = cli(*args, "--format", "json", cwd=cwd)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


SCORES = st.lists(st.floats(0, 100), min_size=1, max_size=8)


@given(
    SCORES.flatmap(
        lambda xs: st.tuples(
            st.just(xs), st.lists(st.floats(0.01, 10), min_size=len(xs), max_size=len(xs))
        )
    )
)
def test_minimum_le_geometric_le_arithmetic(pair: tuple[list[float], list[float]]) -> None:
    values, raw = pair
    weights = list(normalise({str(i): w for i, w in enumerate(raw)}, "g").values())
    assert sum(weights) == pytest.approx(1.0)
    low, geo, mean = (
        minimum(values, weights),
        geometric_mean(values, weights),
        arithmetic_mean(values, weights),
    )
    assert low <= geo + 1e-9
    assert geo <= mean + 1e-9
    assert low >= 0
    assert mean <= 100 + 1e-9


def test_hand_computed_aggregates() -> None:
    values, weights = [20.0, 80.0], [0.25, 0.75]
    assert arithmetic_mean(values, weights) == pytest.approx(65.0)  # 5 + 60
    assert geometric_mean(values, weights) == pytest.approx(20**0.25 * 80**0.75)  # 56.57
    assert minimum(values, weights) == 20.0
    assert geometric_mean([0.0, 80.0], weights) == 0.0


def test_aggregation_per_level_and_its_method_line(tmp_path: Path) -> None:
    arithmetic = cli_json("report", "--as-of", AS_OF, cwd=tmp_path)
    weakest = cli_json(
        "report",
        "--as-of",
        AS_OF,
        "--aggregation",
        "criteria=minimum,priorities=arithmetic",
        cwd=tmp_path,
    )
    assert weakest["method"]["aggregation"] == (
        "criteria: minimum; priorities: arithmetic, given for this run (the agenda declares "
        "arithmetic)"
    )
    for nominal, low in zip(arithmetic["priorities"], weakest["priorities"], strict=True):
        assert low["score"] == min(c["score"] for c in low["criteria"] if c["score"] is not None)
        assert low["score"] <= nominal["score"]


def test_unknown_aggregation_is_a_usage_error(tmp_path: Path) -> None:
    result = cli("report", "--aggregation", "median", cwd=tmp_path)
    assert result.returncode == 2
    assert "unknown aggregation 'median' (known: arithmetic, geometric, minimum)" in result.stderr


def test_weights_file_overrides_and_is_printed(tmp_path: Path) -> None:
    (tmp_path / "w.toml").write_text(
        'security = 2\n"coercion.trade-architecture" = 0\n', encoding="utf-8"
    )
    card = cli_json("report", "--as-of", AS_OF, "--weights", "w.toml", cwd=tmp_path)
    assert card["method"]["priority_weights"] == {
        "security": 0.5,
        "minerals-energy": 0.25,
        "coercion-resilience": 0.25,
    }
    assert card["method"]["criterion_weights"]["coercion.trade-architecture"] == 0.0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "security = -1\n",
            "w.toml:1: record security: weight: -1 is not a finite, non-negative weight",
        ),
        ('security = "high"\n', "w.toml:1: record security: weight: must be a number, not str"),
        (
            "security = nan\n",
            "w.toml:1: record security: weight: nan is not a finite, non-negative weight",
        ),
        (
            "securty = 1\n",
            "w.toml: record securty: id: is neither a priority nor a criterion; did you mean 'security'?",
        ),
        (
            "security = 0\nminerals-energy = 0\ncoercion-resilience = 0\n",
            "w.toml:1: record security: weight: the weights of the priorities are all zero; "
            "give one of them a weight above 0",
        ),
    ],
)
def test_invalid_weights_are_named(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "w.toml").write_text(content, encoding="utf-8")
    result = cli("report", "--weights", "w.toml", cwd=tmp_path)
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_grade_bar_leaves_out_weaker_evidence_and_says_so(tmp_path: Path) -> None:
    card = cli_json("report", "--as-of", AS_OF, "--min-grade", "B2", cwd=tmp_path)
    everything = cli_json("report", "--as-of", AS_OF, cwd=tmp_path)
    assert card["excluded"]["below_grade"] > 0
    assert (
        card["overall"]["evidence_count"] + card["excluded"]["below_grade"]
        == everything["overall"]["evidence_count"]
    )
    assert cli("report", "--min-grade", "Z9", cwd=tmp_path).returncode == 2


def test_trend_points_use_a_growing_set_of_evidence(tmp_path: Path) -> None:
    result = cli_json(
        "trend", "--from", "2018-01-01", "--to", "2025-06-30", "--every", "quarter", cwd=tmp_path
    )
    points = result["points"]
    assert [p["as_of"] for p in points[:3]] == ["2018-01-01", "2018-04-01", "2018-07-01"]
    counts = [p["evidence_count"] for p in points]
    assert counts == sorted(counts)
    assert points[0]["overall"] is None
    assert set(points[-1]["priorities"]) == {"security", "minerals-energy", "coercion-resilience"}
    assert "security.intel-cyber" in points[-1]["criteria"]


def test_trend_csv_has_priorities_and_criteria(tmp_path: Path) -> None:
    result = cli(
        "trend",
        "--from",
        "2024-01-31",
        "--to",
        "2024-04-30",
        "--every",
        "month",
        "--format",
        "csv",
        cwd=tmp_path,
    )
    lines = result.stdout.splitlines()
    assert lines[0].startswith(
        "as_of,overall,p05,p95,rated,criteria,coercion-resilience,minerals-energy,security,"
    )
    assert "security.intel-cyber" in lines[0]
    assert [line.split(",")[0] for line in lines[1:]] == [
        "2024-01-31",
        "2024-02-29",
        "2024-03-31",
        "2024-04-30",
    ]


def test_dates_step_by_calendar_months() -> None:
    assert dates(dt.date(2024, 1, 31), dt.date(2024, 12, 31), "quarter") == [
        dt.date(2024, 1, 31),
        dt.date(2024, 4, 30),
        dt.date(2024, 7, 31),
        dt.date(2024, 10, 31),
    ]


def test_compare_never_ranks_a_thinly_rated_subject_first_unflagged(tmp_path: Path) -> None:
    """AUS-JPN has one record, on 1 of 11 criteria: by default it cannot be rated; counted
    available-case without a coverage bar it ranks first, but flagged."""
    args = ("compare", "--as-of", AS_OF, "--subjects", "CAN-JPN,AUS-JPN")
    result = cli_json(*args, cwd=tmp_path)
    rows = {row["subject"]: row for row in result["subjects"]}
    assert [row["subject"] for row in result["subjects"]] == ["CAN-JPN", "AUS-JPN"]
    assert rows["AUS-JPN"]["overall"] is None
    assert rows["AUS-JPN"]["rank"] is None
    assert (rows["AUS-JPN"]["rated"], rows["CAN-JPN"]["rated"]) == (1, 11)
    lenient = cli_json(*args, "--unrated", "available", "--min-coverage", "0", cwd=tmp_path)
    rows = {row["subject"]: row for row in lenient["subjects"]}
    assert rows["AUS-JPN"]["rank"] == 1
    assert rows["AUS-JPN"]["coverage_flag"] is True
    assert rows["CAN-JPN"]["coverage_flag"] is False
    assert rows["AUS-JPN"]["z_score"] == pytest.approx(0.7071, abs=1e-4)  # +-1/sqrt(2)
    bad = cli("compare", "--subjects", "CAN-JPM", cwd=tmp_path)
    assert bad.returncode == 2
    assert "did you mean 'CAN-JPN'?" in bad.stderr


def test_recency_rule_lets_old_evidence_lapse() -> None:
    plugin = drill_plugin(valid_years=2)
    assert run(plugin, as_of=dt.date(2021, 6, 30)).priorities[0].score == 100.0
    lapsed = run(plugin, as_of=dt.date(2023, 6, 30))
    assert lapsed.priorities[0].score is None
    assert lapsed.excluded.expired == 1


def test_sensitivity_reports_intervals_and_is_reproducible(tmp_path: Path) -> None:
    args = ("sensitivity", "--as-of", AS_OF, "--samples", "400", "--seed", "7")
    first = cli(*args, "--format", "json", cwd=tmp_path)
    second = cli(*args, "--format", "json", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    result = json.loads(first.stdout)
    assert result["subject"] == "CAN-JPN"
    assert {p["id"] for p in result["priorities"]} == {
        "security",
        "minerals-energy",
        "coercion-resilience",
    }
    for priority in result["priorities"]:
        assert priority["p05"] <= priority["median"] <= priority["p95"]
    assert sum(p["top_frequency"] for p in result["priorities"]) == pytest.approx(1.0)
    assert "sampling" not in first.stderr  # no progress bar when not on a terminal
    other_seed = cli(
        "sensitivity",
        "--as-of",
        AS_OF,
        "--samples",
        "400",
        "--seed",
        "8",
        "--format",
        "json",
        cwd=tmp_path,
    )
    assert other_seed.stdout != first.stdout


def test_sensitivity_text_names_the_recommendation_and_the_flip(tmp_path: Path) -> None:
    result = cli("sensitivity", "--as-of", AS_OF, "--samples", "300", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "top recommendation" in result.stdout
    assert "Remove one criterion" in result.stdout
    assert (
        "smallest single weight change" in result.stdout
        or "No single weight change" in result.stdout
    )
    assert cli("sensitivity", "--grade-bars", "Q9", cwd=tmp_path).returncode == 2
