"""``renewal-score sensitivity``: how robust the scores and the recommendation are to the
choices behind them."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from renewal_score.cli import parents
from renewal_score.cli.pipeline import (
    Checked,
    Output,
    RunRequest,
    check,
    grade_support,
    load,
    unknown,
)
from renewal_score.errors import UsageError

if TYPE_CHECKING:
    from renewal_score.agenda import Agenda
    from renewal_score.results import Scorecard
    from renewal_score.sensitivity import SensitivitySettings


HELP = "how robust the scores and the recommendation are"
DESCRIPTION = (
    "Monte Carlo over the choices behind the scores (weights, aggregation "
    "method, evidence grade bar): intervals, how often each priority is the top "
    "recommendation, variance-based sensitivity indices, remove-one-criterion, and the "
    "smallest weight change that flips the recommendation."
)


def add_parser(commands: parents.Commands, shared: parents.ParentParsers) -> None:
    uses = [shared.inputs, shared.output, shared.as_of, shared.method]
    parser = shared.command(commands, "sensitivity", request_from, uses, HELP, DESCRIPTION)
    parser.add_argument("--samples", type=_positive, default=1000, metavar="N")
    parser.add_argument("--seed", type=int, default=0, metavar="S")
    parser.add_argument(
        "--band",
        type=float,
        default=0.25,
        metavar="FRACTION",
        help="weights vary uniformly within +-FRACTION of nominal (0.25)",
    )
    parser.add_argument(
        "--dirichlet",
        type=float,
        default=None,
        metavar="CONCENTRATION",
        help="draw weights from a Dirichlet around nominal instead",
    )
    parser.add_argument(
        "--grade-bars",
        default="C3,B2",
        metavar="GRADE,GRADE",
        help="evidence grade bars sampled besides keeping all (C3,B2)",
    )
    parser.add_argument(
        "--subject", metavar="ID", help="the subject analysed (default: the one with most evidence)"
    )
    parser.add_argument(
        "--all-subjects", action="store_true", help="also report intervals for every other subject"
    )
    parents.add_format(parser, parents.TABLE_FORMATS)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} is not a positive number")
    return value


def request_from(args: argparse.Namespace) -> SensitivityRequest:
    from renewal_score.sensitivity import METHODS, SensitivitySettings

    method = parents.method_from(args)
    nominal = method.criteria_aggregation
    if nominal != method.priorities_aggregation or nominal not in METHODS:
        raise UsageError(
            "sensitivity varies one aggregation method for both levels among "
            f"{', '.join(METHODS)}; give one of them with --aggregation"
        )
    try:
        settings = SensitivitySettings(
            samples=args.samples, seed=args.seed, weight_band=args.band, dirichlet=args.dirichlet
        )
    except ValueError as error:
        raise UsageError(str(error)) from None
    bars = [
        parents.check_grade(g.strip(), "--grade-bars")
        for g in args.grade_bars.split(",")
        if g.strip()
    ]
    return SensitivityRequest(
        run=RunRequest(parents.sources_from(args), parents.as_of_from(args), args.subject, method),
        settings=settings,
        grade_bars=tuple(bars),
        all_subjects=args.all_subjects,
        output=parents.output_from(args, parents.TABLE_FORMATS),
    )


@dataclass(frozen=True)
class SensitivityRequest:
    """The uncertainty of a subject's scores, and of the recommendation, sampled."""

    run: RunRequest
    """Its subject, if given, is the focus: the one whose recommendation is analysed."""
    output: Output
    settings: SensitivitySettings
    """How many draws, the seed, and how the weights vary."""
    grade_bars: tuple[str, ...] = ()
    """Grades whose probabilities are sampled as bars besides the nominal one."""
    all_subjects: bool = False
    """Also report the intervals of every other subject."""

    def prepare(self) -> tuple[Checked, str, tuple[float, ...]]:
        """The focus subject (checked), and the evidence grade bars sampled: the nominal one
        first, then those of --grade-bars under the method loaded."""
        from renewal_score.selection import default_subject

        checked = check(load(self.run.sources, self.run.method), self.run)
        agenda, options = checked.agenda, checked.options
        focus = self.run.subject or default_subject(agenda)
        if focus not in agenda.subjects:
            raise UsageError(unknown("subject", focus, agenda.subjects))
        bars = [grade_support(options.method, grade) for grade in self.grade_bars]
        thresholds = tuple(dict.fromkeys([options.min_grade, *bars]))  # nominal first, once
        return replace(checked, options=replace(options, subject=focus)), focus, thresholds

    def compute(
        self, stage: tuple[Checked, str, tuple[float, ...]]
    ) -> tuple[dict[str, Any], Scorecard | None, Agenda]:
        """The analysis's summary; for HTML also the scorecard, which shows the intervals."""
        from renewal_score.engine import build_scorecard
        from renewal_score.reports.sensitivity import sensitivity_summary
        from renewal_score.sensitivity import METHODS, build_problem, run_sensitivity

        checked, focus, thresholds = stage
        agenda, options = checked.agenda, checked.options
        nominal = options.criteria_aggregation
        problem = build_problem(
            agenda,
            checked.loaded.host,
            as_of=options.as_of,
            focus=focus,
            subjects=list(agenda.subjects) if self.all_subjects else [focus],
            thresholds=thresholds,
            methods=(nominal, *(m for m in METHODS if m != nominal)),
            weights=options.weights,
            method=options.method,
        )
        progress = _progress_bar() if sys.stderr.isatty() else None
        result = run_sensitivity(problem, self.settings, progress)
        titles = {p.id: p.title for p in agenda.priorities.values()}
        summary = sensitivity_summary(result.to_dict(), titles, options.as_of)
        card = None
        if self.output.format == "html":
            card = build_scorecard(agenda, checked.loaded.host, options)
        return summary, card, agenda

    def render(self, result: tuple[dict[str, Any], Scorecard | None, Agenda], width: int) -> str:
        from renewal_score.reports.html import render_html
        from renewal_score.reports.sensitivity import sensitivity_tables
        from renewal_score.reports.tabular import render_tables

        summary, card, agenda = result
        if self.output.format == "json":
            return json.dumps(summary, indent=2, ensure_ascii=False) + "\n"
        if card is not None:  # the scorecard with the intervals as whiskers
            intervals = {p["id"]: (p["p05"], p["median"], p["p95"]) for p in summary["priorities"]}
            return render_html(card, agenda=agenda, intervals=intervals)
        title, tables, note = sensitivity_tables(summary)
        return render_tables(title, tables, self.output.format, note, width)


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
