"""What to gather next: for each criterion, what one more well-graded report would do to the
recommendation (value of information, methodology §10).

Suppose one more concrete report of the method's ``gather_grade`` (B1 by default: a usually
reliable source, confirmed information) said where criterion c stands now. Its level L is
unknown; by the criterion's belief it is L with probability P_c(L). Taken at its word it is
the latest claim, so it puts c's reading at L; it holds with probability q, so c's belief
becomes q δ_L + (1 - q) P_c. For each L the central scores and the draws of c's priority are
recomputed (the other criteria's draws, and for c a second seeded stream deciding whether the
new report holds, are kept: common random numbers), giving:

    overturn_c  = Σ_L P_c(L) · [the top recommendation changes when c reads L]
    certainty_c = Σ_L P_c(L) · (share of draws in which the top then ranks first)

The criteria are listed by overturn, then by the gain in certainty over today's.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence

from renewal_score.method import MethodSettings
from renewal_score.models import Criterion
from renewal_score.plan import Plan, aggregated_value
from renewal_score.results import CriterionScore, GatherNext
from renewal_score.standing import Standing
from renewal_score.uncertainty import Distribution

MIN_LIKELIHOOD = 0.01
"""Levels less likely than this are not tried (their weight in the sums is negligible)."""


def gather_next(
    criteria: Mapping[str, Criterion],
    scores: Mapping[str, CriterionScore],
    beliefs: Mapping[str, Distribution],
    plan: Plan,
    standing: Standing,
    method: MethodSettings,
) -> tuple[GatherNext, ...]:
    """Every rated criterion's value of information for the top recommendation."""
    top = standing.ranked(_shown(standing, standing.central), method.rank_by)[0]
    if not standing.shown.get(top) or standing.central.get(top) is None:
        return ()
    holds = method.support(method.gather_grade)
    generator = random.Random(method.seed + 1)
    new_report_holds = [generator.random() < holds for _ in range(method.draws)]
    rivals = {p: _best_rival(standing, p, method) for p in standing.draws if standing.shown[p]}
    firsts = {
        p: _firsts(standing, p, standing.urgencies(p, standing.draws[p], method.rank_by), rival)
        for p, rival in rivals.items()
    }
    found = []
    for criterion_id in sorted(beliefs):
        priority = criteria[criterion_id].priority
        if scores[criterion_id].score is None or priority not in rivals:
            continue  # unrated, or its priority cannot be rated: it cannot rank first
        overturn = certainty = 0.0
        overturning = []
        old = standing.criterion_draws[criterion_id]
        for level, chance in beliefs[criterion_id]:
            if chance < MIN_LIKELIHOOD:
                continue
            central = _central_with(plan, scores, criterion_id, level, method)
            now_top = standing.ranked(_shown(standing, central), method.rank_by)[0]
            # Only the draws in which the new report holds and reads otherwise change.
            rows = [d for d, held in enumerate(new_report_holds) if held and old[d] != level]
            changed = _priority_draws(plan, standing, priority, criterion_id, level, rows)
            own = standing.urgencies(priority, changed, method.rank_by)
            rival = [rivals[priority][0][d] for d in rows], [rivals[priority][1][d] for d in rows]
            before = firsts[priority]
            wins = (
                before.count(now_top)
                - sum(before[d] == now_top for d in rows)
                + _firsts(standing, priority, own, rival).count(now_top)
            )
            certainty += chance * (wins / len(before))  # share, then chance: as first_shares
            if now_top != top:
                overturn += chance
                overturning.append(_level_label(criteria[criterion_id], level, method))
        total = sum(chance for _, chance in beliefs[criterion_id] if chance >= MIN_LIKELIHOOD)
        found.append(
            GatherNext(
                criterion=criterion_id,
                priority=priority,
                grade=method.gather_grade,
                overturn=round(overturn / total, 4),
                certainty_after=round(certainty / total, 4),
                certainty_now=round(standing.top_shares.get(top, 0.0), 4),
                overturned_by=tuple(overturning),
            )
        )
    return tuple(
        sorted(found, key=lambda g: (-g.overturn, g.certainty_now - g.certainty_after, g.criterion))
    )


Rival = tuple[list[float], list[str]]
"""Per draw, the most urgent of the other priorities: its urgency and id."""


def _best_rival(standing: Standing, priority: str, method: MethodSettings) -> Rival:
    """Per draw, the priority that ranks first among all but ``priority``."""
    others = [p for p in standing.draws if p != priority and standing.shown[p]]
    order = sorted(others, key=lambda p: (-standing.weights[p], p))
    count = len(standing.draws[priority])
    if not order:
        return [-2.0] * count, [""] * count
    urgency = [standing.urgencies(p, standing.draws[p], method.rank_by) for p in order]
    positions = range(len(order))
    best = [max(positions, key=row.__getitem__) for row in zip(*urgency, strict=True)]
    return [urgency[b][d] for d, b in enumerate(best)], [order[b] for b in best]


def _firsts(standing: Standing, priority: str, urgency: Sequence[float], rival: Rival) -> list[str]:
    """Per draw, the priority that ranks first, given ``priority``'s urgency and its best
    rival's: ``priority`` when more urgent, or as urgent and before the rival in the
    tie-break order (larger weight, then id), as ``Standing.ranked`` orders them."""
    mine = (-standing.weights[priority], priority)
    return [
        priority
        if not other
        or own > other_urgency
        or (own == other_urgency and mine < (-standing.weights.get(other, 0.0), other))
        else other
        for own, other_urgency, other in zip(urgency, *rival, strict=True)
    ]


def _shown(standing: Standing, central: Mapping[str, float | None]) -> dict[str, float | None]:
    return {p: central[p] if standing.shown[p] else None for p in central}


def _central_with(
    plan: Plan,
    scores: Mapping[str, CriterionScore],
    criterion_id: str,
    level: float,
    method: MethodSettings,
) -> dict[str, float | None]:
    """The priorities' central scores with one criterion read at the given level."""
    values = {c: aggregated_value(s.score, method) for c, s in scores.items()}
    values[criterion_id] = level
    return plan.priorities(values)


def _priority_draws(
    plan: Plan,
    standing: Standing,
    priority: str,
    criterion_id: str,
    level: float,
    rows: Sequence[int],
) -> list[float | None]:
    """The priority's score in the given draws, with the criterion read at the level."""
    columns = {c: [standing.criterion_draws[c][d] for d in rows] for c in plan.within[priority]}
    columns[criterion_id] = [level] * len(rows)
    return plan.priorities_each(columns, len(rows), only=priority)[priority]


def _level_label(criterion: Criterion, score: float, method: MethodSettings) -> str:
    if not criterion.rubric:
        return f"{score:g}"
    scores = criterion.level_scores(method.level_spacing)
    nearest = min(range(len(scores)), key=lambda k: (abs(scores[k] - score), k))
    return criterion.rubric[nearest].id
