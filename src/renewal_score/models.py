"""The input data model: what plugins and users supply.

Every model is a frozen pydantic v2 model that rejects unknown fields, so a typo in a data file
is an error rather than a silently ignored key, and every model exports a JSON Schema:
AgendaDefinition, Subject, Priority, Criterion (with its ordered RubricLevel list, or an
Indicator of Components), Evidence (with Source), Observation. What scoring produces is in
``results``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

Identifier = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$", max_length=120),
]
"""Ids are short and safe to use in file names, URLs and HTML anchors."""

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

EVENT_DATE_PATTERN = r"^[0-9]{4}(-Q[1-4]|-[0-9]{2}(-[0-9]{2})?)?$"
"""ASCII digits only: ``\\d`` would match the digits of every script (full-width, Arabic-Indic)."""

GradeText = Annotated[str, StringConstraints(pattern=r"^[A-F][1-6]$")]
"""An Admiralty (NATO STANAG 2511) grade: source reliability A-F, information credibility 1-6."""

EvidenceKind = Literal["declaratory", "concrete"]
Effect = Literal["advance", "setback"]
DatePrecision = Literal["year", "quarter", "month", "day"]


class Frozen(BaseModel):
    model_config = ConfigDict(
        frozen=True, extra="forbid", str_strip_whitespace=True, defer_build=True
    )


def _require_unique(ids: list[str], what: str) -> None:
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ValueError(f"{what} must be unique; repeated: {', '.join(duplicates)}")


@functools.lru_cache(maxsize=65536)  # dates repeat across records; parse each once
def event_date_span(text: str) -> tuple[dt.date, dt.date, DatePrecision]:
    """First and last day of the period an event date names, and its precision.

    Raises ValueError for a date that cannot exist (month 13, 30 February).
    """
    year = int(text[:4])
    if len(text) == 4:
        return dt.date(year, 1, 1), dt.date(year, 12, 31), "year"
    if text[5] == "Q":
        first_month = 3 * (int(text[6]) - 1) + 1
        last_month = first_month + 2
        last_day = calendar.monthrange(year, last_month)[1]
        return dt.date(year, first_month, 1), dt.date(year, last_month, last_day), "quarter"
    month = int(text[5:7])
    if not 1 <= month <= 12:
        raise ValueError(f"month {month} does not exist")
    if len(text) == 7:
        return (
            dt.date(year, month, 1),
            dt.date(year, month, calendar.monthrange(year, month)[1]),
            "month",
        )
    day = dt.date(year, month, int(text[8:10]))
    return day, day, "day"


def date_as_text(value: object) -> object:
    """A date as text: TOML parses bare dates into date objects."""
    return value.isoformat() if isinstance(value, dt.date) else value


def existing_date(value: str) -> str:
    """The event date text, if the date it names can exist (no 30 February)."""
    try:
        event_date_span(value)
    except ValueError as error:
        raise ValueError(f"{value!r} is not a real date: {error}") from None
    return value


EventDateText = Annotated[
    str,
    StringConstraints(pattern=EVENT_DATE_PATTERN),
    BeforeValidator(date_as_text),  # runs first; after the pattern, so the schema shows it
    AfterValidator(existing_date),
]
"""An event date as precise as the source allows: YYYY, YYYY-Qn, YYYY-MM or YYYY-MM-DD.

Validated field by field (not by a model-level validator) so that JSON input is validated
without first being turned into Python dictionaries."""


AggregationName = Annotated[str, StringConstraints(min_length=1, max_length=120)]
"""The name of an aggregation method: built in (arithmetic, geometric, minimum) or a plugin's."""


class AgendaDefinition(Frozen):
    """A set of priorities scored together, and how its scores are aggregated.

    A run scores one agenda; its priorities name it (``Priority.agenda``).
    ``criteria_aggregation`` combines each priority's criteria into its score,
    ``priorities_aggregation`` the priorities into the overall index: each an aggregation
    method's name (arithmetic, geometric, minimum, or a plugin's). An index that needs a
    geometric mean declares it here, so that no run can forget it.
    """

    id: Identifier
    title: Text
    description: str = ""
    criteria_aggregation: AggregationName = "arithmetic"
    priorities_aggregation: AggregationName = "arithmetic"


class Subject(Frozen):
    """What evidence is about: usually a relationship such as a pair of countries."""

    id: Identifier
    title: Text


class Priority(Frozen):
    """One recommendation of the agenda, scored from its criteria."""

    id: Identifier
    title: Text
    agenda: Identifier | None = Field(
        default=None,
        description="The agenda the priority belongs to; none: the default agenda (the one "
        "declared first).",
    )
    description: str = ""
    weight: float = Field(default=1.0, ge=0, allow_inf_nan=False)
    target: float = Field(
        default=75.0,
        ge=0,
        le=100,
        allow_inf_nan=False,
        description="The score at which the priority counts as achieved.",
    )


class RubricLevel(Frozen):
    """One rung of a criterion's ordered rubric."""

    id: Identifier
    label: Text
    description: Text
    needs_concrete: bool = Field(
        default=False,
        description="Only concrete evidence (money spent, treaties in force) can show this level.",
    )


class Component(Frozen):
    """One measured quantity of an indicator, normalised to [0, 1] by fixed goalposts."""

    id: Identifier = "value"
    unit: str = ""
    goalposts: tuple[float, float] = Field(
        description="The values scored 0 and 1 (before direction); values beyond are capped.",
    )
    transform: Literal["none", "log"] = Field(
        default="none",
        description="log: normalise the natural logarithm of the value.",
    )
    direction: Literal["higher", "lower"] = Field(
        default="higher",
        description="Whether a higher value is better or worse.",
    )
    weight: float = Field(default=1.0, gt=0, allow_inf_nan=False)

    @model_validator(mode="after")
    def _goalposts_usable(self) -> Component:
        low, high = self.goalposts
        if not low < high:
            raise ValueError("goalposts must be (minimum, maximum) with minimum < maximum")
        if self.transform == "log" and low <= 0:
            raise ValueError("a log transform needs goalposts above 0")
        return self


class Indicator(Frozen):
    """A quantitative criterion: its score is 100 times the combination of its components."""

    components: tuple[Component, ...] = Field(min_length=1)
    combine: Literal["mean", "geometric"] = Field(
        default="mean",
        description="Weighted arithmetic or geometric mean of the components.",
    )

    @model_validator(mode="after")
    def _component_ids_unique(self) -> Indicator:
        _require_unique([c.id for c in self.components], "component ids")
        return self


class Criterion(Frozen):
    """One thing a priority is judged on: by an ordered rubric (lowest level first) that
    evidence records climb, or by a quantitative indicator that observations measure."""

    id: Identifier
    priority: Identifier
    title: Text
    description: str = ""
    weight: float = Field(default=1.0, ge=0, allow_inf_nan=False)
    rubric: tuple[RubricLevel, ...] = ()
    indicator: Indicator | None = None
    valid_years: float | None = Field(
        default=None,
        gt=0,
        le=1000,  # a longer span would reach before the first day a date can name
        allow_inf_nan=False,
        description="Evidence older than this many years at the as-of date no longer counts "
        "(an event must be repeated to keep counting).",
    )

    @model_validator(mode="after")
    def _rubric_or_indicator(self) -> Criterion:
        if len(self.rubric) == 1 or (self.indicator is None and not self.rubric):
            raise ValueError("a criterion needs a rubric of at least 2 levels, or an indicator")
        _require_unique([level.id for level in self.rubric], "rubric level ids")
        return self

    def level_index(self, level_id: str) -> int:
        """Position of a level in the rubric; ValueError if the rubric has no such level."""
        for index, level in enumerate(self.rubric):
            if level.id == level_id:
                return index
        raise ValueError(level_id)

    def level_scores(self, spacing: float = 1.0) -> list[float]:
        """Normalised scores of the rubric's levels, 100 (k / (L - 1)) ** spacing: from 0
        (lowest) to 100 (highest), equally spaced by default (methodology §5)."""
        last = len(self.rubric) - 1
        return [100.0 * (k / last) ** spacing for k in range(last + 1)]


class Source(Frozen):
    """Where a piece of evidence was published."""

    title: Text
    publisher: str = ""
    date: dt.date | None = None
    url: str = ""


class Evidence(Frozen):
    """One dated, sourced, graded claim about a criterion for a subject."""

    id: Identifier
    subject: Identifier
    criterion: Identifier
    date: EventDateText = Field(
        description="When the event happened (not when it was reported), as precise as known.",
    )
    statement: Text
    level: Identifier = Field(description="The rubric level the event shows (or falls back to).")
    effect: Effect = "advance"
    kind: EvidenceKind
    source: Source
    grade: GradeText
    event: Identifier | None = Field(
        default=None,
        description="The event the record reports. Records of one event corroborate it: they "
        "add certainty, never a second event. A record without one is its own event.",
    )
    note: str = ""

    @property
    def date_precision(self) -> DatePrecision:
        return event_date_span(self.date)[2]

    @property
    def effective_date(self) -> dt.date:
        """The first day on which the event has certainly happened: the end of its stated period."""
        return event_date_span(self.date)[1]


class Observation(Frozen):
    """One dated, sourced, graded measurement of an indicator component for a subject."""

    id: Identifier
    subject: Identifier
    criterion: Identifier
    component: Identifier = "value"
    date: EventDateText = Field(description="When the value was measured, as precise as known.")
    value: float = Field(allow_inf_nan=False)
    source: Source
    grade: GradeText
    note: str = ""

    @property
    def effective_date(self) -> dt.date:
        """The last day of the period the measurement is dated to."""
        return event_date_span(self.date)[1]

    @property
    def kind(self) -> EvidenceKind:
        """A measurement is concrete evidence: it records what is, not what was said."""
        return "concrete"
