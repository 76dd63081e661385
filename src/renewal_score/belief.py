"""Where a criterion stands, and how sure we are: the reading and the belief of a rubric.

The evidence of a criterion is read moment by moment (a moment: one effective date; records
of one event are placed at its earliest date). At each moment, each claim (level k, advance
or setback) holds with probability p_k, the chance that at least one of its reports holds
(``events.combined``; a report of an event that other reports contradict counts in
proportion to its support). Then

    advances first:  x <- max(x, s_m), m the highest level advanced to   "at least s_m"
    then setbacks:   x <- sum_k p_k s_k / sum_k p_k over the setback levels  "back at s_k"

**The reading** (central score) is this fold with every claim taken at its word. Records
that agree, however graded, give the level they show; only claims that cannot all be true
(setbacks of one moment to different levels, reports of one event that disagree) are weighed
by their probabilities, so a better-graded record moves the reading towards its level and
never past it.

**The belief** is the distribution of x when each claim holds independently with its
probability, in the same fold (before any claim holds, x is unknown). Unknown mass is spread
evenly over the rubric's levels: if none of the evidence holds, any level is possible. The
interval and the certainty come from it.

Nothing here reads record ids or arrival order: only dates, levels, effects and supports.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from renewal_score.events import Event

EventClaims = tuple[float, tuple[tuple[int, bool, float], ...]]
"""An event as a moment reads it: its probability, and (level index, setback, probability)
of each claim its reports make, sorted."""

VALUE_DIGITS = 10
"""Values of the belief are merged when equal to this many decimals (float noise)."""


@dataclass(frozen=True)
class Moment:
    """The claims of one effective date."""

    day: int
    advances: dict[int, float]
    """Probability that the criterion was shown to reach at least each level, by level."""
    setbacks: dict[int, float]
    """Probability that the criterion was shown back at each level, by level."""
    events: tuple[EventClaims, ...]
    """Each event of the date: its probability, and (level index, setback, probability) of
    each claim its reports make."""
    records: tuple[str, ...]


def moments_of(events: Sequence[Event]) -> list[Moment]:
    """The events merged by date: per claim, 1 - prod over events (1 - P_e x share_e), where
    share_e is the claim's part of the event's claims (1 when its reports agree)."""
    by_day: dict[int, list[Event]] = {}
    for event in events:
        by_day.setdefault(event.day, []).append(event)
    moments = []
    for day in sorted(by_day):
        doubts: dict[tuple[int, bool], list[float]] = {}
        for event in by_day[day]:
            total = sum(event.claims.values())
            for claim, support in event.claims.items():
                share = support / total if total > 0 else 0.0
                doubts.setdefault(claim, []).append(1.0 - event.support * share)
        held = {claim: 1.0 - _product(values) for claim, values in doubts.items()}
        moments.append(
            Moment(
                day=day,
                advances={k: p for (k, setback), p in held.items() if not setback},
                setbacks={k: p for (k, setback), p in held.items() if setback},
                events=tuple(sorted(event_claims(e.support, e.claims) for e in by_day[day])),
                records=tuple(sorted(r for e in by_day[day] for r in e.records)),
            )
        )
    return moments


def event_claims(support: float, claims: dict[tuple[int, bool], float]) -> EventClaims:
    """An event as a moment reads it, from its probability and its claims'."""
    return support, tuple(sorted((k, b, p) for (k, b), p in claims.items()))


def _product(values: list[float]) -> float:
    result = 1.0
    for value in sorted(values):
        result *= value
    return result


@dataclass(frozen=True)
class TraceStep:
    day: int
    records: tuple[str, ...]
    reading: float | None


@dataclass(frozen=True)
class Belief:
    """A criterion's reading and the distribution of its score."""

    reading: float | None
    """The central score; None when no claim carries any probability."""
    values: tuple[tuple[float, float], ...]
    """(score, probability) pairs, ascending, unknown mass already spread over the levels."""
    trace: tuple[TraceStep, ...]
    """The reading after each moment, with the records of that moment."""


def read(moments: Sequence[Moment], level_scores: Sequence[float]) -> Belief:
    """The reading and belief of a rubric criterion from its moments (see the module doc)."""
    reading: float | None = None
    belief: dict[float | None, float] = {None: 1.0}
    trace = []
    for moment in moments:
        reading = _apply(moment, level_scores, reading)
        belief = _spread(moment, level_scores, belief)
        trace.append(TraceStep(moment.day, moment.records, reading))
    unknown = belief.pop(None, 0.0)
    for score in level_scores:
        key = _rounded(score)
        belief[key] = belief.get(key, 0.0) + unknown / len(level_scores)
    values = tuple(sorted((v, p) for v, p in belief.items() if v is not None and p > 0))
    has_weight = any(p > 0 for m in moments for p in (*m.advances.values(), *m.setbacks.values()))
    return Belief(reading if has_weight else None, values, tuple(trace))


def reading_of(
    events: Iterable[tuple[int, EventClaims]], level_scores: Sequence[float]
) -> float | None:
    """``read(moments_of(events), level_scores).reading`` from each event's day and
    ``Moment.events`` entry alone, for scoring many subjects: the same steps (``_apply``)
    on the same numbers in the same order, without the belief.

    The reading is None when no claim carries any probability: when for every claim,
    1 - P_e x share_e rounds to 1 (then so does the product of such factors in
    ``moments_of``, and the claim's probability is 0)."""
    by_day: dict[int, list[EventClaims]] = {}
    weighed = False
    for day, event in events:
        by_day.setdefault(day, []).append(event)
        weighed = weighed or _weighs(*event)
    if not weighed:
        return None
    x: float | None = None
    scores = tuple(level_scores)
    for day in sorted(by_day):
        x = _step(tuple(sorted(by_day[day])), scores, x)
    return x


@functools.lru_cache(maxsize=1 << 16)
def _step(
    events: tuple[EventClaims, ...], level_scores: tuple[float, ...], x: float | None
) -> float | None:
    """``_apply_events``, remembered: across many subjects, many moments are alike (a few
    grades, levels and effects) and come after the same reading."""
    return _apply_events(events, level_scores, x)


def _weighs(support: float, claims: tuple[tuple[int, bool, float], ...]) -> bool:
    """Whether any claim of the event carries probability in ``moments_of``."""
    total = sum(p for _, _, p in claims)
    return total > 0 and any(1.0 - support * (p / total) < 1.0 for _, _, p in claims)


def _apply(moment: Moment, level_scores: Sequence[float], x: float | None) -> float | None:
    """The fold's step with every event of the moment taken at its word: an event whose
    reports disagree stands at their levels weighed by probability."""
    return _apply_events(moment.events, level_scores, x)


def _apply_events(
    events: Iterable[EventClaims], level_scores: Sequence[float], x: float | None
) -> float | None:
    """``_apply`` on the events of a moment, in ``Moment.events`` order."""
    advanced: list[float] = []
    fallen: dict[float, float] = {}  # reading -> doubt that any event showing it holds
    for support, claims in events:
        total = sum(p for _, _, p in claims)
        if total <= 0:
            continue
        reading = sum(p * level_scores[k] for k, _, p in claims) / total
        back = sum(p for _, b, p in claims if b)
        if back > 0 and back >= total - back:
            fallen[reading] = fallen.get(reading, 1.0) * (1.0 - support)
        else:
            advanced.append(reading)
    if advanced:
        x = max(advanced) if x is None else max(x, *advanced)
    if fallen:
        weights = {reading: 1.0 - doubt for reading, doubt in sorted(fallen.items())}
        total = sum(weights.values())
        if total > 0:
            x = sum(w * reading for reading, w in weights.items()) / total
    return x


def _setback_reading(held: dict[int, float], level_scores: Sequence[float]) -> float:
    """Where setbacks of one moment put the criterion: their levels weighed by probability."""
    total = sum(held.values())
    return sum(p * level_scores[k] for k, p in sorted(held.items())) / total


def _spread(
    moment: Moment, level_scores: Sequence[float], belief: dict[float | None, float]
) -> dict[float | None, float]:
    """The fold's step over every combination of the moment's claims holding or not."""
    after: dict[float | None, float] = {}

    def add(value: float | None, probability: float) -> None:
        if probability > 0:
            key = None if value is None else _rounded(value)
            after[key] = after.get(key, 0.0) + probability

    outcomes = _highest_advance(moment.advances, level_scores)
    for value, probability in belief.items():
        for top, chance in outcomes:
            if top is None:
                add(value, probability * chance)
            else:
                add(top if value is None else max(value, top), probability * chance)
    if not moment.setbacks:
        return after
    before, after = after, {}
    levels = sorted(moment.setbacks)
    for held in itertools.product((False, True), repeat=len(levels)):
        chance = _product(
            [
                moment.setbacks[k] if h else 1.0 - moment.setbacks[k]
                for k, h in zip(levels, held, strict=True)
            ]
        )
        chosen = {k: moment.setbacks[k] for k, h in zip(levels, held, strict=True) if h}
        if not chosen:
            for value, probability in before.items():
                add(value, probability * chance)
        elif sum(chosen.values()) > 0:
            add(_setback_reading(chosen, level_scores), chance)
    return after


def _highest_advance(
    advances: dict[int, float], level_scores: Sequence[float]
) -> list[tuple[float | None, float]]:
    """The distribution of the highest level advanced to, None when no advance holds."""
    outcomes: list[tuple[float | None, float]] = []
    none_higher = 1.0
    for level in sorted(advances, reverse=True):
        outcomes.append((level_scores[level], advances[level] * none_higher))
        none_higher *= 1.0 - advances[level]
    outcomes.append((None, none_higher))
    return outcomes


def _rounded(value: float) -> float:
    return round(value, VALUE_DIGITS)


def quantile(values: Sequence[tuple[float, float]], q: float) -> float:
    """The smallest value whose cumulative probability reaches q (of a discrete distribution)."""
    cumulative = 0.0
    for value, probability in values:
        cumulative += probability
        if cumulative >= q - 1e-12:
            return value
    return values[-1][0]


def nearest_level(value: float, level_scores: Sequence[float]) -> int:
    """The level whose score is nearest the value (ties: the lower)."""
    return min(range(len(level_scores)), key=lambda k: (abs(level_scores[k] - value), k))
