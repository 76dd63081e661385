"""``renewal-score compare``: several subjects scored side by side, ranked."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import TYPE_CHECKING

from renewal_score.cli import parents
from renewal_score.cli.pipeline import Checked, Output, RunRequest, check, load

if TYPE_CHECKING:
    from renewal_score.trend import Comparison


HELP = "subjects side by side"
DESCRIPTION = "Score several subjects on the same agenda, with z-scores and ranks."


def add_parser(commands: parents.Commands, shared: parents.ParentParsers) -> None:
    uses = [shared.inputs, shared.agenda, shared.output, shared.as_of, shared.method]
    parser = shared.command(commands, "compare", request_from, uses, HELP, DESCRIPTION)
    parser.add_argument(
        "--subjects",
        metavar="ID,ID",
        default=None,
        help="the subjects to compare (default: every subject with evidence)",
    )
    parents.add_format(parser, parents.TABLE_FORMATS)


def request_from(args: argparse.Namespace) -> CompareRequest:
    subjects = None
    if args.subjects is not None:
        subjects = tuple(s.strip() for s in args.subjects.split(",") if s.strip())
    run = RunRequest(
        parents.sources_from(args),
        parents.as_of_from(args),
        None,
        parents.method_from(args),
        parents.agenda_from(args),
    )
    return CompareRequest(run, subjects, parents.output_from(args, parents.TABLE_FORMATS))


@dataclass(frozen=True)
class CompareRequest:
    """Several subjects scored with the same options and ranked."""

    run: RunRequest
    subjects: tuple[str, ...] | None
    """None: every subject with evidence."""
    output: Output

    def prepare(self) -> Checked:
        return check(load(self.run.sources, self.run.method), self.run)

    def compute(self, checked: Checked) -> Comparison:
        from renewal_score.api import comparison

        return comparison(checked, self.subjects)

    def render(self, result: Comparison, width: int) -> str:
        from renewal_score.reports.commands import render_comparison

        return render_comparison(result, self.output.format, width)
