"""The README's Python examples run as written, so that they cannot rot."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).parents[1] / "README.md"


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)


def test_the_readme_has_python_examples() -> None:
    assert python_blocks()


def test_every_python_example_runs(tmp_path: Path) -> None:
    for number, block in enumerate(python_blocks(), start=1):
        script = tmp_path / f"example_{number}.py"
        script.write_text(block, encoding="utf-8")
        result = subprocess.run(
            [sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, f"README example {number} failed:\n{block}\n{result.stderr}"


SRC = README.parent / "src" / "renewal_score"


def test_where_things_live_matches_the_tree() -> None:
    text = README.read_text(encoding="utf-8")
    tree = text.split("## Where things live", 1)[1].split("```", 2)[1]
    named = set(re.findall(r"[\w.-]+(?:\.py|/)", tree))
    modules = {p.name for p in SRC.glob("*.py") if p.name != "__main__.py"}
    folders = {f"{p.name}/" for p in SRC.iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert modules <= named, f"not in README: {sorted(modules - named)}"
    assert folders <= named, f"not in README: {sorted(folders - named)}"
    for name in sorted(n for n in named if n.endswith(".py")):
        found = [*SRC.rglob(name), *(README.parent / "criteria").rglob(name)]
        assert found, f"README names {name}, which is not in the tree"
