"""What to gather next: the chance that one more well-graded report on a criterion would
overturn the recommendation is the belief's probability of the levels that would."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any
from unittest.mock import patch

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from renewal_score import engine, gather
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


GRADES = ("A1", "B2", "C3", "E5")


def many_plugin(levels: list[tuple[int, str, str]]) -> StaticPlugin:
    """Three priorities of two criteria each; one record per (level, grade, effect) given."""
    criteria = [f"{p}.{c}" for p in "pqr" for c in "xy"]
    return StaticPlugin(
        subjects=[{"id": "S", "title": "S"}],
        priorities=[{"id": p, "title": p.upper()} for p in "pqr"],
        criteria=[
            {"id": c, "priority": c[0], "title": c, "rubric": LEVELS, "weight": 1 + k % 3}
            for k, c in enumerate(criteria)
        ],
        evidence=[
            {
                **record(f"e{k}", criteria[k % len(criteria)], grade),
                "level": f"l{level}",
                "effect": effect,
                "date": f"{2020 + k % 4}",
            }
            for k, (level, grade, effect) in enumerate(levels)
        ],
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.integers(0, 4), st.sampled_from(GRADES), st.sampled_from(["advance", "setback"])
        ),
        min_size=1,
        max_size=10,
    ),
    st.sampled_from(["gap", "weighted-gap"]),
)
def test_gather_next_equals_recomputing_every_draw(
    levels: list[tuple[int, str, str]], rank_by: str
) -> None:
    """The list computed on the draws that change equals the share of first places over all
    draws recomputed with ``Standing.first_shares``, level by level."""
    captured: dict[str, Any] = {}

    def capture(*args: Any) -> Any:
        captured["args"] = args
        return gather.gather_next(*args)

    method = MethodSettings(draws=300, rank_by=rank_by)
    with patch.object(engine, "gather_next", capture):
        found = run(many_plugin(levels), as_of=dt.date(2025, 1, 1), method=method).gather_next
    criteria, scores, beliefs, plan, standing, _ = captured["args"]
    top = standing.ranked(gather._shown(standing, standing.central), rank_by)[0]
    holds = random.Random(method.seed + 1)
    new_report_holds = [holds.random() < method.support("B1") for _ in range(method.draws)]
    expected = {}
    for criterion_id, belief in beliefs.items():
        priority = criteria[criterion_id].priority
        if scores[criterion_id].score is None or not standing.shown[priority]:
            continue
        tried = [(level, chance) for level, chance in belief if chance >= gather.MIN_LIKELIHOOD]
        certainty = overturn = 0.0
        for level, chance in tried:
            central = gather._central_with(plan, scores, criterion_id, level, method)
            now_top = standing.ranked(gather._shown(standing, central), rank_by)[0]
            old = standing.criterion_draws[criterion_id]
            column = [level if held else o for held, o in zip(new_report_holds, old, strict=True)]
            columns = {**standing.criterion_draws, criterion_id: column}
            draws = {**standing.draws, **plan.priorities_each(columns, len(column), priority)}
            certainty += chance * standing.first_shares(rank_by, draws).get(now_top, 0.0)
            overturn += chance * (now_top != top)
        total = sum(chance for _, chance in tried)
        expected[criterion_id] = (round(overturn / total, 4), round(certainty / total, 4))
    assert {g.criterion: (g.overturn, g.certainty_after) for g in found} == expected
