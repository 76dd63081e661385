"""What changed since an earlier date, and why: every score's change between two as-of dates,
explained by the events whose records arrived or expired in between.

Starting from the records counted at the earlier date, the changes are applied one event at a
time (expiries first, then arrivals in date order; the events of one date by criterion and
key, which are content), every score recomputed after each. An event's share of a score is
that score's change at its step, so the shares add up to the whole change exactly. Records
counted at both dates on which a criterion's score rested before (the records of the last
moment that set it) but no longer does are listed as superseded. Scores are the central
scores of the run (methodology §6, §8); the rule for criteria without evidence and the
coverage gate apply at every step.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import replace

from renewal_score.agenda import Agenda, evidence_order
from renewal_score.events import event_key
from renewal_score.models import Evidence, Observation
from renewal_score.options import RunOptions
from renewal_score.plan import Plan, aggregated_value, covered, plan_of
from renewal_score.plugins import PluginHost
from renewal_score.results import Assessment, Changes, Contribution, ScoreChange, Step, Why
from renewal_score.scoring import PRECISION
from renewal_score.selection import Selection, select

Record = Evidence | Observation


def explain(agenda: Agenda, host: PluginHost, options: RunOptions, since: dt.date) -> Changes:
    """The changes of every score from ``since`` to ``options.as_of`` (see the module doc)."""
    before = select(agenda, replace(options, as_of=since))
    after = select(agenda, options)
    plan = plan_of(agenda, host, options)
    counted = {c: _records(before, c) for c in agenda.criteria}
    steps = _steps(before, after, agenda)
    scores = _Scores(agenda, host, after, plan, options)
    history = [scores.all(counted)]
    basis_before = scores.basis(counted)
    for step, members in steps:
        current = counted[step.criterion]
        ids = set(step.records)
        kept = [r for r in current if r.id not in ids]
        if step.why == "arrived":
            kept = sorted([*kept, *members], key=evidence_order)
        counted[step.criterion] = kept
        history.append(scores.all(counted))
    basis_after = scores.basis(counted)
    superseded = {
        c: sorted((basis_before[c] - basis_after[c]) & {r.id for r in counted[c]})
        for c in agenda.criteria
    }
    return Changes(
        subject=after.context.subject,
        since=since,
        as_of=options.as_of,
        steps=tuple(step for step, _ in steps),
        scores=tuple(_score_change(key, history) for key in history[0]),
        superseded={c: tuple(ids) for c, ids in superseded.items() if ids},
    )


def _records(chosen: Selection, criterion: str) -> list[Record]:
    return [*chosen.evidence[criterion], *chosen.observations[criterion]]


def _steps(before: Selection, after: Selection, agenda: Agenda) -> list[tuple[Step, list[Record]]]:
    """The events that leave (counted before, not after) and enter (the reverse): expiries
    first, then arrivals, each in date order, then by criterion and event key."""
    found: list[tuple[tuple[int, dt.date, str, str], Why, list[Record]]] = []
    for criterion in agenda.criteria:
        old = {r.id: r for r in _records(before, criterion)}
        new = {r.id: r for r in _records(after, criterion)}
        moves: tuple[tuple[Why, list[Record]], ...] = (
            ("expired", [old[i] for i in old.keys() - new]),
            ("arrived", [new[i] for i in new.keys() - old]),
        )
        for phase, (why, records) in enumerate(moves):
            events: dict[str, list[Record]] = {}
            for record in records:
                events.setdefault(_event_of(record), []).append(record)
            for key, members in events.items():
                day = min(r.effective_date for r in members)
                found.append(((phase, day, criterion, key), why, members))
    found.sort(key=lambda item: item[0])
    return [
        (
            Step(
                number=number,
                why=why,
                criterion=order[2],
                date=order[1],
                records=tuple(sorted(r.id for r in members)),
            ),
            sorted(members, key=evidence_order),
        )
        for number, (order, why, members) in enumerate(found, start=1)
    ]


def _event_of(record: Record) -> str:
    return event_key(record) if isinstance(record, Evidence) else "observation\x1f" + record.id


class _Scores:
    """Central scores of the run from given counted records, criterion by criterion."""

    def __init__(
        self, agenda: Agenda, host: PluginHost, chosen: Selection, plan: Plan, options: RunOptions
    ) -> None:
        self.agenda, self.host, self.plan, self.options = agenda, host, plan, options
        self.context = chosen.context
        self.cache: dict[tuple[str, tuple[str, ...]], Assessment] = {}

    def criterion(self, criterion_id: str, records: Sequence[Record]) -> Assessment:
        """A criterion's assessment from the given records (memoised)."""
        key = (criterion_id, tuple(r.id for r in records))
        if key not in self.cache:
            evidence = [r for r in records if isinstance(r, Evidence)]
            measured = [r for r in records if isinstance(r, Observation)]
            criterion = self.agenda.criteria[criterion_id]
            _, found = self.host.score_criterion(criterion, evidence, measured, self.context)
            self.cache[key] = found
        return self.cache[key]

    def basis(self, counted: Mapping[str, Sequence[Record]]) -> dict[str, set[str]]:
        """Per criterion, the records its score rests on: those of the last moment that set
        it (a scorer without a trace: its deciding records)."""
        return {c: _basis(self.criterion(c, records)) for c, records in counted.items()}

    def all(self, counted: Mapping[str, Sequence[Record]]) -> dict[str, float | None]:
        """The overall index, each priority and each criterion, gated by coverage."""
        method = self.options.method
        criteria = {c: self.criterion(c, records).score for c, records in counted.items()}
        values = {c: aggregated_value(v, method) for c, v in criteria.items()}
        priorities = self.plan.priorities(values)
        rated = {c for c, v in criteria.items() if v is not None}
        shown = {
            p: priorities[p] if covered(len(rated & weights.keys()), len(weights), method) else None
            for p, weights in self.plan.within.items()
        }
        whole = covered(len(rated), len(criteria), method)
        overall = self.plan.overall(priorities) if whole else None
        return {"overall": overall, **shown, **criteria}


def _basis(assessment: Assessment) -> set[str]:
    moved = [
        step
        for previous, step in zip((None, *assessment.trace), assessment.trace, strict=False)
        if previous is None or step.score != previous.score
    ]
    return set(moved[-1].records) if moved else set(assessment.evidence)


def _score_change(key: str, history: Sequence[Mapping[str, float | None]]) -> ScoreChange:
    """A score's change and each step's share of it. A step that makes the score unrated
    gets no share; the step that rates it again gets the change from the last value it had,
    so that the shares add up to the change."""
    before, after = history[0][key], history[-1][key]
    contributions = []
    last = before
    for number in range(1, len(history)):
        new = history[number][key]
        if new is None:
            continue
        if last is not None and round(new - last, PRECISION) != 0:
            contributions.append(Contribution(step=number, share=round(new - last, PRECISION)))
        last = new
    return ScoreChange(
        id=key,
        before=before,
        after=after,
        change=None if before is None or after is None else round(after - before, PRECISION),
        contributions=tuple(contributions),
    )
