"""Assembling the agenda: agendas, subjects, priorities, criteria and evidence from every
plugin and data file; then the one agenda a run scores.

This is where records from different plugins meet, so this is where they are checked against
each other: unique ids, priorities that name a declared agenda, criteria that name an
existing priority, evidence that names an existing criterion, subject and rubric level, and
declaratory evidence that does not claim a level only concrete evidence can show. Every
problem is collected before raising (the checks of records: ``record_checks``). Everything
loaded is checked; then the priorities of the agenda chosen, their criteria and those
criteria's records make the ``Agenda`` scored, so that one plugin's agenda never mixes with
another's.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TypeVar

from pydantic import TypeAdapter

from renewal_score import models
from renewal_score.datafiles import DataSet
from renewal_score.errors import DataError, Location, Problem, UsageError, did_you_mean
from renewal_score.escaping import echo
from renewal_score.models import Criterion, Evidence, Observation, Priority, Subject
from renewal_score.plugins import PluginHost
from renewal_score.record_checks import (
    check_observation,
    checked_evidence,
    duplicate,
    plugin_location,
    unknown,
)
from renewal_score.records import EvidenceRecords

RecordT = TypeVar(
    "RecordT",
    bound=models.AgendaDefinition | Subject | Priority | Criterion | Evidence | Observation,
)

IMPLICIT_AGENDA = models.AgendaDefinition(id="default", title="Agenda")
"""The agenda of every priority when no plugin or file declares one."""


@dataclass(frozen=True)
class AgendaChoice:
    """Which agenda to score, and whose evidence counts in it."""

    agenda: str | None = None
    """The agenda's id; None: the default, the first declared."""
    builtin_evidence: bool = True
    """Whether the evidence and observations of the built-in plugins count."""
    replace: bool = False
    """Whether a data file's record replaces a plugin's record of the same id (else two
    different records under one id are an error)."""


DEFAULT_CHOICE = AgendaChoice()


@dataclass(frozen=True)
class Agenda:
    """Everything a scoring run works on, in a stable order, with where each record came from."""

    subjects: dict[str, Subject]
    priorities: dict[str, Priority]
    criteria: dict[str, Criterion]
    evidence: EvidenceRecords
    observations: tuple[Observation, ...] = ()
    measured: dict[str, Location] = field(default_factory=dict)
    """Where each observation came from (plugin or file and line), by id."""
    definition: models.AgendaDefinition = IMPLICIT_AGENDA
    """The agenda scored: its id, title and aggregation methods."""
    declared: dict[str, models.AgendaDefinition] = field(default_factory=dict)
    """Every agenda declared, by id, in the order declared (the first is the default)."""
    choice: AgendaChoice = DEFAULT_CHOICE
    replaced: tuple[str, ...] = ()
    """Ids of plugins' records that a data file's record replaced (``AgendaChoice.replace``)."""

    def criteria_of(self, priority_id: str) -> list[Criterion]:
        return [c for c in self.criteria.values() if c.priority == priority_id]

    def origin(self, record_id: str) -> Location:
        """Where the evidence record or observation with this id came from."""
        position = self.evidence.find(record_id)
        return self.measured[record_id] if position is None else self.evidence.location(position)

    def record(self, record_id: str) -> Evidence | Observation | None:
        """The evidence record or observation with this id, if there is one."""
        position = self.evidence.find(record_id)
        if position is not None:
            return self.evidence[position]
        return self._observations_by_id.get(record_id)

    @cached_property
    def _observations_by_id(self) -> dict[str, Observation]:
        return {o.id: o for o in self.observations}

    def records_of(self, subject: str) -> tuple[list[Evidence], list[Observation]]:
        """A subject's evidence and observations, each in the order they apply."""
        evidence = self.evidence.pick(self._evidence_by_subject.get(subject, []))
        evidence.sort(key=evidence_order)
        return evidence, self._observations_by_subject.get(subject, [])

    def observations_of(self, subject: str) -> list[Observation]:
        """A subject's observations in the order they apply."""
        return self._observations_by_subject.get(subject, [])

    @cached_property
    def _evidence_by_subject(self) -> dict[str, list[int]]:
        # Grouped once per agenda, so that scoring many subjects stays linear in records.
        grouped: dict[str, list[int]] = {}
        for position, subject in enumerate(self.evidence.columns.subject):
            grouped.setdefault(subject, []).append(position)
        return grouped

    @cached_property
    def _observations_by_subject(self) -> dict[str, list[Observation]]:
        grouped: dict[str, list[Observation]] = {}
        for observation in sorted(self.observations, key=evidence_order):
            grouped.setdefault(observation.subject, []).append(observation)
        return grouped

    @cached_property
    def digest(self) -> str:
        """SHA-256 of the evidence and observations loaded: the evidence records held as
        models (from plugins and TOML, JSON or CSV files) as one JSON array in id order,
        then the SHA-256 of each JSON Lines file's bytes in sorted order, then the
        observations as one JSON array in id order. JSON Lines files are hashed as bytes,
        so that a large file costs one pass of the hash, not a model per record."""
        models, files = self.evidence.held()
        hasher = hashlib.sha256()
        hasher.update(_list_of(Evidence).dump_json(sorted(models, key=_record_id)))
        for file_digest in sorted(files):
            hasher.update(bytes.fromhex(file_digest))
        hasher.update(_list_of(Observation).dump_json(sorted(self.observations, key=_record_id)))
        return hasher.hexdigest()


@functools.cache
def _list_of(model: type[RecordT]) -> TypeAdapter[list[RecordT]]:
    return TypeAdapter(list[model])  # type: ignore[valid-type]


def _record_id(record: Evidence | Observation) -> str:
    return record.id


def evidence_order(record: Evidence | Observation) -> tuple[dt.date, bool, str]:
    """Records are applied by effective date; on one date, advances before setbacks, then by id.

    A source that reports a state and its reversal together thus ends at the reversal.
    """
    setback = isinstance(record, Evidence) and record.effect == "setback"
    return record.effective_date, setback, record.id


def collect_agenda(
    host: PluginHost, files: DataSet | None = None, choice: AgendaChoice = DEFAULT_CHOICE
) -> Agenda:
    """Call the collection hooks, add the records of data files, check it all, and return
    the agenda ``choice`` names, with its priorities, their criteria and those records.

    The same record supplied twice (equal in every field) counts once; two different records
    with one id are an error naming both places, unless ``choice.replace`` lets a data
    file's record replace a plugin's. DataError lists every problem; UsageError names an
    agenda that is not declared.
    """
    files = files or DataSet()
    problems: list[Problem] = []
    agendas, subjects, priorities, criteria = _definitions(host, files, problems)
    definition = _chosen(agendas, choice)
    default = next(iter(agendas), IMPLICIT_AGENDA.id)
    chosen = {p.id: p for p in priorities.values() if (p.agenda or default) == definition.id}
    scored = {c.id: c for c in criteria.values() if c.priority in chosen}
    ignored = set() if choice.builtin_evidence else host.builtins()
    evidence, counted, replaced = checked_evidence(
        [(n, r) for n, r in host.evidence(problems) if n not in ignored],
        files,
        (subjects, criteria, scored),
        choice.replace,
        problems,
    )
    observations, measured = _unique(
        _replaceable(
            [(n, r) for n, r in host.observations(problems) if n not in ignored],
            files.observations,
            choice.replace,
            replaced,
        ),
        "observation",
        problems,
    )
    for observation in observations.values():
        problems.extend(
            check_observation(measured[observation.id], observation, evidence, subjects, criteria)
        )
    if problems:
        raise DataError(problems)
    counted_observations = [o for o in observations.values() if o.criterion in scored]
    return Agenda(
        subjects,
        chosen,
        scored,
        counted,
        tuple(counted_observations),
        {o.id: measured[o.id] for o in counted_observations},
        definition,
        agendas,
        choice,
        tuple(sorted(replaced)),
    )


Definitions = tuple[
    dict[str, models.AgendaDefinition],
    dict[str, Subject],
    dict[str, Priority],
    dict[str, Criterion],
]


def _definitions(host: PluginHost, files: DataSet, problems: list[Problem]) -> Definitions:
    """The agendas, subjects, priorities and criteria, each id once, checked: each priority's
    agenda is declared, each criterion's priority exists."""
    agendas, _ = _unique(_located(host.agendas(problems), files.agendas), "agenda", problems)
    subjects, _ = _unique(_located(host.subjects(problems), files.subjects), "subject", problems)
    priorities, places = _unique(
        _located(host.priorities(problems), files.priorities), "priority", problems
    )
    for priority in priorities.values():
        if priority.agenda is not None and priority.agenda not in agendas:
            where = places[priority.id]
            problems.append(unknown(where, priority.id, "agenda", priority.agenda, agendas))
    criteria, owners = _unique(
        _located(host.criteria(problems), files.criteria), "criterion", problems
    )
    for criterion in criteria.values():
        if criterion.priority not in priorities:
            where = owners[criterion.id]
            problems.append(
                unknown(where, criterion.id, "priority", criterion.priority, priorities)
            )
    return agendas, subjects, priorities, criteria


def _located(
    from_plugins: list[tuple[str, RecordT]], from_files: list[tuple[Location, RecordT]]
) -> list[tuple[Location, RecordT]]:
    return [*((plugin_location(name), r) for name, r in from_plugins), *from_files]


def _chosen(
    agendas: dict[str, models.AgendaDefinition], choice: AgendaChoice
) -> models.AgendaDefinition:
    """The agenda asked for (UsageError if none is declared with its id), else the first
    declared, else the implicit one."""
    if choice.agenda is None:
        return next(iter(agendas.values()), IMPLICIT_AGENDA)
    if choice.agenda in agendas:
        return agendas[choice.agenda]
    if not agendas and choice.agenda == IMPLICIT_AGENDA.id:
        return IMPLICIT_AGENDA
    hint = did_you_mean(choice.agenda, agendas or [IMPLICIT_AGENDA.id], list_known=True)
    raise UsageError(f"unknown agenda {echo(choice.agenda)}{hint}")


def _replaceable(
    from_plugins: list[tuple[str, RecordT]],
    from_files: list[tuple[Location, RecordT]],
    replace: bool,
    replaced: set[str],
) -> list[tuple[Location, RecordT]]:
    """The records, plugins' first; with ``replace``, without the plugins' records that a
    file's record of the same id and other content replaces (their ids added to
    ``replaced``)."""
    if replace:
        from_file = {record.id: record for _, record in from_files}
        replacing = {r.id for _, r in from_plugins if from_file.get(r.id, r) != r}
        replaced.update(replacing)
        from_plugins = [(n, r) for n, r in from_plugins if r.id not in replacing]
    return _located(from_plugins, from_files)


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
            problems.append(duplicate(location, item.id, kind, where[item.id]))
    return found, where
