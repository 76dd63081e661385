"""Scores over time and across subjects: the same scoring run repeated at several dates, or
for several subjects side by side, each with its coverage so that no date or subject is
ranked above another only because fewer of its criteria were rated."""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
import math
from collections.abc import Sequence
from dataclasses import replace
from typing import Literal

from pydantic import Field

from renewal_score.agenda import Agenda
from renewal_score.engine import build_scorecard, subject_scores
from renewal_score.errors import UsageError
from renewal_score.models import Frozen
from renewal_score.options import RunOptions
from renewal_score.plan import covered
from renewal_score.plugins import PluginHost
from renewal_score.scoring import PRECISION

Every = Literal["month", "quarter", "year"]
MONTHS: dict[str, int] = {"month": 1, "quarter": 3, "year": 12}


class TrendPoint(Frozen):
    as_of: dt.date
    overall: float | None
    overall_low: float | None
    overall_high: float | None
    priorities: dict[str, float | None]
    criteria: dict[str, float | None]
    rated: int = Field(description="Criteria rated by evidence at this date.")
    criteria_count: int
    evidence_count: int


class Trend(Frozen):
    """Scores of one subject at each date from ``start`` to ``end``."""

    subject: str
    every: Every
    points: tuple[TrendPoint, ...]
    titles: dict[str, str] = Field(description="Titles of the priorities and criteria, by id.")

    def to_records(self) -> list[dict[str, str | float | int | None]]:
        """One flat row per (date, item): the overall index (with its interval), then each
        priority and criterion, with the coverage of that date."""
        rows: list[dict[str, str | float | int | None]] = []
        for point in self.points:
            coverage = {
                "rated": point.rated,
                "criteria_count": point.criteria_count,
                "evidence_count": point.evidence_count,
            }
            items = [
                ("overall", "overall", point.overall, point.overall_low, point.overall_high),
                *(("priority", i, v, None, None) for i, v in point.priorities.items()),
                *(("criterion", i, v, None, None) for i, v in point.criteria.items()),
            ]
            rows.extend(
                {"subject": self.subject, "as_of": point.as_of.isoformat(), "kind": kind}
                | {"item": item, "score": score, "low": low, "high": high}
                | coverage
                for kind, item, score, low, high in items
            )
        return rows


def dates(start: dt.date, end: dt.date, every: Every) -> list[dt.date]:
    """``start``, then every month, quarter or year after it, up to ``end`` (days past a short
    month's end fall on its last day) or the last date there is."""
    if end < start:
        raise UsageError(f"--to {end} is before --from {start}")
    found: list[dt.date] = []
    for step in itertools.count():
        day = _add_months(start, step * MONTHS[every])
        if day is None or day > end:
            return found
        found.append(day)
    raise AssertionError("unreachable: the loop ends at the last date there is")


def _add_months(day: dt.date, months: int) -> dt.date | None:
    """The date ``months`` after ``day``; None past the last year a date can have."""
    year, month = divmod(day.month - 1 + months, 12)
    if day.year + year > dt.MAXYEAR:
        return None
    last = calendar.monthrange(day.year + year, month + 1)[1]
    return dt.date(day.year + year, month + 1, min(day.day, last))


def trend(
    agenda: Agenda, host: PluginHost, options: RunOptions, points: Sequence[dt.date], every: Every
) -> Trend:
    """The scorecard's headline figures at each date (the options' own as-of is ignored)."""
    cards = [build_scorecard(agenda, host, replace(options, as_of=day)) for day in points]
    titles = {p.id: p.title for p in cards[0].priorities} if cards else {}
    titles |= {c.id: c.title for p in (cards[0].priorities if cards else ()) for c in p.criteria}
    return Trend(
        subject=cards[0].subject.id if cards else options.subject or "",
        every=every,
        points=tuple(
            TrendPoint(
                as_of=card.as_of,
                overall=card.overall.score,
                overall_low=card.overall.uncertainty.low if card.overall.uncertainty else None,
                overall_high=card.overall.uncertainty.high if card.overall.uncertainty else None,
                priorities={p.id: p.score for p in card.priorities},
                criteria={c.id: c.score for p in card.priorities for c in p.criteria},
                rated=card.overall.rated,
                criteria_count=card.overall.criteria_count,
                evidence_count=card.overall.evidence_count,
            )
            for card in cards
        ),
        titles=titles,
    )


class SubjectRow(Frozen):
    """One subject of a comparison."""

    subject: str
    title: str
    overall: float | None = Field(description="Null when it cannot be rated.")
    rank: int | None = Field(description="1 = highest overall score; ties share a rank.")
    z_score: float | None = Field(
        description="(score - mean) / standard deviation across the rated subjects.",
    )
    priorities: dict[str, float | None]
    rated: int = Field(description="Criteria rated by evidence.")
    criteria_count: int
    coverage_flag: bool = Field(
        description="Ranked above a subject with more of its criteria rated: the order may "
        "owe something to missing evidence.",
    )


class Comparison(Frozen):
    """Several subjects scored side by side on the same agenda, as of one date."""

    as_of: dt.date
    unrated: str = Field(description="How criteria without evidence counted.")
    min_coverage: float
    priorities: dict[str, str] = Field(description="Priority titles by id.")
    subjects: tuple[SubjectRow, ...] = Field(description="By rank, then id.")

    def to_records(self) -> list[dict[str, str | float | int | bool | None]]:
        """One flat row per subject, by rank: its overall score, rank, z-score, coverage,
        and a column per priority's score (``priority_<id>``)."""
        return [
            {"as_of": self.as_of.isoformat()}
            | row.model_dump(exclude={"priorities"})
            | {f"priority_{p}": row.priorities.get(p) for p in self.priorities}
            for row in self.subjects
        ]


def compare(
    agenda: Agenda, host: PluginHost, options: RunOptions, subjects: Sequence[str]
) -> Comparison:
    """Score each subject with the same options; rank and z-score the overall index, flag
    rankings that coverage differences may explain, and leave unrated below the minimum
    coverage."""
    method = options.method
    found = subject_scores(agenda, host, options, subjects)
    total = len(agenda.criteria)
    overall = {
        s: (value if covered(rated, total, method) else None)
        for s, (_, value, rated) in found.items()
    }
    ranks, z_scores = _ranks(overall), _z_scores(overall)
    rows = [
        SubjectRow(
            subject=s,
            title=agenda.subjects[s].title,
            overall=overall[s],
            rank=ranks[s],
            z_score=z_scores[s],
            priorities=found[s][0],
            rated=found[s][2],
            criteria_count=total,
            coverage_flag=_coverage_flag(s, ranks, {o: found[o][2] for o in subjects}),
        )
        for s in subjects
    ]
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.subject))
    return Comparison(
        as_of=options.as_of,
        unrated=method.unrated,
        min_coverage=method.min_coverage,
        priorities={p.id: p.title for p in agenda.priorities.values()},
        subjects=tuple(rows),
    )


def _coverage_flag(subject: str, ranks: dict[str, int | None], rated: dict[str, int]) -> bool:
    """Whether the subject ranks above one with more of its criteria rated."""
    mine = ranks[subject]
    return mine is not None and any(
        rank is not None and mine < rank and rated[other] > rated[subject]
        for other, rank in ranks.items()
    )


def _z_scores(scores: dict[str, float | None]) -> dict[str, float | None]:
    rated = [v for v in scores.values() if v is not None]
    if len(rated) < 2:
        return dict.fromkeys(scores)
    mean = math.fsum(rated) / len(rated)
    deviation = math.sqrt(math.fsum((v - mean) ** 2 for v in rated) / (len(rated) - 1))
    return {
        s: None if v is None or deviation == 0 else round((v - mean) / deviation, PRECISION)
        for s, v in scores.items()
    }


def _ranks(scores: dict[str, float | None]) -> dict[str, int | None]:
    """Competition ranks (1, 2, 2, 4): one more than the number of higher scores."""
    rated = [v for v in scores.values() if v is not None]
    return {s: None if v is None else 1 + sum(o > v for o in rated) for s, v in scores.items()}
