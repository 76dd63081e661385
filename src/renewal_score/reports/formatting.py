"""Formatting shared by every report: numbers, words for statuses and certainty, escaping,
and plain-text and Markdown tables.

Renderers only read the scorecard; they compute nothing that is not in it, so every printed
figure can be found in the JSON. Numbers are printed with fixed decimals and all orderings
come from the scorecard, so the same scorecard always gives the same bytes.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Sequence
from typing import Any

import tabulate as tabulate_module

from renewal_score.escaping import printable
from renewal_score.results import Scorecard, Uncertainty

TEXT_WIDTH = 100
EN_DASH = "\u2013"


def fmt(value: float | None, digits: int = 1, suffix: str = "") -> str:
    """A number with fixed decimals, or a hyphen for a missing value."""
    return "-" if value is None else f"{value:.{digits}f}{suffix}"


def percent(share: float | None) -> str:
    """A share of 1 as a whole percentage."""
    return "-" if share is None else f"{100 * share:.0f}%"


def interval_text(uncertainty: Uncertainty | None) -> str:
    """The 5-95 % interval, as 25-53."""
    if uncertainty is None:
        return "-"
    return f"{_bound(uncertainty.low)}{EN_DASH}{_bound(uncertainty.high)}"


def _bound(value: float) -> str:
    """A bound with one decimal, or none when it is a whole number."""
    text = f"{value:.1f}"
    return text.removesuffix(".0")


def certainty_text(uncertainty: Uncertainty | None) -> str:
    """The certainty label with its probability, as 'medium 0.83'."""
    if uncertainty is None:
        return "-"
    return f"{uncertainty.label} {uncertainty.certainty:.2f}"


def status_text(status: str, uncertainty: Uncertainty | None) -> str:
    """A status with how sure we are of it, as 'stalled, low certainty'."""
    if uncertainty is None:
        return status
    return f"{status}, {uncertainty.label} certainty"


def one_line(text: str) -> str:
    """Text on one line: runs of whitespace, line breaks included, become one space, and
    control characters show as escapes (``escaping.printable``)."""
    return printable(" ".join(text.split()))


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|~])")


def escape_markdown(text: str) -> str:
    """Text made inert in a GitHub Markdown table cell: one line, markup characters escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", one_line(text)).replace("&", "&amp;")


def shorten(text: str, width: int) -> str:
    """One line of at most ``width`` characters, cut with an ellipsis."""
    line = one_line(text)
    return line if len(line) <= width else line[: width - 1] + "…"


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def table(
    rows: Sequence[Sequence[Any]],
    headers: Sequence[str],
    align: Sequence[str],
    style: str,
    widths: Sequence[int | None] | None = None,
) -> str:
    """A table of pre-formatted cells (tabulate must not re-parse the numbers), columns as
    narrow as their cells, so that more of them fit a terminal."""
    padding = tabulate_module.MIN_PADDING
    tabulate_module.MIN_PADDING = 0
    try:
        return tabulate_module.tabulate(
            [list(r) for r in rows],
            headers,
            tablefmt=style,
            colalign=align,
            disable_numparse=True,
            maxcolwidths=widths,
        )
    finally:
        tabulate_module.MIN_PADDING = padding


def fitted(widths: Sequence[int | None], headers: Sequence[str], width: int) -> list[int | None]:
    """Widths of the wrapped columns of a table that fits ``TEXT_WIDTH`` (None: a column of
    figures, never wrapped), for one that fits ``width``: they share what ``width`` adds or
    takes away in proportion to their widths, none narrower than its header."""
    wrapped = {i: w for i, w in enumerate(widths) if w is not None}
    total = sum(wrapped.values())
    room = total + width - TEXT_WIDTH
    new = {i: max(len(headers[i]), w * room // total) for i, w in wrapped.items()}
    excess = sum(new.values()) - room
    while excess > 0:  # headers kept some columns wide: narrow the widest of the others
        narrowable = [i for i in new if new[i] > len(headers[i])]
        if not narrowable:
            break
        new[max(narrowable, key=lambda i: new[i])] -= 1
        excess -= 1
    return [new.get(i) for i in range(len(widths))]


def wrapper(width: int = TEXT_WIDTH) -> Callable[[str], Sequence[str]]:
    return lambda text: textwrap.wrap(text, width=width, subsequent_indent="  ") or [""]


def title_of(card: Scorecard) -> str:
    subject = card.subject
    return (
        f"Renewal scorecard: {one_line(subject.title)} ({subject.id}), "
        f"as of {card.as_of.isoformat()}"
    )
