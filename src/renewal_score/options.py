"""What one scoring run is asked for: the options every command and the Python API share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from renewal_score.method import DEFAULT_METHOD, MethodSettings


@dataclass(frozen=True)
class RunOptions:
    """The options of a scoring run.

    ``weights`` overrides the weight of priorities and criteria by id;
    ``criteria_aggregation`` names the aggregator of criteria into priorities,
    ``priorities_aggregation`` that of priorities into the overall index;
    ``min_grade`` leaves out evidence whose grade probability is below it;
    ``method`` holds the method's constants (``method.MethodSettings``).
    """

    as_of: dt.date
    subject: str | None = None
    weights: Mapping[str, float] = field(default_factory=dict)
    criteria_aggregation: str = "arithmetic"
    priorities_aggregation: str = "arithmetic"
    min_grade: float = 0.0
    method: MethodSettings = DEFAULT_METHOD

    @property
    def aggregation_name(self) -> str:
        """Both levels' method, as a report names it."""
        if self.criteria_aggregation == self.priorities_aggregation:
            return self.criteria_aggregation
        return f"criteria: {self.criteria_aggregation}; priorities: {self.priorities_aggregation}"
