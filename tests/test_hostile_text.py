"""Text from evidence, criteria and plugins cannot break or script any report format."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest

from renewal_score.agenda import collect_agenda
from renewal_score.engine import build_scorecard
from renewal_score.options import RunOptions
from renewal_score.reports import render_json
from renewal_score.reports.html import render_html
from renewal_score.reports.tabular import render_csv
from renewal_score.reports.text import render_markdown, render_text
from renewal_score.results import RECORD_COLUMNS, Scorecard
from renewal_score.testing import StaticPlugin, make_host

HOSTILE = (
    "A | B <script>alert(1)</script>\n# heading\n- item `code` *bold* [x](javascript:alert(1)) & co"
)
RUBRIC = [
    {"id": "none", "label": f"None {HOSTILE}", "description": HOSTILE},
    {"id": "some", "label": f"Some {HOSTILE}", "description": HOSTILE},
]


@pytest.fixture(scope="module")
def scored() -> tuple[Scorecard, object]:
    plugin = StaticPlugin(
        subjects=[{"id": "S", "title": f"Subject {HOSTILE}"}],
        priorities=[{"id": "p", "title": f"Priority {HOSTILE}"}],
        criteria=[
            {"id": "p.c", "priority": "p", "title": f"Criterion {HOSTILE}", "rubric": RUBRIC}
        ],
        evidence=[
            {
                "id": "e1",
                "subject": "S",
                "criterion": "p.c",
                "date": "2024-05",
                "statement": HOSTILE,
                "level": "some",
                "kind": "concrete",
                "grade": "B2",
                "source": {"title": HOSTILE, "publisher": HOSTILE, "url": "javascript:alert(1)"},
            }
        ],
    )
    host = make_host(plugin)
    agenda = collect_agenda(host)
    return build_scorecard(agenda, host, RunOptions(as_of=dt.date(2025, 1, 1))), agenda


def test_markdown_tables_keep_their_columns_and_no_raw_markup(
    scored: tuple[Scorecard, object],
) -> None:
    text = render_markdown(scored[0])
    assert "<script>" not in text
    for line in text.splitlines():
        if line.startswith("|"):
            unescaped = line.replace("\\|", "")
            header_cells = None if not unescaped.strip("|-: ") else unescaped.count("|")
            assert header_cells is None or header_cells >= 2
    tables = [block for block in text.split("\n\n") if block.startswith("|")]
    for table in tables:
        widths = {line.replace("\\|", "").count("|") for line in table.splitlines()}
        assert len(widths) == 1, table  # every row has as many cells as the header
    assert "\n# heading" not in text
    assert "\n- item" not in text


def test_text_puts_data_on_one_line(scored: tuple[Scorecard, object]) -> None:
    lines = render_text(scored[0]).splitlines()
    assert not [line for line in lines if line.startswith(("# heading", "- item"))]
    assert all(len(line) <= 100 for line in lines)


def test_csv_and_json_round_trip_the_text(scored: tuple[Scorecard, object]) -> None:
    card = scored[0]
    rows = list(csv.reader(io.StringIO(render_csv(card))))
    assert rows[0] == list(RECORD_COLUMNS)
    assert all(len(row) == len(RECORD_COLUMNS) for row in rows)
    assert rows[1][RECORD_COLUMNS.index("priority_title")] == f"Priority {HOSTILE}"
    assert json.loads(render_json(card))["priorities"][0]["title"] == f"Priority {HOSTILE}"


def test_html_escapes_everything(scored: tuple[Scorecard, object]) -> None:
    card, agenda = scored
    page = render_html(card, agenda=agenda)  # type: ignore[arg-type]
    assert "<script>" not in page
    assert "&lt;script&gt;" in page
    assert 'href="javascript:' not in page
