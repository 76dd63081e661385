"""``renewal-score report``: the scorecard of one subject, in any report format."""

from __future__ import annotations

import argparse
import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from renewal_score.cli import parents
from renewal_score.cli.pipeline import Checked, Output, RunRequest, check, load
from renewal_score.errors import UsageError

if TYPE_CHECKING:
    from renewal_score.agenda import Agenda
    from renewal_score.plugins import Renderer
    from renewal_score.results import Scorecard

FORMATS = ("text", "markdown", "json", "csv", "html")
"""The built-in report formats; a plugin may add more."""


HELP = "print the scoring report"
DESCRIPTION = "Score every priority of the agenda and print the report."


def add_parser(commands: parents.Commands, shared: parents.ParentParsers) -> None:
    uses = [shared.inputs, shared.output, shared.as_of, shared.method]
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
    )
    if args.since is not None and args.since > run.as_of:
        raise UsageError(f"--since {args.since} is after the as-of date {run.as_of}")
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
        renderer = loaded.renderer(self.output.format)
        return check(loaded, self.run), renderer

    def compute(self, stage: tuple[Checked, Renderer]) -> tuple[Scorecard, Agenda, Renderer]:
        from renewal_score.engine import build_scorecard

        checked, renderer = stage
        host = checked.loaded.host
        card = checked.loaded.keeping_going(
            lambda: build_scorecard(checked.agenda, host, checked.options)
        )
        if self.since is not None:
            from renewal_score.changes import explain

            since = self.since
            changes = checked.loaded.keeping_going(
                lambda: explain(checked.agenda, host, checked.options, since)
            )
            card = card.model_copy(update={"changes": changes})
        return card, checked.agenda, renderer

    def render(self, result: tuple[Scorecard, Agenda, Renderer], width: int) -> str:
        from renewal_score.reports import render_with

        card, agenda, renderer = result
        return render_with(renderer, card, agenda, width)
