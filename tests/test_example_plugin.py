"""The example plugin in plugins/ installs and works as a third party's would.

One fresh virtual environment (without system site-packages) gets the project and the plugin
installed from source, as a user would with pip; the command line is then run from it, in a
temporary working directory so that nothing is imported from the source tree.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from running import BUILTIN_NAMES
from venvs import Venv

REPO = Path(__file__).parents[1]
PLUGIN_DIR = REPO / "plugins" / "renewal-score-political-attention"
PLUGIN_NAME = "political-attention"
PRIORITY_ID = "political-attention"
BUILTIN_PRIORITIES = {"security", "minerals-energy", "coercion-resilience"}
EXPECTED_EVIDENCE = {
    "attention.sustained-focus": {
        "pa-2025-canada-delays-inconsistencies",
        "pa-2025-ishiba-domestic-focus",
        "pa-2025-meaningful-advances-constrained",
        "pa-2025-sustained-attention-elusive",
    },
    "attention.beyond-washington": {"pa-2025-us-unpredictability-constrains"},
}


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Venv:
    base = tmp_path_factory.mktemp("example-plugin")
    return Venv.create(base, str(REPO), str(PLUGIN_DIR), "pytest")


def priorities_of(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {priority["id"]: priority for priority in report["priorities"]}


def plugin_names(report: dict[str, Any]) -> set[str]:
    """The names in the report's method.plugins, whose entries read "name version"."""
    return {entry.split()[0] for entry in report["method"]["plugins"]}


def test_plugins_lists_the_entry_point(venv: Venv) -> None:
    rows = venv.renewal_score_json("plugins", "--format", "json")
    plugin = next((row for row in rows if row["name"] == PLUGIN_NAME), None)
    assert plugin is not None, f"{PLUGIN_NAME} not listed: {[row['name'] for row in rows]}"
    assert plugin["source"] == "entry point"
    assert plugin["version"] == "0.1.0"
    assert plugin["hooks"] == ["register_criteria", "register_evidence", "register_priorities"]


def test_report_scores_the_new_priority_alongside_the_builtins(venv: Venv) -> None:
    report = venv.renewal_score_json("report", "--format", "json", "--as-of", "2025-05-01")
    priorities = priorities_of(report)
    assert set(priorities) == BUILTIN_PRIORITIES | {PRIORITY_ID}
    priority = priorities[PRIORITY_ID]
    assert isinstance(priority["score"], int | float)
    assert 0 <= priority["score"] <= 100
    criteria = {criterion["id"]: criterion for criterion in priority["criteria"]}
    assert set(criteria) == set(EXPECTED_EVIDENCE)
    for criterion_id, expected in EXPECTED_EVIDENCE.items():
        criterion = criteria[criterion_id]
        assert isinstance(criterion["score"], int | float)
        assert criterion["coverage"]["records"] == len(expected)
        assert set(criterion["evidence"]) <= expected
    assert PLUGIN_NAME in plugin_names(report)


def test_plugin_left_out_when_only_builtins_are_allowed(venv: Venv) -> None:
    builtin_names = ",".join(BUILTIN_NAMES)
    report = venv.renewal_score_json(
        "report", "--format", "json", "--as-of", "2025-05-01", RENEWAL_SCORE_PLUGINS=builtin_names
    )
    priorities = priorities_of(report)
    assert PRIORITY_ID not in priorities
    assert set(priorities) == BUILTIN_PRIORITIES
    assert PLUGIN_NAME not in plugin_names(report)


def test_plugin_own_tests_pass(venv: Venv) -> None:
    result = venv.run("pytest", "-q", "-p", "no:cacheprovider", str(PLUGIN_DIR / "tests"))
    assert " passed" in result.stdout
