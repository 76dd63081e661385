"""The tables of a sensitivity analysis: the headline summary, and the tables every format
prints from it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from renewal_score.reports.formatting import fmt
from renewal_score.reports.tabular import Table


def sensitivity_summary(
    analysis: Mapping[str, Any], titles: Mapping[str, str], as_of: dt.date
) -> dict[str, Any]:
    """The headline of a sensitivity analysis: per priority of the focus subject, its nominal
    score, median and 5-95 % interval and how often it is the top recommendation; the full
    analysis (``SensitivityResult.to_dict()``) follows under ``analysis``."""
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
        "analysis": analysis,
    }


def sensitivity_tables(summary: Mapping[str, Any]) -> tuple[str, list[Table], str]:
    """The title, tables and closing note of a sensitivity analysis's summary."""
    analysis = summary["analysis"]
    settings = analysis["settings"]
    title = (
        f"Uncertainty of {summary['subject']}'s scores, as of {summary['as_of']} "
        f"({settings['samples']} samples, seed {settings['seed']})"
    )

    def stats(item_id: str, values: Mapping[str, Any], frequency: str) -> list[str]:
        numbers = [fmt(values[key]) for key in ("nominal", "median", "p05", "p95")]
        return [item_id, *numbers, frequency]

    rows = [stats(p["id"], p, fmt(100 * p["top_frequency"], 1, "%")) for p in summary["priorities"]]
    rows.append(stats("overall", summary["overall"], ""))
    outputs = analysis["sensitivity"]["outputs"]["overall"]
    effects = outputs["total_effect"]
    influence = sorted(
        (n for n in effects if effects[n] is not None), key=lambda n: (-effects[n], n)
    )
    removals = [
        [r["criterion"], fmt(r["overall_change"], 2), r["top"], "yes" if r["top_changed"] else "no"]
        for r in analysis["remove_one"]
    ]
    smallest = analysis["weight_flip"]["smallest"]
    note = (
        "No single weight change within a factor of 0 to 10 changes the top recommendation."
        if smallest is None
        else f"The smallest single weight change that changes the top recommendation: "
        f"{smallest['item']} by {100 * smallest['change']:+.0f}% makes "
        f"{smallest['becomes_top']} the top recommendation."
    )
    tables: list[Table] = [
        (
            "Scores and their 5-95 % intervals",
            ["item", "nominal", "median", "p05", "p95", "top recommendation"],
            rows,
        ),
        (
            "Inputs with most effect on the overall index (variance-based indices)",
            ["input", "total effect", "first order"],
            [[n, fmt(effects[n], 3), fmt(outputs["first_order"][n], 3)] for n in influence[:8]],
        ),
        (
            "Remove one criterion (nominal settings)",
            ["criterion", "change in overall", "top recommendation", "changed"],
            removals,
        ),
    ]
    return title, tables, note
