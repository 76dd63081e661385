"""``renewal-score trend``: one subject's scores at regular dates."""

from __future__ import annotations

import argparse
import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from renewal_score.cli import parents
from renewal_score.cli.pipeline import Checked, Output, RunRequest, check, load
from renewal_score.clock import today

if TYPE_CHECKING:
    from renewal_score.agenda import Agenda
    from renewal_score.results import Scorecard
    from renewal_score.trend import Every, Trend


HELP = "scores at regular dates"
FROM = f"the first date: {parents.DATE_FORMS}, meaning the end of that period"
DESCRIPTION = "Score the agenda at each date from --from to --to."


def add_parser(commands: parents.Commands, shared: parents.ParentParsers) -> None:
    uses = [shared.inputs, shared.agenda, shared.output, shared.method]
    parser = shared.command(commands, "trend", request_from, uses, HELP, DESCRIPTION)
    date: dict[str, Any] = {"type": parents.period_end, "metavar": "DATE"}
    parser.add_argument("--from", dest="start", required=True, help=FROM, **date)
    parser.add_argument("--to", dest="end", help="the last date (default: today, in UTC)", **date)
    parser.add_argument("--every", choices=["month", "quarter", "year"], default="quarter")
    parser.add_argument(
        "--subject", metavar="ID", help="the subject to score (default: the one with most evidence)"
    )
    parents.add_format(parser, parents.TABLE_FORMATS)


def request_from(args: argparse.Namespace) -> TrendRequest:
    from renewal_score.trend import dates

    points = tuple(dates(args.start, args.end or today(), args.every))
    run = RunRequest(
        parents.sources_from(args),
        points[-1],
        args.subject,
        parents.method_from(args),
        parents.agenda_from(args),
    )
    return TrendRequest(run, points, args.every, parents.output_from(args, parents.TABLE_FORMATS))


@dataclass(frozen=True)
class TrendRequest:
    """Scores of one subject at each of the dates."""

    run: RunRequest
    """Its as-of date is the last of ``points``: that of the HTML report's scorecard."""
    points: tuple[dt.date, ...]
    every: Every
    output: Output

    def prepare(self) -> Checked:
        return check(load(self.run.sources, self.run.method), self.run)

    def compute(self, checked: Checked) -> tuple[Trend, Scorecard | None, Agenda]:
        """The trend; for HTML also the scorecard at the last date, which shows it."""
        from renewal_score.engine import build_scorecard
        from renewal_score.trend import trend

        host = checked.loaded.host
        found = trend(checked.agenda, host, checked.options, self.points, self.every)
        card = None
        if self.output.format == "html":
            card = build_scorecard(checked.agenda, host, checked.options)
        return found, card, checked.agenda

    def render(self, result: tuple[Trend, Scorecard | None, Agenda], width: int) -> str:
        from renewal_score.reports.commands import render_trend
        from renewal_score.reports.html import render_html

        found, card, agenda = result
        if card is not None:
            return render_html(card, agenda=agenda, trend=found)
        return render_trend(found, self.output.format, width)
