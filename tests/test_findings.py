"""The five findings against the earlier fold, re-run as regression tests on the evidence they
were measured on (the built-in records taken from the brief of 2025-04-30): weak sourcing read
as lack of progress, one event counted as many, labels changed scores, certainty was
overstated, and missing evidence was silently average."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from renewal_score.agenda import Agenda
from renewal_score.engine import build_scorecard
from renewal_score.errors import Location
from renewal_score.models import Evidence, Source
from renewal_score.options import RunOptions
from renewal_score.records import EvidenceRecords
from renewal_score.results import CriterionScore, Scorecard
from renewal_score.testing import agenda_of, make_host

AS_OF = dt.date(2025, 5, 1)
Change = Callable[[list[Evidence]], list[Evidence]]


BRIEF = "Canada-Japan relations within Canada's Indo-Pacific Strategy"


@pytest.fixture(scope="module")
def builtin() -> Agenda:
    """The built-in agenda with the brief's records only."""
    agenda = agenda_of(builtins=True)
    brief = [r for r in agenda.evidence if r.source.title == BRIEF]
    return Agenda(
        agenda.subjects,
        agenda.priorities,
        agenda.criteria,
        EvidenceRecords.of(brief, Location("brief")),
        agenda.observations,
    )


def scored(agenda: Agenda, change: Change = list, **options: object) -> Scorecard:
    """The built-in agenda scored with its evidence changed."""
    evidence = change(list(agenda.evidence))
    changed = Agenda(
        agenda.subjects,
        agenda.priorities,
        agenda.criteria,
        EvidenceRecords.of(evidence, Location("test")),
        agenda.observations,
    )
    return build_scorecard(changed, make_host(builtins=True), RunOptions(AS_OF, **options))


def criterion(card: Scorecard, criterion_id: str) -> CriterionScore:
    return next(c for p in card.priorities for c in p.criteria if c.id == criterion_id)


def regraded(prefix: str, grade: str) -> Change:
    return lambda records: [
        r.model_copy(update={"grade": grade}) if r.criterion.startswith(prefix) else r
        for r in records
    ]


def test_better_sourcing_of_the_same_claims_moves_no_score(builtin: Agenda) -> None:
    before = scored(builtin)
    after = scored(builtin, regraded("minerals-energy.", "A1"))
    priority = {p.id: p for p in before.priorities}["minerals-energy"]
    upgraded = {p.id: p for p in after.priorities}["minerals-energy"]
    assert upgraded.score == priority.score
    assert after.ranking == before.ranking
    assert upgraded.uncertainty is not None
    assert priority.uncertainty is not None
    assert upgraded.uncertainty.certainty >= priority.uncertainty.certainty
    infrastructure = "minerals-energy.infrastructure-investment"
    assert criterion(after, infrastructure).score == criterion(before, infrastructure).score


def test_a_second_report_of_one_event_is_not_a_second_event(builtin: Agenda) -> None:
    record = next(r for r in builtin.evidence if r.criterion == "minerals-energy.critical-minerals")
    event = record.event or "ev-critical-minerals"

    def reported_twice(records: list[Evidence]) -> list[Evidence]:
        other = record.model_copy(
            update={
                "id": "another-outlet",
                "event": event,
                "source": Source(title="Another outlet", url="https://example.org/a"),
            }
        )
        return [r.model_copy(update={"event": event}) if r == record else r for r in records] + [
            other
        ]

    before, after = scored(builtin), scored(builtin, reported_twice)
    found = criterion(after, record.criterion)
    assert found.score == criterion(before, record.criterion).score
    assert found.coverage.events == criterion(before, record.criterion).coverage.events
    assert after.overall.say_do_gap == before.overall.say_do_gap


def test_one_record_logged_six_times_is_one_report(builtin: Agenda) -> None:
    record = next(
        r
        for r in builtin.evidence
        if r.kind == "declaratory" and r.event is None and r.subject == "CAN-JPN"
    )

    def logged(records: list[Evidence]) -> list[Evidence]:
        return records + [record.model_copy(update={"id": f"copy-{n}"}) for n in range(5)]

    before, after = scored(builtin), scored(builtin, logged)
    assert after.overall.say_do_gap == before.overall.say_do_gap
    assert after.overall.score == before.overall.score
    assert any("likely duplicates" in w and "copy-0" in w for w in after.warnings)


def test_labels_and_date_precision_change_no_score(builtin: Agenda) -> None:
    trade = "coercion.trade-architecture"
    first = next(r for r in builtin.evidence if r.criterion == trade and r.effect == "advance")
    same_day = first.model_copy(
        update={
            "id": "aaa-same-day",
            "level": "signed",
            "kind": "declaratory",
            "statement": "Another advance on the same date.",
        }
    )

    def with_same_day(name: str) -> Change:
        return lambda records: [*records, same_day.model_copy(update={"id": name})]

    low, high = scored(builtin, with_same_day("aaa")), scored(builtin, with_same_day("zzz"))
    assert criterion(low, trade).score == criterion(high, trade).score
    assert criterion(low, trade).uncertainty == criterion(high, trade).uncertainty
    # The CPTPP entered into force on 2018-12-30: stated as "2018" it keeps its place.
    in_force = next(r for r in builtin.evidence if r.date.startswith("2018"))
    as_year = scored(
        builtin,
        lambda rs: [r.model_copy(update={"date": "2018"}) if r == in_force else r for r in rs],
    )
    assert (
        criterion(as_year, in_force.criterion).score
        == criterion(scored(builtin), in_force.criterion).score
    )


def test_a_contradicting_record_lowers_certainty(builtin: Agenda) -> None:
    focus = "minerals-energy.critical-minerals"
    (record,) = [r for r in builtin.evidence if r.criterion == focus]
    contradiction = record.model_copy(
        update={
            "id": "contradiction",
            "effect": "setback",
            "level": "declared",
            "statement": "Nothing was agreed.",
            "source": Source(title="A rival report"),
        }
    )
    before = criterion(scored(builtin), focus)
    after = criterion(scored(builtin, lambda rs: [*rs, contradiction]), focus)
    assert before.uncertainty is not None
    assert after.uncertainty is not None
    assert after.uncertainty.certainty < before.uncertainty.certainty


def test_one_early_record_cannot_headline_the_index(builtin: Agenda) -> None:
    card = build_scorecard(builtin, make_host(builtins=True), RunOptions(dt.date(2020, 1, 1)))
    assert card.overall.rated < card.overall.criteria_count / 2
    assert card.overall.score is None
    assert card.overall.status == "cannot rate"
