"""Evidence and observations checked against the definitions they name: ids unique (a record
supplied twice with the same content counts once), subjects, criteria and rubric levels that
exist, declaratory evidence that claims no level only concrete evidence can show, records of
one event about one subject and criterion, and measurements an indicator can take. Each
distinct value is checked once; records are visited one by one only to report problems."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable

from renewal_score.datafiles import DataSet
from renewal_score.errors import Location, Problem, did_you_mean
from renewal_score.models import Criterion, Evidence, Observation, Subject
from renewal_score.records import Batch, EvidenceRecords, ModelBatch


def plugin_location(name: str) -> Location:
    return Location(f"plugin {name!r}", plugin=name)


def duplicate(location: Location, record_id: str, kind: str, first: Location) -> Problem:
    message = f"duplicate {kind} id, also defined (differently) in {first}"
    return location.problem(record_id, "id", message)


def checked_evidence(
    from_plugins: list[tuple[str, Evidence]],
    files: DataSet,
    known: tuple[dict[str, Subject], dict[str, Criterion], dict[str, Criterion]],
    replace: bool,
    problems: list[Problem],
) -> tuple[EvidenceRecords, EvidenceRecords, set[str]]:
    """Every evidence record, each id once, checked against the ``known`` subjects and
    criteria; those about the criteria scored (the last of ``known``); and the ids of
    plugins' records that files' records replaced."""
    subjects, criteria, scored = known
    batches: list[Batch] = [
        ModelBatch([r for _, r in from_plugins], [plugin_location(n) for n, _ in from_plugins]),
        ModelBatch([r for _, r in files.evidence], [where for where, _ in files.evidence]),
        *files.evidence_batches,
    ]
    everything = EvidenceRecords(batches)
    keep, replaced = _unique_rows(everything, problems, len(from_plugins) if replace else 0)
    evidence = everything if keep is None else EvidenceRecords(batches, keep)
    _check_evidence(evidence, subjects, criteria, problems)
    _check_events(evidence, problems)
    about = evidence.columns.criterion
    rows = range(len(about)) if keep is None else keep
    counted = [row for row, criterion in zip(rows, about, strict=True) if criterion in scored]
    if len(counted) == len(about):
        return evidence, evidence, replaced
    return evidence, EvidenceRecords(batches, counted), replaced


def _unique_rows(
    everything: EvidenceRecords, problems: list[Problem], replaceable: int
) -> tuple[list[int] | None, set[str]]:
    """The rows to keep (None: all), each id once (as ``_unique``, on columns), without those
    of the first ``replaceable`` rows (the plugins') that a later row of the same id and
    other content replaces; and the ids replaced."""
    ids = everything.columns.id
    if len(set(ids)) == len(ids):
        return None, set()
    later = {record_id: row for row, record_id in enumerate(ids) if row >= replaceable}
    replaced = {
        ids[row]
        for row in range(replaceable)
        if ids[row] in later and everything[row] != everything[later[ids[row]]]
    }
    first: dict[str, int] = {}
    keep = []
    for position, record_id in enumerate(ids):
        if position < replaceable and record_id in replaced:
            continue
        seen = first.setdefault(record_id, position)
        if seen == position:
            keep.append(position)
        elif everything[seen] != everything[position]:
            where = everything.location(position)
            problems.append(duplicate(where, record_id, "evidence", everything.location(seen)))
    return keep, replaced


def _referenced_criterion(
    where: Location,
    record: Evidence | Observation,
    subjects: dict[str, Subject],
    criteria: dict[str, Criterion],
    problems: list[Problem],
) -> Criterion | None:
    """The record's criterion, after checking that its subject and criterion exist."""
    if record.subject not in subjects:
        problems.append(unknown(where, record.id, "subject", record.subject, subjects))
    criterion = criteria.get(record.criterion)
    if criterion is None:
        problems.append(unknown(where, record.id, "criterion", record.criterion, criteria))
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
                problems.append(unknown(where, record_id, "subject", subject, subjects))
            problems.extend(where.problem(record_id, f, m) for f, m in findings[claim])


def _check_events(records: EvidenceRecords, problems: list[Problem]) -> None:
    """Records of one event must be about one subject and one criterion: an event is one
    thing that happened, reported by several sources. Records are visited one by one only
    to report problems."""
    columns = records.columns
    if _one_claim_per_event(columns.event, columns.subject, columns.criterion):
        return
    triples = set(zip(columns.event, columns.subject, columns.criterion, strict=True))
    counts = Counter(event for event, _, _ in triples if event is not None)
    mixed = {event for event, count in counts.items() if count > 1}
    about: dict[str, list[str]] = {event: [] for event in mixed}
    for name, subject, criterion in sorted((e, s, c) for e, s, c in triples if e in mixed):
        about[str(name)].append(f"{subject} {criterion}")
    for position, event in enumerate(columns.event):
        if event in mixed:
            message = (
                f"event {event!r} is reported for more than one subject or criterion "
                f"({', '.join(about[event])})"
            )
            problems.append(
                records.location(position).problem(columns.id[position], "event", message)
            )


def _one_claim_per_event(
    events: list[str | None], subjects: list[str], criteria: list[str]
) -> bool:
    """Whether every event's records agree on subject and criterion: each record's values
    equal those of its event's last record, compared in loops that run in C."""
    named = list(itertools.compress(events, events))  # records that name an event
    for column in (subjects, criteria):
        values = list(itertools.compress(column, events))
        last = dict(zip(named, values, strict=True))
        if list(map(last.__getitem__, named)) != values:
            return False
    return True


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


def check_observation(
    where: Location,
    record: Observation,
    evidence: EvidenceRecords,
    subjects: dict[str, Subject],
    criteria: dict[str, Criterion],
) -> list[Problem]:
    problems: list[Problem] = []
    position = evidence.find(record.id)
    if position is not None:
        message = f"an evidence record has this id too, in {evidence.location(position)}"
        problems.append(where.problem(record.id, "id", message))
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
        problems.append(unknown(where, record.id, "component", record.component, components, scope))
    elif component.transform == "log" and record.value <= 0:
        message = f"{record.value} cannot be log-transformed (a positive value is needed)"
        problems.append(where.problem(record.id, "value", message))
    return problems


def unknown(
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
