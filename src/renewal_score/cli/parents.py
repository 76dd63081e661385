"""The options that commands share, as argparse parent parsers, and what each becomes in a
request, checked once as it is read: ``--debug``; the inputs (``--plugins-dir``,
``--evidence``, ``--keep-going``); the agenda (``--agenda``, ``--replace``,
``--no-builtin-evidence``); the output (``-o`` and ``--format``); ``--as-of``; the method
options (``--weights``, ``--aggregation``, ``--min-grade``, ``--method``,
``--unrated``, ``--min-coverage``, ``--rank-by``)."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from renewal_score.agenda import AgendaChoice
from renewal_score.api import check_grade as check_grade  # also the commands'
from renewal_score.cli.pipeline import AGENDA_ENV, PLUGINS_ENV, MethodChoice, Output, Sources
from renewal_score.clock import today
from renewal_score.errors import UsageError
from renewal_score.escaping import echo
from renewal_score.models import EVENT_DATE_PATTERN, event_date_span

if TYPE_CHECKING:
    from typing import TypeAlias

    from renewal_score.cli.pipeline import Request

    Commands: TypeAlias = argparse._SubParsersAction[argparse.ArgumentParser]
    """What ``add_subparsers`` returns: argparse gives it no public name."""

DATE_FORMS = "YYYY, YYYY-Qn, YYYY-MM or YYYY-MM-DD"
"""The forms of a date on the command line: those of an evidence date."""

SUFFIX_FORMATS = {
    ".txt": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".json": "json",
    ".jsonl": "jsonl",
    ".csv": "csv",
}
"""The format an output file's extension implies."""

ALIASES = {"table": "text"}
"""Other names of a format."""

TABLE_FORMATS = ("text", "markdown", "html", "json", "csv")
"""The formats of the commands that print tables."""


@dataclass(frozen=True)
class ParentParsers:
    """The parent parsers a command's parser is built from."""

    debug: argparse.ArgumentParser
    inputs: argparse.ArgumentParser
    agenda: argparse.ArgumentParser
    output: argparse.ArgumentParser
    as_of: argparse.ArgumentParser
    method: argparse.ArgumentParser

    def command(
        self,
        commands: Commands,
        name: str,
        request: Callable[[argparse.Namespace], Request[Any, Any]],
        uses: Sequence[argparse.ArgumentParser],
        help: str,
        description: str | None = None,
    ) -> argparse.ArgumentParser:
        """Add the parser of a command with --debug and the shared options it ``uses``;
        ``request`` makes its request from the parsed arguments."""
        parser = commands.add_parser(
            name, parents=[self.debug, *uses], help=help, description=description
        )
        parser.set_defaults(request=request)
        return parser


def period_end(text: str) -> dt.date:
    """The last day of the period that a date in any evidence date form names: 2025 is
    2025-12-31, 2025-Q2 2025-06-30, 2025-05 2025-05-31."""
    if re.fullmatch(EVENT_DATE_PATTERN, text):
        with contextlib.suppress(ValueError):  # a date that cannot exist: 2025-02-30
            return event_date_span(text)[1]
    raise argparse.ArgumentTypeError(
        f"{echo(text)} is not a date: expected {DATE_FORMS} (meaning the end of that period)"
    )


DEBUG = "show tracebacks for errors (before or after the command)"


def parent_parsers() -> ParentParsers:
    """The shared options, each in the parent parser of its group."""
    debug = argparse.ArgumentParser(add_help=False)
    # Not set unless given, so that it leaves a --debug given before the command in place.
    debug.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=DEBUG)
    output = argparse.ArgumentParser(add_help=False)
    output.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="FILE",
        help="write to FILE (atomically) instead of standard output; its extension gives the "
        f"format when --format is not given ({', '.join(SUFFIX_FORMATS)})",
    )
    as_of = argparse.ArgumentParser(add_help=False)
    as_of.add_argument(
        "--as-of",
        type=period_end,
        default=None,
        metavar="DATE",
        help="count evidence whose stated date (its whole day, month, quarter or year) has "
        f"passed by DATE: {DATE_FORMS}, meaning the end of that period (default: today, in UTC)",
    )
    return ParentParsers(debug, _inputs(), _agenda(), output, as_of, _method())


def _inputs() -> argparse.ArgumentParser:
    inputs = argparse.ArgumentParser(add_help=False)
    for option, metavar, what in [
        ("--plugins-dir", "DIR", "load every .py file or package in DIR as a plugin"),
        ("--evidence", "PATH", "read the data files PATH: a file, or a folder of them"),
    ]:
        help = f"also {what} (repeatable)"
        inputs.add_argument(
            option, action="append", type=Path, default=[], metavar=metavar, help=help
        )
    inputs.add_argument(
        "--keep-going",
        action="store_true",
        help="leave out plugins that fail, say which and why, and go on with the rest",
    )
    return inputs


def _agenda() -> argparse.ArgumentParser:
    agenda = argparse.ArgumentParser(add_help=False)
    agenda.add_argument(
        "--agenda",
        metavar="ID",
        help=f"the agenda to score (default: ${AGENDA_ENV} if set, else the first declared: the "
        "built-in one when it loads); other agendas' priorities are left out",
    )
    agenda.add_argument(
        "--replace",
        action="store_true",
        help="let a record of the --evidence files replace a plugin's record of the same id "
        "(an edited export), instead of it being a duplicate; the report lists them",
    )
    agenda.add_argument(
        "--no-builtin-evidence",
        dest="builtin_evidence",
        action="store_false",
        help="leave out the evidence and observations of the built-in criteria modules (their "
        "criteria stay): only other plugins' and the --evidence files' count",
    )
    return agenda


def agenda_from(args: argparse.Namespace) -> AgendaChoice:
    """The agenda options, and RENEWAL_SCORE_AGENDA."""
    return AgendaChoice(
        args.agenda or os.environ.get(AGENDA_ENV) or None,
        builtin_evidence=args.builtin_evidence,
        replace=args.replace,
    )


def _method() -> argparse.ArgumentParser:
    method = argparse.ArgumentParser(add_help=False)
    method.add_argument(
        "--weights",
        type=Path,
        metavar="FILE",
        help="TOML file of weights by priority or criterion id, overriding the definitions'",
    )
    method.add_argument(
        "--aggregation",
        default=None,
        metavar="METHOD",
        help="arithmetic, geometric, minimum or a plugin's method, for both levels; or per "
        "level: criteria=METHOD,priorities=METHOD (default: what the agenda declares)",
    )
    method.add_argument(
        "--min-grade",
        metavar="GRADE",
        help="leave out evidence whose grade probability is below that of GRADE (e.g. C3)",
    )
    method.add_argument(
        "--method",
        dest="method_file",
        type=Path,
        metavar="FILE",
        help="TOML file of the method's constants (grade probabilities, status bands, target, "
        "level spacing, certainty thresholds, draws, seed...), overriding the defaults",
    )
    method.add_argument(
        "--unrated",
        choices=["conservative", "available"],
        default=None,
        help="how a criterion without evidence counts: conservative (default: at the lowest "
        "level, widest interval) or available (left out, weights renormalised)",
    )
    method.add_argument(
        "--min-coverage",
        type=float,
        default=None,
        metavar="SHARE",
        help="share of an aggregate's criteria that must be rated for it to be scored (0.5)",
    )
    method.add_argument(
        "--rank-by",
        choices=["gap", "weighted-gap"],
        default=None,
        help="rank priorities by gap to target (default) or by priority weight x gap",
    )
    return method


def add_format(
    parser: argparse.ArgumentParser,
    formats: Sequence[str],
    *,
    aliases: Sequence[str] = (),
    plugins_add: bool = False,
) -> None:
    """The --format option of a command that writes ``formats``, the first by default;
    ``aliases`` are other names (``ALIASES``) the option takes."""
    names = [", ".join(formats), *(f"{alias} is {ALIASES[alias]}" for alias in aliases)]
    if plugins_add:
        names.append("plugins may add formats")
    parser.add_argument(
        "--format",
        choices=None if plugins_add else [*formats, *aliases],
        default=None,
        metavar="FORMAT",
        help=f"{'; '.join(names)} (default: the one -o FILE's extension implies, else "
        f"{formats[0]})",
    )


def output_from(args: argparse.Namespace, formats: Sequence[str]) -> Output:
    """The output file and format: --format, else the one the file's extension implies, else
    the command's first format. UsageError for an extension that implies no format (unless
    --format is given), or another format than --format, or one the command cannot write."""
    path: Path | None = args.output
    given: str | None = args.format
    implied = _implied_format(path, given, formats) if path is not None else None
    chosen = given or implied or formats[0]
    if given is None and chosen not in formats:
        raise UsageError(f"cannot write {chosen} to {path}; give --format ({', '.join(formats)})")
    return Output(path, chosen)


def _implied_format(path: Path, given: str | None, formats: Sequence[str]) -> str | None:
    """The format the output file's extension implies, if it has one; UsageError if it is
    no format's and --format is not given, or another format's than --format (a plugin's
    format, whose extensions are not known, goes to a file of any name)."""
    if not path.suffix:
        return None
    implied = SUFFIX_FORMATS.get(path.suffix.lower())
    if implied is None and given is None:
        known = [suffix for suffix, name in SUFFIX_FORMATS.items() if name in formats]
        raise UsageError(
            f"cannot tell the format of {path} from its extension; give --format, or a file "
            f"name ending in {', '.join(known)}"
        )
    named = ALIASES.get(given, given) if given is not None else None
    if implied is not None and named in SUFFIX_FORMATS.values() and named != implied:
        raise UsageError(
            f"--format {given} does not match -o {path}, whose extension means {implied}"
        )
    return implied


def sources_from(args: argparse.Namespace, paths: Sequence[Path] = ()) -> Sources:
    """What to load: the input options, ``paths`` besides, and RENEWAL_SCORE_PLUGINS."""
    allowed = os.environ.get(PLUGINS_ENV)
    return Sources(
        plugin_dirs=tuple(args.plugins_dir),
        evidence=(*args.evidence, *paths),
        keep_going=args.keep_going,
        allowed_plugins=None if allowed is None else _names(allowed),
    )


def _names(text: str) -> frozenset[str]:
    return frozenset(name.strip() for name in text.split(",") if name.strip())


def as_of_from(args: argparse.Namespace) -> dt.date:
    """--as-of, by default today (in UTC)."""
    as_of: dt.date | None = args.as_of
    return as_of or today()


def method_from(args: argparse.Namespace) -> MethodChoice:
    """The method options, checked for form; the files they name are read when loading."""
    if args.min_grade is not None:
        check_grade(args.min_grade, "--min-grade")
    overrides = {
        "unrated": args.unrated,
        "min_coverage": args.min_coverage,
        "rank_by": args.rank_by,
    }
    criteria, priorities = _aggregations(args.aggregation)
    return MethodChoice(
        weights=args.weights,
        method=args.method_file,
        criteria_aggregation=criteria,
        priorities_aggregation=priorities,
        min_grade=args.min_grade,
        overrides={key: value for key, value in overrides.items() if value is not None},
    )


def _aggregations(text: str | None) -> tuple[str | None, str | None]:
    """The methods of the two levels: one for both, or criteria=METHOD,priorities=METHOD
    (None: the agenda's)."""
    if text is None or "=" not in text:
        return text, text
    levels: dict[str, str | None] = {"criteria": None, "priorities": None}
    for part in text.split(","):
        level, _, name = part.partition("=")
        if level.strip() not in levels or not name.strip():
            raise UsageError(
                f"--aggregation {part!r}: expected criteria=METHOD or priorities=METHOD"
            )
        levels[level.strip()] = name.strip()
    return levels["criteria"], levels["priorities"]
