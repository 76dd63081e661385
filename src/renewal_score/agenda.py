"""Assembling the agenda: subjects, priorities, criteria and evidence from every plugin.

This is where records from different plugins meet, so this is where they are checked
against each other: unique ids, criteria that name an existing priority, evidence that names
an existing criterion, subject and rubric level, and declaratory evidence that does not claim
a level only concrete evidence can show. Every problem is collected before raising.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from renewal_score.errors import DataError, Problem
from renewal_score.models import Criterion, Evidence, Priority, Subject
from renewal_score.plugins import PluginHost

DefinitionT = TypeVar("DefinitionT", Priority, Criterion)


@dataclass(frozen=True)
class Agenda:
    """Everything a scoring run works on, in a stable order, with where each record came from."""

    subjects: dict[str, Subject]
    priorities: dict[str, Priority]
    criteria: dict[str, Criterion]
    evidence: tuple[Evidence, ...]
    origins: dict[str, str]
    """Where each evidence record came from (plugin or file), by id."""

    def criteria_of(self, priority_id: str) -> list[Criterion]:
        return [c for c in self.criteria.values() if c.priority == priority_id]


def collect_agenda(host: PluginHost, extra_evidence: Sequence[tuple[str, Evidence]] = ()) -> Agenda:
    """Call the collection hooks, add ``extra_evidence`` (origin, record) and check it all."""
    problems: list[Problem] = []
    subjects = _subjects(host.collect("register_subjects", Subject, problems), problems)
    priorities, _ = _unique(
        host.collect("register_priorities", Priority, problems), "priority", problems
    )
    criteria, owners = _unique(
        host.collect("register_criteria", Criterion, problems), "criterion", problems
    )
    for criterion in criteria.values():
        if criterion.priority not in priorities:
            problems.append(
                _unknown(
                    f"plugin {owners[criterion.id]!r}",
                    criterion.id,
                    "priority",
                    criterion.priority,
                    priorities,
                )
            )
    evidence_pairs = [
        *(
            (f"plugin {name!r}", record)
            for name, record in host.collect("register_evidence", Evidence, problems)
        ),
        *extra_evidence,
    ]
    origins: dict[str, str] = {}
    for origin, record in evidence_pairs:
        if record.id in origins:
            problems.append(
                Problem(
                    file=origin,
                    record=record.id,
                    field="id",
                    message=f"duplicate evidence id, also defined in {origins[record.id]}",
                )
            )
            continue
        origins[record.id] = origin
        problems.extend(_check_evidence(origin, record, subjects, criteria))
    if problems:
        raise DataError(problems)
    unique_evidence = {r.id: r for _, r in evidence_pairs}
    return Agenda(subjects, priorities, criteria, tuple(unique_evidence.values()), origins)


def _subjects(pairs: Iterable[tuple[str, Subject]], problems: list[Problem]) -> dict[str, Subject]:
    subjects: dict[str, Subject] = {}
    for name, subject in pairs:
        known = subjects.setdefault(subject.id, subject)
        if known.title != subject.title:
            problems.append(
                Problem(
                    file=f"plugin {name!r}",
                    record=subject.id,
                    field="title",
                    message=f"subject declared again with another title ({known.title!r})",
                )
            )
    return subjects


def _unique(
    pairs: Iterable[tuple[str, DefinitionT]], kind: str, problems: list[Problem]
) -> tuple[dict[str, DefinitionT], dict[str, str]]:
    """Definitions by id, and the plugin that owns each; a second definition is a problem."""
    found: dict[str, DefinitionT] = {}
    owner: dict[str, str] = {}
    for name, item in pairs:
        if item.id in found:
            problems.append(
                Problem(
                    file=f"plugin {name!r}",
                    record=item.id,
                    field="id",
                    message=f"{kind} id already defined by plugin {owner[item.id]!r}",
                )
            )
            continue
        found[item.id] = item
        owner[item.id] = name
    return found, owner


def _check_evidence(
    origin: str, record: Evidence, subjects: dict[str, Subject], criteria: dict[str, Criterion]
) -> list[Problem]:
    problems = []
    if record.subject not in subjects:
        problems.append(_unknown(origin, record.id, "subject", record.subject, subjects))
    criterion = criteria.get(record.criterion)
    if criterion is None:
        problems.append(_unknown(origin, record.id, "criterion", record.criterion, criteria))
        return problems
    levels = [level.id for level in criterion.rubric]
    if record.level not in levels:
        problems.append(
            _unknown(
                origin, record.id, "level", record.level, levels, f"criterion {criterion.id!r}"
            )
        )
        return problems
    level = criterion.rubric[criterion.level_index(record.level)]
    if record.kind == "declaratory" and record.effect == "advance" and level.needs_concrete:
        problems.append(
            Problem(
                file=origin,
                record=record.id,
                field="level",
                message=f"declaratory evidence cannot show level {level.id!r}, which needs "
                'concrete evidence (set kind = "concrete" if something was built, spent, '
                "ratified or deployed)",
            )
        )
    return problems


def _unknown(
    origin: str,
    record: str,
    field: str,
    value: str,
    known: Iterable[str],
    scope: str = "any plugin",
) -> Problem:
    choices = sorted(known)
    close = difflib.get_close_matches(value, choices, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else f" (known: {', '.join(choices)})"
    return Problem(
        file=origin,
        record=record,
        field=field,
        message=f"{value!r} is not defined by {scope}{hint}",
    )
