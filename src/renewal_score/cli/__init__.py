"""The ``renewal-score`` command line: one module per command, as tox 4 arranges its own.

A command's module adds its parser (from the shared options of ``parents``) and turns the
parsed arguments into a request, checking them once; ``pipeline.run`` takes the request
through loading, checking, computing, rendering and writing.

Exit codes: 0 success; 1 bad data, a failing plugin or an output that cannot be written (a
message, no traceback unless ``--debug``); 2 bad usage. Output files are written
atomically, so a failed run never leaves a partial file or overwrites a good one.
"""

from __future__ import annotations

import argparse
import gc
import io
import sys
import traceback
from collections.abc import Sequence

from renewal_score import __version__
from renewal_score.cli import (
    compare,
    evidence,
    new_plugin,
    plugins,
    report,
    schema,
    sensitivity,
    trend,
    validate,
)
from renewal_score.cli.parents import DEBUG, parent_parsers
from renewal_score.cli.pipeline import run
from renewal_score.errors import DataError, RenewalScoreError, UsageError
from renewal_score.escaping import printable
from renewal_score.reports.formatting import plural

__all__ = ["build_parser", "main"]

COMMANDS = (report, trend, compare, sensitivity, validate, evidence, schema, new_plugin, plugins)
"""The modules of the commands, in the order the help lists them."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="renewal-score",
        description="Score the priorities of a policy agenda from dated, sourced, graded evidence.",
    )
    parser.add_argument("-V", "--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--debug", action="store_true", help=DEBUG)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    shared = parent_parsers()
    for command in COMMANDS:
        command.add_parser(commands, shared)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # A run may hold millions of long-lived objects (columns, events): a young generation of
    # 100,000 allocations rather than 700 keeps the collector from rescanning them.
    gc.set_threshold(100_000, 20, 100)
    _write_unencodable_as_escapes()
    args = build_parser().parse_args(argv)
    try:
        run(args.request(args))
    except UsageError as error:
        return _fail(args, f"renewal-score: error: {error}", 2)
    except DataError as error:
        count = len(error.problems)
        return _fail(args, f"{error}\nrenewal-score: {plural(count, 'problem')} found", 1)
    except RenewalScoreError as error:
        return _fail(args, f"renewal-score: {error}", 1)
    except OSError as error:  # creating a plugin package's folder, reading a plugin folder
        where = f"{error.filename}: " if error.filename else ""
        return _fail(args, f"renewal-score: {where}{error.strerror or error}", 1)
    return 0


def _write_unencodable_as_escapes() -> None:
    """Characters that standard output's or error's encoding lacks (an en dash with
    PYTHONIOENCODING=latin-1) are written as escapes such as ``\\u2013`` instead of failing."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")


def _fail(args: argparse.Namespace, message: str, code: int) -> int:
    if args.debug:
        traceback.print_exc()
    print(printable(message, keep="\n"), file=sys.stderr)
    return code
