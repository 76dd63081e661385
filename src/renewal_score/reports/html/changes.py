"""The sections of an HTML report about evidence to come and evidence come: what to gather next,
and what changed since an earlier date (a waterfall of the overall index from the earlier date
to the as-of date, one bar per event that moved it, and the tables of every score's change and
of the events applied)."""

from __future__ import annotations

from renewal_score.reports.formatting import EN_DASH
from renewal_score.reports.html.page import cells, coord, esc, num, table
from renewal_score.results import Changes, Scorecard, ScoreChange


def changes_section(card: Scorecard) -> str:
    changes = card.changes
    if changes is None:
        return ""
    steps = {s.number: s for s in changes.steps}
    rows = []
    for score in changes.scores:
        moved = "<br>".join(
            f"step {c.step} ({esc(steps[c.step].why)}): {esc(num(c.share, 2))}"
            for c in score.contributions
        )
        rows.append(
            cells(
                f"<code>{esc(score.id)}</code>",
                esc(num(score.before)),
                esc(num(score.after)),
                esc(num(score.change)),
                moved or EN_DASH,
                numeric=[1, 2, 3],
            )
        )
    step_rows = [
        cells(
            str(s.number),
            esc(s.why),
            f"<code>{esc(s.criterion)}</code>",
            esc(s.date.isoformat()),
            "<br>".join(f"<code>{esc(r)}</code>" for r in s.records),
            numeric=[0],
        )
        for s in changes.steps
    ]
    overall = changes.scores[0]
    return (
        f"<p>From {esc(changes.since.isoformat())} to {esc(changes.as_of.isoformat())}, each "
        "score moved by the events whose records arrived or expired, applied one at a time; "
        "an event's share is the change it made, so the shares add up to the change.</p>\n"
        f'<figure class="chart-wrap">{waterfall(changes, overall)}</figure>\n'
        + table(
            ["Item", "Before", "After", "Change", "Moved by"],
            rows,
            css="changes",
            numeric=[1, 2, 3],
        )
        + "\n<h3>Events applied</h3>\n"
        + table(["Step", "", "Criterion", "Date", "Records"], step_rows, css="steps", numeric=[0])
    )


def waterfall(changes: Changes, score: ScoreChange) -> str:
    """The score before, each step's share as a bar from the running total, the score after."""
    if score.before is None or score.after is None:
        return '<p class="muted">The overall index cannot be rated at one of the dates.</p>'
    width, left, right, top, row = 1000.0, 230.0, 960.0, 8.0, 20.0

    def x(value: float) -> float:
        return left + (right - left) * min(max(value, 0.0), 100.0) / 100.0

    bars = [("before " + changes.since.isoformat(), 0.0, score.before, "total")]
    running = score.before
    for contribution in score.contributions:
        start, running = running, running + contribution.share
        bars.append(
            (f"step {contribution.step}", start, running, "up" if running >= start else "down")
        )
    bars.append(("after " + changes.as_of.isoformat(), 0.0, score.after, "total"))
    parts = []
    for index, (label, start, end, kind) in enumerate(bars):
        y = top + index * row
        low, high = sorted((x(start), x(end)))
        parts.append(
            f'<text class="tick" x="{coord(left - 8)}" y="{coord(y + 14)}" text-anchor="end">'
            f"{esc(label)}</text>"
            f'<rect class="step-{kind}" x="{coord(low)}" y="{coord(y + 3)}" '
            f'width="{coord(max(high - low, 1.0))}" height="{coord(row - 6)}">'
            f"<title>{esc(label)}: {esc(num(start))} to {esc(num(end))}</title></rect>"
        )
    height = top + len(bars) * row + 8
    return (
        f'<svg class="chart chart-changes" role="img" aria-label="Overall index from '
        f'{esc(num(score.before))} to {esc(num(score.after))}, event by event" '
        f'viewBox="0 0 {coord(width)} {coord(height)}" width="{coord(width)}" '
        f'height="{coord(height)}" xmlns="http://www.w3.org/2000/svg">' + "".join(parts) + "</svg>"
    )


def gather_section(card: Scorecard) -> str:
    """What one more well-graded report on each criterion would do to the recommendation."""
    from renewal_score.reports.scorecard_tables import GATHER_SHOWN, gather_lines

    rows = [
        cells(
            f"<code>{esc(g.criterion)}</code>",
            esc(f"{100 * g.overturn:.0f}%"),
            esc(num(g.certainty_now, 2)),
            esc(num(g.certainty_after, 2)),
            esc(", ".join(g.overturned_by) or EN_DASH),
            numeric=[1, 2, 3],
        )
        for g in card.gather_next[:GATHER_SHOWN]
    ]
    headers = ["Criterion", "Overturns", "Certainty now", "After", "If it shows"]
    listing = table(headers, rows, css="gather", numeric=[1, 2, 3]) if rows else ""
    return "".join(f"<p>{esc(line)}</p>" for line in gather_lines(card)) + listing
