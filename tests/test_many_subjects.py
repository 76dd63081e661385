"""Scoring many subjects at once, from evidence columns, gives the numbers a scorecard gives.

``engine.criterion_scores`` reads rubric evidence straight from the columns
(``readings.rubric_readings``) when the core scorer is the only one, and through the
``score_criterion`` hook with models otherwise. Both must agree to the bit, and with
``build_scorecard``, whatever the records, their order, ties in date at every precision,
events of several reports (agreeing or not), copies of one report, sources, grade bars,
recency windows and the as-of date.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from renewal_score.agenda import Agenda, collect_agenda, evidence_order
from renewal_score.belief import event_claims, moments_of, read, reading_of
from renewal_score.datafiles import load_data_files
from renewal_score.engine import build_scorecard, criterion_scores, subject_scores
from renewal_score.errors import Problem
from renewal_score.events import Report, events_of, reports_of
from renewal_score.hookspecs import hookimpl
from renewal_score.method import MethodSettings
from renewal_score.models import Criterion, Evidence, Priority, Source, Subject
from renewal_score.options import RunOptions
from renewal_score.plugins import PluginHost
from renewal_score.readings import rubric_cases
from renewal_score.scoring import content_of_reports
from renewal_score.selection import select
from renewal_score.testing import StaticPlugin, make_host
from strategies import GRADES, SOURCE, criteria_for

SUBJECTS = [Subject(id=f"S{i}", title=f"Subject {i}") for i in range(3)]
PRIORITIES = [Priority(id="p", title="P"), Priority(id="q", title="Q", weight=2)]
# Few distinct dates, at every precision, so that records often share an effective date.
DATES = ["2019", "2020", "2020-Q4", "2020-12", "2020-12-31", "2021-06", "2021-06-30", "2022-01-15"]


STATEMENTS = st.sampled_from(["something happened", "Something  happened", "another thing"])
"""Statements that fold to one (case, spacing) and one that does not: copies of one report
are one event only when their statements fold alike."""
SOURCES = [
    SOURCE,
    Source(title="A source", publisher="Another publisher"),
    Source(title="x", url="https://Example.org/a/#part"),
    Source(title="y", url="https://example.org/a"),
]
"""Sources of which the last two are one (url without fragment, slash and case of host)."""
EVENTS = st.sampled_from([None, None, "e1", "e2", "e3"])


def _in_event(record: Evidence, event: str | None) -> Evidence:
    """The record as a report of the event, which is then made its subject's and criterion's
    (records of one event must share them)."""
    if event is None:
        return record
    return record.model_copy(update={"event": f"{event}-{record.subject}-{record.criterion}"})


class ModelsOnly:
    """A scorer that declines every criterion, so that the core scorer is asked through the
    hook, with models, as it is whenever a plugin scores criteria."""

    @hookimpl
    def score_criterion(self) -> None:
        return None


@st.composite
def portfolios(draw: st.DrawFn) -> tuple[list[Criterion], list[Evidence]]:
    criteria = draw(criteria_for("p", draw(st.integers(1, 3)))) + draw(
        criteria_for("q", draw(st.integers(1, 2)))
    )
    recency = st.sampled_from([None, 0.5, 1.0, 3.0])
    years = draw(st.lists(recency, min_size=len(criteria), max_size=len(criteria)))
    criteria = [
        c.model_copy(update={"valid_years": y}) for c, y in zip(criteria, years, strict=True)
    ]
    records = []
    for number in range(draw(st.integers(0, 40))):
        criterion = draw(st.sampled_from(criteria))
        level = draw(st.sampled_from(criterion.rubric))
        concrete = level.needs_concrete or draw(st.booleans())
        records.append(
            Evidence(
                id=f"r{draw(st.integers(0, 10**6))}-{number}",
                subject=draw(st.sampled_from(SUBJECTS)).id,
                criterion=criterion.id,
                date=draw(st.sampled_from(DATES)),
                statement=draw(STATEMENTS),
                level=level.id,
                effect=draw(st.sampled_from(["advance", "advance", "setback"])),
                kind="concrete" if concrete else "declaratory",
                source=draw(st.sampled_from(SOURCES)),
                grade=draw(st.sampled_from(GRADES)),
            )
        )
    records = [_in_event(record, draw(EVENTS)) for record in records]
    return criteria, draw(st.permutations(records))


def agenda_and_hosts(
    criteria: list[Criterion], evidence: list[Evidence], folder: Path | None = None
) -> tuple[Agenda, PluginHost, PluginHost]:
    """The agenda with the evidence from a plugin, or from a JSON Lines file in the folder
    (read as columns; a padded statement is not plain, so its line is read by the model)."""
    files = None
    if folder is not None:
        path = folder / "evidence.jsonl"
        path.write_text("".join(_line(r) + "\n" for r in evidence), encoding="utf-8")
        problems: list[Problem] = []
        files = load_data_files([path], problems)
        assert problems == []
        evidence = []
    plugin = StaticPlugin(
        subjects=SUBJECTS, priorities=PRIORITIES, criteria=criteria, evidence=evidence
    )
    host = make_host(plugin)
    return collect_agenda(host, files), host, make_host(plugin, ModelsOnly())


def _line(record: Evidence) -> str:
    line = record.model_dump_json()
    if record.statement.startswith("another"):
        return line.replace('"statement":"', '"statement":" ', 1)
    return line


OPTIONS = st.builds(
    RunOptions,
    as_of=st.sampled_from([dt.date(2020, 12, 31), dt.date(2021, 6, 29), dt.date(2023, 1, 1)]),
    min_grade=st.sampled_from([0.0, 0.16, 0.36]),
)


@given(portfolios(), OPTIONS, st.booleans())
def test_columns_and_models_give_the_same_scores(
    portfolio: tuple[list[Criterion], list[Evidence]], options: RunOptions, from_file: bool
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        _same_scores(portfolio, options, Path(folder) if from_file else None)


def _same_scores(
    portfolio: tuple[list[Criterion], list[Evidence]], options: RunOptions, folder: Path | None
) -> None:
    agenda, host, models_host = agenda_and_hosts(*portfolio, folder)
    subjects = [s.id for s in SUBJECTS]
    from_columns = criterion_scores(agenda, host, options, subjects)
    from_models = criterion_scores(agenda, models_host, options, subjects)
    assert from_columns == from_models
    for subject in subjects:
        card = build_scorecard(agenda, host, RunOptions(options.as_of, subject, **_rest(options)))
        by_card = {c.id: c.score for p in card.priorities for c in p.criteria}
        assert from_columns[subject] == by_card


@given(portfolios(), OPTIONS, st.booleans())
def test_cases_read_from_columns_are_those_of_the_models(
    portfolio: tuple[list[Criterion], list[Evidence]], options: RunOptions, from_file: bool
) -> None:
    """``readings.rubric_cases`` gives each (subject, criterion) the content key that the
    models of its counted records give, in the same order, and those records' rows."""
    with tempfile.TemporaryDirectory() as folder:
        agenda, _, _ = agenda_and_hosts(*portfolio, Path(folder) if from_file else None)
        subjects = [s.id for s in SUBJECTS]
        cases = rubric_cases(agenda, options, subjects)
        supports = options.method.supports()
        for subject in subjects:
            chosen = select(agenda, replace(options, subject=subject))
            for criterion_id, counted in chosen.evidence.items():
                criterion = agenda.criteria[criterion_id]
                if not counted:
                    assert (subject, criterion_id) not in cases
                    continue
                content, rows = cases[subject, criterion_id]
                records = [agenda.evidence[row] for row in rows]
                assert sorted(records, key=evidence_order) == counted
                level_of = {level.id: k for k, level in enumerate(criterion.rubric)}
                expected = content_of_reports(criterion, reports_of(records, level_of, supports))
                assert content == expected


@given(portfolios(), OPTIONS)
def test_subject_scores_are_those_of_scorecards(
    portfolio: tuple[list[Criterion], list[Evidence]], options: RunOptions
) -> None:
    agenda, host, _ = agenda_and_hosts(*portfolio)
    subjects = [s.id for s in SUBJECTS]
    ungated = {**_rest(options), "method": MethodSettings(min_coverage=0)}
    found = subject_scores(agenda, host, replace(options, **ungated), subjects)
    for subject, (priorities, overall, rated) in found.items():
        card = build_scorecard(agenda, host, RunOptions(options.as_of, subject, **ungated))
        assert priorities == {p.id: p.score for p in card.priorities}
        assert overall == card.overall.score
        assert rated == card.overall.rated


def test_only_the_subjects_asked_for_are_scored() -> None:
    criteria = [
        Criterion.model_validate(
            {
                "id": "p.c",
                "priority": "p",
                "title": "C",
                "rubric": [
                    {"id": "none", "label": "None", "description": "none"},
                    {"id": "done", "label": "Done", "description": "done"},
                ],
            }
        )
    ]
    evidence = [
        Evidence(
            id=f"e-{s.id}",
            subject=s.id,
            criterion="p.c",
            date="2020",
            statement="done",
            level="done",
            kind="concrete",
            source=SOURCE,
            grade="A1",
        )
        for s in SUBJECTS
    ]
    agenda, host, _ = agenda_and_hosts(criteria, evidence)
    scores = criterion_scores(agenda, host, RunOptions(dt.date(2021, 1, 1)), ["S2", "S0"])
    assert scores == {"S2": {"p.c": 100.0}, "S0": {"p.c": 100.0}}


def _rest(options: RunOptions) -> dict[str, Any]:
    return {"min_grade": options.min_grade}


REPORTS = st.builds(
    Report,
    record=st.just("r"),
    event=st.sampled_from(["event:a", "event:b", "c", "d", "e"]),
    day=st.integers(0, 3),
    level=st.integers(0, 3),
    setback=st.booleans(),
    concrete=st.booleans(),
    source=st.sampled_from(["s1", "s2", "s3"]),
    support=st.sampled_from([0.0, 0.0049, 0.15, 0.25, 0.375, 0.5625, 0.8649, 1.0]),
)


@given(st.lists(REPORTS, max_size=12), st.sampled_from([1.0, 0.5, 2.0]))
def test_reading_of_events_is_the_reading_of_their_moments(
    reports: list[Report], spacing: float
) -> None:
    """``belief.reading_of`` (events as the columns path builds them) is the reading that
    ``belief.read`` folds from the moments, to the bit, None included."""
    levels = [100.0 * (k / 3) ** spacing for k in range(4)]
    events = events_of(reports)
    expected = read(moments_of(events), levels).reading
    found = reading_of([(e.day, event_claims(e.support, e.claims)) for e in events], levels)
    assert found == expected
