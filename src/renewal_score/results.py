"""What scoring produces: the assessment of a criterion (what plugins return), and the
scorecard of a run, every figure with where it stands and how sure we are, kept apart.

Frozen pydantic models with JSON Schema (``renewal-score schema scorecard``).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from renewal_score.method import MethodSettings
from renewal_score.models import (
    Frozen,
    Identifier,
    Subject,
)

SCHEMA_VERSION = "2.0"

Status = Literal["achieved", "on track", "signs of progress", "stalled", "cannot rate"]
CertaintyLabel = Literal["high", "medium", "low"]


class TraceStep(Frozen):
    """The reading of a criterion after one moment of its evidence."""

    date: dt.date = Field(description="The moment: the effective date of its records.")
    records: tuple[Identifier, ...]
    score: float | None = Field(description="The reading after this moment.")


class Assessment(Frozen):
    """What scoring concludes about one criterion; returned by the ``score_criterion`` hook."""

    score: float | None = Field(
        ge=0,
        le=100,
        description="Where the criterion stands, 0-100: the evidence taken at its word "
        "(conflicting claims weighed by their probability); null when nothing rates it.",
    )
    level: Identifier | None = Field(description="The rubric level nearest the score.")
    level_label: str | None
    evidence: tuple[Identifier, ...] = Field(
        description="Ids of the records of the moments that moved the score.",
    )
    distribution: tuple[tuple[float, float], ...] = Field(
        default=(),
        description="(score, probability) pairs: how likely each score is, given that any "
        "report may be wrong. Empty: the score is taken as certain.",
    )
    concrete_score: float | None = Field(
        default=None, ge=0, le=100, description="The score from concrete evidence alone."
    )
    trace: tuple[TraceStep, ...] = Field(
        default=(), description="The score after each moment of the evidence, oldest first."
    )


class Uncertainty(Frozen):
    """How sure we are of a figure."""

    low: float = Field(description="5th percentile of the figure (widened to hold the score).")
    high: float = Field(description="95th percentile (widened to hold the score).")
    certainty: float = Field(
        ge=0,
        le=1,
        description="Probability that what the report says holds: a criterion's level, a "
        "priority's or the index's status, the top recommendation.",
    )
    label: CertaintyLabel = Field(description="high: very likely; medium: likely; else low.")


class Coverage(Frozen):
    """How much evidence stands behind a criterion, so that a reader sees where it is thin."""

    records: int = Field(description="Evidence records and observations counted.")
    events: int = Field(description="Distinct events they report.")
    sources: int = Field(description="Distinct sources they come from.")
    concrete: int
    declaratory: int
    grades: dict[str, int] = Field(description="Records counted per Admiralty grade.")
    newest: str | None = Field(description="Date of the newest record counted, as stated.")


class CriterionScore(Assessment):
    id: Identifier
    title: str
    priority: Identifier
    weight: float = Field(description="Normalised weight within its priority.")
    scored_by: str = Field(description="The plugin whose score_criterion hook scored it.")
    uncertainty: Uncertainty | None = Field(description="Null when unrated and left out.")
    say_do_gap: float | None = Field(
        description="Percentage of the events that are declaratory (an event reported both "
        "ways counts by its reports' probabilities).",
    )
    records: tuple[Identifier, ...] = Field(
        description="Ids of every record counted for it, oldest first.",
    )
    coverage: Coverage


class PriorityScore(Frozen):
    id: Identifier
    title: str
    weight: float = Field(description="Normalised weight in the overall index.")
    score: float | None = Field(description="Null when it cannot be rated.")
    uncertainty: Uncertainty | None
    target: float
    gap: float | None = Field(description="Points below target (0 when achieved).")
    status: Status
    rated: int = Field(description="Criteria rated by evidence.")
    criteria_count: int = Field(description="Criteria in all.")
    evidence_count: int
    events: int
    say_do_gap: float | None
    concrete_score: float | None
    rank: int = Field(description="1 = where action is most needed first.")
    top_share: float | None = Field(
        description="Share of the draws in which it is where action is most needed first.",
    )
    criteria: tuple[CriterionScore, ...]


class OverallScore(Frozen):
    score: float | None
    uncertainty: Uncertainty | None
    target: float = Field(description="The priorities' targets, weighted.")
    status: Status
    rated: int
    criteria_count: int
    say_do_gap: float | None
    concrete_score: float | None
    evidence_count: int
    events: int


class Recommendation(Frozen):
    """Where to act first, and how often that holds under the evidence's uncertainty."""

    top: Identifier | None = Field(description="The priority ranked 1, null when none is rated.")
    share: float | None = Field(description="Share of the draws in which it ranks 1.")
    clear: bool = Field(description="Whether it leads in at least a 'likely' share of draws.")
    contenders: dict[str, float] = Field(
        description="Priorities ranked 1 in some draws, with their shares (largest first).",
    )
    rank_by: str
    text: str


class GatherNext(Frozen):
    """What one more well-graded report on a criterion would do to the recommendation."""

    criterion: Identifier
    priority: Identifier
    grade: str = Field(description="The grade of the report imagined.")
    overturn: float = Field(
        description="Probability that the report would change the top recommendation."
    )
    certainty_now: float = Field(description="Share of draws in which the top ranks first now.")
    certainty_after: float = Field(
        description="Expected share of draws in which the top (then) ranks first, after it."
    )
    overturned_by: tuple[str, ...] = Field(
        description="The levels which, if the report showed them, would change the top."
    )


class ExcludedEvidence(Frozen):
    """Records loaded but not counted, by reason, so nothing is dropped silently."""

    after_as_of: int = 0
    other_subject: int = 0
    below_grade: int = 0
    expired: int = 0


class SkippedPlugin(Frozen):
    """A plugin left out of the run with --keep-going, and why: what it would have scored is
    missing from the scorecard."""

    name: str
    reason: str


class Method(Frozen):
    agenda: Identifier = Field(description="The id of the agenda scored.")
    agenda_title: str
    aggregation: str = Field(
        description="The aggregation methods of both levels, and whether the agenda declares "
        "them or the run overrode them."
    )
    priority_weights: dict[str, float]
    criterion_weights: dict[str, float]
    settings: MethodSettings
    min_grade: float = Field(description="Evidence with a lower grade probability is left out.")
    plugins: tuple[str, ...]
    description: str


class PluginVersion(Frozen):
    name: str
    version: str
    source: str


class Manifest(Frozen):
    """What is needed to reproduce a scorecard, or to tell why two of them differ."""

    renewal_score_version: str
    as_of: dt.date
    subject: Identifier
    plugins: tuple[PluginVersion, ...]
    weights: dict[str, float] = Field(description="Weight overrides given for the run, by id.")
    agenda: Identifier
    criteria_aggregation: str
    priorities_aggregation: str
    builtin_evidence: bool = Field(
        description="Whether the built-in plugins' evidence and observations counted."
    )
    replaced: tuple[Identifier, ...] = Field(
        description="Ids of plugins' records that a data file's record replaced."
    )
    min_grade: float
    seed: int = Field(description="Seed of the draws behind intervals and shares.")
    draws: int
    evidence_records: int = Field(description="Evidence records and observations loaded.")
    evidence_sha256: str = Field(
        description="SHA-256 of the loaded evidence records held as models (compact JSON, "
        "fields in model order, sorted by id), then of each JSON Lines file's SHA-256 (as "
        "bytes, sorted), then of the observations (as the records).",
    )
    newest_evidence: dt.date | None = Field(
        description="The latest effective date among the records counted.",
    )


Why = Literal["arrived", "expired"]


class Contribution(Frozen):
    """One event's part of a score's change."""

    step: int = Field(description="The position of the event's step, from 1.")
    share: float


class ScoreChange(Frozen):
    """How one score moved between the two dates."""

    id: str = Field(description="'overall', a priority id or a criterion id.")
    before: float | None
    after: float | None
    change: float | None = Field(description="after - before; null when either is unrated.")
    contributions: tuple[Contribution, ...] = Field(
        description="The steps that moved it, with their shares (they add up to the change)."
    )


class Step(Frozen):
    """One event entering or leaving the run."""

    number: int
    why: Why
    criterion: Identifier
    date: dt.date = Field(description="The event's date (its earliest effective date).")
    records: tuple[Identifier, ...]


class Changes(Frozen):
    """Every score's change from ``since`` to ``as_of``, and the events that made it."""

    subject: Identifier
    since: dt.date
    as_of: dt.date
    steps: tuple[Step, ...]
    scores: tuple[ScoreChange, ...] = Field(description="Overall first, then by priority.")
    superseded: dict[str, tuple[Identifier, ...]] = Field(
        description="By criterion: records counted at both dates on which its score rested "
        "before and no longer does, because later evidence superseded them."
    )


READING_GUIDE = (
    "Reading the figures: a score (0-100) is where the evidence, taken at its word, puts an "
    "item; 5-95 % is the range its score takes when any report may be wrong (each report holds "
    "with the probability its Admiralty grade gives); certainty is the probability that what "
    "the report says holds (a criterion's level, a priority's status), high when very likely "
    "(0.9 or more), medium when likely (0.66 or more), else low. 'First in' is the share of "
    "draws in which a priority is where action is most needed first. A criterion without "
    "evidence counts as the method's rule for missing evidence says."
)
"""What the figures mean: printed in the text and Markdown reports, part of the JSON."""


class Scorecard(Frozen):
    """The complete, self-describing result of one scoring run."""

    schema_version: str = SCHEMA_VERSION
    as_of: dt.date
    subject: Subject
    overall: OverallScore
    recommendation: Recommendation
    gather_next: tuple[GatherNext, ...] = Field(
        default=(),
        description="Criteria by what one more well-graded report on each would do to the "
        "recommendation, most decisive first.",
    )
    method: Method
    priorities: tuple[PriorityScore, ...]
    ranking: tuple[Identifier, ...] = Field(
        description="Priority ids, where action is most needed first.",
    )
    excluded: ExcludedEvidence
    warnings: tuple[str, ...] = Field(
        default=(), description="What a reader should know: stale or duplicated evidence."
    )
    skipped_plugins: tuple[SkippedPlugin, ...] = ()
    changes: Changes | None = Field(
        default=None, description="What changed since an earlier date, when asked for."
    )
    manifest: Manifest
    reading_guide: str = Field(default=READING_GUIDE, description="What the figures mean.")

    def not_counted(self) -> list[tuple[int, str]]:
        """Records loaded but left out of this run, as (count, why) for each reason that applies."""
        excluded = self.excluded
        reasons = [
            (excluded.after_as_of, f"dated after {self.as_of.isoformat()}"),
            (excluded.other_subject, "about other subjects"),
            (excluded.below_grade, f"with a grade probability below {self.method.min_grade:g}"),
            (excluded.expired, "too old to count any more"),
        ]
        return [(count, why) for count, why in reasons if count]

    def to_records(self) -> list[dict[str, str | float | int | None]]:
        """One flat row per (subject, priority, criterion), ready for ``pandas.DataFrame``.

        The columns are ``RECORD_COLUMNS``, the same as the CSV report's.
        """
        changed = {s.id: s.change for s in self.changes.scores} if self.changes else {}
        rows = []
        for priority in sorted(self.priorities, key=lambda p: p.rank):
            for criterion in priority.criteria:
                values = (
                    self.subject.id,
                    self.as_of.isoformat(),
                    priority.id,
                    priority.title,
                    priority.rank,
                    priority.score,
                    *_bounds(priority.uncertainty),
                    priority.gap,
                    priority.status,
                    criterion.id,
                    criterion.title,
                    criterion.weight,
                    criterion.score,
                    *_bounds(criterion.uncertainty),
                    criterion.level,
                    criterion.concrete_score,
                    " ".join(criterion.evidence),
                    criterion.coverage.records,
                    criterion.coverage.events,
                    criterion.coverage.concrete,
                    criterion.coverage.declaratory,
                    criterion.coverage.newest,
                    changed.get(priority.id),
                    changed.get(criterion.id),
                )
                rows.append(dict(zip(RECORD_COLUMNS, values, strict=True)))
        return rows


def _bounds(
    uncertainty: Uncertainty | None,
) -> tuple[float | None, float | None, float | None, str | None]:
    if uncertainty is None:
        return None, None, None, None
    return uncertainty.low, uncertainty.high, uncertainty.certainty, uncertainty.label


RECORD_COLUMNS = (
    "subject",
    "as_of",
    "priority",
    "priority_title",
    "priority_rank",
    "priority_score",
    "priority_low",
    "priority_high",
    "priority_certainty",
    "priority_certainty_label",
    "priority_gap",
    "priority_status",
    "criterion",
    "criterion_title",
    "criterion_weight",
    "criterion_score",
    "criterion_low",
    "criterion_high",
    "criterion_certainty",
    "criterion_certainty_label",
    "criterion_level",
    "criterion_concrete_score",
    "criterion_evidence",
    "coverage_records",
    "coverage_events",
    "coverage_concrete",
    "coverage_declaratory",
    "coverage_newest",
    "priority_change",
    "criterion_change",
)
"""Columns of ``Scorecard.to_records()`` and of the CSV report, in order (documented in the
README); ``criterion_evidence`` holds the deciding record ids separated by spaces; the change
columns are filled when the scorecard explains what changed since an earlier date."""
