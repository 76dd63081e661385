"""Errors a user can act on: each names the file, line, record, field or plugin to fix."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from renewal_score.escaping import clipped, printable


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, located as precisely as the input allows."""

    file: str = ""
    line: int | None = None
    record: str = ""
    field: str = ""
    message: str = ""
    plugin: str = ""
    """The plugin that supplied the record, if a plugin did (so that it can be left out)."""

    def __str__(self) -> str:
        """One line: each part from the input (a record id, a field name) cut to a bounded
        length, and control characters, line feeds included, shown as escapes."""
        where = self.file or "<input>"
        if self.line is not None:
            where += f":{self.line}"
        parts = [where]
        if self.record:
            parts.append(f"record {clipped(self.record)}")
        if self.field:
            parts.append(clipped(self.field))
        parts.append(self.message)
        return printable(": ".join(parts))


@dataclass(frozen=True)
class Location:
    """Where a record was defined: a file and line, or a plugin and hook."""

    file: str
    line: int | None = None
    plugin: str = ""

    def __str__(self) -> str:
        return self.file if self.line is None else f"{self.file}:{self.line}"

    def at(self, line: int | None) -> Location:
        return Location(self.file, line, self.plugin)

    def problem(self, record: str, field: str, message: str) -> Problem:
        return Problem(self.file, self.line, record, field, message, self.plugin)


def did_you_mean(value: str, known: Iterable[str], *, list_known: bool = False) -> str:
    """The hint that follows a message about an unknown name: ``; did you mean 'x'?`` for
    the known name closest to ``value``; else, with ``list_known``, `` (known: a, b)`` (when
    any is known), or nothing. Every "did you mean" of the project is worded here."""
    choices = sorted(known)
    close = difflib.get_close_matches(value, choices, n=1)
    if close:
        return f"; did you mean {close[0]!r}?"
    return f" (known: {', '.join(choices)})" if list_known and choices else ""


class RenewalScoreError(Exception):
    """Base class of every error the command line reports without a traceback (exit 1)."""


class DataError(RenewalScoreError):
    """Input data is invalid; carries every problem found, not just the first."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(sorted(problems, key=_problem_order))
        super().__init__("\n".join(str(p) for p in self.problems))


class PluginError(RenewalScoreError):
    """A plugin failed: it could not be imported, raised in a hook, or returned bad data."""

    def __init__(self, plugin: str, hook: str, message: str) -> None:
        self.plugin = plugin
        self.hook = hook
        self.detail = (f"hook {hook}: " if hook else "") + message
        super().__init__(f"plugin {plugin!r}" + (f", hook {hook}" if hook else "") + f": {message}")


class OutputError(RenewalScoreError):
    """The output could not be written (exit 1); the message names the file given."""


class UsageError(RenewalScoreError):
    """The command was called wrongly (exit 2)."""


def _problem_order(problem: Problem) -> tuple[str, int, str, str, str]:
    return (problem.file, problem.line or 0, problem.record, problem.field, problem.message)
