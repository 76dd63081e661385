"""Draws from the criteria's beliefs: how sure we are of aggregates and of the recommendation.

Each criterion's score is drawn from its distribution (independently: criteria share no
records), the draws are aggregated exactly as the central scores are, and the shares of the
draws give intervals, the probability that a status holds and how often each priority is
where action is most needed first (methodology §10). Draws come from Python's Mersenne
Twister seeded by the method's ``seed``, so the same inputs give the same figures on every
machine, and the everyday report needs no numerical library.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Mapping, Sequence

Distribution = Sequence[tuple[float, float]]
"""(value, probability) pairs, ascending by value."""


def draw_scores(
    distributions: Mapping[str, Distribution], draws: int, seed: int
) -> dict[str, list[float]]:
    """``draws`` values of each item, by inverse transform of its distribution; items are
    drawn in the order of their ids, so the draws do not depend on the mapping's order."""
    generator = random.Random(seed)
    return {
        key: generator.choices(
            [v for v, _ in distributions[key]],
            cum_weights=list(itertools.accumulate(p for _, p in distributions[key])),
            k=draws,
        )
        for key in sorted(distributions)
    }


def interval(values: Sequence[float]) -> tuple[float, float]:
    """The 5th and 95th percentiles of equally likely values (the smallest value whose
    cumulative share reaches 5 %, and 95 %)."""
    ordered = sorted(values)
    count = len(ordered)
    return ordered[_rank(0.05, count)], ordered[_rank(0.95, count)]


def _rank(share: float, count: int) -> int:
    """The position of the smallest value whose cumulative share reaches ``share``: the
    least p with (p + 1) / count >= share."""
    return max(0, math.ceil(share * count - 1e-9) - 1)


def distribution_interval(distribution: Distribution) -> tuple[float, float]:
    """The 5th and 95th percentiles of a discrete distribution."""
    return _quantile(distribution, 0.05), _quantile(distribution, 0.95)


def _quantile(distribution: Distribution, share: float) -> float:
    total = sum(p for _, p in distribution)
    cumulative = 0.0
    for value, probability in distribution:
        cumulative += probability / total
        if cumulative >= share - 1e-12:
            return value
    return distribution[-1][0]


def widened(bounds: tuple[float, float], central: float) -> tuple[float, float]:
    """An interval widened, if need be, to hold the central score: the central reading can
    lie in a tail when it rests on claims the evidence makes unlikely."""
    return min(bounds[0], central), max(bounds[1], central)


def share(flags: Sequence[bool]) -> float:
    return sum(flags) / len(flags) if flags else 0.0
