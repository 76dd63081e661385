"""``renewal-score new-plugin`` writes a package that works unchanged.

The files are checked in place; then one fresh virtual environment (without system
site-packages) gets renewal-score and the generated package installed from source, as a
plugin author would with pip, and the command line and the package's own tests run from it,
in a temporary working directory so that nothing is imported from the source tree.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from venvs import INSTALL_TIMEOUT, RUN_TIMEOUT, Venv

REPO = Path(__file__).parents[1]
CONSOLE_SCRIPT = Path(sys.executable).with_name("renewal-score")
NAME = "digital-trade"
MODULE = "renewal_score_digital_trade"
CRITERION = f"{NAME}.example"
FILES = {
    "pyproject.toml",
    "README.md",
    f"src/{MODULE}/__init__.py",
    f"src/{MODULE}/data/criteria.toml",
    f"src/{MODULE}/data/evidence.toml",
    "tests/test_plugin.py",
}


def new_plugin(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "RENEWAL_SCORE_PLUGINS"}
    return subprocess.run(
        [str(CONSOLE_SCRIPT), "new-plugin", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        check=False,
    )


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file below folder (hidden ones too) with its content and modification time."""
    return {
        str(path.relative_to(folder)): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def files_below(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}


def test_new_plugin_creates_the_package(tmp_path: Path) -> None:
    result = new_plugin(NAME, "--dir", str(tmp_path / "plugins-src"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    package = tmp_path / "plugins-src" / NAME
    assert result.stdout.splitlines()[0] == f"created {package}"
    assert files_below(package) == FILES
    assert sorted(p.name for p in (tmp_path / "plugins-src").iterdir()) == [NAME]

    project = tomllib.loads((package / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["name"] == f"renewal-score-{NAME}"
    assert project["project"]["entry-points"]["renewal_score"] == {NAME: MODULE}
    assert "pytest>=8" in project["project"]["optional-dependencies"]["test"]
    data = package / "src" / MODULE / "data"
    criteria = tomllib.loads((data / "criteria.toml").read_text(encoding="utf-8"))
    assert [p["id"] for p in criteria["priorities"]] == [NAME]
    assert [(c["id"], c["priority"]) for c in criteria["criteria"]] == [(CRITERION, NAME)]
    evidence = tomllib.loads((data / "evidence.toml").read_text(encoding="utf-8"))
    assert [e["criterion"] for e in evidence["evidence"]] == [CRITERION]
    assert evidence["evidence"][0]["subject"] == "CAN-JPN"  # the built-ins' subject
    assert "hookimpl" in (package / "src" / MODULE / "__init__.py").read_text(encoding="utf-8")
    assert f"import {MODULE}" in (package / "tests" / "test_plugin.py").read_text(encoding="utf-8")


def test_the_generated_data_files_are_valid(tmp_path: Path) -> None:
    assert new_plugin(NAME, "--dir", str(tmp_path), cwd=tmp_path).returncode == 0
    data = tmp_path / NAME / "src" / MODULE / "data"
    result = subprocess.run(
        [str(CONSOLE_SCRIPT), "validate", str(data)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert f"{data / 'criteria.toml'}: 3 records ok" in result.stdout  # agenda, priority, criterion
    assert f"{data / 'evidence.toml'}: 1 record ok" in result.stdout


def test_new_plugin_again_exits_2_and_changes_nothing(tmp_path: Path) -> None:
    assert new_plugin(NAME, "--dir", str(tmp_path), cwd=tmp_path).returncode == 0
    (tmp_path / NAME / "README.md").write_text("edited by the author\n", encoding="utf-8")
    before = snapshot(tmp_path)
    again = new_plugin(NAME, "--dir", str(tmp_path), cwd=tmp_path)
    assert again.returncode == 2
    assert again.stdout == ""
    assert f"{tmp_path / NAME} exists already" in again.stderr
    assert "Traceback" not in again.stderr
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("name", ["Digital Trade", "digital_trade", "digital-", "digital--trade"])
def test_a_bad_name_exits_2_and_writes_nothing(tmp_path: Path, name: str) -> None:
    result = new_plugin(name, "--dir", str(tmp_path / "plugins-src"), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert f"plugin name {name!r} must be lowercase letters and digits" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_name_taken_by_a_loaded_priority_is_refused(tmp_path: Path) -> None:
    result = new_plugin("security", "--dir", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 2
    assert "security" in result.stderr
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------------------------
# Installed from source into a fresh virtual environment


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Venv:
    base = tmp_path_factory.mktemp("scaffold")
    (base / "work").mkdir()
    result = new_plugin(NAME, "--dir", "../plugins-src", cwd=base / "work")
    assert result.returncode == 0, result.stderr
    printed = result.stdout.splitlines()[1].removeprefix("install it with: ")
    assert printed == f"pip install -e ./../plugins-src/{NAME}"  # a path, not an index name
    environment = Venv.create(base, str(REPO))
    program, *arguments = shlex.split(printed)
    arguments[-1] += "[test]"  # and pytest and hypothesis, for the plugin's own tests
    environment.run(program, *arguments, "--quiet", timeout=INSTALL_TIMEOUT)
    return environment


def test_plugins_lists_the_entry_point(venv: Venv) -> None:
    rows = venv.renewal_score_json("plugins", "--format", "json")
    plugin = next((row for row in rows if row["name"] == NAME), None)
    assert plugin is not None, f"{NAME} not listed: {[row['name'] for row in rows]}"
    assert plugin["source"] == "entry point"
    assert plugin["version"] == "0.1.0"
    assert plugin["location"] == f"renewal-score-{NAME}: {MODULE}"
    assert plugin["priorities"] == [NAME]
    assert plugin["criteria"] == [CRITERION]
    assert plugin["evidence"] == 1


def test_report_scores_the_new_priority_in_its_own_agenda_only(venv: Venv) -> None:
    default = venv.renewal_score_json("report", "--format", "json")
    assert default["method"]["agenda"] == "canada-japan"
    assert NAME not in {p["id"] for p in default["priorities"]}
    report = venv.renewal_score_json("report", "--agenda", NAME, "--format", "json")
    assert [p["id"] for p in report["priorities"]] == [NAME]
    priority = next((p for p in report["priorities"] if p["id"] == NAME), None)
    assert priority is not None, [p["id"] for p in report["priorities"]]
    (criterion,) = priority["criteria"]
    assert criterion["id"] == CRITERION
    assert criterion["scored_by"] == "renewal_score.scoring"
    assert criterion["score"] is not None
    assert criterion["evidence"] == [f"{NAME}-example-1"]
    assert priority["score"] is not None
    assert f"{NAME} 0.1.0" in report["method"]["plugins"]


def test_the_generated_tests_pass(venv: Venv) -> None:
    package = venv.workdir.parent / "plugins-src" / NAME
    output = venv.run("python", "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=package).stdout
    assert "2 passed" in output, output
