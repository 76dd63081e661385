"""The fast TOML parser reads every document exactly as the standard library's does."""

from __future__ import annotations

import datetime as dt
import math
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from renewal_score.toml_text import toml_document
from tomlwriter import toml_string, toml_value

ROOT = Path(__file__).resolve().parent.parent
DATA_FILES = sorted(
    p
    for folder in ("criteria", "plugins", "tests", "examples")
    for p in (ROOT / folder).rglob("*.toml")
)

scalars = st.one_of(
    st.text(st.characters(exclude_categories=("Cs",))),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False),
    st.booleans(),
    st.dates(),
)
keys = st.text(st.characters(exclude_categories=("Cs",)), max_size=8)


def inline(value: Any) -> str:
    """A value as TOML: arrays and inline tables for lists and dicts."""
    if isinstance(value, list):
        return "[" + ", ".join(map(inline, value)) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{toml_string(k)} = {inline(v)}" for k, v in value.items()) + "}"
    if isinstance(value, float) and math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return toml_value(value)


values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
    max_leaves=12,
)
tables = st.dictionaries(keys, values, max_size=6)


def document(top: dict[str, Any], sections: list[dict[str, Any]]) -> str:
    lines = [f"{toml_string(k)} = {inline(v)}" for k, v in top.items()]
    for section in sections:
        lines.append("[[records]]")
        lines += [f"{toml_string(k)} = {inline(v)}" for k, v in section.items()]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_data_file_of_the_project_reads_the_same(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    try:
        expected = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:  # the corpus of invalid files
        with pytest.raises(tomllib.TOMLDecodeError, match=re.escape(str(error))):
            toml_document(text)
    else:
        assert toml_document(text) == expected


def test_the_project_has_data_files_to_compare() -> None:
    assert len(DATA_FILES) >= 9


@given(tables, st.lists(tables, max_size=3))
def test_a_generated_document_reads_the_same(top: dict[str, Any], sections: list[Any]) -> None:
    text = document(top, sections)
    assert toml_document(text) == tomllib.loads(text)


@given(st.text(alphabet="ab=[]{}.\"'\\\n #,01e+-:TZ_x", max_size=40))
def test_any_text_the_standard_parser_reads_reads_the_same(text: str) -> None:
    try:
        expected = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return  # refused texts: the messages come from tomllib (the next test)
    assert toml_document(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('a = "x"\nb = \n', "at line 2"),
        ("a = 1\na = 2\n", "at line 2"),
        ('a = "unclosed\n', "at line 1"),
    ],
)
def test_a_refused_text_raises_the_standard_parsers_error(text: str, expected: str) -> None:
    with pytest.raises(tomllib.TOMLDecodeError, match=expected):
        toml_document(text)


def test_a_float_beyond_the_double_range_is_read_as_the_standard_parser_reads_it() -> None:
    assert toml_document("big = 1e1000\nday = 2025-05-01\n") == {
        "big": math.inf,
        "day": dt.date(2025, 5, 1),
    }
