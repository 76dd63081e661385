"""What changed since an earlier date: every score's change is the sum of the shares of the
events that arrived or expired, and the records superseded are named."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from renewal_score.changes import explain
from renewal_score.engine import build_scorecard
from renewal_score.method import MethodSettings
from renewal_score.options import RunOptions
from renewal_score.testing import StaticPlugin, agenda_of, make_host
from running import run_cli
from scorecards import drill_plugin
from strategies import SUBJECT, World, worlds

FEW_DRAWS = MethodSettings(draws=200)


def test_shares_add_up_to_every_change_on_the_builtin_data() -> None:
    agenda, host = agenda_of(builtins=True), make_host(builtins=True)
    options = RunOptions(as_of=dt.date(2026, 11, 27), method=FEW_DRAWS)
    changes = explain(agenda, host, options, since=dt.date(2024, 1, 1))
    before = build_scorecard(agenda, host, RunOptions(dt.date(2024, 1, 1), method=FEW_DRAWS))
    after = build_scorecard(agenda, host, options)
    scores = {s.id: s for s in changes.scores}
    assert scores["overall"].before == before.overall.score
    assert scores["overall"].after == after.overall.score
    for card, side in ((before, "before"), (after, "after")):
        for priority in card.priorities:
            assert getattr(scores[priority.id], side) == priority.score
            for criterion in priority.criteria:
                assert getattr(scores[criterion.id], side) == criterion.score
    for score in changes.scores:
        if score.change is not None:
            assert round(sum(c.share for c in score.contributions), 4) == score.change
    assert {s.why for s in changes.steps} == {"arrived"}
    assert [s.number for s in changes.steps] == list(range(1, len(changes.steps) + 1))


def test_a_later_setback_supersedes_what_a_score_rested_on() -> None:
    agenda, host = agenda_of(builtins=True), make_host(builtins=True)
    options = RunOptions(as_of=dt.date(2026, 11, 27), method=FEW_DRAWS)
    changes = explain(agenda, host, options, since=dt.date(2025, 5, 1))
    # The brief's "shelved" of 2025-01 decided the criterion until the agreement was signed.
    assert (
        "cj-2025-prorogation-shelves-cyber-intelligence-agreements"
        in changes.superseded["security.intel-cyber"]
    )


def test_expired_records_leave_as_steps_of_their_own() -> None:
    plugin = drill_plugin(valid_years=1)
    options = RunOptions(as_of=dt.date(2022, 1, 1), method=MethodSettings(min_coverage=0))
    changes = explain(agenda_of(plugin), make_host(plugin), options, since=dt.date(2021, 1, 1))
    (step,) = changes.steps
    assert (step.why, step.records) == ("expired", ("drill",))
    criterion = next(s for s in changes.scores if s.id == "p.drill")
    assert (criterion.before, criterion.after) == (100.0, None)


@given(worlds(), st.dates(dt.date(2000, 1, 1), dt.date(2031, 1, 1)))
@settings(max_examples=40)
def test_shares_always_add_up(world: World, since: dt.date) -> None:
    plugin = StaticPlugin(
        subjects=[SUBJECT],
        priorities=world.priorities,
        criteria=world.criteria,
        evidence=world.evidence,
    )
    method = MethodSettings(draws=100, min_coverage=0)
    options = RunOptions(as_of=dt.date(2031, 1, 1), method=method)
    changes = explain(agenda_of(plugin), make_host(plugin), options, since=since)
    for score in changes.scores:
        if score.change is not None:
            assert round(sum(c.share for c in score.contributions), 4) == score.change
    assert changes.steps == () or since < options.as_of


def test_report_since_explains_the_change_in_every_format(tmp_path: Path) -> None:
    args = ("report", "--as-of", "2025-05-01", "--since", "2024-01-01")
    shown = {f: run_cli(*args, "--format", f, cwd=tmp_path) for f in ("text", "markdown", "html")}
    for result in shown.values():
        assert result.returncode == 0, result.stderr
        assert "What changed since 2024-01-01" in result.stdout
        assert "cj-2025-kitimat-lng-delays" in result.stdout
    assert "chart-changes" in shown["html"].stdout
    card = json.loads(run_cli(*args, "--format", "json", cwd=tmp_path).stdout)
    overall = card["changes"]["scores"][0]
    assert overall["id"] == "overall"
    assert round(sum(c["share"] for c in overall["contributions"]), 4) == overall["change"]
    rows = list(csv.DictReader(io.StringIO(run_cli(*args, "--format", "csv", cwd=tmp_path).stdout)))
    assert all(row["priority_change"] for row in rows)
    late = run_cli("report", "--as-of", "2025-05-01", "--since", "2026", cwd=tmp_path)
    assert late.returncode == 2
    assert "--since 2026-12-31 is after the as-of date 2025-05-01" in late.stderr
