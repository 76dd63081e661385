"""One run of a command: load plugins and files, check the agenda, compute, render, write.

A command builds a request (``Request``) whose ``prepare`` goes through ``load`` and then
``check``, each taking what the one before made; ``compute`` scores what was prepared and
``render`` makes text of the result. So a run only goes down: every file (data, weights,
method) is read while loading, every check against what was loaded is made before
scoring, and a renderer is given results, never inputs to read.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from renewal_score.api import Inputs, checked_agenda, load_inputs, without_failing_plugins
from renewal_score.errors import OutputError, UsageError, did_you_mean
from renewal_score.escaping import LAYOUT, echo, printable
from renewal_score.outputs import write_output
from renewal_score.plugins import UnknownPluginError
from renewal_score.reports.formatting import TEXT_WIDTH

if TYPE_CHECKING:
    from renewal_score.agenda import Agenda
    from renewal_score.method import MethodSettings
    from renewal_score.options import RunOptions
    from renewal_score.plugins import PluginHost, Renderer

PLUGINS_ENV = "RENEWAL_SCORE_PLUGINS"
"""The environment variable that names the plugins allowed to load (comma-separated)."""

TERMINAL_FORMATS = ("text", "table", "markdown")
"""Formats meant for a terminal or a document, in which control characters are escaped."""

StageT = TypeVar("StageT")
ResultT = TypeVar("ResultT")
T = TypeVar("T")


@dataclass(frozen=True)
class Sources:
    """What to load: plugin folders, data files, and which plugins may load."""

    plugin_dirs: tuple[Path, ...] = ()
    evidence: tuple[Path, ...] = ()
    keep_going: bool = False
    allowed_plugins: frozenset[str] | None = None
    """From ``RENEWAL_SCORE_PLUGINS``; None when it is not set (every plugin loads)."""


@dataclass(frozen=True)
class MethodChoice:
    """The method options as given: the files to read, and settings checked for form only."""

    weights_file: Path | None = None
    method_file: Path | None = None
    criteria_aggregation: str = "arithmetic"
    priorities_aggregation: str = "arithmetic"
    min_grade: str | None = None
    """A grade such as C3; its probability depends on the method, known once loaded."""
    overrides: Mapping[str, Any] = field(default_factory=dict)
    """Method settings given as options (``unrated``, ``min_coverage``, ``rank_by``)."""


AS_DEFINED = MethodChoice()
"""No method option given: the definitions' weights and the default method."""


@dataclass(frozen=True)
class RunRequest:
    """The part of a request that every scoring command shares."""

    sources: Sources
    as_of: dt.date
    subject: str | None = None
    method: MethodChoice = AS_DEFINED


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


@dataclass(frozen=True)
class Loaded:
    """Stage 1: plugins loaded, data files read, the weights and method files read."""

    inputs: Inputs
    method: MethodSettings
    weights: Mapping[str, float]
    weights_file: Path | None

    @property
    def host(self) -> PluginHost:
        return self.inputs.host

    def keeping_going(self, step: Callable[[], T]) -> T:
        """Run a step that calls plugins; with --keep-going, without those that fail."""
        return without_failing_plugins(self.inputs, step)

    def renderer(self, name: str) -> Renderer:
        """The report format ``name``, built in or from a plugin."""
        formats = self.keeping_going(self.host.formats)
        if name not in formats:
            raise UsageError(unknown("format", name, formats))
        return formats[name]


@dataclass(frozen=True)
class Checked:
    """Stage 2: the agenda checked as a whole, and the run's options checked against it."""

    loaded: Loaded
    agenda: Agenda
    options: RunOptions


def load(sources: Sources, method: MethodChoice = AS_DEFINED) -> Loaded:
    """Load the plugins, read the data files (keeping their problems for ``check``), the
    weights file and the method file."""
    from renewal_score.weightsfile import read_weights

    try:
        inputs = load_inputs(
            sources.evidence,
            plugin_dirs=sources.plugin_dirs,
            plugins=sources.allowed_plugins,
            keep_going=sources.keep_going,
        )
    except UnknownPluginError as error:
        raise UsageError(f"{PLUGINS_ENV}: {error}") from None
    for path in inputs.skipped_files:
        note(f"{path} is not a data file; skipped")
    weights = {} if method.weights_file is None else read_weights(method.weights_file)
    return Loaded(inputs, _method_settings(method), weights, method.weights_file)


def _method_settings(choice: MethodChoice) -> MethodSettings:
    """The method's constants: the defaults, then the --method file, then single options."""
    from pydantic import ValidationError

    from renewal_score.method import DEFAULT_METHOD, read_method

    method = DEFAULT_METHOD if choice.method_file is None else read_method(choice.method_file)
    if not choice.overrides:
        return method
    try:
        return type(method).model_validate({**method.model_dump(), **choice.overrides})
    except ValidationError as error:
        detail = error.errors(include_url=False)[0]
        option = "--" + str(detail["loc"][0]).replace("_", "-")
        raise UsageError(f"{option}: {detail['msg']}") from None


def check(loaded: Loaded, request: RunRequest) -> Checked:
    """The agenda, every problem of the data files and plugins listed at once; then the
    weights file against it, and the run's options."""
    from renewal_score.options import RunOptions
    from renewal_score.weightsfile import check_weights

    agenda = checked_agenda(loaded.inputs)
    if loaded.weights_file is not None:
        check_weights(loaded.weights, agenda, loaded.weights_file)
    choice = request.method
    min_grade = 0.0 if choice.min_grade is None else grade_support(loaded.method, choice.min_grade)
    options = RunOptions(
        as_of=request.as_of,
        subject=request.subject,
        weights=loaded.weights,
        criteria_aggregation=choice.criteria_aggregation,
        priorities_aggregation=choice.priorities_aggregation,
        min_grade=min_grade,
        method=loaded.method,
    )
    return Checked(loaded, agenda, options)


def grade_support(method: MethodSettings, grade: str) -> float:
    """The probability of a grade given as a bar, rounded as the report prints it."""
    return round(method.support(grade), 4)


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
