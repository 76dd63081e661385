"""TOML documents, parsed by a fast parser with the standard library's as the reference.

``rtoml`` (Rust's ``toml`` crate) parses the built-in evidence about 10 times faster than
``tomllib`` (bench/README.md), and TOML parsing was the largest single part of the everyday
report's start. ``tomllib`` stays the reference: a text ``rtoml`` refuses is parsed again by
``tomllib``, which reads it (a float beyond the double range, say) or raises its own error,
which names the line. Where ``tomllib`` reads a text, the two give the same document (a
property test holds this); ``rtoml`` also reads a few TOML 1.1 forms that ``tomllib``
refuses, such as a trailing comma in an inline table.
"""

from __future__ import annotations

import tomllib
from typing import Any

import rtoml


def toml_document(text: str) -> dict[str, Any]:
    """The TOML document in the text; ``tomllib.TOMLDecodeError`` if it is not one."""
    try:
        document: dict[str, Any] = rtoml.loads(text)
    except ValueError:  # rtoml.TomlParsingError, or a value it cannot represent
        return tomllib.loads(text)
    return document
