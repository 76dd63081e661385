"""Every hook a renewal-score plugin can implement, in the order a scoring run calls them.

A plugin is a module (or object) with functions of these names, each marked with
``renewal_score.hookimpl``. A plugin implements only the hooks it needs, and a hook
implementation may accept any subset of the parameters listed here.

Hooks are called through pluggy, so ``tryfirst``, ``trylast`` and hook wrappers
(``hookimpl(wrapper=True)``) work as pluggy documents. Collection hooks (``register_*``) are
called once per run, for every plugin; the records each plugin returns are concatenated in
plugin order (a wrapper sees them, and may raise, but the records collected are those each
plugin returned). They may return models or plain mappings, which are validated like data
files; an error names the plugin, the hook and the record.

The built-in criteria modules and the default rubric scorer are plugins too: they use exactly
these hooks, and the default scorer is ``trylast`` so that any plugin can take over.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pluggy

from renewal_score.method import ScoringContext
from renewal_score.models import (
    AgendaDefinition,
    Criterion,
    Evidence,
    Observation,
    Priority,
    Subject,
)
from renewal_score.results import Assessment

PROJECT_NAME = "renewal_score"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)
"""The marker for hook implementations; plugins import it as ``renewal_score.hookimpl``."""


@hookspec
def register_agendas() -> Sequence[AgendaDefinition | Mapping[str, Any]]:
    """Declare agendas: sets of priorities scored together, each with its aggregation methods.

    Called once per run, before priorities are collected. A run scores one agenda: the one
    asked for (``--agenda ID``, ``RENEWAL_SCORE_AGENDA``, ``score(agenda=...)``), else the
    first declared (the built-in agenda when the built-ins load); priorities of other
    agendas, and their criteria and evidence, are left out. A priority names its agenda;
    one that names none belongs to the first declared. An agenda declares how criteria are
    aggregated into priorities and priorities into the index (``--aggregation`` may override
    either). Two plugins may declare the same agenda only with the same content.

    :return: the agendas this plugin declares.
    """


@hookspec
def register_subjects() -> Sequence[Subject | Mapping[str, Any]]:
    """Declare the subjects (for example relationships between two countries) evidence is about.

    Called once per run, before evidence is collected. Return a list of ``Subject``; return
    an empty list, or do not implement the hook, if the plugin brings no evidence. Two plugins
    may declare the same subject only with the same title.

    :return: the subjects this plugin's evidence refers to.
    """


@hookspec
def register_priorities() -> Sequence[Priority | Mapping[str, Any]]:
    """Add priorities (recommendations) to the agenda being scored.

    Called once per run, before criteria are collected. A priority belongs to the agenda it
    names in ``agenda`` (or, naming none, to the default agenda). A priority id has one
    definition: the same priority declared twice counts once, a different one under the same
    id is an error. A plugin that adds criteria to another plugin's priority need not declare it.

    :return: the priorities this plugin contributes.
    """


@hookspec
def register_criteria() -> Sequence[Criterion | Mapping[str, Any]]:
    """Add criteria, each with its ordered rubric, to priorities of the agenda.

    Called once per run, after priorities are collected. Each criterion names an existing
    priority (from any plugin). A criterion id has one definition: two different criteria
    under one id are an error naming both plugins.

    :return: the criteria this plugin contributes.
    """


@hookspec
def register_evidence() -> Sequence[Evidence | Mapping[str, Any]]:
    """Supply evidence records for criteria.

    Called once per run, after criteria are collected. Each record names a criterion and a
    rubric level of it, a declared subject, and carries its source and Admiralty grade.
    Evidence ids are unique across all plugins and evidence files.

    :return: the evidence records this plugin supplies.
    """


@hookspec
def register_observations() -> Sequence[Observation | Mapping[str, Any]]:
    """Supply measurements for quantitative criteria (those with an ``indicator``).

    Called once per run, after criteria are collected. Each observation names a criterion
    with an indicator, one of its components, a declared subject, a date, a value, its
    source and Admiralty grade. Observation ids are unique across all plugins and files.

    :return: the observations this plugin supplies.
    """


@hookspec(firstresult=True)
def score_criterion(
    criterion: Criterion,
    evidence: Sequence[Evidence],
    observations: Sequence[Observation],
    context: ScoringContext,
) -> Assessment | None:
    """Score one criterion from its evidence, by the plugin's own logic.

    Called once per criterion and run (a first-result hook), after evidence and observations
    are filtered to the subject, the as-of date, the grade threshold of the run and the
    criterion's recency rule (``valid_years``), and sorted by effective date (on one date,
    advances before setbacks, then by id). The first implementation that
    returns an ``Assessment`` wins; return ``None`` to leave the criterion to the next one.
    The built-in rubric scorer runs last and scores every criterion no other plugin claims.
    ``context`` carries the as-of date, the subject and the credibility weight of each grade.

    :param criterion: the criterion to score.
    :param evidence: the records counted for it (possibly none), oldest first.
    :param observations: the measurements counted for it (possibly none), oldest first.
    :param context: the settings of this run.
    :return: the assessment (score 0-100 or None when unrated), or None to decline.
    """


@hookspec
def register_aggregations() -> Mapping[str, Callable[[Sequence[float], Sequence[float]], float]]:
    """Add aggregation methods, which an agenda declares or ``--aggregation`` selects by name.

    Called once per run, before priorities are aggregated. Each method takes the rated
    values (0-100) and their weights (normalised to sum to 1) and returns the aggregate
    (0-100). Names must be unique across plugins; the built-ins are ``arithmetic``,
    ``geometric`` and ``minimum``.

    :return: a mapping from method name to function.
    """


@hookspec
def register_formats() -> Mapping[str, Callable[..., str]]:
    """Add report formats, selectable by name with ``report --format``.

    Called once per run of ``report``, before scoring, to find the renderer asked for. Each
    renderer takes the scorecard (and, if it has a parameter named ``agenda``, the checked
    ``renewal_score.agenda.Agenda`` behind it: rubrics and evidence records; if it has one
    named ``width``, the column width for text tables: the terminal's, or 100) and returns
    the whole report as text; it must escape any text it takes from evidence, criteria or
    plugins for its format. Names must be unique across plugins; the built-ins are ``text``,
    ``markdown``, ``json``, ``csv`` and ``html``.

    :return: a mapping from format name to renderer.
    """
