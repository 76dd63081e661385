"""Text from data files and plugins, made safe for where it is shown.

- On a terminal or in a document (text and Markdown reports, error messages): control
  characters are shown as escapes, so that data cannot recolour or clear a terminal, move
  its cursor, or reorder a line (``printable``).
- Quoted back in a message: cut to a bounded length, so that a 10 MB value is not echoed
  whole (``echo``, ``clipped``).
- In a CSV file that a spreadsheet opens: a cell that the spreadsheet would run as a
  formula gets a leading single quote, as OWASP advises (``spreadsheet_cell``), or, in the
  evidence export that must read back exactly, a reversible version of it
  (``quote_formula`` and ``unquote_formula``).

HTML has its own escaping (``renewal_score.html``); JSON escapes control characters itself.
"""

from __future__ import annotations

import re
import reprlib

CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""C0 and C1 control characters, DEL, and the bidirectional controls (Arabic letter mark,
left-to-right and right-to-left marks, embeddings, overrides and isolates)."""

LAYOUT = "\n\t"
"""Control characters that a multi-line text keeps: line feed and tab."""


def printable(text: str, keep: str = "") -> str:
    """``text`` with every control character written as an escape (``\\x1b``, ``\\u202e``),
    except those in ``keep`` (``LAYOUT`` for a report whose lines and columns need them)."""

    def escape(match: re.Match[str]) -> str:
        character = match.group()
        if character in keep:
            return character
        code = ord(character)
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return CONTROL_CHARACTERS.sub(escape, text)


ECHO_LIMIT = 200
"""Characters of a value that a message quotes back, at most (about)."""


def clipped(text: str, limit: int = ECHO_LIMIT) -> str:
    """``text`` cut to ``limit`` characters, with an ellipsis and the full length if cut."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text):,} characters)"


_BOUNDED = reprlib.Repr()
_BOUNDED.maxlevel = 3
_BOUNDED.maxstring = _BOUNDED.maxother = _BOUNDED.maxlong = ECHO_LIMIT
_BOUNDED.maxlist = _BOUNDED.maxtuple = _BOUNDED.maxdict = _BOUNDED.maxset = 8


def echo(value: object) -> str:
    """``repr(value)`` for a message, bounded in length and depth whatever the value."""
    if isinstance(value, str):
        # repr escapes control characters; the cut is made before, so that a long value
        # costs no more than its first characters.
        shown = repr(value[:ECHO_LIMIT])
        return shown if len(value) <= ECHO_LIMIT else f"{shown}… ({len(value):,} characters)"
    try:
        return clipped(_BOUNDED.repr(value))
    except ValueError:  # an integer too long to convert to text
        return f"<{type(value).__name__}>"


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a cell as a formula (OWASP, CSV injection)."""

NUMBER = re.compile(r"[-+]?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?%?")
MISSING = "-"
"""The mark of a missing value in a report's tables."""


def spreadsheet_cell(value: object) -> object:
    """A CSV report's cell: text that a spreadsheet would run as a formula, quoted with a
    leading ``'``; numbers, text that is a number (``-3.5``) and the missing-value mark
    ``-`` stay as they are, so that they stay numbers and marks in the spreadsheet."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_STARTS)
        and value != MISSING
        and not NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


def quote_formula(text: str) -> str:
    """An evidence export's cell: a leading ``'`` before text that a spreadsheet would run
    as a formula, and before text that starts with ``'`` itself, so that
    ``unquote_formula`` gives back exactly the text (the mapping is one to one)."""
    return "'" + text if text.startswith((*FORMULA_STARTS, "'")) else text


def unquote_formula(text: str) -> str:
    """The text of a CSV evidence cell: one leading ``'``, if any, removed."""
    return text[1:] if text.startswith("'") else text
