"""Weights files: priority and criterion weights by id, from TOML, checked like data files."""

from __future__ import annotations

import difflib
import math
import tomllib
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from renewal_score.datafiles import line_of_key, read_text
from renewal_score.errors import DataError, Problem


def read_weights(path: Path) -> dict[str, float]:
    """Weights by priority or criterion id from a TOML file (``"security" = 2``).

    Dotted bare keys (``security.naval-cooperation = 2``) name criteria too. Every value must
    be a finite, non-negative number; DataError lists every problem with its line.
    """
    text = read_text(path)
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise DataError([Problem(file=str(path), message=f"invalid TOML: {error}")]) from None
    weights: dict[str, float] = {}
    problems = []
    for key, value in _flattened(document):
        line = line_of_key(text, key) or line_of_key(text, key.rpartition(".")[2])
        if isinstance(value, bool) or not isinstance(value, int | float):
            message = f"must be a number, not {type(value).__name__}"
        elif not math.isfinite(value) or value < 0:
            message = f"{value} is not a finite, non-negative weight"
        else:
            weights[key] = float(value)
            continue
        problems.append(
            Problem(file=str(path), line=line, record=key, field="weight", message=message)
        )
    if problems:
        raise DataError(problems)
    return weights


def _flattened(document: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    pairs: list[tuple[str, Any]] = []
    for key, value in document.items():
        if isinstance(value, Mapping):
            pairs.extend(_flattened(value, f"{prefix}{key}."))
        else:
            pairs.append((f"{prefix}{key}", value))
    return pairs


def check_weights(weights: Mapping[str, float], known: Collection[str], path: Path) -> None:
    """DataError naming every id in a weights file that is neither a priority nor a criterion."""
    problems = []
    for key in weights:
        if key not in known:
            close = difflib.get_close_matches(key, sorted(known), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            message = f"is neither a priority nor a criterion{hint}"
            problems.append(Problem(file=str(path), record=key, field="id", message=message))
    if problems:
        raise DataError(problems)
