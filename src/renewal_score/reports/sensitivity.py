"""The tables of a sensitivity analysis: the headline summary, and the tables every format
prints from it (CSV: every table, numbers as numbers, and every index of every output)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from renewal_score.reports.formatting import fmt
from renewal_score.reports.tabular import Table
from renewal_score.results import GatherNext

SHOWN_INPUTS = 10
"""Inputs listed in the text table of indices (the JSON and CSV have all)."""
SHOWN_GATHER = 5
"""Criteria listed under what to gather next (the JSON has all)."""


def sensitivity_summary(
    analysis: Mapping[str, Any],
    titles: Mapping[str, str],
    as_of: dt.date,
    gather: Sequence[GatherNext] = (),
) -> dict[str, Any]:
    """The headline of a sensitivity analysis: per priority of the focus subject, its nominal
    score, median and 5-95 % interval and how often it is the top recommendation; what to
    gather next (the engine's, for the focus subject); the full analysis
    (``SensitivityResult.to_dict()``) under ``analysis``."""
    focus = analysis["focus"]
    subject = analysis["uncertainty"]["subjects"][focus]
    frequency = analysis["uncertainty"]["top_recommendation"]["frequency"]
    return {
        "as_of": as_of.isoformat(),
        "subject": focus,
        "samples": analysis["settings"]["samples"],
        "seed": analysis["settings"]["seed"],
        "priorities": [
            {"id": pid, "title": titles.get(pid, pid), **stats, "top_frequency": frequency[pid]}
            for pid, stats in subject["priorities"].items()
        ],
        "overall": subject["overall"],
        "gather_next": [g.model_dump(mode="json") for g in gather],
        "warnings": analysis["warnings"],
        "analysis": analysis,
    }


Cell = Callable[..., Any]


def _cells(numeric: bool) -> tuple[Cell, Cell]:
    """How a number and a share are written: as numbers (CSV), or as text."""
    if numeric:
        return (lambda v, digits=1: v), (lambda v: v)
    return (lambda v, digits=1: fmt(None if v is None else round(v, digits) + 0.0, digits)), (
        lambda v: "" if v is None else fmt(100 * v, 1, "%")
    )


def sensitivity_tables(
    summary: Mapping[str, Any], numeric: bool = False
) -> tuple[str, list[Table], str]:
    """The title, tables and closing note of a sensitivity analysis's summary; ``numeric``:
    cells as numbers (shares of 1), with every index of every output (for CSV)."""
    analysis = summary["analysis"]
    settings = analysis["settings"]
    title = (
        f"Uncertainty of {summary['subject']}'s scores, as of {summary['as_of']} "
        f"({settings['samples']} samples, seed {settings['seed']})"
    )
    number, share = _cells(numeric)

    def stats(item_id: str, values: Mapping[str, Any], frequency: Any) -> list[Any]:
        return [
            item_id,
            *(number(values[k]) for k in ("nominal", "median", "p05", "p95")),
            frequency,
        ]

    rows = [stats(p["id"], p, share(p["top_frequency"])) for p in summary["priorities"]]
    rows.append(stats("overall", summary["overall"], share(None)))
    tables: list[Table] = [
        (
            "Scores and their 5-95 % intervals",
            ["item", "nominal", "median", "p05", "p95", "top recommendation"],
            rows,
        ),
        *_indices_tables(analysis, number, numeric),
        _gather_table(summary["gather_next"], share, numeric),
        (
            "Remove one criterion (nominal settings)",
            ["criterion", "change in overall", "top recommendation", "changed"],
            [
                [r["criterion"], number(r["overall_change"], 2), r["top"], _yes(r["top_changed"])]
                for r in analysis["remove_one"]
            ],
        ),
    ]
    if analysis["uncertainty"]["ranked_first"] is not None:
        tables.append(_subjects_table(analysis["uncertainty"], number, share))
    return title, tables, _note(analysis)


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _indices_tables(analysis: Mapping[str, Any], number: Cell, numeric: bool) -> list[Table]:
    """The indices with their intervals: of the overall index and of the nominal top
    recommendation's ranking first, the inputs with most effect first; with ``numeric``,
    one table of every output and every input, each bound in a column of its own."""
    sensitivity = analysis["sensitivity"]
    outputs = sensitivity["outputs"]
    if numeric:
        headers = ["output", "input", "total effect", "low", "high", "first order", "low", "high"]
        rows = [[name, *row] for name in outputs for row in _index_rows(outputs[name], number)]
        return [("Sensitivity indices of every output", headers, rows)]
    level = int(100 * sensitivity["confidence"])
    top = analysis["uncertainty"]["top_recommendation"]["nominal"]
    headers = ["input", f"total effect ({level} %)", f"first order ({level} %)"]
    return [
        (
            f"Inputs with most effect on {what}",
            headers,
            [_with_interval(row) for row in _index_rows(outputs[output], number)[:SHOWN_INPUTS]],
        )
        for output, what in (
            ("overall", "the overall index"),
            (f"first:{top}", f"whether {top} ranks first"),
        )
    ]


def _index_rows(output: Mapping[str, Any], number: Cell) -> list[list[Any]]:
    """Each input's indices and intervals for one output, the largest total effect first:
    input, total effect, low, high, first order, low, high."""
    indices = output["indices"]
    rows = []
    for name in sorted(indices, key=lambda i: (-(indices[i]["total_effect"] or -1.0), i)):
        index = indices[name]
        cells = [name]
        for key in ("total_effect", "first_order"):
            low, high = index[f"{key}_interval"] or (None, None)
            cells += [number(index[key], 3), number(low, 3), number(high, 3)]
        rows.append(cells)
    return rows


def _with_interval(row: Sequence[str]) -> list[str]:
    """An index and its interval in one cell, as 0.523 (0.504 to 0.539)."""
    return [row[0], *(f"{row[i]} ({row[i + 1]} to {row[i + 2]})" for i in (1, 4))]


def _gather_table(gather: Sequence[Mapping[str, Any]], share: Cell, numeric: bool) -> Table:
    """What one more well-graded report on each criterion would do to the recommendation."""
    shown = gather if numeric else gather[:SHOWN_GATHER]
    return (
        "What to gather next (one more report of each criterion)",
        ["criterion", "grade", "overturns", "certainty now", "after", "if it shows"],
        [
            [
                g["criterion"],
                g["grade"],
                share(g["overturn"]),
                share(g["certainty_now"]),
                share(g["certainty_after"]),
                " ".join(g["overturned_by"]),
            ]
            for g in shown
        ],
    )


def _subjects_table(uncertainty: Mapping[str, Any], number: Cell, share: Cell) -> Table:
    """Every subject's overall index with its interval, and how often it ranks first."""
    first = uncertainty["ranked_first"]
    return (
        "Every subject's overall index",
        ["subject", "nominal", "median", "p05", "p95", "unrated", "highest"],
        [
            [
                subject,
                *(number(found["overall"][k]) for k in ("nominal", "median", "p05", "p95")),
                share(found["overall"]["unrated"]),
                share(first[subject]),
            ]
            for subject, found in uncertainty["subjects"].items()
        ],
    )


def _note(analysis: Mapping[str, Any]) -> str:
    """The smallest flip, the inputs, and any warning."""
    smallest = analysis["weight_flip"]["smallest"]
    flip = (
        "No single weight change within a factor of 0 to 10 changes the top recommendation."
        if smallest is None
        else f"The smallest single weight change that changes the top recommendation: "
        f"{smallest['item']} by {100 * smallest['change']:+.0f}% makes "
        f"{smallest['becomes_top']} the top recommendation."
    )
    sensitivity = analysis["sensitivity"]
    inputs = (
        f"{len(sensitivity['inputs'])} inputs varied ({', '.join(analysis['settings']['vary'])}); "
        f"indices from {sensitivity['evaluations']} evaluations, intervals from "
        f"{sensitivity['resamples']} bootstrap resamples."
    )
    warnings = " ".join(f"Warning: {w}." for w in analysis["warnings"])
    return " ".join(part for part in (flip, inputs, warnings) if part)
