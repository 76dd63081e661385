"""Assembling the agenda: subjects, priorities, criteria and evidence from every plugin.

This is where records from different plugins meet, so this is where they are checked
against each other: unique ids, criteria that name an existing priority, evidence that names
an existing criterion, subject and rubric level, and declaratory evidence that does not claim
a level only concrete evidence can show. Every problem is collected before raising.
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

from renewal_score.datafiles import DataSet
from renewal_score.errors import DataError, Location, Problem, did_you_mean
from renewal_score.models import Criterion, Evidence, Observation, Priority, Subject
from renewal_score.plugins import PluginHost
from renewal_score.records import Batch, EvidenceRecords, ModelBatch

RecordT = TypeVar("RecordT", bound=Subject | Priority | Criterion | Evidence | Observation)


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
    from_plugins = host.collect("register_evidence", Evidence, problems)
    evidence = _unique_evidence(
        [
            ModelBatch([r for _, r in from_plugins], [plugin_location(n) for n, _ in from_plugins]),
            ModelBatch([r for _, r in files.evidence], [where for where, _ in files.evidence]),
            *files.evidence_batches,
        ],
        problems,
    )
    _check_evidence(evidence, subjects, criteria, problems)
    _check_events(evidence, problems)
    observations, measured = _unique(
        located("register_observations", Observation, files.observations),
        "observation",
        problems,
    )
    for observation in observations.values():
        where = measured[observation.id]
        position = evidence.find(observation.id)
        if position is not None:
            message = f"an evidence record has this id too, in {evidence.location(position)}"
            problems.append(where.problem(observation.id, "id", message))
        problems.extend(_check_observation(where, observation, subjects, criteria))
    if problems:
        raise DataError(problems)
    return Agenda(subjects, priorities, criteria, evidence, tuple(observations.values()), measured)


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
            problems.append(_duplicate(location, item.id, kind, where[item.id]))
    return found, where


def _duplicate(location: Location, record_id: str, kind: str, first: Location) -> Problem:
    message = f"duplicate {kind} id, also defined (differently) in {first}"
    return location.problem(record_id, "id", message)


def _unique_evidence(batches: list[Batch], problems: list[Problem]) -> EvidenceRecords:
    """The records of the batches, each id once (as ``_unique``, on columns)."""
    everything = EvidenceRecords(batches)
    ids = everything.columns.id
    if len(set(ids)) == len(ids):
        return everything
    first: dict[str, int] = {}
    keep = []
    for position, record_id in enumerate(ids):
        seen = first.setdefault(record_id, position)
        if seen == position:
            keep.append(position)
        elif everything[seen] != everything[position]:
            where = everything.location(position)
            problems.append(_duplicate(where, record_id, "evidence", everything.location(seen)))
    return EvidenceRecords(batches, keep)


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
    records: EvidenceRecords,
    subjects: dict[str, Subject],
    criteria: dict[str, Criterion],
    problems: list[Problem],
) -> None:
    """Check that each record's subject, criterion and level exist, and that its kind of
    evidence can show its level. Each distinct value is checked once; records are visited
    one by one only to report the problems found."""
    columns = records.columns
    unknown_subjects = set(columns.subject) - subjects.keys()
    findings = {
        claim: _claim_problems(*claim, criteria)
        for claim in set(zip(columns.criterion, columns.level, columns.kind, strict=True))
    }
    if not unknown_subjects and not any(findings.values()):
        return
    for position, subject in enumerate(columns.subject):
        claim = (columns.criterion[position], columns.level[position], columns.kind[position])
        if subject in unknown_subjects or findings[claim]:
            where, record_id = records.location(position), columns.id[position]
            if subject in unknown_subjects:
                problems.append(_unknown(where, record_id, "subject", subject, subjects))
            problems.extend(where.problem(record_id, f, m) for f, m in findings[claim])


def _check_events(records: EvidenceRecords, problems: list[Problem]) -> None:
    """Records of one event must be about one subject and one criterion: an event is one
    thing that happened, reported by several sources."""
    columns = records.columns
    about: dict[str, set[tuple[str, str]]] = {}
    for event, subject, criterion in zip(
        columns.event, columns.subject, columns.criterion, strict=True
    ):
        if event is not None:
            about.setdefault(event, set()).add((subject, criterion))
    mixed = {event for event, found in about.items() if len(found) > 1}
    for position, event in enumerate(columns.event):
        if event in mixed:
            others = ", ".join(f"{s} {c}" for s, c in sorted(about[event]))
            message = (
                f"event {event!r} is reported for more than one subject or criterion ({others})"
            )
            problems.append(
                records.location(position).problem(columns.id[position], "event", message)
            )


def _claim_problems(
    criterion_id: str, level_id: str, kind: str, criteria: dict[str, Criterion]
) -> list[tuple[str, str]]:
    """What is wrong (field, message) with evidence of this kind showing this level."""
    criterion = criteria.get(criterion_id)
    if criterion is None:
        return [("criterion", _unknown_message(criterion_id, criteria))]
    levels = [level.id for level in criterion.rubric]
    if level_id not in levels:
        return [("level", _unknown_message(level_id, levels, f"criterion {criterion.id!r}"))]
    if kind == "declaratory" and criterion.rubric[levels.index(level_id)].needs_concrete:
        message = (
            f"declaratory evidence cannot show level {level_id!r}, which needs concrete "
            'evidence (set kind = "concrete" if something was built, spent, ratified or deployed)'
        )
        return [("level", message)]
    return []


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
    return where.problem(record, field, _unknown_message(value, known, scope))


def _unknown_message(value: str, known: Iterable[str], scope: str = "any plugin") -> str:
    return f"{value!r} is not defined by {scope}{did_you_mean(value, known, list_known=True)}"
