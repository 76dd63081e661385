"""``renewal-score sensitivity``: how robust the scores and the recommendation are to the
choices behind them."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from renewal_score.cli import parents
from renewal_score.cli.pipeline import Checked, Output, RunRequest, check, load, unknown, warn
from renewal_score.errors import UsageError

if TYPE_CHECKING:
    from renewal_score.sensitivity import SensitivitySettings


HELP = "how robust the scores and the recommendation are"
DESCRIPTION = (
    "Monte Carlo over every choice behind the scores (weights, aggregation method, grade "
    "bar, grade table, level spacing, the evidence's uncertainty, status bands, target): "
    "intervals, how often each priority is the top recommendation, variance-based "
    "sensitivity indices with bootstrap intervals, what to gather next, "
    "remove-one-criterion, and the smallest weight change that flips the recommendation."
)
GROUP_HELP = (
    "weights (--band or --dirichlet), method (every aggregation registered), bar (the "
    "grade bars), table (Kent's grade probabilities at the low and high ends of his ranges), "
    "spacing (level spacing x0.7, x1.4), evidence (each criterion's score drawn from its "
    "belief), bands (status bands +-10), target (+-10)"
)


def add_parser(commands: parents.Commands, shared: parents.ParentParsers) -> None:
    from renewal_score.sensitivity import GROUPS

    uses = [shared.inputs, shared.output, shared.as_of, shared.method]
    parser = shared.command(commands, "sensitivity", request_from, uses, HELP, DESCRIPTION)
    parser.add_argument(
        "--samples",
        type=_positive,
        default=4000,
        metavar="N",
        help="Monte Carlo rows, and rows of each matrix of the indices (4000: the built-in "
        "data's indices are then within +-0.05)",
    )
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
        help="evidence grade bars sampled besides --min-grade (default: keep all) (C3,B2)",
    )
    parser.add_argument(
        "--vary",
        default=",".join(GROUPS),
        metavar="GROUP,GROUP",
        help=f"the inputs that vary (default: all): {GROUP_HELP}",
    )
    parser.add_argument(
        "--resamples",
        type=_positive,
        default=200,
        metavar="R",
        help="bootstrap resamples for the indices' 95 %% intervals (200)",
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
    from renewal_score.sensitivity import SensitivitySettings

    method = parents.method_from(args)
    if method.criteria_aggregation != method.priorities_aggregation:
        raise UsageError(
            "sensitivity varies one aggregation method for both levels; give one method "
            "with --aggregation"
        )
    vary = frozenset(g.strip() for g in args.vary.split(",") if g.strip())
    try:
        settings = SensitivitySettings(
            samples=args.samples,
            seed=args.seed,
            weight_band=args.band,
            dirichlet=args.dirichlet,
            vary=vary,
            resamples=args.resamples,
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
    """How many draws, the seed, which inputs vary and how."""
    grade_bars: tuple[str, ...] = ()
    """Grades whose probabilities are sampled as bars besides the nominal one."""
    all_subjects: bool = False
    """Also report the intervals of every other subject."""

    def prepare(self) -> tuple[Checked, str]:
        """The agenda and options checked, and the focus subject."""
        from renewal_score.selection import default_subject

        checked = check(load(self.run.sources, self.run.method), self.run)
        focus = self.run.subject or default_subject(checked.agenda)
        if focus not in checked.agenda.subjects:
            raise UsageError(unknown("subject", focus, checked.agenda.subjects))
        return checked, focus

    def compute(self, stage: tuple[Checked, str]) -> dict[str, Any]:
        """The analysis's summary, with the focus subject's gather-next list."""
        from dataclasses import replace

        from renewal_score.engine import build_scorecard
        from renewal_score.reports.sensitivity import sensitivity_summary
        from renewal_score.sensitivity import build_problem, run_sensitivity

        checked, focus = stage
        agenda, options, host = checked.agenda, checked.options, checked.loaded.host
        problem = build_problem(
            agenda,
            host,
            as_of=options.as_of,
            focus=focus,
            subjects=list(agenda.subjects) if self.all_subjects else None,
            min_grade=self.run.method.min_grade,
            grade_bars=self.grade_bars,
            weights=options.weights,
            aggregation=options.criteria_aggregation,
            method=options.method,
            vary=self.settings.vary,
        )
        progress = _progress_bar() if sys.stderr.isatty() else None
        result = run_sensitivity(problem, self.settings, progress)
        for message in result.warnings:
            warn(message)
        card = build_scorecard(agenda, host, replace(options, subject=focus))
        titles = {p.id: p.title for p in agenda.priorities.values()}
        return sensitivity_summary(result.to_dict(), titles, options.as_of, card.gather_next)

    def render(self, summary: dict[str, Any], width: int) -> str:
        from renewal_score.reports.sensitivity import sensitivity_tables
        from renewal_score.reports.tabular import render_tables

        if self.output.format == "json":
            return json.dumps(summary, indent=2, ensure_ascii=False) + "\n"
        numeric = self.output.format == "csv"
        title, tables, note = sensitivity_tables(summary, numeric=numeric)
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
