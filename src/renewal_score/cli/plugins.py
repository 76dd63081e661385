"""``renewal-score plugins``: the plugins loaded, from where, with which hooks, and what each
contributes."""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from renewal_score.cli import parents
from renewal_score.cli.pipeline import Loaded, Output, Sources, load
from renewal_score.errors import DataError, Problem

if TYPE_CHECKING:
    from renewal_score.models import AgendaDefinition, Criterion, Priority
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
        contributed = loaded.keeping_going(lambda: _contributions(host))
        rows = [
            PluginRow(
                name=p.name,
                version=p.version,
                source=p.source,
                location=p.location,
                hooks=tuple(host.hooks_of(p.name)),
                agendas=tuple(contributed.agendas.get(p.name, [])),
                priorities=tuple(contributed.priorities.get(p.name, [])),
                criteria=tuple(contributed.criteria.get(p.name, [])),
                evidence=contributed.evidence[p.name],
                observations=contributed.observations[p.name],
            )
            for p in host.plugins
        ]
        return rows + [PluginRow(name=name, left_out=reason) for name, reason in host.skipped]

    def render(self, result: list[PluginRow], width: int) -> str:
        from renewal_score.reports.commands import render_plugins

        return render_plugins(result, self.output.format, width)


@dataclass(frozen=True)
class Contributions:
    """What each plugin registers, by plugin name: ids of agendas, priorities and criteria,
    and how many evidence records and observations."""

    agendas: dict[str, list[str]]
    priorities: dict[str, list[str]]
    criteria: dict[str, list[str]]
    evidence: Counter[str]
    observations: Counter[str]


def _contributions(host: PluginHost) -> Contributions:
    """What each plugin registers; DataError if a plugin's records are invalid."""
    problems: list[Problem] = []
    found = Contributions(
        _ids_by_plugin(host.agendas(problems)),
        _ids_by_plugin(host.priorities(problems)),
        _ids_by_plugin(host.criteria(problems)),
        Counter(name for name, _ in host.evidence(problems)),
        Counter(name for name, _ in host.observations(problems)),
    )
    if problems:
        raise DataError(problems)
    return found


def _ids_by_plugin(
    records: Sequence[tuple[str, AgendaDefinition | Priority | Criterion]],
) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, record in records:
        found.setdefault(name, []).append(record.id)
    return found
