"""Fuzzing the command line with broken evidence files: the records that ``evidence`` exports
(JSON Lines, JSON, CSV, and a TOML rendering of them), cut, spliced, duplicated and salted
with hostile snippets. Whatever the damage, a report either succeeds or fails with exit
status 1, without a traceback, with the file named in every problem, and with no output
file (not even a partial one) left behind."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from running import assert_located_failure, files_in, run_cli
from tomlwriter import to_toml

SNIPPETS = [
    "[" * 3000,
    '{"a": ' * 3000,
    "9" * 5000,
    "1e999",
    "\x00",
    "\x1b[2J",
    "\u202e",
    "=cmd|' /C calc'!A0",
    '"evidence": [',
    ',"evidence": []',
    "\\ud800",
    '"""',
    "'''",
    "[[evidence]]\n",
    "\r",
    "\r\n",
    ",",
    '"',
    "'",
    "\n",
    "\ufeff",
    "{",
    "}",
    "]",
    "\uff12\uff10\uff12\uff15",  # 2025 in full-width digits
    "source,source.title",
]
"""Text that has broken a reader before, or could: deep nesting, long numbers, control
characters, formulas, quotes, keys and headers out of place, other scripts' digits."""

snippets = st.one_of(st.sampled_from(SNIPPETS).map(str.encode), st.binary(max_size=4))
"""A snippet, or a few bytes (invalid UTF-8 among them)."""


BOUNDARIES = frozenset(b":,[{=\n")
"""Bytes after which a value starts: damage there reaches the parsers (most other places are
inside strings)."""


@st.composite
def damaged(draw: st.DrawFn, data: bytes) -> bytes:
    """The bytes of a file after one to three cuts, deletions, insertions or duplications,
    starting at a value's start or anywhere."""
    for _ in range(draw(st.integers(1, 3))):
        starts = [i + 1 for i, byte in enumerate(data) if byte in BOUNDARIES] or [0]
        start = draw(st.one_of(st.sampled_from(starts), st.integers(0, len(data))))
        end = draw(st.integers(start, min(len(data), start + 200)))
        kind = draw(st.sampled_from(["cut", "delete", "insert", "duplicate", "replace"]))
        if kind == "cut":
            data = data[:start]
        elif kind == "delete":
            data = data[:start] + data[end:]
        elif kind == "insert":
            data = data[:start] + draw(snippets) + data[start:]
        elif kind == "duplicate":
            data = data[:end] + data[start:end] + data[end:]
        else:
            data = data[:start] + draw(snippets) + data[end:]
    return data


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The loaded evidence as the command line exports it, in every data file format."""
    folder = tmp_path_factory.mktemp("exports")
    found = {}
    for file_format in ("jsonl", "json", "csv"):
        result = run_cli("evidence", "--format", file_format, cwd=folder)
        assert result.returncode == 0, result.stderr
        found[file_format] = result.stdout.encode("utf-8")
    found["toml"] = to_toml(json.loads(found["json"])).encode("utf-8")
    return found


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_damaged_evidence_files_fail_cleanly(
    exports: dict[str, bytes], data: st.DataObject
) -> None:
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        names = []
        for file_format, content in exports.items():
            names.append(f"damaged.{file_format}")
            (folder / names[-1]).write_bytes(data.draw(damaged(content), label=file_format))
        (folder / "out").mkdir()
        evidence = [argument for name in names for argument in ("--evidence", name)]

        result = run_cli(
            "report", *evidence, "--format", "json", "-o", "out/report.json", cwd=folder
        )

        if result.returncode == 0:
            assert files_in(folder / "out") == ["report.json"]
            json.loads((folder / "out" / "report.json").read_text(encoding="utf-8"))
        else:
            assert_located_failure(result, *names)
            assert files_in(folder / "out") == []
