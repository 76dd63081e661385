"""``renewal-score evidence``: list the evidence loaded, or export it as a data file."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from renewal_score.cli import parents
from renewal_score.cli.pipeline import Checked, Output, RunRequest, check, load, note, unknown
from renewal_score.errors import UsageError
from renewal_score.reports.formatting import plural

if TYPE_CHECKING:
    from renewal_score.models import Evidence

FORMATS = ("text", "markdown", "html", "jsonl", "json", "csv")
DATA_FORMATS = ("jsonl", "json", "csv")
"""The formats that are data files, which --evidence and validate read back."""


HELP = "list the evidence loaded"
DESCRIPTION = (
    "List every evidence record loaded from plugins and data files. The jsonl, "
    "json and csv forms are data files that --evidence and validate read back."
)


def add_parser(commands: parents.Commands, shared: parents.ParentParsers) -> None:
    uses = [shared.inputs, shared.agenda, shared.output, shared.as_of]
    parser = shared.command(commands, "evidence", request_from, uses, HELP, DESCRIPTION)
    parser.add_argument("--criterion", metavar="ID", help="only the evidence for criterion ID")
    parents.add_format(parser, FORMATS, aliases=["table"])


def request_from(args: argparse.Namespace) -> EvidenceRequest:
    run = RunRequest(
        parents.sources_from(args), parents.as_of_from(args), agenda=parents.agenda_from(args)
    )
    return EvidenceRequest(run, args.criterion, parents.output_from(args, FORMATS))


@dataclass(frozen=True)
class EvidenceRequest:
    """The evidence records dated by the as-of date, listed or exported."""

    run: RunRequest
    criterion: str | None
    output: Output

    def prepare(self) -> Checked:
        checked = check(load(self.run.sources), self.run)
        criteria = checked.agenda.criteria
        if self.criterion is not None and self.criterion not in criteria:
            raise UsageError(unknown("criterion", self.criterion, criteria))
        return checked

    def compute(self, checked: Checked) -> tuple[list[Evidence], dict[str, str]]:
        """The records dated by --as-of (saying how many are not), of --criterion if given,
        and where each came from."""
        agenda, as_of = checked.agenda, self.run.as_of
        records = [r for r in agenda.evidence if r.effective_date <= as_of]
        if later := len(agenda.evidence) - len(records):
            note(f"{plural(later, 'record')} dated after {as_of} not listed (see --as-of)")
        if self.criterion is not None:
            records = [r for r in records if r.criterion == self.criterion]
        return records, {r.id: str(agenda.origin(r.id)) for r in records}

    def render(self, result: tuple[Sequence[Evidence], dict[str, str]], width: int) -> str:
        from renewal_score.datafiles import write_evidence
        from renewal_score.reports.commands import render_evidence

        records, origins = result
        if self.output.format in DATA_FORMATS:
            return write_evidence(records, self.output.format)
        return render_evidence(records, origins, self.output.format, width)
