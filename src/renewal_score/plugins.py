"""Finding, loading and calling plugins.

Plugins come from three places, in this order, all through the same hooks:

1. the built-ins (``BUILTIN_PLUGINS``): the default rubric scorer and the criteria modules;
2. installed distributions with an entry point in the group ``renewal_score``, by name;
3. ``.py`` files and packages in folders given with ``--plugins-dir``, by file name.

Nothing is loaded at import time: ``load_plugins()`` is an explicit step, so a program that
embeds renewal-score can build its own host. Each plugin is loaded on its own, so a broken
one is reported by name instead of taking the others down.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import importlib.util
import math
import numbers
import sys
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import Any, Literal, TypeVar

import pluggy
from pydantic import BaseModel, ValidationError

from renewal_score import __version__, hookspecs
from renewal_score.datafiles import RawRecord, validate_records
from renewal_score.errors import (
    DataError,
    Location,
    PluginError,
    Problem,
    RenewalScoreError,
    UsageError,
    did_you_mean,
)
from renewal_score.escaping import clipped, echo
from renewal_score.method import ScoringContext
from renewal_score.models import Criterion, Evidence, Observation
from renewal_score.results import Assessment

ENTRY_POINT_GROUP = "renewal_score"

Aggregator = Callable[[Sequence[float], Sequence[float]], float]
"""An aggregation method: (values, weights summing to 1) -> aggregate."""
Renderer = Callable[..., str]
"""A report format: (scorecard, optionally agenda=...) -> text."""

CORE_PLUGINS: tuple[str, ...] = (
    "renewal_score.scoring",
    "renewal_score.aggregation",
    "renewal_score.reports",
)
"""Default implementations of the method's hooks; always loaded, and always overridable."""

BUILTIN_PLUGINS: tuple[str, ...] = (
    "renewal_score_criteria.security:plugin",
    "renewal_score_criteria.minerals_energy:plugin",
    "renewal_score_criteria.coercion_resilience:plugin",
)
"""The built-in criteria modules, as ``module:attribute``; registered like any other plugin."""

PluginSource = Literal["core", "built-in", "entry point", "folder", "object"]
ModelT = TypeVar("ModelT", bound=BaseModel)
T = TypeVar("T")


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

    Each collection hook is called plugin by plugin, so that an exception, a wrong return
    type or an invalid record is reported with the plugin's name and the hook's.
    """

    manager: pluggy.PluginManager
    plugins: list[PluginInfo] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    """Plugins left out with ``--keep-going``: (name, why)."""

    def names(self) -> set[str]:
        """Names of the plugins loaded (core defaults excepted: they cannot be left out)."""
        return {p.name for p in self.plugins if p.source != "core"}

    def skip(self, name: str, reason: str) -> None:
        """Leave a failing plugin out of the rest of the run, remembering why."""
        if self.manager.get_plugin(name) is not None:
            self.manager.unregister(name=name)
        self.plugins = [p for p in self.plugins if p.name != name]
        self.skipped.append((name, reason))

    def register(self, plugin: object, info: PluginInfo) -> None:
        try:
            self.manager.register(plugin, name=info.name)
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

    def collect(
        self, hook_name: str, model: type[ModelT], problems: list[Problem]
    ) -> list[tuple[str, ModelT]]:
        """Call a collection hook on every plugin; return (plugin name, record) pairs.

        Invalid records are left out and their problems appended to ``problems``, so that
        the caller can go on checking the rest and report everything at once.
        """
        collected: list[tuple[str, ModelT]] = []
        for impl in getattr(self.manager.hook, hook_name).get_hookimpls():
            result = _call(impl, hook_name, {})
            if result is None:
                continue
            if isinstance(result, str | bytes | Mapping) or not isinstance(result, Sequence):
                raise PluginError(
                    impl.plugin_name,
                    hook_name,
                    f"returned {type(result).__name__}; expected a list of {model.__name__}",
                )
            raw = [RawRecord(item, None) for item in result]
            where = Location(f"plugin {impl.plugin_name!r} ({hook_name})", plugin=impl.plugin_name)
            valid, found = validate_records(raw, model, where)
            collected.extend((impl.plugin_name, record) for record in valid)
            problems.extend(found)
        return collected

    def aggregations(self) -> dict[str, Aggregator]:
        """Aggregation methods by name, from every plugin; each result is checked to be a
        score (``checked_score``)."""
        return self._named("register_aggregations", "aggregation", checked_score)

    def formats(self) -> dict[str, Renderer]:
        """Report formats by name, from every plugin; each result is checked to be text."""
        return self._named("register_formats", "format", checked_text)

    def _named(self, hook_name: str, what: str, check: Callable[[Any], Any]) -> dict[str, Any]:
        """Call a hook returning {name: function} on every plugin; a name may be taken once.

        Each function is wrapped so that what it raises, and a result that ``check``
        refuses (with ValueError), are errors of the plugin that registered it."""
        functions: dict[str, Any] = {}
        owners: dict[str, str] = {}
        for impl in getattr(self.manager.hook, hook_name).get_hookimpls():
            result = _call(impl, hook_name, {})
            if not isinstance(result, Mapping) or not all(
                isinstance(k, str) and callable(v) for k, v in result.items()
            ):
                message = (
                    f"returned {type(result).__name__}; expected a mapping of names to functions"
                )
                raise PluginError(impl.plugin_name, hook_name, message)
            for name, function in result.items():
                if name in owners:
                    message = f"{what} {name!r} is already registered by plugin {owners[name]!r}"
                    raise PluginError(impl.plugin_name, hook_name, message)
                functions[name] = _guarded(
                    function, impl.plugin_name, hook_name, f"{what} {name!r}", check
                )
                owners[name] = impl.plugin_name
        return functions

    def scorers(self) -> list[str]:
        """The plugins that implement ``score_criterion``, in the order they are asked."""
        implementations = self.manager.hook.score_criterion.get_hookimpls()
        return [impl.plugin_name for impl in reversed(implementations)]

    def score_criterion(
        self,
        criterion: Criterion,
        evidence: Sequence[Evidence],
        observations: Sequence[Observation],
        context: ScoringContext,
    ) -> tuple[str, Assessment]:
        """Ask plugins in turn to score a criterion; the first assessment wins."""
        kwargs = {
            "criterion": criterion,
            "evidence": evidence,
            "observations": observations,
            "context": context,
        }
        for impl in reversed(self.manager.hook.score_criterion.get_hookimpls()):
            result = _call(impl, "score_criterion", kwargs)
            if result is None:
                continue
            try:
                return impl.plugin_name, checked_assessment(result)
            except ValueError as error:
                message = f"{error} for criterion {criterion.id!r}"
                raise PluginError(impl.plugin_name, "score_criterion", message) from None
        raise PluginError("", "score_criterion", f"no plugin scored criterion {criterion.id!r}")


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


def _guarded(
    function: Callable[..., Any], plugin: str, hook: str, what: str, check: Callable[[Any], T]
) -> Callable[..., T]:
    """``function`` whose failures, and results that ``check`` refuses, are reported as the
    plugin's that registered it."""

    @functools.wraps(function)
    def call(*args: Any, **kwargs: Any) -> T:
        try:
            with _plugin_code():
                result = function(*args, **kwargs)
        except RenewalScoreError:
            raise
        except (Exception, SystemExit) as error:
            raise PluginError(plugin, hook, f"{what} raised {_described(error)}") from error
        try:
            return check(result)
        except ValueError as error:
            raise PluginError(plugin, hook, f"{what} {error}") from None

    return call


@contextlib.contextmanager
def _plugin_code() -> Iterator[None]:
    """Run plugin code with what it prints sent to standard error, so that a report on
    standard output (``--format json``) stays what it says it is."""
    with contextlib.redirect_stdout(sys.stderr):
        yield


EXCEPTION_TEXT_LIMIT = 2_000
"""Characters of an exception's text that a message quotes: enough for pydantic's account
of a few invalid fields, not for an exception that quotes a whole file."""


def _described(error: BaseException) -> str:
    """An exception raised by plugin code, for a message: its type and (bounded) text. A
    plugin's sys.exit() is one too: ending the run is not for a plugin to decide."""
    try:
        text = str(error)
    except Exception:  # an exception whose text cannot be made
        text = "?"
    return f"{type(error).__name__}: {clipped(text, EXCEPTION_TEXT_LIMIT)}"


def checked_text(result: Any) -> str:
    """A report renderer's result: text."""
    if isinstance(result, str):
        return result
    raise ValueError(f"returned {type(result).__name__}; expected text (str)")


SCORE_TOLERANCE = 1e-9
"""How far outside [0, 100] an aggregate may fall by rounding, and be taken as the bound."""


def checked_score(result: Any) -> float:
    """An aggregation method's result: a finite number within [0, 100]."""
    if isinstance(result, numbers.Real) and not isinstance(result, bool):
        with contextlib.suppress(OverflowError):  # an integer beyond the largest float
            score = float(result)
            if -SCORE_TOLERANCE <= score <= 100 + SCORE_TOLERANCE:  # never true of NaN
                return min(max(score, 0.0), 100.0)
    raise ValueError(f"returned {echo(result)}; expected a number from 0 to 100")


def checked_assessment(result: Any) -> Assessment:
    """A criterion scorer's result: an Assessment, checked field by field (even one built
    without validation), with finite numbers throughout."""
    if not isinstance(result, Assessment):
        raise ValueError(f"returned {type(result).__name__}; expected an Assessment or None")
    try:
        checked = Assessment.model_validate(result.model_dump(include=set(Assessment.model_fields)))
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        where = ".".join(map(str, first["loc"]))
        raise ValueError(f"returned an invalid Assessment ({where}: {first['msg']})") from None
    if not all(
        math.isfinite(value) and 0 <= value <= 100 and math.isfinite(chance) and 0 <= chance <= 1
        for value, chance in checked.distribution
    ):
        shown = echo(checked.distribution)
        raise ValueError(
            "returned an Assessment whose distribution is not of scores 0-100 with "
            f"probabilities 0-1: {shown}"
        )
    return checked


def _call(impl: pluggy.HookImpl, hook_name: str, kwargs: Mapping[str, Any]) -> Any:
    try:
        with _plugin_code():
            return impl.function(**{name: kwargs[name] for name in impl.argnames})
    except PluginError:
        raise
    except DataError as error:  # the plugin's own data files are invalid
        raise DataError(replace(p, plugin=impl.plugin_name) for p in error.problems) from None
    except (Exception, SystemExit) as error:
        raise PluginError(impl.plugin_name, hook_name, f"raised {_described(error)}") from error


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
    if builtins:
        candidates.append(_modules(BUILTIN_PLUGINS, "built-in"))
    if entry_points:
        candidates.append(_entry_points())
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
        with _plugin_code():
            return load()
    except (Exception, SystemExit) as error:
        message = f"cannot be loaded from {info.location}: {_described(error)}"
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


def _entry_points() -> Iterator[tuple[PluginInfo, Callable[[], object]]]:
    for entry_point in sorted(metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        distribution = entry_point.dist
        info = PluginInfo(
            entry_point.name,
            "entry point",
            f"{distribution.name if distribution else '?'}: {entry_point.value}",
            distribution.version if distribution else "",
        )
        yield info, entry_point.load


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
