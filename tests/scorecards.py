"""A scorecard built from one text in every free-text field, for tests of how reports show
text from data."""

from __future__ import annotations

import datetime as dt

from renewal_score.agenda import Agenda, collect_agenda
from renewal_score.engine import build_scorecard
from renewal_score.options import RunOptions
from renewal_score.results import Scorecard
from renewal_score.testing import StaticPlugin, make_host


def scored_with_text(text: str) -> tuple[Scorecard, Agenda]:
    """A scorecard and agenda whose every free text (titles, labels, statement) is ``text``."""
    rubric = [
        {"id": level, "label": f"{level} {text}", "description": text} for level in ("a", "b")
    ]
    plugin = StaticPlugin(
        subjects=[{"id": "S", "title": text}],
        priorities=[{"id": "p", "title": text}],
        criteria=[{"id": "p.c", "priority": "p", "title": text, "rubric": rubric}],
        evidence=[
            {
                "id": "e1",
                "subject": "S",
                "criterion": "p.c",
                "date": "2024-05",
                "statement": text,
                "level": "b",
                "kind": "concrete",
                "grade": "B2",
                "source": {"title": text},
            }
        ],
    )
    host = make_host(plugin)
    agenda = collect_agenda(host)
    return build_scorecard(agenda, host, RunOptions(as_of=dt.date(2025, 1, 1))), agenda
