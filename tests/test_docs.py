"""The plugin docs stay true: the hook reference is generated from hookspecs, every hook is
documented and tested, the tutorial's plugin and tests run as written, and the sample
output pasted in docs/plugins.md is what the command prints.
"""

from __future__ import annotations

import importlib.util
import inspect
import json
import os
import re
import shlex
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from renewal_score import hookspecs

REPO = Path(__file__).parents[1]
DOCS = REPO / "docs"
TUTORIAL = DOCS / "plugins.md"
CONSOLE_SCRIPT = Path(sys.executable).with_name("renewal-score")
AS_OF = "2025-05-01"

HOOKS = [
    name
    for name, value in vars(hookspecs).items()
    if inspect.isfunction(value) and hasattr(value, "renewal_score_spec")
]
"""Hook names in the order hookspecs.py defines them."""

TUTORIAL_CRITERION = "coercion.export-controls"
TUTORIAL_PRIORITY = "coercion-resilience"
TUTORIAL_SCORE = 16.6667
"""What docs/plugins.md says its plugin adds, where, and the score its scorer gives."""


def load_make_hooks_doc() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_hooks_doc", DOCS / "make_hooks_doc.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def marked_blocks(marker: str) -> dict[str, str]:
    """Code blocks after ``<!-- MARKER: NAME -->``, by NAME; blocks of one NAME are joined."""
    pattern = re.compile(
        rf"^<!-- {re.escape(marker)}: (?P<name>.+?) -->\n```\w*\n(?P<code>.*?)^```$",
        re.MULTILINE | re.DOTALL,
    )
    blocks: dict[str, str] = {}
    for match in pattern.finditer(TUTORIAL.read_text(encoding="utf-8")):
        name = match["name"].strip()
        blocks[name] = (blocks[name] + "\n\n" if name in blocks else "") + match["code"]
    return blocks


def environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "RENEWAL_SCORE_PLUGINS"}
    env.update(extra)
    return env


def run(command: list[str], cwd: Path, **env: str) -> str:
    result = subprocess.run(
        command,
        cwd=cwd,
        env=environment(**env),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, (
        f"{' '.join(command)} exited {result.returncode}\n{result.stdout}\n{result.stderr}"
    )
    return result.stdout


def renewal_score(*args: str, cwd: Path) -> str:
    return run([str(CONSOLE_SCRIPT), *args], cwd)


# --------------------------------------------------------------------------------------------
# The hook reference


def test_hooks_md_is_generated_from_hookspecs() -> None:
    written = (DOCS / "hooks.md").read_text(encoding="utf-8")
    assert written == load_make_hooks_doc().hooks_markdown(), "run python docs/make_hooks_doc.py"


def test_hooks_md_has_one_heading_per_hook_in_module_order() -> None:
    markdown = load_make_hooks_doc().hooks_markdown()
    assert re.findall(r"^## (\S+)$", markdown, re.MULTILINE) == HOOKS
    for name in HOOKS:
        section = markdown.split(f"\n## {name}\n", 1)[1].split("\n## ", 1)[0]
        assert f"```python\ndef {name}(" in section
        assert ("First result wins" in section) == (name == "score_criterion")
        first_line = (inspect.getdoc(getattr(hookspecs, name)) or "").splitlines()[0]
        assert first_line in section


def test_hook_signatures_are_valid_python_with_the_annotations_as_written() -> None:
    make_hooks_doc = load_make_hooks_doc()
    for name in HOOKS:
        function = getattr(hookspecs, name)
        text = make_hooks_doc.signature(name, function)
        compile(text, name, "exec")  # the annotations are not evaluated
        assert "'" not in text, "annotations must not be quoted"
        for parameter in inspect.signature(function).parameters:
            assert f"{parameter}: " in text


# --------------------------------------------------------------------------------------------
# Every hook documented and tested


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_is_mentioned_in_the_plugin_tutorial(hook: str) -> None:
    assert re.search(rf"\b{hook}\b", TUTORIAL.read_text(encoding="utf-8")), (
        f"docs/plugins.md does not mention the hook {hook}"
    )


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_has_a_test(hook: str) -> None:
    own = {Path(__file__).name, "test_hookspecs.py"}
    files = [
        path
        for path in sorted((REPO / "tests").rglob("*"))
        if path.is_file() and path.name not in own and "__pycache__" not in path.parts
    ]
    mentioned = [
        path
        for path in files
        if re.search(rf"\b{hook}\b", path.read_text(encoding="utf-8", errors="replace"))
    ]
    assert mentioned, f"no test under tests/ mentions the hook {hook}"


# --------------------------------------------------------------------------------------------
# The tutorial runs as written


@pytest.fixture(scope="module")
def tutorial(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder laid out as the tutorial says: my-plugins/ with the plugin, tests/ beside it."""
    root = tmp_path_factory.mktemp("tutorial")
    plugins = marked_blocks("tutorial")
    tests = marked_blocks("tutorial-test")
    assert list(plugins) == ["export_controls.py"], "one plugin file, marked <!-- tutorial: -->"
    assert tests, "the tutorial's test file is marked <!-- tutorial-test: NAME.py -->"
    for folder, files in (("my-plugins", plugins), ("tests", tests)):
        (root / folder).mkdir()
        for name, code in files.items():
            (root / folder / name).write_text(code, encoding="utf-8")
    return root


def tutorial_plugin_name(root: Path) -> str:
    (path,) = (root / "my-plugins").glob("*.py")
    return path.stem


def test_tutorial_plugin_adds_to_the_priority_it_names() -> None:
    code = marked_blocks("tutorial")["export_controls.py"]
    assert f'"{TUTORIAL_CRITERION}"' in code
    assert f'priority="{TUTORIAL_PRIORITY}"' in code
    assert "@hookimpl\ndef score_criterion(" in code


def test_tutorial_records_are_clearly_synthetic(tutorial: Path) -> None:
    path = tutorial / "my-plugins" / "export_controls.py"
    spec = importlib.util.spec_from_file_location("tutorial_export_controls", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    records = module.register_evidence()
    assert 1 <= len(records) <= 2
    for record in records:
        assert record.subject == "CAN-JPN"
        assert record.statement.startswith("Tutorial record:")
        assert "tutorial" in record.source.title


def test_tutorial_criterion_is_scored_by_the_tutorial_plugin(tutorial: Path) -> None:
    output = renewal_score(
        "report", "--plugins-dir", "my-plugins", "--format", "json", "--as-of", AS_OF, cwd=tutorial
    )
    card: dict[str, Any] = json.loads(output)
    found = [
        (priority["id"], criterion)
        for priority in card["priorities"]
        for criterion in priority["criteria"]
        if criterion["id"] == TUTORIAL_CRITERION
    ]
    assert len(found) == 1, f"{TUTORIAL_CRITERION} is not scored once"
    ((priority, criterion),) = found
    assert priority == TUTORIAL_PRIORITY
    assert criterion["scored_by"] == tutorial_plugin_name(tutorial)
    assert criterion["score"] == pytest.approx(TUTORIAL_SCORE)
    assert criterion["evidence"] == ["tutorial-export-controls-2"]
    others = {c["scored_by"] for p in card["priorities"] for c in p["criteria"]} - {
        criterion["scored_by"]
    }
    assert others == {"renewal_score.scoring"}, "the tutorial's scorer declines other criteria"


def test_tutorial_plugin_is_listed_from_its_folder(tutorial: Path) -> None:
    rows = json.loads(
        renewal_score("plugins", "--plugins-dir", "my-plugins", "--format", "json", cwd=tutorial)
    )
    row = next(r for r in rows if r["name"] == tutorial_plugin_name(tutorial))
    assert row["source"] == "folder"
    assert Path(row["location"]) == Path("my-plugins", "export_controls.py")
    assert row["hooks"] == ["register_criteria", "register_evidence", "score_criterion"]
    assert row["criteria"] == [TUTORIAL_CRITERION]
    assert row["priorities"] == []
    assert row["evidence"] == 2


def test_tutorial_tests_pass(tutorial: Path) -> None:
    output = run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        tutorial,
        PYTHONPATH="my-plugins",
    )
    assert re.search(r"\b3 passed\b", output), output


def no_installed_plugins() -> None:
    """Sample output is of renewal-score alone (its built-ins are entry points of its own
    distribution); skip where other plugins are installed."""
    installed = sorted(
        e.name
        for e in metadata.entry_points(group="renewal_score")
        if e.dist is None or e.dist.name != "renewal-score"
    )
    if installed:
        pytest.skip(f"installed plugins change the output: {', '.join(installed)}")


def test_sample_output_in_the_tutorial_is_real(tutorial: Path) -> None:
    no_installed_plugins()
    samples = marked_blocks("output")
    assert samples, "docs/plugins.md shows the output of renewal-score plugins"
    for command, shown in samples.items():
        program, *args = shlex.split(command)
        assert program == "renewal-score"
        real = renewal_score(*args, cwd=tutorial)
        assert shown == real, f"paste the real output of `{command}` into docs/plugins.md:\n{real}"


def test_report_excerpts_in_the_tutorial_are_real(tutorial: Path) -> None:
    no_installed_plugins()
    excerpts = marked_blocks("excerpt")
    assert excerpts
    for command, shown in excerpts.items():
        program, *args = shlex.split(command)
        assert program == "renewal-score"
        real = renewal_score(*args, cwd=tutorial).splitlines()
        for line in shown.splitlines():
            if line != "...":
                assert line in real, f"`{command}` no longer prints:\n{line}"


def test_the_indicator_chapter_runs_as_written(tmp_path: Path) -> None:
    blocks = marked_blocks("indicator")
    assert list(blocks) == ["hdi.toml", "hdi_score.py"]
    for name, code in blocks.items():
        (tmp_path / name).write_text(code, encoding="utf-8")
    printed = run([sys.executable, "hdi_score.py"], tmp_path)
    assert printed.splitlines() == [
        "0.963",
        "criteria: geometric; priorities: arithmetic, as the agenda declares",
    ]
