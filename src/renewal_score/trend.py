"""Scores over time and across subjects: the same scoring run repeated at several dates, or
for several subjects side by side, with z-scores and ranks for the comparison."""

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
from renewal_score.engine import RunOptions, build_scorecard, subject_scores
from renewal_score.errors import UsageError
from renewal_score.models import Frozen
from renewal_score.plugins import PluginHost
from renewal_score.scoring import PRECISION

Step = Literal["month", "quarter", "year"]
MONTHS: dict[str, int] = {"month": 1, "quarter": 3, "year": 12}


class TrendPoint(Frozen):
    as_of: dt.date
    overall: float | None
    priorities: dict[str, float | None]
    criteria: dict[str, float | None]
    evidence_count: int


class Trend(Frozen):
    """Scores of one subject at each date from ``start`` to ``end``."""

    subject: str
    every: Step
    points: tuple[TrendPoint, ...]
    titles: dict[str, str] = Field(description="Titles of the priorities and criteria, by id.")


def dates(start: dt.date, end: dt.date, every: Step) -> list[dt.date]:
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
    agenda: Agenda, host: PluginHost, options: RunOptions, points: Sequence[dt.date], every: Step
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
                priorities={p.id: p.score for p in card.priorities},
                criteria={c.id: c.score for p in card.priorities for c in p.criteria},
                evidence_count=card.overall.evidence_count,
            )
            for card in cards
        ),
        titles=titles,
    )


class SubjectScores(Frozen):
    """One item (a priority, or the overall index) across subjects."""

    id: str
    title: str
    scores: dict[str, float | None]
    z_scores: dict[str, float | None] = Field(
        description="(score - mean) / standard deviation across the rated subjects.",
    )
    ranks: dict[str, int | None] = Field(description="1 = highest score; ties share a rank.")


class Comparison(Frozen):
    """Several subjects scored side by side on the same agenda, as of one date."""

    as_of: dt.date
    subjects: dict[str, str]
    overall: SubjectScores
    priorities: tuple[SubjectScores, ...]


def compare(
    agenda: Agenda, host: PluginHost, options: RunOptions, subjects: Sequence[str]
) -> Comparison:
    """Score each subject with the same options; add z-scores and ranks per item."""
    scores = subject_scores(agenda, host, options, subjects)

    def item(item_id: str, title: str, pick: dict[str, float | None]) -> SubjectScores:
        return SubjectScores(
            id=item_id, title=title, scores=pick, z_scores=_z_scores(pick), ranks=_ranks(pick)
        )

    return Comparison(
        as_of=options.as_of,
        subjects={s: agenda.subjects[s].title for s in subjects},
        overall=item(
            "overall", "Overall renewal index", {s: overall for s, (_, overall) in scores.items()}
        ),
        priorities=tuple(
            item(p.id, p.title, {s: by_priority[p.id] for s, (by_priority, _) in scores.items()})
            for p in agenda.priorities.values()
        ),
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
    ranks: dict[str, int | None] = dict.fromkeys(scores)
    ordered = sorted((v, s) for s, v in scores.items() if v is not None)[::-1]
    for position, (value, subject) in enumerate(ordered, start=1):
        previous = ordered[position - 2] if position > 1 else None
        ranks[subject] = ranks[previous[1]] if previous and previous[0] == value else position
    return ranks
