"""From evidence records to the reports the scoring model reads: events, sources, duplicates.

Several records may report one event (a signing reported by the ministry and by a newspaper):
they corroborate it, they do not make it two events. A record names its event with ``event``;
a record without one is its own event, except that copies of one report (same criterion,
date, level, effect, kind, source and statement) are one report whatever their ids. Records
of one source (same url, or same publisher and title when there is no url) are one report
of an event, not independent corroboration. Nothing here depends on record ids or on the
order records arrive in.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from renewal_score.models import Evidence, Observation, Source, event_date_span

if TYPE_CHECKING:
    from renewal_score.records import Columns


@dataclass(frozen=True, slots=True)
class Report:
    """One record as the scoring model reads it."""

    record: str
    """The record's id: only for tracing a figure back to its records."""
    event: str
    day: int
    """The record's effective date (the last day of its stated period), as an ordinal."""
    level: int
    """The rubric level index it shows."""
    setback: bool
    concrete: bool
    source: str
    support: float
    """The probability that the report holds, from its grade."""


def source_key(source: Source) -> str:
    """Who published a record, as one string: its url without fragment, trailing slash and
    letter case of scheme and host; without a url, its publisher and title."""
    return source_key_of(source.url, source.publisher, source.title)


def source_key_of(url: str, publisher: str, title: str) -> str:
    """``source_key`` of a source's fields (the model's values: title already stripped)."""
    url = url.strip()
    if url:
        url = url.split("#", 1)[0].rstrip("/")
        scheme, separator, rest = url.partition("://")
        host, slash, path = rest.partition("/")
        return "url:" + (
            scheme.lower() + separator + host.lower() + slash + path if separator else url
        )
    return "title:" + _folded(publisher) + "\x1f" + _folded(title)


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


def event_key(record: Evidence) -> str:
    """The event a record reports: its ``event``, or the report itself (its content, so that
    copies of one report under other ids are one event)."""
    if record.event is not None:
        return "event:" + record.event
    return implicit_event(
        record.criterion,
        record.date,
        record.level,
        record.effect,
        record.kind,
        source_key(record.source),
        record.statement,
    )


def implicit_event(
    criterion: str, date: str, level: str, effect: str, kind: str, source: str, statement: str
) -> str:
    """The event key of a record without ``event``: everything it says, but its id."""
    return "\x1f".join(("report", criterion, date, level, effect, kind, source, _folded(statement)))


def reports_of(
    records: Iterable[Evidence], level_of: Mapping[str, int], supports: Mapping[str, float]
) -> list[Report]:
    """The records of one criterion as reports, given its rubric's level indices and the
    probability of each grade."""
    return [
        Report(
            record=r.id,
            event=event_key(r),
            day=event_date_span(r.date)[1].toordinal(),
            level=level_of[r.level],
            setback=r.effect == "setback",
            concrete=r.kind == "concrete",
            source=source_key(r.source),
            support=supports[r.grade],
        )
        for r in records
    ]


@dataclass(frozen=True)
class Event:
    """An event as its reports show it."""

    key: str
    day: int
    """The earliest effective date among its reports: the day by which, if its earliest report
    is right, it has certainly happened."""
    support: float
    """The probability that it happened: 1 - prod over its sources (1 - the best report's)."""
    declaratory: float
    """The declaratory share of the event, 0 to 1: of its reports' combined probability,
    what comes from declaratory ones (1 when all are, 0 when none is)."""
    claims: dict[tuple[int, bool], float]
    """Support of each (level, setback) its reports claim, sources counted once."""
    records: tuple[str, ...]


def events_of(reports: Sequence[Report]) -> list[Event]:
    """The events the reports show, in date order (ties: by key, which is content)."""
    grouped: dict[str, list[Report]] = defaultdict(list)
    for report in reports:
        grouped[report.event].append(report)
    events = [_event(key, members) for key, members in grouped.items()]
    return sorted(events, key=lambda e: (e.day, e.key))


def _event(key: str, reports: list[Report]) -> Event:
    total, claims = claims_of(reports)
    kinds = [
        combined(r for r in reports if not r.concrete),
        combined(r for r in reports if r.concrete),
    ]
    declaratory = kinds[0] / (kinds[0] + kinds[1]) if kinds[0] > 0 else 0.0
    return Event(
        key=key,
        day=min(r.day for r in reports),
        support=total,
        declaratory=declaratory,
        claims=claims,
        records=tuple(sorted(r.record for r in reports)),
    )


def claims_of(reports: Sequence[Report]) -> tuple[float, dict[tuple[int, bool], float]]:
    """The probability of an event of these reports, and of each (level, setback) they
    claim; when they all make one claim, its probability is the event's."""
    total = combined(reports)
    distinct = {(r.level, r.setback) for r in reports}
    if len(distinct) == 1:
        return total, dict.fromkeys(distinct, total)
    return total, {
        claim: combined(r for r in reports if (r.level, r.setback) == claim) for claim in distinct
    }


def combined(reports: Iterable[Report]) -> float:
    """The probability that at least one of the reports holds, each source counted once at
    its best report: 1 - prod_sources (1 - max support)."""
    best: dict[str, float] = {}
    for report in reports:
        best[report.source] = max(best.get(report.source, 0.0), report.support)
    doubt = 1.0
    for support in sorted(best.values()):  # sorted: the product does not depend on arrival order
        doubt *= 1.0 - support
    return 1.0 - doubt


def observation_event(observation: Observation, support: float) -> Event:
    """A measurement is its own concrete event."""
    return Event(
        key="observation\x1f" + observation.id,
        day=observation.effective_date.toordinal(),
        support=support,
        declaratory=0.0,
        claims={},
        records=(observation.id,),
    )


DUPLICATE_FIELDS = ("subject", "criterion", "date", "level", "effect", "kind")


def likely_duplicates(columns: Columns) -> list[tuple[str, ...]]:
    """Groups of evidence records that may report one event without saying so: no ``event``,
    and the same subject, criterion, date, level, effect and kind under different ids."""
    groups: dict[tuple[str, ...], list[str]] = defaultdict(list)
    keys = zip(*(getattr(columns, name) for name in DUPLICATE_FIELDS), strict=True)
    for record_id, event, key in zip(columns.id, columns.event, keys, strict=True):
        if event is None:
            groups[key].append(record_id)
    return sorted(tuple(sorted(ids)) for ids in groups.values() if len(ids) > 1)


def duplicate_warning(ids: Sequence[str]) -> str:
    """The warning for one group of likely duplicates."""
    shown = ", ".join(ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")
    return (
        f"likely duplicates: {shown} have the same subject, criterion, date, level, effect and "
        "kind and no event; give them one `event` if they report one event (they are now "
        "counted as separate events, unless they are copies of one report)"
    )


def newest_date(records: Iterable[Evidence | Observation]) -> dt.date | None:
    """The latest effective date among the records."""
    return max((r.effective_date for r in records), default=None)
