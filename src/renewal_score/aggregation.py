"""Weights and aggregation: criterion scores into priority scores, priorities into the index.

Weights are normalised to sum to one within each group (a priority's criteria; the agenda's
priorities). Items that cannot be rated (no evidence) are left out and the weights of the
rest renormalised (available-case analysis; imputing a value instead would claim evidence
that does not exist).

Aggregators take values in [0, 100] and weights that sum to one, and return a value in
[0, 100]. The built-in ones are registered through the ``register_aggregations`` hook,
like a plugin's:

    arithmetic  sum_i w_i x_i                     compensatory (the default)
    geometric   prod_i x_i ** w_i                 partly compensatory; any 0 gives 0
    minimum     min_i x_i (over w_i > 0)          weakest link, not compensatory
"""

from __future__ import annotations

import difflib
import math
import tomllib
from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path
from typing import Any

from renewal_score.datafiles import line_of_key, read_text
from renewal_score.errors import DataError, Problem
from renewal_score.hookspecs import hookimpl

Aggregator = Callable[[Sequence[float], Sequence[float]], float]
"""An aggregation method: (values, weights summing to 1) -> aggregate (as plugins.Aggregator)."""


def normalise(weights: Mapping[str, float], group: str) -> dict[str, float]:
    """Weights scaled to sum to one; DataError if they are all zero (nothing to aggregate)."""
    total = sum(weights.values())
    if weights and total <= 0:
        raise DataError([Problem(record=group, field="weight", message="all weights are zero")])
    return {key: value / total for key, value in weights.items()}


def arithmetic_mean(values: Sequence[float], weights: Sequence[float]) -> float:
    return math.fsum(v * w for v, w in zip(values, weights, strict=True))


def geometric_mean(values: Sequence[float], weights: Sequence[float]) -> float:
    if any(v <= 0 for v, w in zip(values, weights, strict=True) if w > 0):
        return 0.0
    return math.exp(math.fsum(w * math.log(v) for v, w in zip(values, weights, strict=True)))


def minimum(values: Sequence[float], weights: Sequence[float]) -> float:
    return min(v for v, w in zip(values, weights, strict=True) if w > 0)


@hookimpl
def register_aggregations() -> dict[str, Aggregator]:
    """The built-in aggregation methods."""
    return {"arithmetic": arithmetic_mean, "geometric": geometric_mean, "minimum": minimum}


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
