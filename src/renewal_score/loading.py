"""From what a run is asked for to a checked agenda and the run's options: the steps before
scoring, shared by the command line and the Python API so that both give the same results
for the same options.

``load`` loads the plugins and reads every file (data, weights, method), keeping the
problems of data files for ``check``, which builds the agenda chosen, checks everything
together (all problems at once) and then the run's options against it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from renewal_score.agenda import DEFAULT_CHOICE, Agenda, AgendaChoice, collect_agenda
from renewal_score.datafiles import (
    MODELS,
    DataSet,
    RawRecord,
    data_files,
    load_data_files,
    validate_records,
)
from renewal_score.errors import DataError, Location, PluginError, Problem, UsageError
from renewal_score.method import DEFAULT_METHOD, MethodSettings, read_method
from renewal_score.models import Observation
from renewal_score.options import RunOptions
from renewal_score.plugins import PluginHost, load_plugins

T = TypeVar("T")

RECORDS_ORIGIN = "evidence"
"""How an error names a record given as a Python object: ``evidence[2]``, by position."""


@dataclass(frozen=True)
class Sources:
    """What to load: plugins (from folders, restricted by name, or a host built by the
    caller), data files, and records given as Python objects."""

    plugin_dirs: tuple[Path, ...] = ()
    evidence: tuple[Path, ...] = ()
    records: tuple[object, ...] = ()
    """Models or mappings (``RECORD_KINDS``), each validated as a data file's record."""
    keep_going: bool = False
    allowed_plugins: frozenset[str] | None = None
    """The plugins allowed to load, by name; None: every plugin."""
    host: PluginHost | None = None
    """Plugins already loaded, instead of loading them."""


@dataclass(frozen=True)
class MethodChoice:
    """The method options as given: weights and method (files to read, or values), and
    settings checked for form only."""

    weights: Path | Mapping[str, float] | None = None
    method: Path | MethodSettings | None = None
    criteria_aggregation: str | None = None
    priorities_aggregation: str | None = None
    """None: the agenda's."""
    min_grade: str | None = None
    """A grade such as C3; its probability depends on the method, known once loaded."""
    overrides: Mapping[str, Any] = field(default_factory=dict)
    """Method settings given one by one (``unrated``, ``min_coverage``, ``rank_by``)."""


AS_DEFINED = MethodChoice()
"""No method option given: the definitions' weights and the default method."""


@dataclass(frozen=True)
class RunRequest:
    """The part of a request that every scoring command and API function shares."""

    sources: Sources
    as_of: dt.date
    subject: str | None = None
    method: MethodChoice = AS_DEFINED
    agenda: AgendaChoice = DEFAULT_CHOICE


@dataclass(frozen=True)
class Inputs:
    """Loaded plugins and data files, ready to be checked and scored."""

    host: PluginHost
    data: DataSet
    skipped_files: list[Path]
    """Files in the given folders that were not read because they are not data files."""
    problems: list[Problem]
    """Problems found in the data files, reported with those of the agenda as a whole."""
    keep_going: bool = False


def load_inputs(
    evidence: Sequence[Path] = (),
    *,
    plugin_dirs: Sequence[Path] = (),
    plugins: Collection[str] | None = None,
    host: PluginHost | None = None,
    keep_going: bool = False,
    records: Sequence[object] = (),
) -> Inputs:
    """Load plugins and read data files, keeping the problems of invalid records for later.

    ``evidence`` lists data files or folders of them (TOML, JSON, JSON Lines, CSV);
    ``records`` adds records given as Python objects; ``plugins`` limits which plugins load,
    by name; ``host`` replaces plugin loading (for example one from
    ``renewal_score.testing.make_host``). With ``keep_going``, plugins that fail to load,
    raise, or supply invalid records are left out (``host.skipped`` says which and why);
    problems in data files still stop the run.
    """
    host = host or load_plugins(plugin_dirs, only=plugins, keep_going=keep_going)
    files, skipped = data_files(evidence)
    problems: list[Problem] = []
    data = load_data_files(files, problems)
    add_records(data, records, problems)
    return Inputs(host, data, skipped, problems, keep_going)


RECORD_KINDS = {model: kind for kind, model in MODELS.items()}
"""The models a record given as a Python object may be, and the data file table of each."""


def add_records(data: DataSet, records: Sequence[object], problems: list[Problem]) -> None:
    """Add records given as Python objects to ``data``, each validated as a data file's
    record: a model of ``RECORD_KINDS``, or a mapping (an observation if it has a ``value``,
    else an evidence record). Problems are located as ``evidence[i]``."""
    for position, record in enumerate(records):
        model = _model_of(record)
        where = Location(f"{RECORDS_ORIGIN}[{position}]")
        valid, found = validate_records([RawRecord(record, None)], model, where)
        problems.extend(found)
        getattr(data, RECORD_KINDS[model]).extend((where, r) for r in valid)


def _model_of(record: object) -> type[BaseModel]:
    for model in RECORD_KINDS:
        if type(record) is model:
            return model
    return Observation if isinstance(record, Mapping) and "value" in record else MODELS["evidence"]


@dataclass(frozen=True)
class Loaded:
    """Plugins loaded, data files read, the weights and method read."""

    inputs: Inputs
    method: MethodSettings
    weights: Mapping[str, float]
    weights_origin: Path | str | None
    """Where the weights came from (a file, or the Python argument); None: none given."""

    @property
    def host(self) -> PluginHost:
        return self.inputs.host

    def keeping_going(self, step: Callable[[], T]) -> T:
        """Run a step that calls plugins; with --keep-going, without those that fail."""
        return without_failing_plugins(self.inputs, step)


@dataclass(frozen=True)
class Checked:
    """The agenda checked as a whole, and the run's options checked against it."""

    loaded: Loaded
    agenda: Agenda
    options: RunOptions


WEIGHTS_ARGUMENT = "weights"
"""How an error names weights given as a Python mapping."""


def load(sources: Sources, method: MethodChoice = AS_DEFINED) -> Loaded:
    """Load the plugins, read the data files (keeping their problems for ``check``), the
    weights and the method (UnknownPluginError for a plugin allowed by name that there is
    not)."""
    from renewal_score.weightsfile import checked_weights, read_weights

    inputs = load_inputs(
        sources.evidence,
        plugin_dirs=sources.plugin_dirs,
        plugins=sources.allowed_plugins,
        host=sources.host,
        keep_going=sources.keep_going,
        records=sources.records,
    )
    given = method.weights
    if isinstance(given, Path):
        return Loaded(inputs, method_settings(method), read_weights(given), given)
    if given is None:
        return Loaded(inputs, method_settings(method), {}, None)
    return Loaded(
        inputs, method_settings(method), checked_weights(given, WEIGHTS_ARGUMENT), WEIGHTS_ARGUMENT
    )


class MethodSettingError(UsageError):
    """A method setting given on its own is not valid; ``setting`` names it."""

    def __init__(self, setting: str, detail: str) -> None:
        self.setting = setting
        self.detail = detail
        super().__init__(f"{setting}: {detail}")


def method_settings(choice: MethodChoice) -> MethodSettings:
    """The method's constants: the defaults, or the method file's, or the settings given;
    then the settings given one by one (MethodSettingError for an invalid one)."""
    given = choice.method
    method = read_method(given) if isinstance(given, Path) else given or DEFAULT_METHOD
    if not choice.overrides:
        return method
    try:
        return type(method).model_validate({**method.model_dump(), **choice.overrides})
    except ValidationError as error:
        detail = error.errors(include_url=False)[0]
        raise MethodSettingError(str(detail["loc"][0]), detail["msg"]) from None


def check(loaded: Loaded, request: RunRequest) -> Checked:
    """The agenda, every problem of the data files and plugins listed at once; then the
    weights against it, and the run's options."""
    from renewal_score.weightsfile import check_weights

    agenda = checked_agenda(loaded.inputs, request.agenda)
    if loaded.weights_origin is not None:
        check_weights(loaded.weights, agenda, loaded.weights_origin)
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


def checked_agenda(inputs: Inputs, choice: AgendaChoice = DEFAULT_CHOICE) -> Agenda:
    """The agenda ``choice`` names, from the plugins and files, checked as a whole.

    DataError lists every problem: of each record on its own and of records together.
    """
    return without_failing_plugins(inputs, lambda: _collect(inputs, choice))


def _collect(inputs: Inputs, choice: AgendaChoice) -> Agenda:
    try:
        agenda = collect_agenda(inputs.host, inputs.data, choice)
    except DataError as error:
        raise DataError([*inputs.problems, *error.problems]) from None
    if inputs.problems:
        raise DataError(inputs.problems)
    return agenda


def without_failing_plugins(inputs: Inputs, step: Callable[[], T]) -> T:
    """Run ``step``; with keep-going, leave out each plugin it blames and run it again."""
    host = inputs.host
    while True:
        try:
            return step()
        except PluginError as error:
            if not inputs.keep_going or error.plugin not in host.names():
                raise
            host.skip(error.plugin, error.detail)
        except DataError as error:
            blamed = {p.plugin for p in error.problems}
            if not inputs.keep_going or not blamed <= host.names():
                raise
            for name in sorted(blamed):
                problems = [p for p in error.problems if p.plugin == name]
                host.skip(name, "; ".join(f"{p.record}: {p.field}: {p.message}" for p in problems))
