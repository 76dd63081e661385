"""Control characters from data (ANSI escape sequences, C1 controls, bidirectional overrides)
never reach a terminal or a document raw: text and Markdown reports, and error messages,
show them as escapes such as ``\\x1b``. A message quotes a value cut to a bounded length, and
a character that the terminal's encoding lacks is written as an escape too."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from renewal_score.datafiles import load_data_files
from renewal_score.errors import Problem
from renewal_score.reports.tabular import evidence_table
from renewal_score.reports.text import render_markdown, render_text
from running import AS_OF, assert_located_failure, files_in, run_cli
from scorecards import scored_with_text

CONTROLS = (
    [chr(c) for c in range(0x20)]
    + [chr(c) for c in range(0x7F, 0xA0)]
    + list("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
)
"""C0 and C1 controls, DEL, and the bidirectional controls."""

ANSI = ["\x1b[31m", "\x1b[2J", "\x1b]0;title\x07", "\x1b[1A", "\x9b31m", "\u202egnp.exe"]

hostile_texts = st.lists(
    st.one_of(st.sampled_from(CONTROLS), st.sampled_from(ANSI), st.text(max_size=5)),
    min_size=1,
    max_size=8,
).map(lambda parts: "x" + "".join(parts))  # never only whitespace


def raw_controls(text: str, allowed: str) -> set[str]:
    return {c for c in CONTROLS if c in text and c not in allowed}


@settings(max_examples=30, deadline=None)
@given(hostile_texts)
def test_reports_for_a_terminal_or_a_document_escape_control_characters(text: str) -> None:
    card, agenda = scored_with_text(text)
    assert not raw_controls(render_text(card), "\n")
    assert not raw_controls(render_markdown(card), "\n")
    listing = evidence_table(list(agenda.evidence), {"e1": "somewhere"})
    assert not raw_controls(listing, "\n")


@settings(max_examples=30, deadline=None)
@given(hostile_texts, hostile_texts)
def test_error_messages_escape_control_characters_line_feeds_included(
    record_id: str, field: str
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bad.jsonl"
        path.write_text(json.dumps({"id": record_id, field: 1}) + "\n", encoding="utf-8")
        problems: list[Problem] = []
        load_data_files([path], problems)
    assert problems
    for problem in problems:
        assert not raw_controls(str(problem), ""), str(problem)


VALID_RECORD = {
    "id": "test-valid",
    "subject": "CAN-JPN",
    "criterion": "security.intel-cyber",
    "date": "2025-01-15",
    "statement": "Test record.",
    "level": "signed",
    "kind": "declaratory",
    "source": {"title": "Test source: synthetic"},
    "grade": "B2",
}

HOSTILE = "Bad \x1b[2J\x1b[31mred\u202eevil\x00\x9b1m"
ESCAPED = "Bad \\x1b[2J\\x1b[31mred\\u202eevil\\x00\\x9b1m"


def hostile_data(folder: Path) -> Path:
    """A data file whose subject, priority, criterion and evidence carry control characters
    in every text field."""
    text = json.dumps(HOSTILE)
    path = folder / "hostile.toml"
    path.write_text(
        f'[[subjects]]\nid = "HOSTILE"\ntitle = {text}\n'
        f'[[priorities]]\nid = "hostile"\ntitle = {text}\n'
        f'[[criteria]]\nid = "hostile.c"\npriority = "hostile"\ntitle = {text}\n'
        f'rubric = [{{id = "a", label = {text}, description = {text}}}, '
        f'{{id = "b", label = {text}, description = {text}}}]\n'
        f'[[evidence]]\nid = "test-hostile"\nsubject = "HOSTILE"\ncriterion = "hostile.c"\n'
        f'date = "2024"\nstatement = {text}\nlevel = "b"\nkind = "concrete"\ngrade = "B2"\n'
        f"source = {{title = {text}}}\n",
        encoding="utf-8",
    )
    return path


def test_the_command_line_shows_data_text_escaped(tmp_path: Path) -> None:
    hostile_data(tmp_path)
    for command in (
        ["report", "--subject", "HOSTILE", "--as-of", "2025-01-01"],
        ["report", "--subject", "HOSTILE", "--as-of", "2025-01-01", "--format", "markdown"],
        ["evidence", "--criterion", "hostile.c"],
    ):
        result = run_cli(*command, "--evidence", "hostile.toml", cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert not raw_controls(result.stdout, "\n"), command
        assert "x1b" in result.stdout, command  # shown, as an escape (Markdown escapes its \\)


def test_error_messages_on_the_command_line_show_names_and_values_escaped(
    tmp_path: Path,
) -> None:
    name = "bad\x1b[2J.jsonl"
    record = {"id": HOSTILE, "unknown\x1b]0;pwned\x07": 1}
    (tmp_path / name).write_text(json.dumps(record) + "\n", encoding="utf-8")

    result = run_cli("validate", name, cwd=tmp_path)

    assert result.returncode == 1
    assert not raw_controls(result.stderr, "\n")
    assert f"bad\\x1b[2J.jsonl:1: record {ESCAPED}: unknown\\x1b]0;pwned\\x07: unknown field" in (
        result.stderr
    )
    assert files_in(tmp_path) == [name]


def test_a_huge_invalid_id_is_echoed_briefly(tmp_path: Path) -> None:
    huge = "é" * 1_000_000
    record = {**VALID_RECORD, "id": huge, huge: "an unknown field with a huge name"}
    (tmp_path / "huge.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    result = run_cli("validate", "huge.jsonl", cwd=tmp_path)
    assert_located_failure(result, "huge.jsonl")
    assert len(result.stderr) < 3_000
    assert "… (1,000,000 characters)" in result.stderr


def test_a_terminal_without_the_en_dash_gets_an_escape(tmp_path: Path) -> None:
    result = run_cli("report", "--as-of", AS_OF, cwd=tmp_path, env={"PYTHONIOENCODING": "latin-1"})
    assert result.returncode == 0, result.stderr
    assert "Canada\\u2013Japan" in result.stdout
