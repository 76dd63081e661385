"""Where in a data file's text something is: the line of a record, of a key, or of a problem
that the parser reports without one.

The parsers give back values, not positions, so lines are found by scanning the text
again, and only after it has parsed (or, for problems, only after it has failed), so that
reading a valid file costs no more than it did.
"""

from __future__ import annotations

import contextlib
import json
import re
import sys
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from renewal_score.errors import DataError, Problem

_STRING_OR_COMMENT = (
    r'"""(?:[^"\\]|\\[\s\S]|"(?!""))*"{3,5}'  # TOML multi-line basic string
    r"|'''(?:[^']|'(?!''))*'{3,5}"  # TOML multi-line literal string
    r'|"(?:[^"\\\n]|\\.)*"'  # JSON or TOML string
    r"|'[^'\n]*'"  # TOML literal string
    r"|#[^\n]*"  # TOML comment
)
"""Text in which brackets, digits and headers mean nothing: strings and comments."""

_TOKENS = re.compile(
    _STRING_OR_COMMENT + r"|(?P<open>[\[{])|(?P<close>[\]}])|(?P<digits>[0-9][0-9_]*)"
)
_TOML_HEADERS = re.compile(
    _STRING_OR_COMMENT
    + r"|^[ \t]*\[\[[ \t]*"
    + r"""(?:"(?P<quoted>[^"\\\n]*)"|'(?P<literal>[^'\n]*)'|(?P<bare>[A-Za-z0-9_-]+))"""
    + r"[ \t]*\]\]",
    re.MULTILINE,
)

NESTING_LIMIT = 100
"""Arrays and tables nested deeper than this are reported where they pass it; a data file's
records nest three or four levels."""

INTEGER_LIMIT_MESSAGE = "integer string conversion"
"""Part of the message of the ValueError that Python raises for an integer literal longer
than ``sys.get_int_max_str_digits()`` digits (4,300 by default)."""


def line_at(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


@contextlib.contextmanager
def reading(path: Path, text: str) -> Iterator[None]:
    """Turn what parsers raise for input beyond their limits into a located DataError:
    nesting deeper than Python's recursion allows, and integers too long to convert."""
    try:
        yield
    except RecursionError:
        line = _deep_nesting_line(text)
        message = f"arrays or tables nested more than {NESTING_LIMIT} levels deep"
        raise DataError([Problem(str(path), line, message=message)]) from None
    except ValueError as error:
        if INTEGER_LIMIT_MESSAGE not in str(error):
            raise
        raise DataError([_long_integer_problem(path, text)]) from None


def _deep_nesting_line(text: str) -> int | None:
    depth = 0
    for token in _TOKENS.finditer(text):
        if token["open"]:
            depth += 1
            if depth > NESTING_LIMIT:
                return line_at(text, token.start())
        elif token["close"]:
            depth = max(depth - 1, 0)
    return None


def _long_integer_problem(path: Path, text: str) -> Problem:
    limit = sys.get_int_max_str_digits()
    for token in _TOKENS.finditer(text):
        digits = token["digits"]
        if digits and len(digits.replace("_", "")) > limit:
            line = line_at(text, token.start())
            length = len(digits.replace("_", ""))
            message = f"a number of {length:,} digits (at most {limit:,} can be read)"
            return Problem(str(path), line, message=message)
    return Problem(str(path), None, message=f"a number of more than {limit:,} digits")


def toml_error_line(error: tomllib.TOMLDecodeError, text: str) -> int | None:
    """The line of a TOML syntax error: from the error's position, or, when the parser
    reached the end of the document (a truncated file, a string left open), the last line."""
    line: int | None = getattr(error, "lineno", None)  # Python 3.14 and later
    if line is not None:
        return line
    found = re.search(r"\(at line ([0-9]+), column [0-9]+\)", str(error))
    if found:
        return int(found.group(1))
    if "(at end of document)" in str(error):
        return text.rstrip().count("\n") + 1
    return None


def toml_table_lines(text: str) -> dict[str, list[int]]:
    """The line of each ``[[name]]`` header of a (valid) TOML document, by name; headers
    inside multi-line strings and comments do not count."""
    lines: dict[str, list[int]] = {}
    counter = _Lines(text)
    for token in _TOML_HEADERS.finditer(text):
        name = token["bare"] or token["quoted"] or token["literal"]
        if name is not None:
            lines.setdefault(name, []).append(counter.at(token.start()))
    return lines


@dataclass(frozen=True)
class JsonMember:
    """One member of a JSON object: its key, the line of the key, and the line of each
    element if its value is an array."""

    key: str
    line: int
    elements: list[int] | None


def json_object_members(text: str) -> list[JsonMember]:
    """The members of the JSON object that the (valid) text holds, in order; a key written
    twice is listed twice, though parsing keeps only the last value."""
    decoder = json.JSONDecoder()
    counter = _Lines(text)
    members = []
    position = _skip_space(text, text.index("{") + 1)
    while text[position] != "}":
        line = counter.at(position)
        key, position = decoder.raw_decode(text, position)
        position = _skip_space(text, _skip_space(text, position) + 1)  # past the colon
        elements = None
        if text[position] == "[":
            elements, position = _array_lines(text, position, counter)
        else:
            _, position = decoder.raw_decode(text, position)
        members.append(JsonMember(key, line, elements))
        position = _skip_space(text, position)
        if text[position] == ",":
            position = _skip_space(text, position + 1)
    return members


def json_array_lines(text: str, start: int) -> list[int]:
    """The line on which each element of the (valid) JSON array at ``start`` begins."""
    return _array_lines(text, start, _Lines(text))[0]


def _array_lines(text: str, start: int, counter: _Lines) -> tuple[list[int], int]:
    decoder = json.JSONDecoder()
    lines = []
    position = _skip_space(text, start + 1)
    while text[position] != "]":
        lines.append(counter.at(position))
        _, position = decoder.raw_decode(text, position)
        position = _skip_space(text, position)
        if text[position] == ",":
            position = _skip_space(text, position + 1)
    return lines, position + 1


_SPACE = re.compile(r"[ \t\r\n]*")


def _skip_space(text: str, position: int) -> int:
    found = _SPACE.match(text, position)
    return found.end() if found else position


class _Lines:
    """Line numbers of positions in a text, counted on from the last position asked about
    (positions must not decrease), so that numbering every record costs one pass."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.position = 0
        self.line = 1

    def at(self, position: int) -> int:
        self.line += self.text.count("\n", self.position, position)
        self.position = position
        return self.line
