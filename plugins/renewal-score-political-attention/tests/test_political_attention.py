"""The plugin's own tests: run it with the built-in criteria modules, as the report does."""

from __future__ import annotations

import datetime as dt

import pytest
import renewal_score_political_attention as plugin

from renewal_score.results import Scorecard
from renewal_score.testing import run

AS_OF = dt.date(2025, 5, 1)

EXPECTED_EVIDENCE = {
    "attention.sustained-focus": {
        "pa-2025-canada-delays-inconsistencies",
        "pa-2025-ishiba-domestic-focus",
        "pa-2025-meaningful-advances-constrained",
        "pa-2025-sustained-attention-elusive",
    },
    "attention.beyond-washington": {"pa-2025-us-unpredictability-constrains"},
}


@pytest.fixture(scope="module")
def card() -> Scorecard:
    return run(plugin, builtins=True, as_of=AS_OF)


def test_priority_is_scored_alongside_the_builtins(card: Scorecard) -> None:
    ids = [p.id for p in card.priorities]
    assert set(ids) == {"security", "minerals-energy", "coercion-resilience", "political-attention"}
    priority = next(p for p in card.priorities if p.id == "political-attention")
    assert priority.title == (
        "Sustain political attention to the relationship despite domestic turbulence"
    )
    assert priority.target == 75.0
    assert priority.score is not None
    assert 0.0 <= priority.score <= 100.0
    assert priority.evidence_count == 5


def test_criteria_count_the_expected_evidence(card: Scorecard) -> None:
    priority = next(p for p in card.priorities if p.id == "political-attention")
    criteria = {c.id: c for c in priority.criteria}
    assert set(criteria) == set(EXPECTED_EVIDENCE)
    for criterion_id, expected in EXPECTED_EVIDENCE.items():
        criterion = criteria[criterion_id]
        assert criterion.scored_by == "renewal_score.scoring"
        assert criterion.score is not None
        # Every record is counted; those that moved the score are listed as deciding it.
        assert criterion.coverage.records == len(expected)
        assert set(criterion.evidence) <= expected


def test_scores_follow_the_rubric(card: Scorecard) -> None:
    priority = next(p for p in card.priorities if p.id == "political-attention")
    criteria = {c.id: c for c in priority.criteria}
    focus = criteria["attention.sustained-focus"]
    # One B2 advance to the second of five levels (25 points), and three setbacks "back at
    # episodic": every record shows episodic, so the criterion stands there, however graded;
    # the grades only say how sure that is.
    assert focus.score == pytest.approx(25.0)
    assert focus.level == "episodic"
    assert "pa-2025-meaningful-advances-constrained" in focus.evidence
    washington = criteria["attention.beyond-washington"]
    # One B3 setback to "reactive", the second of four levels: 33.33 points, graded or not.
    assert washington.score == pytest.approx(33.3333)
    assert washington.level == "reactive"
    assert washington.evidence == ("pa-2025-us-unpredictability-constrains",)


def test_evidence_ids_are_prefixed_and_dated_no_later_than_the_brief() -> None:
    records = plugin.register_evidence()
    assert 3 <= len(records) <= 5
    for record in records:
        assert record.id.startswith("pa-")
        assert record.subject == "CAN-JPN"
        assert record.effective_date <= dt.date(2025, 4, 30)  # the brief's publication date
        assert record.note
