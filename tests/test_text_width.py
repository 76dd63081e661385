"""Text reports fit the width they are given: the wrapped columns of their tables share what
a wider or narrower width adds or takes away, and at the default width of 100 nothing
changes."""

from __future__ import annotations

import pytest

from renewal_score.reports.formatting import TEXT_WIDTH, fitted
from renewal_score.reports.tabular import evidence_table
from renewal_score.reports.text import render_text
from scorecards import scored_with_text

LONG_TEXT = (
    "Develop synchronized approaches to economic coercion with partners who share the "
    "same concerns about critical supply chains"
)


def widest(text: str) -> int:
    return max(len(line) for line in text.splitlines())


def test_the_default_width_is_100() -> None:
    card, _ = scored_with_text(LONG_TEXT)
    assert render_text(card) == render_text(card, width=TEXT_WIDTH)
    assert widest(render_text(card)) <= TEXT_WIDTH


@pytest.mark.parametrize("width", [80, 90, 120, 160])
def test_the_text_report_fits_the_width_given(width: int) -> None:
    card, agenda = scored_with_text(LONG_TEXT)
    report = render_text(card, width=width)
    listing = evidence_table(list(agenda.evidence), {"e1": "here"}, width=width)
    assert widest(report) <= width
    assert widest(listing) <= width
    if width > TEXT_WIDTH:  # the room is used: fewer lines than at 100
        assert len(report.splitlines()) < len(render_text(card).splitlines())


def test_wrapped_columns_share_the_room_and_keep_their_headers_whole() -> None:
    widths = [None, 20, None, 10]
    headers = ["rank", "priority", "score", "certainty"]
    assert fitted(widths, headers, TEXT_WIDTH) == widths
    assert fitted(widths, headers, 130) == [None, 40, None, 20]
    assert fitted(widths, headers, 90) == [None, 11, None, 9]  # certainty stays whole
