"""The ``renewal-score`` command line.

Exit codes: 0 success; 1 bad data or a failing plugin (a message, no traceback unless
``--debug``); 2 bad usage. Output files are written atomically, so a failed run never
leaves a partial file or overwrites a good one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import re
import sys
import traceback
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from renewal_score import __version__
from renewal_score.api import Inputs, checked_agenda, load_inputs, without_failing_plugins
from renewal_score.clock import today
from renewal_score.errors import (
    DataError,
    OutputError,
    Problem,
    RenewalScoreError,
    UsageError,
    did_you_mean,
)
from renewal_score.escaping import LAYOUT, echo, printable
from renewal_score.outputs import write_output
from renewal_score.plugins import UnknownPluginError
from renewal_score.results import schema_models

if TYPE_CHECKING:
    from renewal_score.agenda import Agenda
    from renewal_score.method import MethodSettings
    from renewal_score.options import RunOptions

PLUGINS_ENV = "RENEWAL_SCORE_PLUGINS"
TABLE_FORMATS = ["text", "markdown", "html", "json", "csv"]


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

    inputs = argparse.ArgumentParser(add_help=False)
    inputs.add_argument(
        "--plugins-dir",
        action="append",
        type=Path,
        default=[],
        metavar="DIR",
        help="also load every .py file or package in DIR as a plugin (repeatable)",
    )
    inputs.add_argument(
        "--evidence",
        action="append",
        type=Path,
        default=[],
        metavar="PATH",
        help="also read the data files PATH (a file, or a folder of them; repeatable)",
    )
    inputs.add_argument(
        "--keep-going",
        action="store_true",
        help="leave out plugins that fail, say which and why, and go on with the rest",
    )
    output = argparse.ArgumentParser(add_help=False)
    output.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="FILE",
        help="write to FILE (atomically) instead of standard output",
    )

    as_of = argparse.ArgumentParser(add_help=False)
    as_of.add_argument(
        "--as-of",
        type=_date,
        default=None,
        metavar="DATE",
        help="count evidence whose stated date (its whole day, month, quarter or year) "
        "has passed by DATE (default: today, in UTC)",
    )
    method = argparse.ArgumentParser(add_help=False)
    method.add_argument(
        "--weights",
        type=Path,
        metavar="FILE",
        help="TOML file of weights by priority or criterion id, overriding the definitions'",
    )
    method.add_argument(
        "--aggregation",
        default="arithmetic",
        metavar="METHOD",
        help="arithmetic (default), geometric, minimum or a plugin's method, for both levels; "
        "or per level: criteria=METHOD,priorities=METHOD",
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

    report = commands.add_parser(
        "report",
        parents=[inputs, output, as_of, method],
        help="print the scoring report",
        description="Score every priority of the agenda and print the report.",
    )
    report.add_argument(
        "--format",
        default=None,
        metavar="NAME",
        help="text (default), markdown, json, or a format a plugin adds",
    )
    report.add_argument(
        "--subject", metavar="ID", help="the subject to score (default: the one with most evidence)"
    )
    report.set_defaults(handler=_report)

    trend = commands.add_parser(
        "trend",
        parents=[inputs, output, method],
        help="scores at regular dates",
        description="Score the agenda at each date from --from to --to.",
    )
    trend.add_argument("--from", dest="start", type=_date, required=True, metavar="DATE")
    trend.add_argument(
        "--to",
        dest="end",
        type=_date,
        default=None,
        metavar="DATE",
        help="the last date (default: today, in UTC)",
    )
    trend.add_argument("--every", choices=["month", "quarter", "year"], default="quarter")
    trend.add_argument(
        "--subject", metavar="ID", help="the subject to score (default: the one with most evidence)"
    )
    trend.add_argument("--format", choices=TABLE_FORMATS, default=None)
    trend.set_defaults(handler=_trend, format_choices=TABLE_FORMATS)

    compare = commands.add_parser(
        "compare",
        parents=[inputs, output, as_of, method],
        help="subjects side by side",
        description="Score several subjects on the same agenda, with z-scores and ranks.",
    )
    compare.add_argument(
        "--subjects",
        metavar="ID,ID",
        default=None,
        help="the subjects to compare (default: every subject with evidence)",
    )
    compare.add_argument("--format", choices=TABLE_FORMATS, default=None)
    compare.set_defaults(handler=_compare, format_choices=TABLE_FORMATS)

    sensitivity = commands.add_parser(
        "sensitivity",
        parents=[inputs, output, as_of, method],
        help="how robust the scores and the recommendation are",
        description="Monte Carlo over the choices behind the scores (weights, aggregation "
        "method, evidence grade bar): intervals, how often each priority is the top "
        "recommendation, variance-based sensitivity indices, remove-one-criterion, and the "
        "smallest weight change that flips the recommendation.",
    )
    sensitivity.add_argument("--samples", type=_positive, default=1000, metavar="N")
    sensitivity.add_argument("--seed", type=int, default=0, metavar="S")
    sensitivity.add_argument(
        "--band",
        type=float,
        default=0.25,
        metavar="FRACTION",
        help="weights vary uniformly within +-FRACTION of nominal (0.25)",
    )
    sensitivity.add_argument(
        "--dirichlet",
        type=float,
        default=None,
        metavar="CONCENTRATION",
        help="draw weights from a Dirichlet around nominal instead",
    )
    sensitivity.add_argument(
        "--grade-bars",
        default="C3,B2",
        metavar="GRADE,GRADE",
        help="evidence grade bars sampled besides keeping all (C3,B2)",
    )
    sensitivity.add_argument(
        "--subject", metavar="ID", help="the subject analysed (default: the one with most evidence)"
    )
    sensitivity.add_argument(
        "--all-subjects", action="store_true", help="also report intervals for every other subject"
    )
    sensitivity.add_argument("--format", choices=TABLE_FORMATS, default=None)
    sensitivity.set_defaults(handler=_sensitivity, format_choices=TABLE_FORMATS)

    validate = commands.add_parser(
        "validate",
        parents=[inputs],
        help="check data files without scoring",
        description="Check evidence and criteria files against the models and the loaded "
        "plugins; list every problem in every file.",
    )
    validate.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    validate.set_defaults(handler=_validate, output=None)

    evidence = commands.add_parser(
        "evidence",
        parents=[inputs, output, as_of],
        help="list the evidence loaded",
        description="List every evidence record loaded from plugins and data files. The jsonl, "
        "json and csv forms are data files that --evidence and validate read back.",
    )
    evidence.add_argument("--criterion", metavar="ID", help="only the evidence for criterion ID")
    evidence.add_argument(
        "--format",
        choices=["text", "table", "markdown", "html", "jsonl", "json", "csv"],
        default=None,
        help="text (default; also 'table'), or a data file format: jsonl, json, csv",
    )
    evidence.set_defaults(
        handler=_evidence, format_choices=["text", "markdown", "html", "jsonl", "json", "csv"]
    )

    schema = commands.add_parser("schema", parents=[output], help="print a model's JSON Schema")
    schema.add_argument("model", choices=sorted(schema_models()))
    schema.set_defaults(handler=_schema)

    scaffold = commands.add_parser(
        "new-plugin",
        parents=[inputs],
        help="create a criteria plugin package to start from",
        description="Create an installable plugin package NAME in DIR: pyproject.toml with the "
        "entry point, a module with hook implementations, criteria and evidence data files, a "
        "README and a test using renewal_score.testing.",
    )
    scaffold.add_argument("name", metavar="NAME", help="the plugin's name, e.g. digital-trade")
    scaffold.add_argument(
        "--dir",
        type=Path,
        default=Path("."),
        metavar="DIR",
        help="where to create the package folder (default: here)",
    )
    scaffold.set_defaults(handler=_new_plugin, output=None)

    plugins = commands.add_parser(
        "plugins", parents=[inputs, output], help="list the loaded plugins"
    )
    plugins.add_argument(
        "--format",
        choices=["text", "table", "markdown", "html", "json", "csv"],
        default=None,
        help="text (default; also 'table') or json",
    )
    plugins.set_defaults(handler=_plugins, format_choices=TABLE_FORMATS)
    return parser


def _allowed_plugins() -> set[str] | None:
    value = os.environ.get(PLUGINS_ENV)
    return None if value is None else {name.strip() for name in value.split(",") if name.strip()}


def _inputs(args: argparse.Namespace, paths: Sequence[Path] = ()) -> Inputs:
    try:
        inputs = load_inputs(
            [*args.evidence, *paths],
            plugin_dirs=args.plugins_dir,
            plugins=_allowed_plugins(),
            keep_going=args.keep_going,
        )
    except UnknownPluginError as error:
        raise UsageError(f"{PLUGINS_ENV}: {error}") from None
    for path in inputs.skipped_files:
        _note(f"{path} is not a data file; skipped")
    return inputs


def _run_options(args: argparse.Namespace, agenda: Agenda, subject: str | None) -> RunOptions:
    """The scoring options the method arguments ask for, checked against the agenda."""
    from renewal_score.options import RunOptions
    from renewal_score.weightsfile import check_weights, read_weights

    weights: dict[str, float] = {}
    if args.weights is not None:
        weights = read_weights(args.weights)
        check_weights(weights, agenda, args.weights)
    levels = {"criteria": args.aggregation, "priorities": args.aggregation}
    if "=" in args.aggregation:
        levels = {"criteria": "arithmetic", "priorities": "arithmetic"}
        for part in args.aggregation.split(","):
            level, _, name = part.partition("=")
            if level.strip() not in levels or not name.strip():
                raise UsageError(
                    f"--aggregation {part!r}: expected criteria=METHOD or priorities=METHOD"
                )
            levels[level.strip()] = name.strip()
    method = _method_settings(args)
    min_grade = 0.0
    if args.min_grade is not None:
        min_grade = _grade_support(args.min_grade, "--min-grade", method)
    return RunOptions(
        as_of=getattr(args, "as_of", None) or today(),
        subject=subject,
        weights=weights,
        criteria_aggregation=levels["criteria"],
        priorities_aggregation=levels["priorities"],
        min_grade=min_grade,
        method=method,
    )


def _method_settings(args: argparse.Namespace) -> MethodSettings:
    """The method's constants: the defaults, then the --method file, then single options."""
    from pydantic import ValidationError

    from renewal_score.method import DEFAULT_METHOD, read_method

    method = DEFAULT_METHOD if args.method_file is None else read_method(args.method_file)
    overrides = {
        "unrated": args.unrated,
        "min_coverage": args.min_coverage,
        "rank_by": args.rank_by,
    }
    given = {key: value for key, value in overrides.items() if value is not None}
    if not given:
        return method
    try:
        return type(method).model_validate({**method.model_dump(), **given})
    except ValidationError as error:
        detail = error.errors(include_url=False)[0]
        option = "--" + str(detail["loc"][0]).replace("_", "-")
        raise UsageError(f"{option}: {detail['msg']}") from None


def _report(args: argparse.Namespace) -> str:
    from renewal_score.engine import build_scorecard
    from renewal_score.reports import render_with

    inputs = _inputs(args)
    formats = without_failing_plugins(inputs, inputs.host.formats)
    if args.format not in formats:
        raise UsageError(_unknown_id("format", args.format, formats))
    agenda = checked_agenda(inputs)
    options = _run_options(args, agenda, args.subject)
    card = without_failing_plugins(inputs, lambda: build_scorecard(agenda, inputs.host, options))
    return render_with(formats[args.format], card, agenda)


def _trend(args: argparse.Namespace) -> str:
    from renewal_score.engine import build_scorecard
    from renewal_score.reports.html import render_html
    from renewal_score.reports.tabular import render_tables
    from renewal_score.trend import dates, trend

    inputs = _inputs(args)
    agenda = checked_agenda(inputs)
    points = dates(args.start, args.end or today(), args.every)
    options = _run_options(args, agenda, args.subject)
    result = trend(agenda, inputs.host, options, points, args.every)
    if args.format == "json":
        return result.model_dump_json(indent=2) + "\n"
    if args.format == "html":  # the scorecard at the last date, with the trend chart
        card = build_scorecard(agenda, inputs.host, replace(options, as_of=points[-1]))
        return render_html(card, agenda=agenda, trend=result)
    ids = list(result.points[0].priorities) if result.points else []
    if args.format == "csv":
        ids += list(result.points[0].criteria) if result.points else []
    headers = ["as_of", "overall", "p05", "p95", "rated", "criteria", *ids]
    rows = [
        [
            p.as_of.isoformat(),
            p.overall,
            p.overall_low,
            p.overall_high,
            p.rated,
            p.criteria_count,
            *[{**p.priorities, **p.criteria}[i] for i in ids],
        ]
        for p in result.points
    ]
    title = f"Scores of {result.subject} every {args.every}"
    note = (
        "p05, p95: the overall index's 5-95 % interval. rated: criteria rated by evidence at "
        "each date, of all criteria. Scores at dates with fewer criteria rated rest on less "
        "evidence; below the minimum coverage they cannot be rated."
    )
    return render_tables(title, [("Scores by date", headers, rows)], args.format, note)


def _compare(args: argparse.Namespace) -> str:
    from renewal_score.reports.tabular import render_tables
    from renewal_score.trend import compare

    inputs = _inputs(args)
    agenda = checked_agenda(inputs)
    subjects = _subject_list(args.subjects, agenda)
    result = compare(agenda, inputs.host, _run_options(args, agenda, subjects[0]), subjects)
    if args.format == "json":
        return result.model_dump_json(indent=2) + "\n"
    headers = ["subject", "rank", "overall", "z", "rated", "criteria", "flag"]
    headers += list(result.priorities)
    rows = [
        [
            row.subject,
            row.rank,
            row.overall,
            row.z_score,
            row.rated,
            row.criteria_count,
            "coverage" if row.coverage_flag else "",
            *row.priorities.values(),
        ]
        for row in result.subjects
    ]
    title = "Subjects compared, as of " + result.as_of.isoformat()
    note = (
        f"rank 1 = highest overall score. rated: criteria rated by evidence; criteria without "
        f"evidence count as {result.unrated}; below {result.min_coverage:.0%} of criteria rated "
        "a subject cannot be rated. flag 'coverage': ranked above a subject with more criteria "
        "rated, so the order may owe something to missing evidence."
    )
    return render_tables(title, [("Subjects by rank", headers, rows)], args.format, note)


def _subject_list(text: str | None, agenda: Agenda) -> list[str]:
    if text is None:
        subjects = sorted(
            {*agenda.evidence.columns.subject} | {o.subject for o in agenda.observations}
        )
    else:
        subjects = [s.strip() for s in text.split(",") if s.strip()]
    unknown = [s for s in subjects if s not in agenda.subjects]
    if unknown:
        raise UsageError(_unknown_id("subject", unknown[0], agenda.subjects))
    if not subjects:
        raise UsageError("no subject to compare")
    return subjects


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} is not a positive number")
    return value


def _grade_support(grade: str, option: str, method: MethodSettings) -> float:
    """The probability of a grade given as a bar, rounded as the report prints it."""
    if not re.fullmatch(r"[A-F][1-6]", grade):
        raise UsageError(f"{option} {grade!r} is not a grade such as C3")
    return round(method.support(grade), 4)


def _sensitivity(args: argparse.Namespace) -> str:
    from renewal_score.engine import build_scorecard
    from renewal_score.reports.html import render_html
    from renewal_score.reports.sensitivity import sensitivity_summary, sensitivity_tables
    from renewal_score.reports.tabular import render_tables
    from renewal_score.selection import default_subject
    from renewal_score.sensitivity import (
        METHODS,
        SensitivitySettings,
        build_problem,
        run_sensitivity,
    )

    inputs = _inputs(args)
    agenda = checked_agenda(inputs)
    options = _run_options(args, agenda, args.subject)
    focus = args.subject or default_subject(agenda)
    if focus not in agenda.subjects:
        raise UsageError(_unknown_id("subject", focus, agenda.subjects))
    bars = [
        _grade_support(g.strip(), "--grade-bars", options.method)
        for g in args.grade_bars.split(",")
        if g.strip()
    ]
    thresholds = tuple(dict.fromkeys([options.min_grade, *bars]))  # nominal first, once
    nominal = options.criteria_aggregation
    if nominal != options.priorities_aggregation or nominal not in METHODS:
        raise UsageError(
            "sensitivity varies one aggregation method for both levels among "
            f"{', '.join(METHODS)}; give one of them with --aggregation"
        )
    subjects = list(agenda.subjects) if args.all_subjects else [focus]
    try:
        settings = SensitivitySettings(
            samples=args.samples, seed=args.seed, weight_band=args.band, dirichlet=args.dirichlet
        )
    except ValueError as error:
        raise UsageError(str(error)) from None
    problem = build_problem(
        agenda,
        inputs.host,
        as_of=options.as_of,
        focus=focus,
        subjects=subjects,
        thresholds=thresholds,
        methods=(nominal, *(m for m in METHODS if m != nominal)),
        weights=options.weights,
        method=options.method,
    )
    result = run_sensitivity(problem, settings, _progress_bar() if sys.stderr.isatty() else None)
    titles = {p.id: p.title for p in agenda.priorities.values()}
    summary = sensitivity_summary(result.to_dict(), titles, options.as_of)
    if args.format == "json":
        return json.dumps(summary, indent=2, ensure_ascii=False) + "\n"
    if args.format == "html":  # the scorecard with the intervals as whiskers
        card = build_scorecard(agenda, inputs.host, replace(options, subject=focus))
        intervals = {p["id"]: (p["p05"], p["median"], p["p95"]) for p in summary["priorities"]}
        return render_html(card, agenda=agenda, intervals=intervals)
    title, tables, note = sensitivity_tables(summary)
    return render_tables(title, tables, args.format, note)


def _progress_bar() -> Callable[[int, int], None]:
    def show(done: int, total: int) -> None:
        filled = 30 * done // max(total, 1)
        end = "\n" if done >= total else ""
        print(
            f"\rsampling [{'#' * filled}{'.' * (30 - filled)}] {done}/{total}",
            end=end,
            file=sys.stderr,
            flush=True,
        )

    return show


def _validate(args: argparse.Namespace) -> str:
    from renewal_score.events import duplicate_warning, likely_duplicates

    inputs = _inputs(args, args.paths)
    agenda = checked_agenda(inputs)  # each record, and against the plugins and each other
    for ids in likely_duplicates(agenda.evidence.columns):
        print(f"renewal-score: warning: {duplicate_warning(ids)}", file=sys.stderr)
    counts = inputs.data.counts
    return "".join(f"{path}: {_count(count, 'record')} ok\n" for path, count in counts.items())


def _evidence(args: argparse.Namespace) -> str:
    from renewal_score.datafiles import write_evidence

    agenda = checked_agenda(_inputs(args))
    as_of = args.as_of or today()
    records = [r for r in agenda.evidence if r.effective_date <= as_of]
    if later := len(agenda.evidence) - len(records):
        _note(f"{_count(later, 'record')} dated after {as_of} not listed (see --as-of)")
    if args.criterion is not None:
        if args.criterion not in agenda.criteria:
            raise UsageError(_unknown_id("criterion", args.criterion, agenda.criteria))
        records = [r for r in records if r.criterion == args.criterion]
    if args.format in ("jsonl", "json", "csv"):
        return write_evidence(records, args.format)
    from renewal_score.reports.tabular import evidence_table, render_tables

    if args.format in ("text", "table"):
        return evidence_table(records, {r.id: str(agenda.origin(r.id)) for r in records})
    headers = [
        "id",
        "date",
        "criterion",
        "level",
        "effect",
        "kind",
        "grade",
        "statement",
        "source",
        "from",
    ]
    rows = [
        [
            r.id,
            r.date,
            r.criterion,
            r.level,
            r.effect,
            r.kind,
            r.grade,
            r.statement,
            r.source.title,
            str(agenda.origin(r.id)),
        ]
        for r in records
    ]
    return render_tables("Evidence records", [("Evidence records", headers, rows)], args.format)


def _schema(args: argparse.Namespace) -> str:
    schema = schema_models()[args.model].model_json_schema()
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def _plugins(args: argparse.Namespace) -> str:
    from tabulate import tabulate

    from renewal_score.models import Criterion, Evidence, Priority

    inputs = _inputs(args)
    host = inputs.host

    def ids_by_plugin(
        hook: str, model: type[Priority | Criterion], problems: list[Problem]
    ) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for name, record in host.collect(hook, model, problems):
            found.setdefault(name, []).append(record.id)
        return found

    def contributions() -> tuple[dict[str, list[str]], dict[str, list[str]], Counter[str]]:
        problems: list[Problem] = []
        priorities = ids_by_plugin("register_priorities", Priority, problems)
        criteria = ids_by_plugin("register_criteria", Criterion, problems)
        records = host.collect("register_evidence", Evidence, problems)
        if problems:
            raise DataError(problems)
        return priorities, criteria, Counter(name for name, _ in records)

    priorities, criteria, evidence = without_failing_plugins(inputs, contributions)
    rows = [
        {
            "name": p.name,
            "version": p.version,
            "source": p.source,
            "location": p.location,
            "hooks": host.hooks_of(p.name),
            "priorities": priorities.get(p.name, []),
            "criteria": criteria.get(p.name, []),
            "evidence": evidence.get(p.name, 0),
            "left_out": None,
        }
        for p in host.plugins
    ]
    left_out = [
        {
            "name": name,
            "version": "",
            "source": "",
            "location": "",
            "hooks": [],
            "priorities": [],
            "criteria": [],
            "evidence": 0,
            "left_out": reason,
        }
        for name, reason in host.skipped
    ]
    if args.format == "json":
        return json.dumps([*rows, *left_out], indent=2) + "\n"
    notes = "".join(f"left out: plugin {r['name']!r}: {r['left_out']}\n" for r in left_out)
    separator = "\n" if args.format in ("text", "table") else " "
    table = [
        [
            p.name,
            p.version,
            p.source,
            separator.join(host.hooks_of(p.name)),
            separator.join([*priorities.get(p.name, []), *criteria.get(p.name, [])]),
            str(evidence.get(p.name, 0)),
        ]
        for p in host.plugins
    ]
    headers = ["name", "version", "source", "hooks", "priorities, criteria", "evidence"]
    if args.format in ("text", "table"):
        return tabulate(table, headers, tablefmt="simple", disable_numparse=True) + "\n" + notes
    from renewal_score.reports.tabular import render_tables

    return render_tables("Plugins", [("Plugins loaded", headers, table)], args.format, notes)


def _new_plugin(args: argparse.Namespace) -> str:
    from renewal_score.scaffold import new_plugin
    from renewal_score.selection import default_subject

    agenda = checked_agenda(_inputs(args))
    taken = {*agenda.priorities, *agenda.criteria}
    if args.name in taken or f"{args.name}.example" in taken:
        raise UsageError(
            f"{args.name!r} is already a priority or criterion id; choose another name"
        )
    subject = default_subject(agenda) if agenda.subjects else None
    folder = new_plugin(
        args.name, args.dir, subject=subject, core_version=__version__, today=today()
    )
    return f"created {folder}\ninstall it with: pip install {folder}\n"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _unknown_id(kind: str, value: str, known: Iterable[str]) -> str:
    return f"unknown {kind} {echo(value)}{did_you_mean(value, known, list_known=True)}"


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
"""The format an output file's extension implies when --format is not given."""


def _infer_format(args: argparse.Namespace) -> None:
    """Set --format from the output file's extension when it is not given (else text)."""
    if getattr(args, "format", "") is not None:
        return
    output = args.output
    args.format = SUFFIX_FORMATS.get(output.suffix.lower(), "text") if output else "text"
    choices = getattr(args, "format_choices", None)
    if choices is not None and args.format not in choices:
        raise UsageError(
            f"cannot write {args.format} to {output}; give --format ({', '.join(choices)})"
        )


TERMINAL_FORMATS = ("text", "table", "markdown")
"""Formats meant for a terminal or a document, in which control characters are escaped."""


def main(argv: Sequence[str] | None = None) -> int:
    _write_unencodable_as_escapes()
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Callable[[argparse.Namespace], str] = args.handler
    try:
        _infer_format(args)
        _write_result(args, handler(args))
    except UsageError as error:
        return _fail(args, f"renewal-score: error: {error}", 2)
    except DataError as error:
        count = len(error.problems)
        return _fail(args, f"{error}\nrenewal-score: {_count(count, 'problem')} found", 1)
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


def _write_result(args: argparse.Namespace, text: str) -> None:
    if getattr(args, "format", "text") in TERMINAL_FORMATS:
        text = printable(text, keep=LAYOUT)  # whatever a renderer left, e.g. a file's name
    if args.output is not None:
        write_output(args.output, text)
        return
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except OSError as error:
        raise OutputError(f"cannot write standard output: {error.strerror or error}") from None


def _note(message: str) -> None:
    print(printable(f"renewal-score: note: {message}"), file=sys.stderr)


def _fail(args: argparse.Namespace, message: str, code: int) -> int:
    if args.debug:
        traceback.print_exc()
    print(printable(message, keep="\n"), file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
