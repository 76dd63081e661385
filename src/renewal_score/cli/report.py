"""``renewal-score report``: the scorecard of one subject, in any report format."""

from __future__ import annotations

import argparse
import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from renewal_score.cli import parents
from renewal_score.cli.pipeline import Checked, Output, RunRequest, check, load, renderer

if TYPE_CHECKING:
    from renewal_score.agenda import Agenda
    from renewal_score.plugins import Renderer
    from renewal_score.results import Scorecard

FORMATS = ("text", "markdown", "json", "csv", "html")
"""The built-in report formats; a plugin may add more."""


HELP = "print the scoring report"
DESCRIPTION = "Score every priority of the agenda and print the report."


def add_parser(commands: parents.Commands, shared: parents.ParentParsers) -> None:
    uses = [shared.inputs, shared.agenda, shared.output, shared.as_of, shared.method]
    parser = shared.command(commands, "report", request_from, uses, HELP, DESCRIPTION)
    parents.add_format(parser, FORMATS, plugins_add=True)
    parser.add_argument(
        "--subject", metavar="ID", help="the subject to score (default: the one with most evidence)"
    )
    parser.add_argument(
        "--since",
        type=parents.period_end,
        metavar="DATE",
        help="also explain every score's change since DATE (the end of that period) by the "
        "events that arrived or expired in between",
    )


def request_from(args: argparse.Namespace) -> ReportRequest:
    run = RunRequest(
        parents.sources_from(args),
        parents.as_of_from(args),
        args.subject,
        parents.method_from(args),
        parents.agenda_from(args),
    )
    return ReportRequest(run, parents.output_from(args, FORMATS), args.since)


@dataclass(frozen=True)
class ReportRequest:
    """The scorecard of one subject, in a report format."""

    run: RunRequest
    output: Output
    since: dt.date | None = None

    def prepare(self) -> tuple[Checked, Renderer]:
        """The format is looked up among those the plugins add before the agenda is built."""
        loaded = load(self.run.sources, self.run.method)
        chosen = renderer(loaded, self.output.format)
        return check(loaded, self.run), chosen

    def compute(self, stage: tuple[Checked, Renderer]) -> tuple[Scorecard, Agenda, Renderer]:
        from renewal_score.api import scorecard

        checked, chosen = stage
        return scorecard(checked, self.since), checked.agenda, chosen

    def render(self, result: tuple[Scorecard, Agenda, Renderer], width: int) -> str:
        from renewal_score.reports import render_with

        card, agenda, renderer = result
        return render_with(renderer, card, agenda, width)
