"""Nested mappings as dotted keys: a TOML weights file's tables (``[security]`` then
``naval-cooperation = 2``) and an evidence record's ``source`` in CSV columns
(``source.title``) are named the same way."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def dotted_items(document: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """Every value that is not a mapping, with its keys joined by dots, in document order
    (a key that two spellings give twice is listed twice)."""
    pairs: list[tuple[str, Any]] = []
    for key, value in document.items():
        if isinstance(value, Mapping):
            pairs.extend(dotted_items(value, f"{prefix}{key}."))
        else:
            pairs.append((f"{prefix}{key}", value))
    return pairs
