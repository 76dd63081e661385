"""Helpers for testing plugins: run the framework with just the plugins under test.

from renewal_score.testing import run

def test_my_criterion_is_scored():
    card = run(my_plugin, as_of=datetime.date(2025, 1, 1))
    assert card.priorities[0].criteria[0].score is not None
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from renewal_score.agenda import Agenda, collect_agenda
from renewal_score.datafiles import DataSet
from renewal_score.engine import RunOptions, build_scorecard
from renewal_score.hookspecs import hookimpl
from renewal_score.models import Criterion, Evidence, Priority, Scorecard, Subject
from renewal_score.plugins import PluginHost, load_plugins

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
    ) -> None:
        self.subjects = list(subjects)
        self.priorities = list(priorities)
        self.criteria = list(criteria)
        self.evidence = list(evidence)

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


def make_host(*plugins: object, builtins: bool = False) -> PluginHost:
    """A host with the core defaults, the given plugin objects and, optionally, the built-ins.

    Installed plugins are not loaded, so a test sees only what it asks for.
    """
    named = [(f"{type(p).__name__.lower()}-{i}", p) for i, p in enumerate(plugins, start=1)]
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
) -> Scorecard:
    """Score the agenda the plugins define, as the ``report`` command would."""
    host = make_host(*plugins, builtins=builtins)
    agenda = collect_agenda(host, files)
    return build_scorecard(agenda, host, RunOptions(as_of=as_of, subject=subject))
