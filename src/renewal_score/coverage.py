"""How much evidence stands behind each criterion, and the say-do gap, from its events.

Counted once per criterion over its counted records, whatever plugin scored it: records,
events, sources, kinds and grades, the newest date, and the sums behind the say-do gap:
each event counts once, split between declaratory and concrete by its reports (methodology
§6), so that neither a second report of an event nor a grade moves the gap.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from renewal_score.events import Event, events_of, observation_event, reports_of
from renewal_score.method import MethodSettings
from renewal_score.models import Criterion, Evidence, Observation
from renewal_score.results import Coverage


@dataclass(frozen=True)
class Tally:
    """The records behind one criterion, counted once for coverage and the say-do gap."""

    coverage: Coverage
    events: int
    declared: float
    """Sum over events of their declaratory shares."""


EMPTY_TALLY = Tally(
    Coverage(records=0, events=0, sources=0, concrete=0, declaratory=0, grades={}, newest=None),
    0,
    0.0,
)


def tally(
    criterion: Criterion,
    evidence: Sequence[Evidence],
    observations: Sequence[Observation],
    method: MethodSettings,
) -> Tally:
    """Counts of a criterion's records by kind and grade, its events and sources, the newest
    date, and the sums behind the say-do gap."""
    if not evidence and not observations:
        return EMPTY_TALLY
    supports = method.supports()
    level_of = {level.id: index for index, level in enumerate(criterion.rubric)}
    reports = reports_of(evidence, level_of, supports) if evidence else []
    events: list[Event] = events_of(reports)
    events += [observation_event(o, supports[o.grade]) for o in observations]
    records: list[Evidence | Observation] = [*evidence, *observations]
    declaratory = sum(r.kind == "declaratory" for r in records)
    newest = max(records, key=lambda r: (r.effective_date, r.date, r.id))
    coverage = Coverage(
        records=len(records),
        events=len(events),
        sources=len({r.source for r in reports}) + len({_source(o) for o in observations}),
        concrete=len(records) - declaratory,
        declaratory=declaratory,
        grades=dict(sorted(Counter(r.grade for r in records).items())),
        newest=newest.date,
    )
    return Tally(coverage, len(events), sum(e.declaratory for e in events))


def _source(observation: Observation) -> tuple[str, str, str]:
    source = observation.source
    return source.url, source.publisher, source.title


def say_do_gap(tallies: Sequence[Tally]) -> float | None:
    """Percentage of the events of the tallies that are declaratory; None without any."""
    events = sum(t.events for t in tallies)
    return 100.0 * sum(t.declared for t in tallies) / events if events else None
