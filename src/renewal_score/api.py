"""The Python API: ``score``, ``compare``, ``trend`` and ``sensitivity``, each one call that
takes the command line's options as keyword arguments and returns a frozen model with
``to_records()``.

Each goes through the same steps as its command (``loading``), so that the two give the
same results for the same options. Errors are those of the command line: DataError lists
every problem with where it is (a file and line, ``evidence[2]`` for a record given as a
Python object, ``weights`` for weights given as a mapping), UsageError an option that does
not fit, PluginError a failing plugin by name and hook.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict, Unpack

from pydantic import BaseModel

from renewal_score.agenda import Agenda, AgendaChoice
from renewal_score.analysis import GRADE_BARS, RESAMPLES, SAMPLES, WEIGHT_BAND, SensitivityAnalysis
from renewal_score.clock import today
from renewal_score.errors import UsageError, did_you_mean
from renewal_score.escaping import echo
from renewal_score.loading import Checked, MethodChoice, RunRequest, Sources, check, load
from renewal_score.method import MethodSettings, RankBy, Unrated

if TYPE_CHECKING:
    from renewal_score.plugins import PluginHost
    from renewal_score.results import Scorecard
    from renewal_score.trend import Comparison, Every, Trend

__all__ = ["RunArguments", "compare", "score", "sensitivity", "trend"]

PathLike = str | os.PathLike[str]
Record = BaseModel | Mapping[str, Any]
"""A record given as a Python object: a model of ``renewal_score.models`` (an evidence
record, observation, subject, priority, criterion or agenda), or a mapping validated as a
data file's record (an observation if it has a ``value``, else an evidence record)."""
EvidenceSource = PathLike | Record
"""A data file or folder of them, or a record."""


class RunArguments(TypedDict, total=False):
    """The keyword arguments every API function takes, as the commands' options.

    ``agenda``: the agenda to score (``--agenda``; default: the first declared, the built-in
    one when it loads). ``evidence``: data files or folders (``--evidence``), records, or any
    iterable of them. ``replace``: a record given replaces a plugin's of the same id
    (``--replace``). ``builtin_evidence``: False leaves the built-ins' evidence out
    (``--no-builtin-evidence``). ``weights``: by priority or criterion id, or a weights file
    (``--weights``), checked as weights files are. ``aggregation``: both levels'
    method, or ``criteria_aggregation`` / ``priorities_aggregation`` one level's (default: the
    agenda's). ``min_grade``: a grade such as ``"C3"``. ``method``: the method's constants,
    or a method file (``--method``); ``unrated``, ``min_coverage``, ``rank_by`` override one
    each. ``plugin_dirs``, ``plugins`` (the names allowed to load), ``host`` (plugins
    already loaded), ``keep_going``: as the command line's.
    """

    agenda: str | None
    evidence: EvidenceSource | Iterable[EvidenceSource]
    replace: bool
    builtin_evidence: bool
    weights: Mapping[str, float] | PathLike | None
    aggregation: str | None
    criteria_aggregation: str | None
    priorities_aggregation: str | None
    min_grade: str | None
    method: MethodSettings | PathLike | None
    unrated: Unrated | None
    min_coverage: float | None
    rank_by: RankBy | None
    plugin_dirs: Iterable[PathLike]
    plugins: Collection[str] | None
    host: PluginHost | None
    keep_going: bool


def score(
    *,
    as_of: dt.date | None = None,
    subject: str | None = None,
    since: dt.date | None = None,
    **arguments: Unpack[RunArguments],
) -> Scorecard:
    """The scorecard of one subject (default: the one with most evidence) as of a date
    (default: today, in UTC), as ``renewal-score report`` makes it.

    ``since`` also explains every score's change since that date (``card.changes``, as
    ``report --since``).
    """
    checked = prepare(run_request(as_of or today(), subject, arguments))
    return scorecard(checked, since)


def compare(
    *,
    subjects: Sequence[str] | None = None,
    as_of: dt.date | None = None,
    **arguments: Unpack[RunArguments],
) -> Comparison:
    """Several subjects (default: every subject with evidence for the agenda) scored side
    by side and ranked, as ``renewal-score compare`` does."""
    checked = prepare(run_request(as_of or today(), None, arguments))
    return comparison(checked, subjects)


def trend(
    *,
    start: dt.date,
    end: dt.date | None = None,
    every: Every = "quarter",
    subject: str | None = None,
    **arguments: Unpack[RunArguments],
) -> Trend:
    """One subject's scores at each date from ``start`` to ``end`` (default: today) every
    month, quarter or year, as ``renewal-score trend`` does."""
    from renewal_score.trend import dates
    from renewal_score.trend import trend as scores_over_time

    points = dates(start, end or today(), every)
    checked = prepare(run_request(points[-1], subject, arguments))
    return scores_over_time(checked.agenda, checked.loaded.host, checked.options, points, every)


def sensitivity(
    *,
    samples: int = SAMPLES,
    seed: int = 0,
    band: float = WEIGHT_BAND,
    dirichlet: float | None = None,
    grade_bars: Sequence[str] = GRADE_BARS,
    vary: Collection[str] | None = None,
    resamples: int = RESAMPLES,
    all_subjects: bool = False,
    subject: str | None = None,
    as_of: dt.date | None = None,
    **arguments: Unpack[RunArguments],
) -> SensitivityAnalysis:
    """How robust a subject's scores and the recommendation are to the choices behind them
    (``vary``: the input groups that vary, default all), as ``renewal-score sensitivity``
    analyses it: the same numbers for the same options and seed."""
    from renewal_score.analysis import analyse, focused, sensitivity_settings

    settings = sensitivity_settings(samples, seed, band, dirichlet, vary, resamples)
    bars = [check_grade(grade, "grade_bars") for grade in grade_bars]
    request = run_request(as_of or today(), subject, arguments)
    checked = focused(prepare(request))
    summary = analyse(checked, settings, bars, all_subjects, request.method.min_grade)
    return SensitivityAnalysis.model_validate(summary)


def run_request(as_of: dt.date, subject: str | None, arguments: RunArguments) -> RunRequest:
    """What the API's arguments ask for, as the command line's options would."""
    known = RunArguments.__annotations__
    for name in arguments:
        if name not in known:
            raise TypeError(f"unexpected argument {name!r}{did_you_mean(name, known)}")
    given = _evidence(arguments)
    sources = Sources(
        plugin_dirs=tuple(Path(d) for d in arguments.get("plugin_dirs", ())),
        evidence=tuple(Path(s) for s in given if isinstance(s, str | os.PathLike)),
        records=tuple(s for s in given if not isinstance(s, str | os.PathLike)),
        keep_going=arguments.get("keep_going", False),
        allowed_plugins=_names(arguments.get("plugins")),
        host=arguments.get("host"),
    )
    choice = AgendaChoice(
        arguments.get("agenda"),
        builtin_evidence=arguments.get("builtin_evidence", True),
        replace=arguments.get("replace", False),
    )
    return RunRequest(sources, as_of, subject, _method(arguments), choice)


def _evidence(arguments: RunArguments) -> list[EvidenceSource]:
    """The evidence argument as a list: one path or record, or an iterable of them."""
    given = arguments.get("evidence", ())
    if isinstance(given, str | os.PathLike | Mapping | BaseModel):
        return [given]
    return list(given)


def _names(plugins: Collection[str] | None) -> frozenset[str] | None:
    if isinstance(plugins, str):  # one name, not its letters
        return frozenset([plugins])
    return None if plugins is None else frozenset(plugins)


def _method(arguments: RunArguments) -> MethodChoice:
    weights, method = arguments.get("weights"), arguments.get("method")
    both = arguments.get("aggregation")
    settings = {name: arguments.get(name) for name in ("unrated", "min_coverage", "rank_by")}
    if (grade := arguments.get("min_grade")) is not None:
        check_grade(grade, "min_grade")
    return MethodChoice(
        weights=Path(weights) if isinstance(weights, str | os.PathLike) else weights,
        method=Path(method) if isinstance(method, str | os.PathLike) else method,
        criteria_aggregation=arguments.get("criteria_aggregation") or both,
        priorities_aggregation=arguments.get("priorities_aggregation") or both,
        min_grade=grade,
        overrides={name: value for name, value in settings.items() if value is not None},
    )


def check_grade(grade: str, option: str) -> str:
    """``grade`` if it is an Admiralty grade such as C3, else a UsageError naming the option."""
    if not re.fullmatch(r"[A-F][1-6]", grade):
        raise UsageError(f"{option} {echo(grade)} is not a grade such as C3")
    return grade


def prepare(request: RunRequest) -> Checked:
    """Load and check what the request names."""
    return check(load(request.sources, request.method), request)


def scorecard(checked: Checked, since: dt.date | None = None) -> Scorecard:
    """The scorecard of the checked run; with ``since``, explaining every change since."""
    from renewal_score.engine import build_scorecard

    host, agenda, options = checked.loaded.host, checked.agenda, checked.options
    card = checked.loaded.keeping_going(lambda: build_scorecard(agenda, host, options))
    if since is None:
        return card
    if since > options.as_of:
        raise UsageError(f"--since {since} is after the as-of date {options.as_of}")
    from renewal_score.changes import explain

    changes = checked.loaded.keeping_going(lambda: explain(agenda, host, options, since))
    return card.model_copy(update={"changes": changes})


def comparison(checked: Checked, subjects: Sequence[str] | None) -> Comparison:
    """The subjects (default: every subject with evidence for the agenda) compared."""
    from renewal_score.selection import known_subject
    from renewal_score.trend import compare as compared

    agenda = checked.agenda
    chosen = list(subjects) if subjects is not None else subjects_with_evidence(agenda)
    for subject in chosen:
        known_subject(agenda, subject)
    if not chosen:
        raise UsageError("no subject to compare")
    options = replace(checked.options, subject=chosen[0])
    return compared(agenda, checked.loaded.host, options, chosen)


def subjects_with_evidence(agenda: Agenda) -> list[str]:
    """The subjects that the agenda's evidence or observations are about, sorted."""
    observed = {o.subject for o in agenda.observations}
    return sorted({*agenda.evidence.columns.subject} | observed)
