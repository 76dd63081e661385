"""Where the priorities and the index stand, how sure we are, and where to act first.

The central scores aggregate the criteria's central scores; the same aggregation of each
draw of the criteria (``uncertainty.draw_scores``) gives the intervals, the probability that
each status holds, and how often each priority ranks first. Coverage gates what is shown:
an aggregate with fewer than ``min_coverage`` of its criteria rated "cannot rate"
(methodology §8, §10).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from renewal_score.agenda import Agenda
from renewal_score.belief import nearest_level
from renewal_score.coverage import Tally, say_do_gap
from renewal_score.method import MethodSettings, RankBy
from renewal_score.models import Criterion
from renewal_score.options import RunOptions
from renewal_score.plan import Plan, aggregated_value, covered, level_grid
from renewal_score.results import (
    Assessment,
    CriterionScore,
    OverallScore,
    PriorityScore,
    Recommendation,
    Status,
    Uncertainty,
)
from renewal_score.scoring import PRECISION
from renewal_score.uncertainty import (
    Distribution,
    distribution_interval,
    draw_scores,
    interval,
    widened,
)


def status_of(score: float | None, target: float, method: MethodSettings) -> Status:
    """A status word in the manner of policy trackers, from the score and the target."""
    if score is None:
        return "cannot rate"
    if score >= target:
        return "achieved"
    bands = method.status_bands
    if score >= bands["on track"]:
        return "on track"
    return "signs of progress" if score >= bands["signs of progress"] else "stalled"


def gap_of(score: float | None, target: float) -> float | None:
    return None if score is None else round(max(0.0, target - score), PRECISION)


@dataclass(frozen=True)
class Standing:
    """Central scores and draws of every priority and of the index (None: cannot rate)."""

    targets: dict[str, float]
    weights: dict[str, float]
    rated: dict[str, tuple[int, int]]
    """Criteria rated, and in all, by priority."""
    shown: dict[str, bool]
    """Whether each priority has the coverage to be shown."""
    central: dict[str, float | None]
    overall: float | None
    draws: dict[str, list[float | None]]
    """Each priority's score in each draw."""
    criterion_draws: dict[str, list[float | None]]
    """Each criterion's score in each draw, as aggregated (None: left out)."""
    overall_draws: list[float | None]
    top_shares: dict[str, float]
    """How often each priority ranks first over the draws."""

    @classmethod
    def of(
        cls,
        agenda: Agenda,
        plan: Plan,
        criteria: Mapping[str, CriterionScore],
        beliefs: Mapping[str, Distribution],
        method: MethodSettings,
        targets: dict[str, float],
    ) -> Standing:
        rated = {
            p: (sum(criteria[c].score is not None for c in w), len(w))
            for p, w in plan.within.items()
        }
        shown = {p: covered(r, n, method) for p, (r, n) in rated.items()}
        values = {c: aggregated_value(s.score, method) for c, s in criteria.items()}
        central = plan.priorities(values)
        count = method.draws
        drawn = draw_scores(beliefs, count, method.seed)
        missing: list[float | None] = [None] * count
        criterion_draws: dict[str, list[float | None]] = {
            c: list(drawn[c]) if c in drawn else missing for c in criteria
        }
        draws = plan.priorities_each(criterion_draws, count)
        standing = cls(
            targets=targets,
            weights=plan.priority_weights,
            rated=rated,
            shown=shown,
            central=central,
            overall=plan.overall(central),
            draws=draws,
            criterion_draws=criterion_draws,
            overall_draws=plan.overall_each(draws, count),
            top_shares=dict.fromkeys(central, 0.0),
        )
        standing.top_shares.update(standing.first_shares(method.rank_by))
        return standing

    def ranked(self, scores: Mapping[str, float | None], rank_by: RankBy) -> list[str]:
        """Priority ids, where action is most needed first: largest gap (or weight x gap),
        then larger weight, then id; those that cannot be rated last."""

        def key(priority: str) -> tuple[float, float, str]:
            score = scores[priority] if self.shown[priority] else None
            return -self.urgency(priority, score, rank_by), -self.weights[priority], priority

        return sorted(scores, key=key)

    def first_shares(
        self, rank_by: RankBy, draws: Mapping[str, Sequence[float | None]] | None = None
    ) -> dict[str, float]:
        """How often each shown priority ranks first over the draws (default: this standing's
        own), by the rule of ``ranked`` applied to each draw (the first of equal urgency in
        tie-break order wins)."""
        columns = self.draws if draws is None else draws
        order = sorted((p for p in columns if self.shown[p]), key=lambda p: (-self.weights[p], p))
        if not order:
            return {}
        urgency = [self.urgencies(p, columns[p], rank_by) for p in order]
        counts = [0] * len(order)
        positions = range(len(order))
        for row in zip(*urgency, strict=True):
            counts[max(positions, key=row.__getitem__)] += 1
        total = len(urgency[0])
        return {p: n / total for p, n in zip(order, counts, strict=True)}

    def urgencies(
        self, priority: str, scores: Sequence[float | None], rank_by: RankBy
    ) -> list[float]:
        """``urgency`` of each score, as one loop (for the thousands of draws)."""
        target = self.targets[priority]
        factor = self.weights[priority] if rank_by == "weighted-gap" else 1.0
        return [
            -1.0 if v is None else (round(target - v, PRECISION) if v < target else 0.0) * factor
            for v in scores
        ]

    def urgency(self, priority: str, score: float | None, rank_by: RankBy) -> float:
        """What ranks a priority: its gap (or weight x gap); -1 when it cannot be rated."""
        gap = gap_of(score, self.targets[priority])
        if gap is None:
            return -1.0
        return gap * (self.weights[priority] if rank_by == "weighted-gap" else 1.0)

    def uncertainty(
        self,
        central: float | None,
        draws: Sequence[float | None],
        target: float,
        method: MethodSettings,
    ) -> Uncertainty | None:
        """The interval of the draws and the probability that the central status holds."""
        values = [v for v in draws if v is not None]
        if central is None or not values:
            return None
        status = status_of(central, target, method)
        certainty = sum(status_of(v, target, method) == status for v in values) / len(values)
        low, high = widened(interval(values), central)
        return Uncertainty(
            low=low,
            high=high,
            certainty=round(certainty, 4),
            label=method.certainty_label(certainty),
        )


def criterion_uncertainty(
    criterion: Criterion,
    assessment: Assessment,
    belief: Distribution | None,
    method: MethodSettings,
) -> Uncertainty | None:
    """A criterion's interval, and the probability that it stands at the level reported
    (unrated and counted conservatively: at the lowest level, with the widest interval)."""
    if belief is None:
        return None
    grid = level_grid(criterion, method)
    score = assessment.score if assessment.score is not None else grid[0]
    reported = nearest_level(score, grid)
    total = sum(p for _, p in belief)
    certainty = sum(p for v, p in belief if nearest_level(v, grid) == reported) / total
    low, high = widened(distribution_interval(belief), score)
    return Uncertainty(
        low=low, high=high, certainty=round(certainty, 4), label=method.certainty_label(certainty)
    )


def priority_scores(
    agenda: Agenda,
    plan: Plan,
    standing: Standing,
    criteria: Mapping[str, CriterionScore],
    tallies: Mapping[str, Tally],
    options: RunOptions,
) -> list[PriorityScore]:
    """Every priority's score with its uncertainty, status, coverage and rank."""
    method = options.method
    shown = {p: standing.central[p] if standing.shown[p] else None for p in standing.central}
    rank = {p: i for i, p in enumerate(standing.ranked(shown, method.rank_by), start=1)}
    shares = standing.top_shares
    concrete_scores = plan.priorities(
        {c.id: aggregated_value(c.concrete_score, method) for c in criteria.values()}
    )
    priorities = []
    for priority in agenda.priorities.values():
        members = [criteria[c] for c in plan.within[priority.id]]
        score = shown[priority.id]
        target = standing.targets[priority.id]
        concrete = concrete_scores[priority.id]
        counted = [tallies[c.id] for c in members]
        priorities.append(
            PriorityScore(
                id=priority.id,
                title=priority.title,
                weight=round(plan.priority_weights[priority.id], PRECISION),
                score=score,
                uncertainty=standing.uncertainty(
                    score, standing.draws[priority.id], target, method
                ),
                target=target,
                gap=gap_of(score, target),
                status=status_of(score, target, method),
                rated=standing.rated[priority.id][0],
                criteria_count=standing.rated[priority.id][1],
                evidence_count=sum(t.coverage.records for t in counted),
                events=sum(t.coverage.events for t in counted),
                say_do_gap=_rounded(say_do_gap(counted)),
                concrete_score=concrete if standing.shown[priority.id] else None,
                rank=rank[priority.id],
                top_share=round(shares[priority.id], 4) if score is not None else None,
                criteria=tuple(members),
            )
        )
    return priorities


def overall_score(
    plan: Plan,
    standing: Standing,
    criteria: Mapping[str, CriterionScore],
    tallies: Sequence[Tally],
    method: MethodSettings,
) -> OverallScore:
    """The overall index, shown when enough of all the criteria are rated."""
    rated = sum(r for r, _ in standing.rated.values())
    total = sum(n for _, n in standing.rated.values())
    shown = covered(rated, total, method)
    score = standing.overall if shown else None
    target = round(
        sum(plan.priority_weights[p] * t for p, t in standing.targets.items()), PRECISION
    )
    concrete = plan.overall(
        plan.priorities(
            {c.id: aggregated_value(c.concrete_score, method) for c in criteria.values()}
        )
    )
    return OverallScore(
        score=score,
        uncertainty=standing.uncertainty(score, standing.overall_draws, target, method),
        target=target,
        status=status_of(score, target, method),
        rated=rated,
        criteria_count=total,
        say_do_gap=_rounded(say_do_gap(tallies)),
        concrete_score=concrete if shown else None,
        evidence_count=sum(t.coverage.records for t in tallies),
        events=sum(t.coverage.events for t in tallies),
    )


def recommendation(
    ranked: Sequence[PriorityScore], standing: Standing, method: MethodSettings
) -> Recommendation:
    """Where to act first, how often that holds over the draws, and whether it leads clearly."""
    shares, rank_by = standing.top_shares, method.rank_by
    contenders = {
        p: round(s, 4) for p, s in sorted(shares.items(), key=lambda i: (-i[1], i[0])) if s > 0
    }
    top = ranked[0] if ranked and ranked[0].score is not None else None
    if top is None:
        return Recommendation(
            top=None,
            share=None,
            clear=False,
            contenders={},
            rank_by=rank_by,
            text="No priority can be rated, so there is no recommendation yet: gather evidence.",
        )
    share = shares[top.id]
    clear = share >= method.likely
    if clear:
        text = f"Act first on {top.id}: it ranks first in {share:.0%} of draws."
    else:
        listed = ", ".join(f"{p} ({s:.0%})" for p, s in contenders.items())
        leader = next(iter(contenders), top.id)
        most_often = "" if leader == top.id else f"; over the draws {leader} leads most often"
        text = (
            f"{top.id} ranks first on the scores{most_often}, but the evidence cannot yet "
            f"separate the priorities: ranked first in {listed} of draws."
        )
    return Recommendation(
        top=top.id,
        share=round(share, 4),
        clear=clear,
        contenders=contenders,
        rank_by=rank_by,
        text=text,
    )


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, PRECISION)
