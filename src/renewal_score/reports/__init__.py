"""Reports: the built-in formats of a scorecard (a core plugin, overridable), and the tables
of the other commands. ``formatting`` is shared; ``text``, ``tabular`` and ``html`` render."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING

from renewal_score.hookspecs import hookimpl
from renewal_score.reports.formatting import TEXT_WIDTH
from renewal_score.results import Scorecard

if TYPE_CHECKING:
    from renewal_score.agenda import Agenda


def render_json(card: Scorecard) -> str:
    """The scorecard as JSON; its schema is ``renewal-score schema scorecard``."""
    return card.model_dump_json(indent=2) + "\n"


def _text(card: Scorecard, width: int = TEXT_WIDTH) -> str:
    from renewal_score.reports.text import render_text

    return render_text(card, width)


def _markdown(card: Scorecard, agenda: Agenda | None = None) -> str:
    from renewal_score.reports.text import render_markdown

    return render_markdown(card, agenda)


def _csv(card: Scorecard) -> str:
    from renewal_score.reports.tabular import render_csv

    return render_csv(card)


def _html(card: Scorecard, agenda: Agenda | None = None) -> str:
    from renewal_score.reports.html import render_html

    return render_html(card, agenda=agenda)


@hookimpl
def register_formats() -> dict[str, Callable[..., str]]:
    """The built-in report formats; each renderer is imported when it is used."""
    return {"text": _text, "markdown": _markdown, "json": render_json, "csv": _csv, "html": _html}


def render_with(
    renderer: Callable[..., str], card: Scorecard, agenda: Agenda, width: int = TEXT_WIDTH
) -> str:
    """Call a report renderer, giving it the agenda if it takes an ``agenda`` argument, and
    the width of text tables if it takes a ``width`` argument."""
    parameters = inspect.signature(renderer).parameters
    given = {"agenda": agenda, "width": width}
    return str(
        renderer(card, **{name: value for name, value in given.items() if name in parameters})
    )
