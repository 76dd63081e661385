"""The Python API: from plugins, data files and options to a checked agenda and a scorecard."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from renewal_score.agenda import Agenda, collect_agenda
from renewal_score.clock import today
from renewal_score.datafiles import DataSet, data_files, load_data_files
from renewal_score.engine import build_scorecard
from renewal_score.errors import DataError, PluginError, Problem
from renewal_score.options import RunOptions
from renewal_score.plugins import PluginHost, load_plugins
from renewal_score.results import Scorecard

T = TypeVar("T")


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
) -> Inputs:
    """Load plugins and read data files, keeping the problems of invalid records for later.

    ``evidence`` lists data files or folders of them (TOML, JSON, JSON Lines, CSV);
    ``plugins`` limits which plugins load, by name; ``host`` replaces plugin loading (for
    example one from ``renewal_score.testing.make_host``). With ``keep_going``, plugins that
    fail to load, raise, or supply invalid records are left out (``host.skipped`` says which
    and why); problems in data files still stop the run.
    """
    host = host or load_plugins(plugin_dirs, only=plugins, keep_going=keep_going)
    files, skipped = data_files(evidence)
    problems: list[Problem] = []
    data = load_data_files(files, problems)
    return Inputs(host, data, skipped, problems, keep_going)


def checked_agenda(inputs: Inputs) -> Agenda:
    """The agenda from the plugins and files, checked as a whole.

    DataError lists every problem: of each record on its own and of records together.
    """
    return without_failing_plugins(inputs, lambda: _collect(inputs))


def run(inputs: Inputs, options: RunOptions) -> Scorecard:
    """Check the agenda and score it."""
    return without_failing_plugins(
        inputs, lambda: build_scorecard(_collect(inputs), inputs.host, options)
    )


def _collect(inputs: Inputs) -> Agenda:
    try:
        agenda = collect_agenda(inputs.host, inputs.data)
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


def score(
    *,
    as_of: dt.date | None = None,
    subject: str | None = None,
    evidence: Sequence[Path] = (),
    weights: Mapping[str, float] | None = None,
    aggregation: str = "arithmetic",
    plugin_dirs: Sequence[Path] = (),
    plugins: Collection[str] | None = None,
    host: PluginHost | None = None,
    keep_going: bool = False,
) -> Scorecard:
    """Score the agenda that the plugins and data files define, as of a date (default: today
    in UTC).

    ``evidence`` adds data files; ``weights`` overrides priority and criterion weights by id;
    ``aggregation`` names the method for both levels; the other arguments are those of
    ``load_inputs``.
    """
    inputs = load_inputs(
        evidence, plugin_dirs=plugin_dirs, plugins=plugins, host=host, keep_going=keep_going
    )
    options = RunOptions(
        as_of=as_of or today(),
        subject=subject,
        weights=weights or {},
        criteria_aggregation=aggregation,
        priorities_aggregation=aggregation,
    )
    return run(inputs, options)
