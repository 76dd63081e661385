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
from renewal_score.cli.pipeline import Checked, Output, RunRequest, check, load, warn

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
    from renewal_score.analysis import GRADE_BARS, RESAMPLES, SAMPLES, WEIGHT_BAND

    uses = [shared.inputs, shared.agenda, shared.output, shared.as_of, shared.method]
    parser = shared.command(commands, "sensitivity", request_from, uses, HELP, DESCRIPTION)
    parser.add_argument(
        "--samples",
        type=_positive,
        default=SAMPLES,
        metavar="N",
        help=f"Monte Carlo rows, and rows of each matrix of the indices ({SAMPLES}: the built-in "
        "data's indices are then within +-0.05)",
    )
    parser.add_argument("--seed", type=int, default=0, metavar="S")
    parser.add_argument(
        "--band",
        type=float,
        default=WEIGHT_BAND,
        metavar="FRACTION",
        help=f"weights vary uniformly within +-FRACTION of nominal ({WEIGHT_BAND})",
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
        default=",".join(GRADE_BARS),
        metavar="GRADE,GRADE",
        help="evidence grade bars sampled besides --min-grade (default: keep all) "
        f"({','.join(GRADE_BARS)})",
    )
    parser.add_argument(
        "--vary",
        default=None,
        metavar="GROUP,GROUP",
        help=f"the inputs that vary (default: all): {GROUP_HELP}",
    )
    parser.add_argument(
        "--resamples",
        type=_positive,
        default=RESAMPLES,
        metavar="R",
        help=f"bootstrap resamples for the indices' 95 %% intervals ({RESAMPLES})",
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
    from renewal_score.analysis import sensitivity_settings

    vary = None if args.vary is None else [g.strip() for g in args.vary.split(",") if g.strip()]
    settings = sensitivity_settings(
        args.samples, args.seed, args.band, args.dirichlet, vary, args.resamples
    )
    bars = [
        parents.check_grade(g.strip(), "--grade-bars")
        for g in args.grade_bars.split(",")
        if g.strip()
    ]
    return SensitivityRequest(
        run=RunRequest(
            parents.sources_from(args),
            parents.as_of_from(args),
            args.subject,
            parents.method_from(args),
            parents.agenda_from(args),
        ),
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

    def prepare(self) -> Checked:
        """The run, its subject the focus: the one whose recommendation is analysed."""
        from renewal_score.analysis import focused

        return focused(check(load(self.run.sources, self.run.method), self.run))

    def compute(self, checked: Checked) -> dict[str, Any]:
        """The analysis's summary, with the focus subject's gather-next list."""
        from renewal_score.analysis import analyse

        progress = _progress_bar() if sys.stderr.isatty() else None
        summary = analyse(
            checked,
            self.settings,
            self.grade_bars,
            self.all_subjects,
            self.run.method.min_grade,
            progress,
        )
        for message in summary["warnings"]:
            warn(message)
        return summary

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
