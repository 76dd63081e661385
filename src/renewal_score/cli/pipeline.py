"""One run of a command: load plugins and files, check the agenda, compute, render, write.

A command builds a request (``Request``) whose ``prepare`` goes through ``load`` and then
``check``, each taking what the one before made; ``compute`` scores what was prepared and
``render`` makes text of the result. So a run only goes down: every file (data, weights,
method) is read while loading, every check against what was loaded is made before
scoring, and a renderer is given results, never inputs to read.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from renewal_score.errors import OutputError, UsageError, did_you_mean
from renewal_score.escaping import LAYOUT, echo, printable
from renewal_score.loading import (
    AS_DEFINED,
    Checked,
    Loaded,
    MethodChoice,
    MethodSettingError,
    RunRequest,
    Sources,
    check,
    grade_support,
)
from renewal_score.loading import load as load_sources
from renewal_score.outputs import write_output
from renewal_score.plugins import UnknownPluginError
from renewal_score.reports.formatting import TEXT_WIDTH

if TYPE_CHECKING:
    from renewal_score.plugins import Renderer

__all__ = [
    "PLUGINS_ENV",
    "STANDARD_OUTPUT",
    "Checked",
    "Loaded",
    "MethodChoice",
    "Output",
    "Request",
    "RunRequest",
    "Sources",
    "check",
    "grade_support",
    "load",
    "note",
    "renderer",
    "run",
    "unknown",
    "warn",
    "write",
]

PLUGINS_ENV = "RENEWAL_SCORE_PLUGINS"
"""The environment variable that names the plugins allowed to load (comma-separated)."""

AGENDA_ENV = "RENEWAL_SCORE_AGENDA"
"""The environment variable that names the agenda to score when --agenda is not given."""

TERMINAL_FORMATS = ("text", "table", "markdown")
"""Formats meant for a terminal or a document, in which control characters are escaped."""

StageT = TypeVar("StageT")
ResultT = TypeVar("ResultT")


@dataclass(frozen=True)
class Output:
    """Where the result goes (standard output when ``path`` is None) and in which format."""

    path: Path | None = None
    format: str = "text"


STANDARD_OUTPUT = Output()
"""Text on standard output: what the commands without -o write."""


class Request(Protocol[StageT, ResultT]):
    """What a command hands the pipeline: a frozen dataclass of its checked options."""

    @property
    def output(self) -> Output: ...

    def prepare(self) -> StageT:
        """Load and check what the command needs (``load``, then ``check``)."""
        ...

    def compute(self, stage: StageT) -> ResultT:
        """Score, or whatever the command does with what was prepared."""
        ...

    def render(self, result: ResultT, width: int) -> str:
        """The result as text in the output's format; ``width`` is that of text tables."""
        ...


def run(request: Request[Any, Any]) -> None:
    """Prepare, compute, render and write: each once, in this order."""
    result = request.compute(request.prepare())
    write(request.output, request.render(result, text_width(request.output)))


def load(sources: Sources, method: MethodChoice = AS_DEFINED) -> Loaded:
    """``loading.load``, its errors worded for the command line: the environment variable
    that allowed an unknown plugin, the option of an invalid method setting; a note for each
    file in a folder given that is not a data file."""
    try:
        loaded = load_sources(sources, method)
    except UnknownPluginError as error:
        raise UsageError(f"{PLUGINS_ENV}: {error}") from None
    except MethodSettingError as error:
        option = "--" + error.setting.replace("_", "-")
        raise UsageError(f"{option}: {error.detail}") from None
    for path in loaded.inputs.skipped_files:
        note(f"{path} is not a data file; skipped")
    return loaded


def renderer(loaded: Loaded, name: str) -> Renderer:
    """The report format ``name``, built in or from a plugin."""
    formats = loaded.keeping_going(loaded.host.formats)
    if name not in formats:
        raise UsageError(unknown("format", name, formats))
    return formats[name]


def unknown(kind: str, value: str, known: Iterable[str]) -> str:
    """The message for a name given on the command line that is not among ``known``."""
    return f"unknown {kind} {echo(value)}{did_you_mean(value, known, list_known=True)}"


def text_width(output: Output) -> int:
    """The width of text tables: the terminal's when writing to one (``COLUMNS`` if set),
    else ``TEXT_WIDTH``, so that files and pipes get the same bytes everywhere."""
    if output.path is None and sys.stdout.isatty():
        return shutil.get_terminal_size(fallback=(TEXT_WIDTH, 24)).columns
    return TEXT_WIDTH


def write(output: Output, text: str) -> None:
    """Write the result to the output file, or to standard output."""
    if output.format in TERMINAL_FORMATS:
        text = printable(text, keep=LAYOUT)  # whatever a renderer left, e.g. a file's name
    if output.path is not None:
        write_output(output.path, text)
        return
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except OSError as error:
        raise OutputError(f"cannot write standard output: {error.strerror or error}") from None


def note(message: str) -> None:
    print(printable(f"renewal-score: note: {message}"), file=sys.stderr)


def warn(message: str) -> None:
    print(printable(f"renewal-score: warning: {message}"), file=sys.stderr)
