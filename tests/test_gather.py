"""What to gather next: the chance that one more well-graded report on a criterion would
overturn the recommendation is the belief's probability of the levels that would."""

from __future__ import annotations

import datetime as dt

from renewal_score.method import MethodSettings
from renewal_score.testing import StaticPlugin, run

LEVELS = [{"id": f"l{k}", "label": f"Level {k}", "description": f"level {k}"} for k in range(5)]


def record(record_id: str, criterion: str, grade: str) -> dict[str, object]:
    return {
        "id": record_id,
        "subject": "S",
        "criterion": criterion,
        "date": "2024",
        "statement": "It stands at the middle level.",
        "level": "l2",
        "effect": "setback",
        "kind": "concrete",
        "source": {"title": f"Report {record_id}"},
        "grade": grade,
    }


PLUGIN = StaticPlugin(
    subjects=[{"id": "S", "title": "S"}],
    priorities=[{"id": "p", "title": "P"}, {"id": "q", "title": "Q"}],
    criteria=[
        {"id": "p.a", "priority": "p", "title": "A", "rubric": LEVELS},
        {"id": "q.b", "priority": "q", "title": "B", "rubric": LEVELS},
    ],
    evidence=[record("weak", "p.a", "C3"), record("strong", "q.b", "A1")],
)


def test_overturn_is_the_probability_of_the_levels_that_would_change_the_top() -> None:
    card = run(PLUGIN, as_of=dt.date(2025, 1, 1))
    # Both stand at 50, gap 25: p ranks first (equal weights, then id). A report putting p.a
    # at 75 or 100 would close p's gap and make q first. p.a's belief: a C3 report (q = 0.25)
    # that it stands at 50, else any level alike: P(75) = P(100) = 0.75 / 5 = 0.15.
    assert card.recommendation.top == "p"
    found = {g.criterion: g for g in card.gather_next}
    assert found["p.a"].overturn == 0.3
    assert found["p.a"].overturned_by == ("l3", "l4")
    assert found["q.b"].overturn < found["p.a"].overturn
    assert card.gather_next[0].criterion == "p.a"
    for g in card.gather_next:
        assert 0 <= g.overturn <= 1
        assert 0 <= g.certainty_after <= 1


def test_the_same_seed_gives_the_same_list() -> None:
    method = MethodSettings(seed=7, draws=500)
    first = run(PLUGIN, as_of=dt.date(2025, 1, 1), method=method).gather_next
    assert run(PLUGIN, as_of=dt.date(2025, 1, 1), method=method).gather_next == first
