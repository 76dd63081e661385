"""Assembling the agenda: subjects, priorities, criteria and evidence from every plugin.

This is where records from different plugins meet, so this is where they are checked
against each other: unique ids, criteria that name an existing priority, evidence that names
an existing criterion, subject and rubric level, and declaratory evidence that does not claim
a level only concrete evidence can show. Every problem is collected before raising.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import TypeVar

from pydantic import TypeAdapter

from renewal_score.datafiles import DataSet, evidence_list
from renewal_score.errors import DataError, Location, Problem
from renewal_score.models import Criterion, Evidence, Observation, Priority, Subject
from renewal_score.plugins import PluginHost

RecordT = TypeVar("RecordT", bound=Subject | Priority | Criterion | Evidence | Observation)


@dataclass(frozen=True)
class Agenda:
    """Everything a scoring run works on, in a stable order, with where each record came from."""

    subjects: dict[str, Subject]
    priorities: dict[str, Priority]
    criteria: dict[str, Criterion]
    evidence: tuple[Evidence, ...]
    origins: dict[str, Location]
    """Where each evidence record and observation came from (plugin or file and line), by id."""
    observations: tuple[Observation, ...] = ()

    def criteria_of(self, priority_id: str) -> list[Criterion]:
        return [c for c in self.criteria.values() if c.priority == priority_id]

    def records_of(self, subject: str) -> tuple[list[Evidence], list[Observation]]:
        """A subject's evidence and observations, each in the order they apply."""
        return self._by_subject.get(subject, ([], []))

    @cached_property
    def _by_subject(self) -> dict[str, tuple[list[Evidence], list[Observation]]]:
        # Sorted and grouped once per agenda, so that scoring many subjects or dates stays
        # linear in the number of records.
        grouped: dict[str, tuple[list[Evidence], list[Observation]]] = {}
        for record in sorted(self.evidence, key=evidence_order):
            grouped.setdefault(record.subject, ([], []))[0].append(record)
        for observation in sorted(self.observations, key=evidence_order):
            grouped.setdefault(observation.subject, ([], []))[1].append(observation)
        return grouped

    @cached_property
    def digest(self) -> str:
        """SHA-256 of every evidence record and observation, as JSON in id order."""
        hasher = hashlib.sha256()
        hasher.update(evidence_list().dump_json(sorted(self.evidence, key=_record_id)))
        hasher.update(_observation_list().dump_json(sorted(self.observations, key=_record_id)))
        return hasher.hexdigest()


@functools.cache
def _observation_list() -> TypeAdapter[list[Observation]]:
    return TypeAdapter(list[Observation])


def _record_id(record: Evidence | Observation) -> str:
    return record.id


def evidence_order(record: Evidence | Observation) -> tuple[dt.date, bool, str]:
    """Records are applied by effective date; on one date, advances before setbacks, then by id.

    A source that reports a state and its reversal together thus ends at the reversal.
    """
    setback = isinstance(record, Evidence) and record.effect == "setback"
    return record.effective_date, setback, record.id


def plugin_location(name: str) -> Location:
    return Location(f"plugin {name!r}", plugin=name)


def collect_agenda(host: PluginHost, files: DataSet | None = None) -> Agenda:
    """Call the collection hooks, add the records of data files, and check it all.

    The same record supplied twice (equal in every field) counts once; two different records
    with one id are an error naming both places.
    """
    files = files or DataSet()
    problems: list[Problem] = []

    def located(
        hook: str, model: type[RecordT], extra: list[tuple[Location, RecordT]]
    ) -> list[tuple[Location, RecordT]]:
        from_plugins: list[tuple[str, RecordT]] = host.collect(hook, model, problems)
        return [*((plugin_location(name), r) for name, r in from_plugins), *extra]

    subjects, _ = _unique(
        located("register_subjects", Subject, files.subjects), "subject", problems
    )
    priorities, _ = _unique(
        located("register_priorities", Priority, files.priorities), "priority", problems
    )
    criteria, owners = _unique(
        located("register_criteria", Criterion, files.criteria), "criterion", problems
    )
    for criterion in criteria.values():
        if criterion.priority not in priorities:
            problems.append(
                _unknown(
                    owners[criterion.id], criterion.id, "priority", criterion.priority, priorities
                )
            )
    evidence, origins = _unique(
        located("register_evidence", Evidence, files.evidence), "evidence", problems
    )
    for record in evidence.values():
        problems.extend(_check_evidence(origins[record.id], record, subjects, criteria))
    observations, measured = _unique(
        located("register_observations", Observation, files.observations),
        "observation",
        problems,
    )
    for observation in observations.values():
        where = measured[observation.id]
        if observation.id in origins:
            message = f"an evidence record has this id too, in {origins[observation.id]}"
            problems.append(where.problem(observation.id, "id", message))
        problems.extend(_check_observation(where, observation, subjects, criteria))
    if problems:
        raise DataError(problems)
    return Agenda(
        subjects,
        priorities,
        criteria,
        tuple(evidence.values()),
        {**origins, **measured},
        tuple(observations.values()),
    )


def _unique(
    pairs: Iterable[tuple[Location, RecordT]], kind: str, problems: list[Problem]
) -> tuple[dict[str, RecordT], dict[str, Location]]:
    """Records by id, and where each was defined. A record defined again with the same content
    counts once; with other content, it is a problem naming both places."""
    found: dict[str, RecordT] = {}
    where: dict[str, Location] = {}
    for location, item in pairs:
        if item.id not in found:
            found[item.id] = item
            where[item.id] = location
        elif found[item.id] != item:
            message = f"duplicate {kind} id, also defined (differently) in {where[item.id]}"
            problems.append(location.problem(item.id, "id", message))
    return found, where


def _referenced_criterion(
    where: Location,
    record: Evidence | Observation,
    subjects: dict[str, Subject],
    criteria: dict[str, Criterion],
    problems: list[Problem],
) -> Criterion | None:
    """The record's criterion, after checking that its subject and criterion exist."""
    if record.subject not in subjects:
        problems.append(_unknown(where, record.id, "subject", record.subject, subjects))
    criterion = criteria.get(record.criterion)
    if criterion is None:
        problems.append(_unknown(where, record.id, "criterion", record.criterion, criteria))
    return criterion


def _check_evidence(
    where: Location, record: Evidence, subjects: dict[str, Subject], criteria: dict[str, Criterion]
) -> list[Problem]:
    problems: list[Problem] = []
    criterion = _referenced_criterion(where, record, subjects, criteria, problems)
    if criterion is None:
        return problems
    levels = [level.id for level in criterion.rubric]
    if record.level not in levels:
        scope = f"criterion {criterion.id!r}"
        problems.append(_unknown(where, record.id, "level", record.level, levels, scope))
        return problems
    level = criterion.rubric[criterion.level_index(record.level)]
    if record.kind == "declaratory" and level.needs_concrete:
        message = (
            f"declaratory evidence cannot show level {level.id!r}, which needs concrete "
            'evidence (set kind = "concrete" if something was built, spent, ratified or deployed)'
        )
        problems.append(where.problem(record.id, "level", message))
    return problems


def _check_observation(
    where: Location,
    record: Observation,
    subjects: dict[str, Subject],
    criteria: dict[str, Criterion],
) -> list[Problem]:
    problems: list[Problem] = []
    criterion = _referenced_criterion(where, record, subjects, criteria, problems)
    if criterion is None:
        return problems
    if criterion.indicator is None:
        message = f"criterion {criterion.id!r} has no indicator to measure (it has a rubric)"
        return [*problems, where.problem(record.id, "criterion", message)]
    components = {c.id: c for c in criterion.indicator.components}
    component = components.get(record.component)
    if component is None:
        scope = f"the indicator of criterion {criterion.id!r}"
        problems.append(
            _unknown(where, record.id, "component", record.component, components, scope)
        )
    elif component.transform == "log" and record.value <= 0:
        message = f"{record.value} cannot be log-transformed (a positive value is needed)"
        problems.append(where.problem(record.id, "value", message))
    return problems


def _unknown(
    where: Location,
    record: str,
    field: str,
    value: str,
    known: Iterable[str],
    scope: str = "any plugin",
) -> Problem:
    choices = sorted(known)
    close = difflib.get_close_matches(value, choices, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else f" (known: {', '.join(choices)})"
    return where.problem(record, field, f"{value!r} is not defined by {scope}{hint}")
