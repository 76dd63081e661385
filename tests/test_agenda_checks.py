"""Records from different plugins are checked against each other, every problem reported."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from renewal_score.errors import DataError
from renewal_score.testing import StaticPlugin, agenda_of, run

RUBRIC = [
    {"id": "none", "label": "None", "description": "nothing"},
    {"id": "declared", "label": "Declared", "description": "said"},
    {"id": "built", "label": "Built", "description": "done", "needs_concrete": True},
]


def record(**changes: Any) -> dict[str, Any]:
    base = {
        "id": "e1",
        "subject": "S",
        "criterion": "p.c",
        "date": "2024-03",
        "statement": "A thing.",
        "level": "declared",
        "kind": "declaratory",
        "grade": "B2",
        "source": {"title": "A report"},
    }
    return {**base, **changes}


def agenda_plugin(*evidence: dict[str, Any]) -> StaticPlugin:
    return StaticPlugin(
        subjects=[{"id": "S", "title": "Subject"}],
        priorities=[{"id": "p", "title": "Priority"}],
        criteria=[{"id": "p.c", "priority": "p", "title": "Criterion", "rubric": RUBRIC}],
        evidence=evidence,
    )


def problems_of(*plugins: object) -> list[str]:
    with pytest.raises(DataError) as caught:
        agenda_of(*plugins)
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {"criterion": "p.d"},
            "record e1: criterion: 'p.d' is not defined by any plugin; did you mean 'p.c'?",
        ),
        ({"level": "signed"}, "record e1: level: 'signed' is not defined by criterion 'p.c'"),
        ({"subject": "T"}, "record e1: subject: 'T' is not defined by any plugin"),
        ({"level": "built"}, "record e1: level: declaratory evidence cannot show level 'built'"),
        ({"critera": "p.c"}, "record e1: critera: unknown field (allowed: id, subject, criterion"),
        (
            {"grade": "G7"},
            "record e1: grade: 'G7' is not valid (expected an Admiralty grade: source reliability A-F",
        ),
        (
            {"date": "2024-02-30"},
            "record e1: date: '2024-02-30' is not a real date: day is out of range for month",
        ),
        ({"statement": "  "}, "record e1: statement: must not be empty"),
        ({"source": {"publisher": "x"}}, "record e1: source.title: is required but missing"),
    ],
)
def test_each_invalid_record_is_named_with_its_field(change: dict[str, Any], expected: str) -> None:
    found = problems_of(agenda_plugin(record(**change)))
    assert any(expected in line for line in found), found


def test_a_setback_may_be_declaratory_and_a_concrete_record_may_show_any_level() -> None:
    agenda = agenda_of(
        agenda_plugin(
            record(id="e1", level="built", kind="concrete"),
            record(id="e2", level="none", effect="setback"),
        )
    )
    assert [r.id for r in agenda.evidence] == ["e1", "e2"]


def test_duplicate_evidence_ids_name_both_places() -> None:
    other = StaticPlugin(evidence=[record(statement="Another thing.")])
    found = problems_of(agenda_plugin(record()), other)
    assert any(
        "plugin 'staticplugin-2': record e1: id: duplicate evidence id, also defined (differently) in plugin 'staticplugin-1'"
        in f
        for f in found
    ), found


def test_an_event_reported_for_two_criteria_names_each_record_and_both_claims() -> None:
    plugin = agenda_plugin(
        record(event="summit"),
        record(id="e2", event="summit", subject="T"),
        record(id="e3", event="visit"),
        record(id="e4", event="visit"),
    )
    other_subject = StaticPlugin(subjects=[{"id": "T", "title": "Other"}])
    found = problems_of(plugin, other_subject)
    claims = "event 'summit' is reported for more than one subject or criterion (S p.c, T p.c)"
    assert [f.split(": ", 1)[1] for f in found] == [
        f"record e1: event: {claims}",
        f"record e2: event: {claims}",
    ]


def test_the_same_record_supplied_twice_counts_once() -> None:
    agenda = agenda_of(agenda_plugin(record()), StaticPlugin(evidence=[record()]))
    assert [r.id for r in agenda.evidence] == ["e1"]


def test_a_criterion_defined_twice_names_the_first_owner() -> None:
    twin = StaticPlugin(
        criteria=[{"id": "p.c", "priority": "p", "title": "Again", "rubric": RUBRIC}]
    )
    found = problems_of(agenda_plugin(), twin)
    assert found == [
        "plugin 'staticplugin-2': record p.c: id: duplicate criterion id, also defined (differently) in plugin 'staticplugin-1'"
    ]


def test_a_criterion_for_an_unknown_priority_is_reported() -> None:
    stray = StaticPlugin(
        criteria=[{"id": "q.c", "priority": "q", "title": "Stray", "rubric": RUBRIC}]
    )
    found = problems_of(agenda_plugin(), stray)
    assert found == [
        "plugin 'staticplugin-2': record q.c: priority: 'q' is not defined by any plugin (known: p)"
    ]


def test_every_problem_is_reported_not_just_the_first() -> None:
    found = problems_of(agenda_plugin(record(id="a", level="x"), record(id="b", grade="Z9")))
    assert len(found) == 2


def test_a_plugin_can_add_a_criterion_to_another_plugins_priority() -> None:
    extra = StaticPlugin(
        criteria=[{"id": "p.extra", "priority": "p", "title": "Added", "rubric": RUBRIC}],
        evidence=[record(id="x1", criterion="p.extra", level="built", kind="concrete", grade="A1")],
    )
    card = run(agenda_plugin(record()), extra, as_of=dt.date(2025, 1, 1))
    added = [c for c in card.priorities[0].criteria if c.id == "p.extra"]
    assert added[0].score == 100.0
    assert added[0].evidence == ("x1",)
