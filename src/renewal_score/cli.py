"""The ``renewal-score`` command line.

Exit codes: 0 success; 1 bad data or a failing plugin (a message, no traceback unless
``--debug``); 2 bad usage. Output files are written atomically, so a failed run never
leaves a partial file or overwrites a good one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from renewal_score import __version__
from renewal_score.errors import DataError, RenewalScoreError, UsageError

PLUGINS_ENV = "RENEWAL_SCORE_PLUGINS"


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (expected YYYY-MM-DD)") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="renewal-score",
        description="Score the priorities of a policy agenda from dated, sourced, graded evidence.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for errors")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    plugin_options = argparse.ArgumentParser(add_help=False)
    plugin_options.add_argument(
        "--plugins-dir",
        action="append",
        type=Path,
        default=[],
        metavar="DIR",
        help="also load every .py file or package in DIR as a plugin (repeatable)",
    )
    output_options = argparse.ArgumentParser(add_help=False)
    output_options.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="FILE",
        help="write to FILE (atomically) instead of standard output",
    )

    report = commands.add_parser(
        "report",
        parents=[plugin_options, output_options],
        help="print the scoring report",
        description="Score every priority and print the report.",
    )
    report.add_argument("--format", choices=["text", "markdown", "json"], default="text")
    report.add_argument(
        "--as-of",
        type=_date,
        default=None,
        metavar="DATE",
        help="count evidence whose stated date (its whole day, month, quarter or year) "
        "has passed by DATE (default: today)",
    )
    report.add_argument(
        "--subject", metavar="ID", help="the subject to score (default: the one with most evidence)"
    )
    report.set_defaults(handler=_report)

    schema = commands.add_parser(
        "schema", parents=[output_options], help="print a model's JSON Schema"
    )
    schema.add_argument("model", choices=["evidence", "criterion", "priority", "scorecard"])
    schema.set_defaults(handler=_schema)

    plugins = commands.add_parser(
        "plugins", parents=[plugin_options, output_options], help="list the loaded plugins"
    )
    plugins.add_argument("--format", choices=["table", "json"], default="table")
    plugins.set_defaults(handler=_plugins)
    return parser


def _allowed_plugins() -> set[str] | None:
    value = os.environ.get(PLUGINS_ENV)
    return None if value is None else {name.strip() for name in value.split(",") if name.strip()}


def _report(args: argparse.Namespace) -> str:
    from renewal_score.api import score
    from renewal_score.render import RENDERERS

    card = score(
        as_of=args.as_of,
        subject=args.subject,
        plugin_dirs=args.plugins_dir,
        plugins=_allowed_plugins(),
    )
    return RENDERERS[args.format](card)


def _schema(args: argparse.Namespace) -> str:
    from renewal_score.models import model_names

    return (
        json.dumps(model_names()[args.model].model_json_schema(), indent=2, sort_keys=True) + "\n"
    )


def _plugins(args: argparse.Namespace) -> str:
    from tabulate import tabulate

    from renewal_score.plugins import load_plugins

    host = load_plugins(args.plugins_dir, only=_allowed_plugins())
    rows = [
        {
            "name": p.name,
            "version": p.version,
            "source": p.source,
            "location": p.location,
            "hooks": host.hooks_of(p.name),
        }
        for p in host.plugins
    ]
    if args.format == "json":
        return json.dumps(rows, indent=2) + "\n"
    table = [[r["name"], r["version"], r["source"], ", ".join(r["hooks"])] for r in rows]
    return tabulate(table, ["name", "version", "source", "hooks"], tablefmt="simple") + "\n"


def write_atomically(path: Path, text: str) -> None:
    """Write text to path via a temporary file in the same folder, then rename over it."""
    descriptor, temporary = tempfile.mkstemp(dir=path.parent or Path("."), prefix=f".{path.name}.")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Callable[[argparse.Namespace], str] = args.handler
    try:
        text = handler(args)
        if args.output is not None:
            write_atomically(args.output, text)
        else:
            sys.stdout.write(text)
    except UsageError as error:
        return _fail(args, f"renewal-score: error: {error}", 2)
    except DataError as error:
        count = len(error.problems)
        return _fail(args, f"{error}\nrenewal-score: {count} problem{'s' * (count != 1)} found", 1)
    except RenewalScoreError as error:
        return _fail(args, f"renewal-score: {error}", 1)
    except OSError as error:
        return _fail(args, f"renewal-score: cannot write {error.filename}: {error.strerror}", 1)
    return 0


def _fail(args: argparse.Namespace, message: str, code: int) -> int:
    if args.debug:
        traceback.print_exc()
    print(message, file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
