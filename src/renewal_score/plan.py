"""How criterion scores become priority scores and the overall index: weights, aggregators
and the rule for criteria without evidence, applied alike to central scores and to draws."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from renewal_score.agenda import Agenda
from renewal_score.aggregation import Aggregator, aggregate_each, normalise
from renewal_score.errors import UsageError
from renewal_score.method import MethodSettings
from renewal_score.models import Criterion
from renewal_score.options import RunOptions
from renewal_score.plugins import PluginHost
from renewal_score.results import Assessment
from renewal_score.scoring import INDICATOR_GRID, PRECISION
from renewal_score.uncertainty import Distribution


@dataclass(frozen=True)
class Plan:
    """How criterion scores become priority scores and the overall index: one rule, applied
    to the central scores and to every draw alike."""

    priority_weights: dict[str, float]
    """Normalised weights of the priorities."""
    within: dict[str, dict[str, float]]
    """Normalised weights of each priority's criteria."""
    combine_criteria: Aggregator
    combine_priorities: Aggregator

    def priorities(self, values: Mapping[str, float | None]) -> dict[str, float | None]:
        """Each priority's score from its criteria's values (None: left out)."""
        each = self.priorities_each({c: [v] for c, v in values.items()}, 1)
        return {priority: found[0] for priority, found in each.items()}

    def overall(self, priorities: Mapping[str, float | None]) -> float | None:
        """The overall index from the priorities' scores."""
        return self.overall_each({p: [v] for p, v in priorities.items()}, 1)[0]

    def priorities_each(
        self, columns: Mapping[str, Sequence[float | None]], count: int, only: str | None = None
    ) -> dict[str, list[float | None]]:
        """``priorities`` of each of ``count`` rows of criterion values, given as columns
        (``only``: of that priority alone)."""
        return {
            priority: _aggregated(self.combine_criteria, columns, weights, count)
            for priority, weights in self.within.items()
            if only is None or priority == only
        }

    def overall_each(
        self, columns: Mapping[str, Sequence[float | None]], count: int
    ) -> list[float | None]:
        """``overall`` of each of ``count`` rows of priority scores, given as columns."""
        return _aggregated(self.combine_priorities, columns, self.priority_weights, count)


def _aggregated(
    combine: Aggregator,
    columns: Mapping[str, Sequence[float | None]],
    weights: Mapping[str, float],
    count: int,
) -> list[float | None]:
    if not weights:
        return [None] * count
    found = aggregate_each(combine, [columns[item] for item in weights], list(weights.values()))
    return [None if v is None else round(v, PRECISION) for v in found]


def plan_of(agenda: Agenda, host: PluginHost, options: RunOptions) -> Plan:
    """The weights and aggregators a run uses."""
    aggregators = host.aggregations()

    def weight_of(item_id: str, nominal: float) -> float:
        return options.weights.get(item_id, nominal)

    priorities = normalise(
        {p.id: weight_of(p.id, p.weight) for p in agenda.priorities.values()}, "priorities"
    )
    within = {
        p.id: normalise({c.id: weight_of(c.id, c.weight) for c in agenda.criteria_of(p.id)}, p.id)
        for p in agenda.priorities.values()
    }
    criteria_method, priorities_method = options.aggregations(agenda.definition)
    declared = options.criteria_aggregation is None, options.priorities_aggregation is None
    return Plan(
        priorities,
        within,
        _aggregator(aggregators, criteria_method, agenda, declared[0]),
        _aggregator(aggregators, priorities_method, agenda, declared[1]),
    )


def _aggregator(
    aggregators: Mapping[str, Aggregator], name: str, agenda: Agenda, declared: bool
) -> Aggregator:
    """The aggregator of this name; UsageError naming the agenda if it declares the name."""
    if name not in aggregators:
        where = f"agenda {agenda.definition.id!r} declares " if declared else ""
        known = ", ".join(sorted(aggregators))
        raise UsageError(f"{where}unknown aggregation {name!r} (known: {known})")
    return aggregators[name]


def level_grid(criterion: Criterion, method: MethodSettings) -> list[float]:
    """The scores a criterion can take: its rubric's levels, or a grid for an indicator."""
    return (
        criterion.level_scores(method.level_spacing) if criterion.rubric else list(INDICATOR_GRID)
    )


def aggregated_value(score: float | None, method: MethodSettings) -> float | None:
    """What a criterion's score counts as in aggregates: an unrated one at the lowest level
    (conservative) or not at all (available-case)."""
    if score is None and method.unrated == "conservative":
        return 0.0
    return score


def covered(rated: int, total: int, method: MethodSettings) -> bool:
    """Whether enough of an aggregate's criteria are rated for it to be shown."""
    return total > 0 and rated / total >= method.min_coverage


def belief_of(
    criterion: Criterion, assessment: Assessment, method: MethodSettings
) -> Distribution | None:
    """The distribution a criterion's draws come from: its scorer's (a scorer that gives
    none is taken as certain), every level alike when unrated and counted conservatively,
    none when it is left out."""
    if assessment.score is not None:
        return assessment.distribution or ((assessment.score, 1.0),)
    if method.unrated == "conservative":
        grid = level_grid(criterion, method)
        return tuple((value, 1.0 / len(grid)) for value in grid)
    return None
