"""Hypothesis strategies for valid agendas and evidence."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from hypothesis import strategies as st

from renewal_score.models import Criterion, Evidence, Priority, RubricLevel, Source, Subject

SUBJECT = Subject(id="S", title="A relationship")
SOURCE = Source(title="A source", publisher="A publisher", date=dt.date(2025, 1, 1))
GRADES = [f"{r}{c}" for r in "ABCDEF" for c in "123456"]
DATES = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2030, 12, 31))


@st.composite
def event_dates(draw: st.DrawFn, days: st.SearchStrategy[dt.date] = DATES) -> str:
    """An event date at a random precision: YYYY, YYYY-Qn, YYYY-MM or YYYY-MM-DD."""
    day = draw(days)
    precision = draw(st.sampled_from(["year", "quarter", "month", "day"]))
    if precision == "year":
        return f"{day.year:04d}"
    if precision == "quarter":
        return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"
    if precision == "month":
        return f"{day.year:04d}-{day.month:02d}"
    return day.isoformat()


@dataclass(frozen=True)
class World:
    """A generated agenda: priorities, criteria and evidence for one subject."""

    priorities: list[Priority]
    criteria: list[Criterion]
    evidence: list[Evidence]


@st.composite
def criteria_for(draw: st.DrawFn, priority: str, count: int) -> list[Criterion]:
    found = []
    for index in range(count):
        size = draw(st.integers(2, 5))
        first_concrete = draw(st.integers(1, size))
        rubric = tuple(
            RubricLevel(
                id=f"l{i}",
                label=f"Level {i}",
                description=f"level {i}",
                needs_concrete=i >= first_concrete,
            )
            for i in range(size)
        )
        weight = draw(st.floats(0.1, 10, allow_nan=False))
        found.append(
            Criterion(
                id=f"{priority}.c{index}",
                priority=priority,
                title=f"C{index}",
                weight=weight,
                rubric=rubric,
            )
        )
    return found


@st.composite
def evidence_for(
    draw: st.DrawFn,
    criterion: Criterion,
    prefix: str,
    concrete: bool | None = None,
    effect: str | None = None,
) -> Evidence:
    level = draw(st.sampled_from(criterion.rubric))
    effect = effect or draw(st.sampled_from(["advance", "advance", "setback"]))
    if concrete is None:
        concrete = level.needs_concrete or draw(st.booleans())
    day = draw(DATES)
    return Evidence(
        id=f"{prefix}-{draw(st.integers(0, 10**9))}",
        subject=SUBJECT.id,
        criterion=criterion.id,
        date=day.isoformat(),
        statement="something happened",
        level=level.id,
        effect=effect,
        kind="concrete" if concrete else "declaratory",
        source=SOURCE,
        grade=draw(st.sampled_from(GRADES)),
    )


@st.composite
def worlds(draw: st.DrawFn, max_records: int = 12) -> World:
    priorities = [
        Priority(
            id=f"p{i}",
            title=f"Priority {i}",
            weight=draw(st.floats(0.1, 10, allow_nan=False)),
            target=draw(st.floats(10, 100, allow_nan=False)),
        )
        for i in range(draw(st.integers(1, 3)))
    ]
    criteria = [c for p in priorities for c in draw(criteria_for(p.id, draw(st.integers(1, 3))))]
    records = draw(
        st.lists(
            st.sampled_from(criteria).flatmap(lambda c: evidence_for(c, "e")),
            max_size=max_records,
            unique_by=lambda r: r.id,
        )
    )
    return World(priorities, criteria, records)
