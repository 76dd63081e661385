"""Weights: priority and criterion weights by id, from a TOML file or given as a mapping (the
Python API), checked alike and worded alike."""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

from pydantic import Field, RootModel

from renewal_score.datafiles import line_of_key, parse_toml, read_text
from renewal_score.dotted import dotted_items
from renewal_score.errors import DataError, Problem, did_you_mean
from renewal_score.escaping import echo
from renewal_score.locating import reading
from renewal_score.models import Identifier

if TYPE_CHECKING:
    from renewal_score.agenda import Agenda


Weight = Annotated[float, Field(ge=0, allow_inf_nan=False)]


class WeightsFile(RootModel[dict[Identifier, Weight]]):
    """A weights file: priority or criterion ids, each with a finite, non-negative weight
    (in TOML, ``security = 2`` or ``"coercion.trade-architecture" = 0.5``). Only the ratios
    of a group's weights count; a group's weights must not all be zero."""


def read_weights(path: Path) -> dict[str, float]:
    """Weights by priority or criterion id from a TOML file (``"security" = 2``).

    Dotted bare keys (``security.naval-cooperation = 2``) name criteria too. Every value must
    be a finite, non-negative number; DataError lists every problem with its line.
    """
    text = read_text(path)
    with reading(path, text):
        document = parse_toml(path, text)
        pairs = dotted_items(document)
    return _checked(pairs, str(path), text)


def checked_weights(weights: Mapping[str, object], origin: str) -> dict[str, float]:
    """Weights given as a mapping, checked as a weights file's values are (DataError naming
    ``origin`` and each key whose value is not a finite, non-negative number)."""
    return _checked(list(weights.items()), origin, None)


def _checked(pairs: list[tuple[str, object]], origin: str, text: str | None) -> dict[str, float]:
    weights: dict[str, float] = {}
    problems = []
    for key, value in pairs:
        weight, message = _weight(value)
        if weight is not None:
            weights[key] = weight
            continue
        problems.append(
            Problem(origin, _line(text, key), record=key, field="weight", message=message)
        )
    if problems:
        raise DataError(problems)
    return weights


def _line(text: str | None, key: str) -> int | None:
    """The line of a weights file on which a key is given (None without a file)."""
    if text is None:
        return None
    return line_of_key(text, key) or line_of_key(text, key.rpartition(".")[2])


def _weight(value: object) -> tuple[float | None, str]:
    """A weights file's value as a weight, or None and what is wrong with it."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None, f"must be a number, not {type(value).__name__}"
    try:
        weight = float(value)
    except OverflowError:  # an integer beyond the largest float
        return None, f"is too large for a weight (a number of {len(str(value)):,} digits)"
    if not math.isfinite(weight) or weight < 0:
        return None, f"{echo(value)} is not a finite, non-negative weight"
    return weight, ""


def check_weights(weights: Mapping[str, float], agenda: Agenda, origin: Path | str) -> None:
    """DataError naming, with its line in the weights file (``origin``, or the name of the
    argument that gave them), every id that is neither a priority nor a criterion of the
    agenda, and every group of weights that they leave unusable."""
    known = sorted({*agenda.priorities, *agenda.criteria})
    problems = []
    for key in weights:
        if key not in known:
            message = f"is neither a priority nor a criterion{did_you_mean(key, known)}"
            problems.append(Problem(file=str(origin), record=key, field="id", message=message))
    problems += _unusable_groups(weights, agenda, origin)
    if problems:
        raise DataError(problems)


def _unusable_groups(
    weights: Mapping[str, float], agenda: Agenda, origin: Path | str
) -> list[Problem]:
    """A problem for each group of weights (the priorities; the criteria of a priority) in
    which the file sets a weight, if the group's weights are all zero (nothing can be
    aggregated) or add up to more than the largest number (each would normalise to zero)."""
    groups = {"the priorities": {p.id: p.weight for p in agenda.priorities.values()}}
    for priority in agenda.priorities:
        criteria = agenda.criteria_of(priority)
        groups[f"the criteria of {priority}"] = {c.id: c.weight for c in criteria}
    problems = []
    text = read_text(origin) if isinstance(origin, Path) else None
    for group, nominal in groups.items():
        given = [key for key in weights if key in nominal]  # in the order given
        total = sum(weights.get(key, weight) for key, weight in nominal.items())
        if not given or 0 < total <= sys.float_info.max:
            continue
        if total == 0:
            message = f"the weights of {group} are all zero; give one of them a weight above 0"
        else:
            message = (
                f"the weights of {group} add up to more than {sys.float_info.max:.4g}; "
                "use smaller numbers (only their ratios count)"
            )
        problems.append(
            Problem(str(origin), _line(text, given[0]), given[0], "weight", message=message)
        )
    return problems
