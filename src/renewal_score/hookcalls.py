"""Plugin code as the host runs it: each hook implementation guarded, so that what it raises
or prints is the plugin's, named with its hook; and what hooks return, checked.

A plugin is registered as a proxy that holds a guarded copy of each of its hook functions,
with the same signature and marker options, so that pluggy orders and calls them as it would
the originals (``tryfirst``, ``trylast``, wrappers, first-result hooks) while every failure
is reported by plugin name and hook.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import math
import numbers
import sys
from collections.abc import Callable, Generator, Iterator
from dataclasses import replace
from types import SimpleNamespace
from typing import Any, TypeVar

import pluggy
from pydantic import ValidationError

from renewal_score.errors import DataError, PluginError, RenewalScoreError
from renewal_score.escaping import clipped, echo
from renewal_score.results import Assessment

T = TypeVar("T")

Returned = Callable[[str, Any], None]
"""Told (plugin name, result) each time a hook implementation returns."""


def guarded_plugin(
    manager: pluggy.PluginManager, plugin: object, name: str, returned: Returned
) -> object:
    """A proxy of ``plugin`` whose hook functions (those pluggy would find) are guarded:
    run with standard output sent to standard error, their failures reported as the plugin's,
    and each result told to ``returned``."""
    proxy = SimpleNamespace()
    for attribute in dir(plugin):
        if manager.parse_hookimpl_opts(plugin, attribute) is not None:
            function = getattr(plugin, attribute)
            setattr(proxy, attribute, _guarded_hook(function, name, attribute, returned))
    return proxy


def _guarded_hook(
    function: Callable[..., Any], plugin: str, hook: str, returned: Returned
) -> Callable[..., Any]:
    """``function`` guarded; a hook wrapper (a generator function) stays one."""
    if inspect.isgeneratorfunction(function):

        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Generator[Any, Any, Any]:
            with blamed(plugin, hook):
                return (yield from function(*args, **kwargs))

        return wrapper

    @functools.wraps(function)
    def call(*args: Any, **kwargs: Any) -> Any:
        with blamed(plugin, hook):
            result = function(*args, **kwargs)
        returned(plugin, result)
        return result

    return call


@contextlib.contextmanager
def blamed(plugin: str, hook: str, what: str = "") -> Iterator[None]:
    """Run plugin code: what it prints goes to standard error, so that a report on standard
    output (``--format json``) stays what it says it is; what it raises is a PluginError
    naming the plugin and hook (and ``what`` it was running), and a DataError of its own data
    files names the plugin."""
    try:
        with contextlib.redirect_stdout(sys.stderr):
            yield
    except DataError as error:
        if all(p.plugin for p in error.problems):  # already blamed, by an inner call
            raise
        raise DataError(replace(p, plugin=p.plugin or plugin) for p in error.problems) from None
    except RenewalScoreError:
        raise
    except (Exception, SystemExit) as error:
        message = f"{what} raised {described(error)}".lstrip()
        raise PluginError(plugin, hook, message) from error


def guarded(
    function: Callable[..., Any], plugin: str, hook: str, what: str, check: Callable[[Any], T]
) -> Callable[..., T]:
    """A function that a plugin registered (an aggregation, a renderer), whose failures, and
    results that ``check`` refuses (with ValueError), are reported as the plugin's."""

    @functools.wraps(function)
    def call(*args: Any, **kwargs: Any) -> T:
        with blamed(plugin, hook, what):
            result = function(*args, **kwargs)
        try:
            return check(result)
        except ValueError as error:
            raise PluginError(plugin, hook, f"{what} {error}") from None

    return call


EXCEPTION_TEXT_LIMIT = 2_000
"""Characters of an exception's text that a message quotes: enough for pydantic's account
of a few invalid fields, not for an exception that quotes a whole file."""


def described(error: BaseException) -> str:
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
