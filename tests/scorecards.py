"""Small agendas for tests: a scorecard built from one text in every free-text field (how
reports show text from data), and a criterion whose one record lapses (recency)."""

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


def drill_plugin(valid_years: float) -> StaticPlugin:
    """Subject S, priority p and criterion ``p.drill`` (levels no, yes) that counts evidence
    for ``valid_years``; one record, ``drill``, shows *yes* in 2020-06 (graded A1)."""
    rubric = [
        {"id": "no", "label": "No", "description": "no"},
        {"id": "yes", "label": "Yes", "description": "yes"},
    ]
    return StaticPlugin(
        subjects=[{"id": "S", "title": "S"}],
        priorities=[{"id": "p", "title": "P"}],
        criteria=[
            {
                "id": "p.drill",
                "priority": "p",
                "title": "Drills",
                "rubric": rubric,
                "valid_years": valid_years,
            }
        ],
        evidence=[
            {
                "id": "drill",
                "subject": "S",
                "criterion": "p.drill",
                "date": "2020-06",
                "statement": "A drill.",
                "level": "yes",
                "kind": "concrete",
                "source": {"title": "T"},
                "grade": "A1",
            }
        ],
    )
