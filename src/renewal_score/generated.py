"""Records generated for ``testing.check_plugin``: hypothesis strategies of evidence records
for criteria with a rubric and of observations for indicators, about a subject of their own.

Imported only by ``check_plugin``, as hypothesis is a dependency of tests, not of scoring.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from hypothesis import strategies as st

from renewal_score.agenda import evidence_order
from renewal_score.models import Component, Criterion, Evidence, Observation, Source, Subject

SUBJECT = Subject(id="property-check", title="Generated evidence")
AS_OF = dt.date(2100, 1, 1)
"""The as-of date of the checks: after every generated date."""
LAST_DAY = dt.date(2099, 12, 30)
"""The last date of the generated records; the supporting record comes the day after."""
GRADES = [f"{reliability}{credibility}" for reliability in "ABCDEF" for credibility in "123456"]
SOURCE = Source(title="Generated")
EVIDENCE = Evidence(
    id="check",
    subject=SUBJECT.id,
    criterion="check",
    date="2000",
    statement="Generated record.",
    level="check",
    kind="concrete",
    source=SOURCE,
    grade="A1",
)
"""What every generated evidence record has; each is a copy with the fields drawn."""


def _record_id(draw: st.DrawFn) -> str:
    return f"check-{draw(st.uuids(version=4)).hex}"


@st.composite
def evidence(draw: st.DrawFn, criterion: Criterion, supporting: bool = False) -> Evidence:
    """A record of a rubric criterion; ``supporting``: a concrete advance, after the others."""
    level = draw(st.sampled_from(criterion.rubric))
    effect = "advance" if supporting else draw(st.sampled_from(["advance", "setback"]))
    concrete = supporting or level.needs_concrete or draw(st.booleans())
    day = LAST_DAY + dt.timedelta(days=1) if supporting else draw(_dates())
    drawn = {"id": _record_id(draw), "criterion": criterion.id, "date": day.isoformat()}
    return EVIDENCE.model_copy(
        update=drawn
        | {"level": level.id, "effect": effect, "grade": draw(st.sampled_from(GRADES))}
        | {"kind": "concrete" if concrete else "declaratory"}
    )


def _dates() -> st.SearchStrategy[dt.date]:
    return st.dates(dt.date(2000, 1, 1), LAST_DAY)


@st.composite
def observation(draw: st.DrawFn, criterion: Criterion) -> Observation:
    """A measurement of one component of an indicator, around its goalposts."""
    assert criterion.indicator is not None
    component = draw(st.sampled_from(criterion.indicator.components))
    return _measured(draw, criterion, component, draw(_values(component)), draw(_dates()))


def _values(component: Component) -> st.SearchStrategy[float]:
    """Values around the goalposts: half their span beyond either (for a log transform,
    positive values up to a factor of 2 beyond)."""
    low, high = component.goalposts
    if component.transform == "log":
        return st.floats(low / 2, high * 2, allow_nan=False, allow_infinity=False)
    span = high - low
    return st.floats(low - span / 2, high + span / 2, allow_nan=False, allow_infinity=False)


def _measured(
    draw: st.DrawFn, criterion: Criterion, component: Component, value: float, day: dt.date
) -> Observation:
    return Observation(
        id=_record_id(draw),
        subject=SUBJECT.id,
        criterion=criterion.id,
        component=component.id,
        date=day.isoformat(),
        value=value,
        source=SOURCE,
        grade=draw(st.sampled_from(GRADES)),
    )


def record(criterion: Criterion) -> st.SearchStrategy[Evidence | Observation]:
    """A record of the criterion: an observation for an indicator, else an evidence record."""
    if criterion.indicator is not None:
        return observation(criterion)
    return evidence(criterion)


def records_of(criteria: Sequence[Criterion]) -> st.SearchStrategy[list[Evidence | Observation]]:
    """Up to 12 records of the criteria, each id once."""
    return st.lists(st.sampled_from(criteria).flatmap(record), max_size=12, unique_by=_id)


def _id(record: Evidence | Observation) -> str:
    return record.id


@st.composite
def supporting(
    draw: st.DrawFn, criterion: Criterion, records: Sequence[Evidence | Observation]
) -> Evidence | Observation:
    """A record that must not lower the criterion's score, dated after ``records``: a concrete
    advance of a rubric criterion, or an observation of an indicator's component at least as
    good (by its direction) as the latest one."""
    if criterion.indicator is None:
        return draw(evidence(criterion, supporting=True))
    component = draw(st.sampled_from(criterion.indicator.components))
    earlier = sorted(
        (
            r
            for r in records
            if isinstance(r, Observation)
            and (r.criterion, r.component) == (criterion.id, component.id)
        ),
        key=evidence_order,
    )
    if not earlier:
        value = draw(_values(component))
    elif component.direction == "higher":
        value = earlier[-1].value + draw(st.floats(0.0, abs(earlier[-1].value) + 1.0))
    elif component.transform == "log":  # stays positive
        value = earlier[-1].value * draw(st.floats(0.5, 1.0))
    else:
        value = earlier[-1].value - draw(st.floats(0.0, abs(earlier[-1].value) + 1.0))
    return _measured(draw, criterion, component, value, LAST_DAY + dt.timedelta(days=1))
