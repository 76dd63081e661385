"""Finding, loading and calling plugins.

Plugins come from these places, in this order, all through the same hooks:

1. the core defaults (``CORE_PLUGINS``): the default rubric scorer, the aggregation methods
   and the report formats;
2. the built-ins: the entry points of renewal-score's own distribution (the built-in criteria
   modules, declared in its pyproject.toml), by name;
3. installed distributions with an entry point in the group ``renewal_score``, by name;
4. ``.py`` files and packages in folders given with ``--plugins-dir``, by file name.

Nothing is loaded at import time: ``load_plugins()`` is an explicit step, so a program that
embeds renewal-score can build its own host. Each plugin is loaded on its own, so a broken
one is reported by name instead of taking the others down.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import re
import sys
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import Any, Literal, TypeVar

import pluggy
from pydantic import BaseModel

from renewal_score import __version__, hookspecs, models
from renewal_score.aggregation import Aggregator
from renewal_score.datafiles import RawRecord, validate_records
from renewal_score.errors import (
    Location,
    PluginError,
    Problem,
    UsageError,
    did_you_mean,
)
from renewal_score.escaping import echo
from renewal_score.hookcalls import (
    checked_assessment,
    checked_score,
    checked_text,
    described,
    guarded,
    guarded_plugin,
)
from renewal_score.method import ScoringContext
from renewal_score.models import Criterion, Evidence, Observation, Priority, Subject
from renewal_score.results import Assessment

ENTRY_POINT_GROUP = "renewal_score"

DISTRIBUTION = "renewal-score"
"""This distribution: its own entry points in ``ENTRY_POINT_GROUP`` are the built-ins."""

Renderer = Callable[..., str]
"""A report format: (scorecard, optionally agenda=...) -> text."""

CORE_PLUGINS: tuple[str, ...] = (
    "renewal_score.scoring",
    "renewal_score.aggregation",
    "renewal_score.reports",
)
"""Default implementations of the method's hooks; always loaded, and always overridable."""

PluginSource = Literal["core", "built-in", "entry point", "folder", "object"]
ModelT = TypeVar("ModelT", bound=BaseModel)
T = TypeVar("T")
Returns = list[tuple[str, Any]]
"""What each hook implementation of one call returned, by plugin name, in call order."""


@dataclass(frozen=True)
class PluginInfo:
    """What is known about one loaded plugin."""

    name: str
    source: PluginSource
    location: str
    version: str = ""


@dataclass
class PluginHost:
    """A plugin manager with one typed method per hook.

    Hooks are called through pluggy, so its ordering, first-result rule and hook wrappers
    apply. Each implementation is guarded (``hookcalls``), so that an exception, a wrong
    return type or an invalid record is reported with the plugin's name and the hook's.
    """

    manager: pluggy.PluginManager
    plugins: list[PluginInfo] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    """Plugins left out with ``--keep-going``: (name, why)."""
    _returns: Returns | None = field(default=None, repr=False)
    """What the implementations of the hook being called have returned so far."""

    def names(self) -> set[str]:
        """Names of the plugins loaded (core defaults excepted: they cannot be left out)."""
        return {p.name for p in self.plugins if p.source != "core"}

    def builtins(self) -> set[str]:
        """Names of the built-in plugins loaded."""
        return {p.name for p in self.plugins if p.source == "built-in"}

    def skip(self, name: str, reason: str) -> None:
        """Leave a failing plugin out of the rest of the run, remembering why."""
        if self.manager.get_plugin(name) is not None:
            self.manager.unregister(name=name)
        self.plugins = [p for p in self.plugins if p.name != name]
        self.skipped.append((name, reason))

    def register(self, plugin: object, info: PluginInfo) -> None:
        proxy = guarded_plugin(self.manager, plugin, info.name, self._returned)
        try:
            self.manager.register(proxy, name=info.name)
            self.manager.check_pending()
        except pluggy.PluginValidationError as error:
            self.manager.unregister(name=info.name)
            raise PluginError(
                info.name, "", f"{_explain_invalid(plugin, error)} (from {info.location})"
            ) from None
        except ValueError as error:  # a second plugin of the same name
            raise PluginError(info.name, "", f"{error} (from {info.location})") from None
        self.plugins.append(info)

    def hooks_of(self, name: str) -> list[str]:
        """The hooks a loaded plugin implements, sorted."""
        plugin = self.manager.get_plugin(name)
        callers = self.manager.get_hookcallers(plugin) or []
        return sorted(caller.name for caller in callers)

    def _returned(self, plugin: str, result: Any) -> None:
        if self._returns is not None:
            self._returns.append((plugin, result))

    def _call(self, caller: pluggy.HookCaller, **kwargs: Any) -> tuple[Any, Returns]:
        """Call a hook through pluggy: its result, and what each implementation returned."""
        outer, self._returns = self._returns, []
        returns = self._returns
        try:
            return caller(**kwargs), returns
        finally:
            self._returns = outer

    def agendas(self, problems: list[Problem]) -> list[tuple[str, models.AgendaDefinition]]:
        """Every plugin's ``register_agendas``, as (plugin name, record) pairs."""
        return self._records(self.manager.hook.register_agendas, models.AgendaDefinition, problems)

    def subjects(self, problems: list[Problem]) -> list[tuple[str, Subject]]:
        """Every plugin's ``register_subjects``, as (plugin name, record) pairs."""
        return self._records(self.manager.hook.register_subjects, Subject, problems)

    def priorities(self, problems: list[Problem]) -> list[tuple[str, Priority]]:
        """Every plugin's ``register_priorities``, as (plugin name, record) pairs."""
        return self._records(self.manager.hook.register_priorities, Priority, problems)

    def criteria(self, problems: list[Problem]) -> list[tuple[str, Criterion]]:
        """Every plugin's ``register_criteria``, as (plugin name, record) pairs."""
        return self._records(self.manager.hook.register_criteria, Criterion, problems)

    def evidence(self, problems: list[Problem]) -> list[tuple[str, Evidence]]:
        """Every plugin's ``register_evidence``, as (plugin name, record) pairs."""
        return self._records(self.manager.hook.register_evidence, Evidence, problems)

    def observations(self, problems: list[Problem]) -> list[tuple[str, Observation]]:
        """Every plugin's ``register_observations``, as (plugin name, record) pairs."""
        return self._records(self.manager.hook.register_observations, Observation, problems)

    def _records(
        self, caller: pluggy.HookCaller, model: type[ModelT], problems: list[Problem]
    ) -> list[tuple[str, ModelT]]:
        """Call a collection hook; return (plugin name, record) pairs in plugin order.

        Invalid records are left out and their problems appended to ``problems``, so that
        the caller can go on checking the rest and report everything at once.
        """
        collected: list[tuple[str, ModelT]] = []
        _, returns = self._call(caller)
        for plugin, result in reversed(returns):  # pluggy calls the last registered first
            if result is None:
                continue
            if isinstance(result, str | bytes | Mapping) or not isinstance(result, Sequence):
                message = f"returned {type(result).__name__}; expected a list of {model.__name__}"
                raise PluginError(plugin, caller.name, message)
            raw = [RawRecord(item, None) for item in result]
            where = Location(f"plugin {plugin!r} ({caller.name})", plugin=plugin)
            valid, found = validate_records(raw, model, where)
            collected.extend((plugin, record) for record in valid)
            problems.extend(found)
        return collected

    def aggregations(self) -> dict[str, Aggregator]:
        """Aggregation methods by name, from every plugin; each result is checked to be a
        score (``checked_score``)."""
        return self._named(self.manager.hook.register_aggregations, "aggregation", checked_score)

    def formats(self) -> dict[str, Renderer]:
        """Report formats by name, from every plugin; each result is checked to be text."""
        return self._named(self.manager.hook.register_formats, "format", checked_text)

    def _named(
        self, caller: pluggy.HookCaller, what: str, check: Callable[[Any], Any]
    ) -> dict[str, Any]:
        """Call a hook returning {name: function}; a name may be taken by one plugin only.

        Each function is wrapped so that what it raises, and a result that ``check``
        refuses (with ValueError), are errors of the plugin that registered it."""
        functions: dict[str, Any] = {}
        owners: dict[str, str] = {}
        _, returns = self._call(caller)
        for plugin, result in reversed(returns):
            if not isinstance(result, Mapping) or not all(
                isinstance(k, str) and callable(v) for k, v in result.items()
            ):
                message = (
                    f"returned {type(result).__name__}; expected a mapping of names to functions"
                )
                raise PluginError(plugin, caller.name, message)
            for name, function in result.items():
                if name in owners:
                    message = f"{what} {name!r} is already registered by plugin {owners[name]!r}"
                    raise PluginError(plugin, caller.name, message)
                functions[name] = guarded(function, plugin, caller.name, f"{what} {name!r}", check)
                owners[name] = plugin
        return functions

    def scorers(self) -> list[str]:
        """The plugins that implement ``score_criterion``, in the order they are asked."""
        implementations = self.manager.hook.score_criterion.get_hookimpls()
        return [impl.plugin_name for impl in reversed(implementations) if not _wraps(impl)]

    def score_criterion(
        self,
        criterion: Criterion,
        evidence: Sequence[Evidence],
        observations: Sequence[Observation],
        context: ScoringContext,
    ) -> tuple[str, Assessment]:
        """Score a criterion by pluggy's first-result call (hook wrappers included): the
        plugin whose implementation answered, and its checked assessment."""
        caller = self.manager.hook.score_criterion
        result, returns = self._call(
            caller,
            criterion=criterion,
            evidence=evidence,
            observations=observations,
            context=context,
        )
        scorer = next((plugin for plugin, found in returns if found is not None), "")
        if result is None:
            raise PluginError("", caller.name, f"no plugin scored criterion {criterion.id!r}")
        try:
            return scorer, checked_assessment(result)
        except ValueError as error:
            message = f"{error} for criterion {criterion.id!r}"
            raise PluginError(scorer, caller.name, message) from None


def _wraps(implementation: pluggy.HookImpl) -> bool:
    return implementation.wrapper or implementation.hookwrapper


def _explain_invalid(plugin: object, error: pluggy.PluginValidationError) -> str:
    """Name the misspelt hooks of a plugin, each with the closest known hook (or, when none is
    close, the known hooks)."""
    known = [
        name for name in dir(hookspecs) if hasattr(getattr(hookspecs, name), "renewal_score_spec")
    ]
    unknown = [
        name
        for name in dir(plugin)
        if hasattr(getattr(plugin, name, None), "renewal_score_impl") and name not in known
    ]
    if not unknown:
        return str(error)
    return "implements " + "; ".join(
        f"unknown hook {name!r}{did_you_mean(name, known, list_known=True)}"
        for name in sorted(unknown)
    )


def new_host() -> PluginHost:
    """A host with the hook specifications and no plugins."""
    manager = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    manager.add_hookspecs(hookspecs)
    return PluginHost(manager)


def load_plugins(
    plugin_dirs: Sequence[Path] = (),
    *,
    only: Collection[str] | None = None,
    builtins: bool = True,
    entry_points: bool = True,
    extra: Sequence[tuple[str, object]] = (),
    keep_going: bool = False,
) -> PluginHost:
    """Build a host with core, built-in, installed, folder and ``extra`` plugins, in that order.

    ``only``, when given, is the set of plugin names allowed to load (built-in criteria
    modules included, core defaults excepted), so that a published report can name exactly
    the plugins that produced it; a name that no plugin has is an UnknownPluginError, raised
    before any plugin is loaded. ``extra`` registers (name, object) pairs, as a program
    embedding renewal-score or a test would. With ``keep_going``, a plugin that fails to load
    is left out (see ``PluginHost.skipped``) instead of stopping everything.
    """
    host = new_host()
    candidates: list[Iterator[tuple[PluginInfo, Callable[[], object]]]] = [
        _modules(CORE_PLUGINS, "core")
    ]
    installed = _entry_points()
    candidates.append(iter([c for c in installed if c[0].source == "built-in" and builtins]))
    candidates.append(iter([c for c in installed if c[0].source != "built-in" and entry_points]))
    candidates.extend(_folder(Path(d)) for d in plugin_dirs)
    candidates.append(
        iter([(PluginInfo(name, "object", "python"), _constant(obj)) for name, obj in extra])
    )
    offered = [candidate for source in candidates for candidate in source]
    if only is not None:
        _check_known(only, [info for info, _ in offered])
    for info, load in offered:
        if only is None or info.name in only or info.source == "core":
            try:
                host.register(_loaded(load, info), info)
            except PluginError as error:
                if not keep_going or info.source == "core":
                    raise
                host.skip(info.name, error.detail)
    return host


class UnknownPluginError(UsageError):
    """A plugin allowed to load by name is not among those there are."""

    def __init__(self, name: str, known: Collection[str]) -> None:
        self.name = name
        hint = did_you_mean(name, known, list_known=True)
        super().__init__(f"unknown plugin {echo(name)}{hint}")


def _check_known(names: Collection[str], offered: Sequence[PluginInfo]) -> None:
    """UnknownPluginError for the first of ``names`` that no plugin offered has, with a hint
    among the plugins that can be left out (core defaults always load)."""
    existing = {info.name for info in offered}
    for name in sorted(names):
        if name not in existing:
            raise UnknownPluginError(name, [i.name for i in offered if i.source != "core"])


def _loaded(load: Callable[[], object], info: PluginInfo) -> object:
    try:
        with contextlib.redirect_stdout(sys.stderr):  # as while calling its hooks
            return load()
    except (Exception, SystemExit) as error:
        message = f"cannot be loaded from {info.location}: {described(error)}"
        raise PluginError(info.name, "", message) from error


def _constant(value: object) -> Callable[[], object]:
    return lambda: value


def _import(spec: str) -> object:
    module_name, _, attribute = spec.partition(":")
    module = importlib.import_module(module_name)
    return getattr(module, attribute) if attribute else module


def _modules(
    specs: Sequence[str], source: PluginSource
) -> Iterator[tuple[PluginInfo, Callable[[], object]]]:
    for spec in specs:
        name = spec.partition(":")[0]
        yield PluginInfo(name, source, spec, __version__), partial(_import, spec)


def _entry_points() -> list[tuple[PluginInfo, Callable[[], object]]]:
    """The plugins of entry points: this distribution's (the built-ins), then the others."""
    found = []
    for entry_point in sorted(metadata.entry_points(group=ENTRY_POINT_GROUP), key=_load_order):
        distribution = entry_point.dist
        name = distribution.name if distribution else "?"
        info = PluginInfo(
            entry_point.name,
            "built-in" if _canonical(name) == DISTRIBUTION else "entry point",
            f"{name}: {entry_point.value}",
            distribution.version if distribution else "",
        )
        found.append((info, entry_point.load))
    return found


def _load_order(entry_point: metadata.EntryPoint) -> tuple[bool, str]:
    """Built-ins first, then the others; each by name (build backends sort entry points)."""
    distribution = entry_point.dist
    own = distribution is not None and _canonical(distribution.name) == DISTRIBUTION
    return not own, entry_point.name


def _canonical(distribution: str) -> str:
    """A distribution's name as package indexes compare names (PEP 503)."""
    return re.sub(r"[-_.]+", "-", distribution).lower()


def _folder(folder: Path) -> Iterator[tuple[PluginInfo, Callable[[], object]]]:
    if not folder.is_dir():
        raise UsageError(f"--plugins-dir {folder}: no such folder")
    candidates = sorted(
        p
        for p in folder.iterdir()
        if (p.suffix == ".py" and p.is_file()) or (p / "__init__.py").is_file()
    )
    for path in candidates:
        name = path.stem if path.suffix == ".py" else path.name
        file = path if path.suffix == ".py" else path / "__init__.py"
        yield PluginInfo(name, "folder", str(path)), partial(_import_file, name, file)


def _import_file(name: str, file: Path) -> ModuleType:
    module_name = f"renewal_score_plugins_dir.{name}"
    spec = importlib.util.spec_from_file_location(
        module_name,
        file,
        submodule_search_locations=[str(file.parent)] if file.name == "__init__.py" else None,
    )
    if spec is None or spec.loader is None:
        raise ImportError(f"no loader for {file}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module  # so that the plugin's own relative imports work
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[module_name]
        raise
    return module
