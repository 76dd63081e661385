"""Helpers for testing plugins: run the framework with just the plugins under test.

from renewal_score.testing import run

def test_my_criterion_is_scored():
    card = run(my_plugin, as_of=datetime.date(2025, 1, 1))
    assert card.priorities[0].criteria[0].score is not None
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from renewal_score.agenda import Agenda, AgendaChoice, collect_agenda
from renewal_score.datafiles import DataSet
from renewal_score.engine import build_scorecard
from renewal_score.errors import Location
from renewal_score.hookspecs import hookimpl
from renewal_score.models import (
    Criterion,
    Evidence,
    Observation,
    Priority,
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


def agenda_of(*plugins: object, builtins: bool = False, agenda: str | None = None) -> Agenda:
    """The checked agenda the plugins define (DataError lists every problem): the one named
    ``agenda``, by default the first declared."""
    return collect_agenda(make_host(*plugins, builtins=builtins), choice=AgendaChoice(agenda))


def run(
    *plugins: object,
    as_of: dt.date,
    subject: str | None = None,
    builtins: bool = False,
    files: DataSet | None = None,
    agenda: str | None = None,
    **options: Any,
) -> Scorecard:
    """Score the agenda the plugins define (the one named ``agenda``, by default the first
    declared), as the ``report`` command would.

    ``options`` are further ``renewal_score.options.RunOptions`` fields, such as
    ``criteria_aggregation="geometric"`` or ``weights={"some-criterion": 2.0}``.
    """
    host = make_host(*plugins, builtins=builtins)
    checked = collect_agenda(host, files, AgendaChoice(agenda))
    return build_scorecard(checked, host, RunOptions(as_of=as_of, subject=subject, **options))


def check_plugin(
    *plugins: object, builtins: bool = False, max_examples: int = 50, agenda: str | None = None
) -> None:
    """Check, with generated evidence, that scoring the plugins' criteria keeps its properties.

    For every criterion of the agenda named (by default, of every agenda declared) that the
    plugins define (and the built-ins', with ``builtins``), under the plugins' own
    ``score_criterion`` where they have one, with generated evidence records for criteria
    with a rubric and observations for indicators:

    - every score is within [0, 100] (or None when unrated), every certainty within [0, 1];
    - adding a concrete record that advances a criterion never lowers its score, nor does a
      newer observation as good as the latest of its component (by its direction);
    - the scorecard does not depend on the order in which records arrive;
    - scoring the same records twice gives the same scorecard.

    Raises AssertionError with a minimal failing example (found by hypothesis, which must
    be installed: it is in renewal-score's ``dev`` extra).
    """
    host = make_host(*plugins, builtins=builtins)
    declared = collect_agenda(host).declared
    chosen: list[str | None] = [agenda] if agenda is not None else [*declared] or [None]
    for agenda_id in chosen:
        _check_properties(host, collect_agenda(host, choice=AgendaChoice(agenda_id)), max_examples)


def _check_properties(host: PluginHost, agenda: Agenda, max_examples: int) -> None:
    from hypothesis import Phase, given, settings
    from hypothesis import strategies as st

    from renewal_score import generated

    criteria = sorted(agenda.criteria.values(), key=lambda c: c.id)
    if not criteria:
        raise AssertionError(
            f"the plugins define no criterion to check in agenda {agenda.definition.id!r}"
        )
    subjects = {**agenda.subjects, generated.SUBJECT.id: generated.SUBJECT}
    options = RunOptions(as_of=generated.AS_OF, subject=generated.SUBJECT.id)

    def scorecard(records: Sequence[Evidence | Observation]) -> Scorecard:
        evidence = [r for r in records if isinstance(r, Evidence)]
        observations = tuple(r for r in records if isinstance(r, Observation))
        where = Location("check_plugin")
        checked = replace(
            agenda,
            subjects=subjects,
            evidence=EvidenceRecords.of(evidence, where),
            observations=observations,
            measured={o.id: where for o in observations},
        )
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
        records = data.draw(generated.records_of(criteria))
        card = scorecard(records)
        _check_ranges(card)
        assert scorecard(records) == card, "scoring the same records twice differs"
        shuffled = data.draw(st.permutations(records))
        assert scorecard(shuffled) == card, "the scorecard depends on the order of records"
        target = data.draw(st.sampled_from(criteria))
        extra = data.draw(generated.supporting(target, records))
        before = _score_of(card, target.id)
        after = _score_of(scorecard([*records, extra]), target.id)
        supporting = "a concrete advance" if target.indicator is None else "a newer observation"
        assert (after or 0) >= (before or 0), f"{supporting} lowered {target.id}"

    properties()


def _check_ranges(card: Scorecard) -> None:
    for item in (c for p in card.priorities for c in p.criteria):
        assert item.score is None or 0 <= item.score <= 100, item
        if item.uncertainty is not None:
            assert 0 <= item.uncertainty.certainty <= 1, item
    for priority in card.priorities:
        assert priority.score is None or 0 <= priority.score <= 100, priority


def _score_of(card: Scorecard, criterion_id: str) -> float | None:
    return next(c.score for p in card.priorities for c in p.criteria if c.id == criterion_id)
