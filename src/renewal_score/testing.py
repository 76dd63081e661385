"""Helpers for testing plugins: run the framework with just the plugins under test.

from renewal_score.testing import run

def test_my_criterion_is_scored():
    card = run(my_plugin, as_of=datetime.date(2025, 1, 1))
    assert card.priorities[0].criteria[0].score is not None
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from renewal_score.agenda import Agenda, collect_agenda
from renewal_score.datafiles import DataSet
from renewal_score.engine import build_scorecard
from renewal_score.errors import Location
from renewal_score.hookspecs import hookimpl
from renewal_score.models import (
    Criterion,
    Evidence,
    Observation,
    Priority,
    Source,
    Subject,
)
from renewal_score.options import RunOptions
from renewal_score.plugins import PluginHost, load_plugins
from renewal_score.records import EvidenceRecords
from renewal_score.results import Scorecard

Record = Mapping[str, Any]


class StaticPlugin:
    """A plugin that registers the records it was given; handy in tests and notebooks."""

    def __init__(
        self,
        *,
        subjects: Iterable[Subject | Record] = (),
        priorities: Iterable[Priority | Record] = (),
        criteria: Iterable[Criterion | Record] = (),
        evidence: Iterable[Evidence | Record] = (),
        observations: Iterable[Observation | Record] = (),
    ) -> None:
        self.subjects = list(subjects)
        self.priorities = list(priorities)
        self.criteria = list(criteria)
        self.evidence = list(evidence)
        self.observations = list(observations)

    @hookimpl
    def register_subjects(self) -> list[Subject | Record]:
        return self.subjects

    @hookimpl
    def register_priorities(self) -> list[Priority | Record]:
        return self.priorities

    @hookimpl
    def register_criteria(self) -> list[Criterion | Record]:
        return self.criteria

    @hookimpl
    def register_evidence(self) -> list[Evidence | Record]:
        return self.evidence

    @hookimpl
    def register_observations(self) -> list[Observation | Record]:
        return self.observations


def make_host(*plugins: object, builtins: bool = False) -> PluginHost:
    """A host with the core defaults, the given plugin objects and, optionally, the built-ins.

    Installed plugins are not loaded, so a test sees only what it asks for.
    """
    named = [
        (getattr(p, "__name__", None) or f"{type(p).__name__.lower()}-{i}", p)
        for i, p in enumerate(plugins, start=1)
    ]
    return load_plugins(builtins=builtins, entry_points=False, extra=named)


def agenda_of(*plugins: object, builtins: bool = False) -> Agenda:
    """The checked agenda the plugins define (DataError lists every problem)."""
    return collect_agenda(make_host(*plugins, builtins=builtins))


def run(
    *plugins: object,
    as_of: dt.date,
    subject: str | None = None,
    builtins: bool = False,
    files: DataSet | None = None,
    **options: Any,
) -> Scorecard:
    """Score the agenda the plugins define, as the ``report`` command would.

    ``options`` are further ``renewal_score.options.RunOptions`` fields, such as
    ``criteria_aggregation="geometric"`` or ``weights={"some-criterion": 2.0}``.
    """
    host = make_host(*plugins, builtins=builtins)
    agenda = collect_agenda(host, files)
    return build_scorecard(agenda, host, RunOptions(as_of=as_of, subject=subject, **options))


def check_plugin(*plugins: object, builtins: bool = False, max_examples: int = 50) -> None:
    """Check, with generated evidence, that scoring the plugins' criteria keeps its properties.

    For every criterion the plugins define (and the built-ins', with ``builtins``), under
    the plugins' own ``score_criterion`` where they have one:

    - every score is within [0, 100] (or None when unrated), every certainty within [0, 1];
    - adding a concrete record that advances a criterion never lowers its score;
    - the scorecard does not depend on the order in which evidence records arrive;
    - scoring the same evidence twice gives the same scorecard.

    Raises AssertionError with a minimal failing example (found by hypothesis, which must
    be installed: it is in renewal-score's ``dev`` extra).
    """
    from hypothesis import Phase, given, settings
    from hypothesis import strategies as st

    host = make_host(*plugins, builtins=builtins)
    agenda = collect_agenda(host)
    subject = Subject(id="property-check", title="Generated evidence")
    criteria = sorted(agenda.criteria.values(), key=lambda c: c.id)
    if not criteria:
        raise AssertionError("the plugins define no criterion to check")
    options = RunOptions(as_of=dt.date(2100, 1, 1), subject=subject.id)

    @st.composite
    def records(draw: st.DrawFn, criterion: Criterion, supporting: bool = False) -> Evidence:
        level = draw(st.sampled_from(criterion.rubric))
        effect = "advance" if supporting else draw(st.sampled_from(["advance", "setback"]))
        concrete = supporting or level.needs_concrete or draw(st.booleans())
        return Evidence(
            id=f"check-{draw(st.uuids(version=4)).hex}",
            subject=subject.id,
            criterion=criterion.id,
            date=draw(st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31))).isoformat(),
            statement="Generated record.",
            level=level.id,
            effect=effect,
            kind="concrete" if concrete else "declaratory",
            source=Source(title="Generated"),
            grade=draw(st.sampled_from([f"{r}{c}" for r in "ABCDEF" for c in "123456"])),
        )

    def scorecard(evidence: Sequence[Evidence]) -> Scorecard:
        subjects = {**agenda.subjects, subject.id: subject}
        records = EvidenceRecords.of(evidence, Location("check_plugin"))
        checked = Agenda(subjects, agenda.priorities, agenda.criteria, records)
        return build_scorecard(checked, host, options)

    # The explain phase re-runs failing examples many times; a plugin author wants the example.
    @settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
    )
    @given(st.data())
    def properties(data: st.DataObject) -> None:
        evidence = data.draw(
            st.lists(st.sampled_from(criteria).flatmap(records), max_size=12, unique_by=_id)
        )
        card = scorecard(evidence)
        scores = [c for p in card.priorities for c in p.criteria]
        for item in scores:
            assert item.score is None or 0 <= item.score <= 100, item
            if item.uncertainty is not None:
                assert 0 <= item.uncertainty.certainty <= 1, item
        for priority in card.priorities:
            assert priority.score is None or 0 <= priority.score <= 100, priority
        assert scorecard(evidence) == card, "scoring the same evidence twice differs"
        shuffled = data.draw(st.permutations(evidence))
        assert scorecard(shuffled) == card, "the scorecard depends on the order of records"
        target = data.draw(st.sampled_from(criteria))
        extra = data.draw(records(target, supporting=True))
        before = _score_of(card, target.id)
        after = _score_of(scorecard([*evidence, extra]), target.id)
        assert (after or 0) >= (before or 0), f"a concrete advance lowered {target.id}"

    properties()


def _id(record: Evidence) -> str:
    return record.id


def _score_of(card: Scorecard, criterion_id: str) -> float | None:
    return next(c.score for p in card.priorities for c in p.criteria if c.id == criterion_id)
