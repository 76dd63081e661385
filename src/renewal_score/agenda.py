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

from renewal_score.errors import DataError, Location, Problem
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
    origins: dict[str, Location]
    """Where each evidence record came from (plugin or file and line), by id."""

    def criteria_of(self, priority_id: str) -> list[Criterion]:
        return [c for c in self.criteria.values() if c.priority == priority_id]


def plugin_location(name: str, hook: str = "") -> Location:
    return Location(f"plugin {name!r}" + (f" ({hook})" if hook else ""))


def collect_agenda(
    host: PluginHost, extra_evidence: Sequence[tuple[Location, Evidence]] = ()
) -> Agenda:
    """Call the collection hooks, add ``extra_evidence`` (location, record) and check it all.

    The same record supplied twice (equal in every field) counts once; two different records
    with one id are an error naming both places.
    """
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
            where = plugin_location(owners[criterion.id])
            problems.append(
                _unknown(where, criterion.id, "priority", criterion.priority, priorities)
            )
    plugin_evidence = host.collect("register_evidence", Evidence, problems)
    located = [*((plugin_location(name), r) for name, r in plugin_evidence), *extra_evidence]
    origins: dict[str, Location] = {}
    evidence: dict[str, Evidence] = {}
    for where, record in located:
        first = evidence.setdefault(record.id, record)
        if record.id in origins:
            if first != record:
                problems.append(
                    where.problem(
                        record.id,
                        "id",
                        f"duplicate evidence id, also defined in {origins[record.id]}",
                    )
                )
            continue
        origins[record.id] = where
        problems.extend(_check_evidence(where, record, subjects, criteria))
    if problems:
        raise DataError(problems)
    return Agenda(subjects, priorities, criteria, tuple(evidence.values()), origins)


def _subjects(pairs: Iterable[tuple[str, Subject]], problems: list[Problem]) -> dict[str, Subject]:
    subjects: dict[str, Subject] = {}
    for name, subject in pairs:
        known = subjects.setdefault(subject.id, subject)
        if known.title != subject.title:
            message = f"subject declared again with another title ({known.title!r})"
            problems.append(plugin_location(name).problem(subject.id, "title", message))
    return subjects


def _unique(
    pairs: Iterable[tuple[str, DefinitionT]], kind: str, problems: list[Problem]
) -> tuple[dict[str, DefinitionT], dict[str, str]]:
    """Definitions by id, and the plugin that owns each; a second definition is a problem."""
    found: dict[str, DefinitionT] = {}
    owner: dict[str, str] = {}
    for name, item in pairs:
        if item.id in found:
            message = f"{kind} id already defined by plugin {owner[item.id]!r}"
            problems.append(plugin_location(name).problem(item.id, "id", message))
            continue
        found[item.id] = item
        owner[item.id] = name
    return found, owner


def _check_evidence(
    where: Location, record: Evidence, subjects: dict[str, Subject], criteria: dict[str, Criterion]
) -> list[Problem]:
    problems = []
    if record.subject not in subjects:
        problems.append(_unknown(where, record.id, "subject", record.subject, subjects))
    criterion = criteria.get(record.criterion)
    if criterion is None:
        problems.append(_unknown(where, record.id, "criterion", record.criterion, criteria))
        return problems
    levels = [level.id for level in criterion.rubric]
    if record.level not in levels:
        scope = f"criterion {criterion.id!r}"
        problems.append(_unknown(where, record.id, "level", record.level, levels, scope))
        return problems
    level = criterion.rubric[criterion.level_index(record.level)]
    if record.kind == "declaratory" and record.effect == "advance" and level.needs_concrete:
        message = (
            f"declaratory evidence cannot show level {level.id!r}, which needs concrete "
            'evidence (set kind = "concrete" if something was built, spent, ratified or deployed)'
        )
        problems.append(where.problem(record.id, "level", message))
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
