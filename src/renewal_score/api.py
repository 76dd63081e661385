"""The Python API: from plugins, data files and options to a checked agenda and a scorecard."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path

from renewal_score.agenda import Agenda, collect_agenda
from renewal_score.datafiles import data_files, load_data_files
from renewal_score.engine import RunOptions, build_scorecard
from renewal_score.errors import DataError, Problem
from renewal_score.models import Scorecard
from renewal_score.plugins import PluginHost, load_plugins


def load_agenda(
    evidence: Sequence[Path] = (),
    *,
    plugin_dirs: Sequence[Path] = (),
    plugins: Collection[str] | None = None,
    host: PluginHost | None = None,
) -> tuple[PluginHost, Agenda, list[Path]]:
    """Load plugins and data files and check them together.

    ``evidence`` lists data files or folders of them (TOML, JSON, JSON Lines, CSV).
    Returns the plugin host, the checked agenda, and the files in those folders that were
    not read because they are not data files. DataError lists every problem in every file.
    """
    host = host or load_plugins(plugin_dirs, only=plugins)
    files, skipped = data_files(evidence)
    problems: list[Problem] = []
    data = load_data_files(files, problems)
    try:
        agenda = collect_agenda(host, data)
    except DataError as error:
        problems.extend(error.problems)
    if problems:
        raise DataError(problems)
    return host, agenda, skipped


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
) -> Scorecard:
    """Score the agenda that the plugins and data files define, as of a date (default: today).

    ``evidence`` adds data files; ``weights`` overrides priority and criterion weights by id;
    ``aggregation`` names the method for both levels; ``plugins`` limits which plugins load,
    by name; ``host`` replaces plugin loading entirely (for example one from
    ``renewal_score.testing.make_host``).
    """
    host, agenda, _ = load_agenda(evidence, plugin_dirs=plugin_dirs, plugins=plugins, host=host)
    options = RunOptions(
        as_of=as_of or dt.date.today(),
        subject=subject,
        weights=weights or {},
        criteria_aggregation=aggregation,
        priorities_aggregation=aggregation,
    )
    return build_scorecard(agenda, host, options)
