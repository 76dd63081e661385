"""renewal-score: transparent, reproducible scores for policy recommendations.

Plugins import ``hookimpl`` from here; embedding programs call ``score()``, ``compare()``,
``trend()`` and ``sensitivity()`` (``renewal_score.api``).

Two of those names are also modules' (``renewal_score.trend``, ``renewal_score.sensitivity``),
and importing a module sets the package's attribute of its name to it. So the package keeps
those attributes the modules, made callable: calling one calls the API function of its name
(which is how type checkers see the attribute, through the import below).
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

from renewal_score.hookspecs import hookimpl

if TYPE_CHECKING:  # typed for checkers; loaded on first use (below)
    from renewal_score.api import compare, score, sensitivity, trend

__version__ = "0.1.0"
"""The version, also the distribution's (pyproject.toml reads it from here)."""

__all__ = ["__version__", "compare", "hookimpl", "score", "sensitivity", "trend"]

API = ("compare", "score", "sensitivity", "trend")
"""The API's functions, loaded with the engine on first use, to keep start-up fast."""


class _CallableModule(types.ModuleType):
    """A module of the package that is also the API function of its name."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from renewal_score import api

        return getattr(api, self.__name__.rpartition(".")[2])(*args, **kwargs)


class _Package(types.ModuleType):
    def __setattr__(self, name: str, value: Any) -> None:
        if name in API and isinstance(value, types.ModuleType):
            value.__class__ = _CallableModule
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


def __getattr__(name: str) -> object:
    if name in ("trend", "sensitivity"):  # the module, made callable as it is imported
        return importlib.import_module(f"{__name__}.{name}")
    if name in API:
        from renewal_score import api

        return getattr(api, name)
    raise AttributeError(name)
