"""``renewal-score plugins``: the plugins loaded, from where, with which hooks, and what each
contributes."""

from __future__ import annotations

import argparse
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from renewal_score.cli import parents
from renewal_score.cli.pipeline import Loaded, Output, Sources, load
from renewal_score.errors import DataError, Problem

if TYPE_CHECKING:
    from renewal_score.models import Criterion, Priority
    from renewal_score.plugins import PluginHost
    from renewal_score.reports.commands import PluginRow


HELP = "list the loaded plugins"


def add_parser(commands: parents.Commands, shared: parents.ParentParsers) -> None:
    uses = [shared.inputs, shared.output]
    parser = shared.command(commands, "plugins", request_from, uses, HELP)
    parents.add_format(parser, parents.TABLE_FORMATS, aliases=["table"])


def request_from(args: argparse.Namespace) -> PluginsRequest:
    return PluginsRequest(
        parents.sources_from(args), parents.output_from(args, parents.TABLE_FORMATS)
    )


@dataclass(frozen=True)
class PluginsRequest:
    """The plugins that load, and what each contributes."""

    sources: Sources
    output: Output

    def prepare(self) -> Loaded:
        """The plugins alone: the agenda they make is not checked, so that they are listed
        even when it is invalid."""
        return load(self.sources)

    def compute(self, loaded: Loaded) -> list[PluginRow]:
        """A row per plugin loaded, with the records it contributes, then one per plugin
        left out."""
        from renewal_score.reports.commands import PluginRow

        host = loaded.host
        priorities, criteria, evidence = loaded.keeping_going(lambda: _contributions(host))
        rows = [
            PluginRow(
                name=p.name,
                version=p.version,
                source=p.source,
                location=p.location,
                hooks=tuple(host.hooks_of(p.name)),
                priorities=tuple(priorities.get(p.name, [])),
                criteria=tuple(criteria.get(p.name, [])),
                evidence=evidence.get(p.name, 0),
            )
            for p in host.plugins
        ]
        return rows + [PluginRow(name=name, left_out=reason) for name, reason in host.skipped]

    def render(self, result: list[PluginRow], width: int) -> str:
        from renewal_score.reports.commands import render_plugins

        return render_plugins(result, self.output.format, width)


def _contributions(
    host: PluginHost,
) -> tuple[dict[str, list[str]], dict[str, list[str]], Counter[str]]:
    """The ids of the priorities and criteria each plugin registers, and how many evidence
    records; DataError if a plugin's records are invalid."""
    from renewal_score.models import Criterion, Evidence, Priority

    problems: list[Problem] = []
    priorities = _ids_by_plugin(host, "register_priorities", Priority, problems)
    criteria = _ids_by_plugin(host, "register_criteria", Criterion, problems)
    records = host.collect("register_evidence", Evidence, problems)
    if problems:
        raise DataError(problems)
    return priorities, criteria, Counter(name for name, _ in records)


def _ids_by_plugin(
    host: PluginHost, hook: str, model: type[Priority | Criterion], problems: list[Problem]
) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, record in host.collect(hook, model, problems):
        found.setdefault(name, []).append(record.id)
    return found
