"""What one scoring run is asked for: the options every command and the Python API share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from renewal_score.method import DEFAULT_METHOD, MethodSettings
from renewal_score.models import AgendaDefinition


@dataclass(frozen=True)
class RunOptions:
    """The options of a scoring run.

    ``weights`` overrides the weight of priorities and criteria by id;
    ``criteria_aggregation`` names the aggregator of criteria into priorities,
    ``priorities_aggregation`` that of priorities into the overall index (None: the one the
    agenda declares);
    ``min_grade`` leaves out evidence whose grade probability is below it;
    ``method`` holds the method's constants (``method.MethodSettings``).
    """

    as_of: dt.date
    subject: str | None = None
    weights: Mapping[str, float] = field(default_factory=dict)
    criteria_aggregation: str | None = None
    priorities_aggregation: str | None = None
    min_grade: float = 0.0
    method: MethodSettings = DEFAULT_METHOD

    def aggregations(self, agenda: AgendaDefinition) -> tuple[str, str]:
        """The aggregation methods of criteria and of priorities: those given, else the
        agenda's."""
        return (
            self.criteria_aggregation or agenda.criteria_aggregation,
            self.priorities_aggregation or agenda.priorities_aggregation,
        )
