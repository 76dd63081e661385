"""``renewal-score new-plugin``: create an installable criteria plugin package to start from."""

from __future__ import annotations

import argparse
import os
import shlex
from dataclasses import dataclass
from pathlib import Path

from renewal_score.cli import parents
from renewal_score.cli.pipeline import STANDARD_OUTPUT, Checked, Output, RunRequest, check, load
from renewal_score.clock import today
from renewal_score.errors import UsageError

HELP = "create a criteria plugin package to start from"
DESCRIPTION = (
    "Create an installable plugin package NAME in DIR: pyproject.toml with the "
    "entry point, a module with hook implementations, criteria and evidence data files, a "
    "README and a test using renewal_score.testing."
)


def add_parser(commands: parents.Commands, shared: parents.ParentParsers) -> None:
    uses = [shared.inputs]
    parser = shared.command(commands, "new-plugin", request_from, uses, HELP, DESCRIPTION)
    parser.add_argument("name", metavar="NAME", help="the plugin's name, e.g. digital-trade")
    parser.add_argument(
        "--dir",
        type=Path,
        default=Path("."),
        metavar="DIR",
        help="where to create the package folder (default: here)",
    )


def request_from(args: argparse.Namespace) -> NewPluginRequest:
    return NewPluginRequest(RunRequest(parents.sources_from(args), today()), args.name, args.dir)


@dataclass(frozen=True)
class NewPluginRequest:
    """A plugin package written to a folder."""

    run: RunRequest
    name: str
    folder: Path
    """Where the package's folder is made."""
    output: Output = STANDARD_OUTPUT

    def prepare(self) -> Checked:
        """The agenda, whose ids the plugin's must not repeat."""
        checked = check(load(self.run.sources), self.run)
        taken = {*checked.agenda.priorities, *checked.agenda.criteria}
        if self.name in taken or f"{self.name}.example" in taken:
            raise UsageError(
                f"{self.name!r} is already a priority or criterion id; choose another name"
            )
        return checked

    def compute(self, checked: Checked) -> Path:
        """The package, its example evidence about the subject with most evidence."""
        from renewal_score import __version__
        from renewal_score.scaffold import new_plugin
        from renewal_score.selection import default_subject

        agenda = checked.agenda
        subject = default_subject(agenda) if agenda.subjects else None
        return new_plugin(
            self.name, self.folder, subject=subject, core_version=__version__, today=self.run.as_of
        )

    def render(self, result: Path, width: int) -> str:
        # A relative folder is shown as ./NAME, so that pip takes it for a path, not a name.
        folder = str(result) if result.is_absolute() else os.path.join(os.curdir, result)
        return f"created {result}\ninstall it with: pip install -e {shlex.quote(folder)}\n"
