"""``renewal-score compare``: several subjects scored side by side, ranked."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from renewal_score.cli import parents
from renewal_score.cli.pipeline import Checked, Output, RunRequest, check, load, unknown
from renewal_score.errors import UsageError

if TYPE_CHECKING:
    from renewal_score.agenda import Agenda
    from renewal_score.trend import Comparison


HELP = "subjects side by side"
DESCRIPTION = "Score several subjects on the same agenda, with z-scores and ranks."


def add_parser(commands: parents.Commands, shared: parents.ParentParsers) -> None:
    uses = [shared.inputs, shared.output, shared.as_of, shared.method]
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
        parents.sources_from(args), parents.as_of_from(args), None, parents.method_from(args)
    )
    return CompareRequest(run, subjects, parents.output_from(args, parents.TABLE_FORMATS))


@dataclass(frozen=True)
class CompareRequest:
    """Several subjects scored with the same options and ranked."""

    run: RunRequest
    subjects: tuple[str, ...] | None
    """None: every subject with evidence."""
    output: Output

    def prepare(self) -> tuple[Checked, list[str]]:
        checked = check(load(self.run.sources, self.run.method), self.run)
        return checked, self._subjects(checked.agenda)

    def _subjects(self, agenda: Agenda) -> list[str]:
        if self.subjects is None:
            columns = agenda.evidence.columns
            subjects = sorted({*columns.subject} | {o.subject for o in agenda.observations})
        else:
            subjects = list(self.subjects)
        missing = [s for s in subjects if s not in agenda.subjects]
        if missing:
            raise UsageError(unknown("subject", missing[0], agenda.subjects))
        if not subjects:
            raise UsageError("no subject to compare")
        return subjects

    def compute(self, stage: tuple[Checked, list[str]]) -> Comparison:
        from renewal_score.trend import compare

        checked, subjects = stage
        options = replace(checked.options, subject=subjects[0])
        return compare(checked.agenda, checked.loaded.host, options, subjects)

    def render(self, result: Comparison, width: int) -> str:
        from renewal_score.reports.commands import render_comparison

        return render_comparison(result, self.output.format, width)
