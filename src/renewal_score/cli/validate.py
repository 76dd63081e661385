"""``renewal-score validate``: check data files against the models and the loaded plugins,
without scoring."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from renewal_score.cli import parents
from renewal_score.cli.pipeline import (
    STANDARD_OUTPUT,
    Checked,
    Output,
    RunRequest,
    check,
    load,
    warn,
)
from renewal_score.clock import today

HELP = "check data files without scoring"
DESCRIPTION = (
    "Check evidence and criteria files against the models and the loaded "
    "plugins; list every problem in every file."
)


def add_parser(commands: parents.Commands, shared: parents.ParentParsers) -> None:
    uses = [shared.inputs, shared.agenda]
    parser = shared.command(commands, "validate", request_from, uses, HELP, DESCRIPTION)
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")


def request_from(args: argparse.Namespace) -> ValidateRequest:
    sources = parents.sources_from(args, args.paths)
    return ValidateRequest(RunRequest(sources, today(), agenda=parents.agenda_from(args)))


@dataclass(frozen=True)
class ValidateRequest:
    """Data files checked with the plugins' agenda, without scoring."""

    run: RunRequest
    output: Output = STANDARD_OUTPUT

    def prepare(self) -> Checked:
        """Each record, and the records against the plugins and each other."""
        return check(load(self.run.sources), self.run)

    def compute(self, checked: Checked) -> dict[str, int]:
        """The records read from each file; a warning for records that look alike."""
        from renewal_score.events import duplicate_warning, likely_duplicates

        for ids in likely_duplicates(checked.agenda.evidence.columns):
            warn(duplicate_warning(ids))
        return {str(path): count for path, count in checked.loaded.inputs.data.counts.items()}

    def render(self, result: dict[str, int], width: int) -> str:
        from renewal_score.reports.formatting import plural

        return "".join(f"{path}: {plural(count, 'record')} ok\n" for path, count in result.items())
