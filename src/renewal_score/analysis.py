"""The sensitivity analysis of a checked run in one call, shared by ``renewal-score
sensitivity`` and ``renewal_score.sensitivity()``, and its result as a frozen model."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from pydantic import ConfigDict, Field

from renewal_score.errors import UsageError
from renewal_score.models import Frozen
from renewal_score.results import GatherNext

if TYPE_CHECKING:
    from renewal_score.loading import Checked
    from renewal_score.sensitivity import SensitivitySettings

# The defaults of ``renewal-score sensitivity`` and ``renewal_score.sensitivity()``, here
# rather than in the sensitivity package so that the command line reads them without numpy.
SAMPLES = 4000
"""Monte Carlo rows, and rows of each matrix of the indices: with the built-in data the
indices are then within +-0.05."""
WEIGHT_BAND = 0.25
"""Weights vary uniformly within this fraction of their nominal values."""
GRADE_BARS = ("C3", "B2")
"""Grade bars sampled besides the run's own (keep-all by default)."""
RESAMPLES = 200
"""Bootstrap resamples for the indices' 95 % intervals."""


class SensitivityFigures(Frozen):
    """A score at nominal settings, and its spread over the samples."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    nominal: float | None
    median: float | None
    p05: float | None = Field(description="5th percentile over the samples.")
    p95: float | None = Field(description="95th percentile over the samples.")
    unrated: float | None = Field(description="Share of the samples in which it is unrated.")


class PrioritySensitivity(SensitivityFigures):
    id: str
    title: str
    top_frequency: float | None = Field(
        description="Share of the samples in which it is the top recommendation."
    )


class SensitivityAnalysis(Frozen):
    """How robust a subject's scores and the recommendation are: the headline figures, and
    the full analysis (``analysis``: intervals of every subject analysed, variance-based
    indices, remove-one-criterion, weight flips) as ``renewal-score sensitivity --format
    json`` prints it."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    as_of: dt.date
    subject: str
    samples: int
    seed: int
    priorities: tuple[PrioritySensitivity, ...]
    overall: SensitivityFigures
    gather_next: tuple[GatherNext, ...] = Field(
        description="The criteria whose next record would most likely settle the "
        "recommendation, as the report lists them."
    )
    warnings: tuple[str, ...] = Field(
        description="What the analysis's reader should know, such as indices too unstable "
        "at this number of samples."
    )
    analysis: dict[str, Any]

    def to_records(self) -> list[dict[str, str | float | int | None]]:
        """One flat row per (subject analysed, priority or overall) with its figures."""
        subjects = self.analysis["uncertainty"]["subjects"]
        rows: list[dict[str, str | float | int | None]] = []
        for subject, found in subjects.items():
            items = [*found["priorities"].items(), ("overall", found["overall"])]
            for item, figures in items:
                rows.append(
                    {"subject": subject, "as_of": self.as_of.isoformat(), "item": item}
                    | {key: figures.get(key) for key in SensitivityFigures.model_fields}
                )
        return rows


def sensitivity_settings(
    samples: int,
    seed: int,
    band: float,
    dirichlet: float | None,
    vary: Collection[str] | None = None,
    resamples: int = RESAMPLES,
) -> SensitivitySettings:
    """How the analysis samples (``vary``: the input groups that vary, default all);
    UsageError for settings that cannot be used."""
    from renewal_score.sensitivity import GROUPS, SensitivitySettings

    try:
        return SensitivitySettings(
            samples=samples,
            seed=seed,
            weight_band=band,
            dirichlet=dirichlet,
            vary=frozenset(GROUPS if vary is None else vary),
            resamples=resamples,
        )
    except ValueError as error:
        raise UsageError(str(error)) from None


def focused(checked: Checked) -> Checked:
    """The run with its subject set: the one asked for (UsageError if it is not declared), or
    the one with most evidence; the subject whose recommendation is analysed."""
    from renewal_score.selection import subject_of

    subject = subject_of(checked.agenda, checked.options)
    return replace(checked, options=replace(checked.options, subject=subject))


def analyse(
    checked: Checked,
    settings: SensitivitySettings,
    grade_bars: Sequence[str],
    all_subjects: bool,
    min_grade: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """The analysis of a ``focused`` run, sampling its grade bar ``min_grade`` (None: keep
    every record) and ``grade_bars`` besides,
    over every subject with ``all_subjects``: its summary, as plain JSON values, with the
    focus subject's gather-next list and the analysis's warnings."""
    from renewal_score.engine import build_scorecard
    from renewal_score.reports.sensitivity import sensitivity_summary
    from renewal_score.sensitivity import build_problem, run_sensitivity

    agenda, options, host = checked.agenda, checked.options, checked.loaded.host
    nominal, priorities_method = options.aggregations(agenda.definition)
    if nominal != priorities_method:
        raise UsageError(
            "sensitivity varies one aggregation method for both levels; give one method "
            "with --aggregation"
        )
    problem = build_problem(
        agenda,
        host,
        as_of=options.as_of,
        focus=options.subject,
        subjects=list(agenda.subjects) if all_subjects else None,
        min_grade=min_grade,
        grade_bars=grade_bars,
        weights=options.weights,
        aggregation=nominal,
        method=options.method,
        vary=settings.vary,
    )
    result = run_sensitivity(problem, settings, progress)
    card = build_scorecard(agenda, host, options)
    titles = {p.id: p.title for p in agenda.priorities.values()}
    return sensitivity_summary(result.to_dict(), titles, options.as_of, card.gather_next)
