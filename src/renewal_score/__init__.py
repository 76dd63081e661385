"""renewal-score: transparent, reproducible scores for policy recommendations.

Plugins import ``hookimpl`` from here; embedding programs call ``score()``, ``compare()``,
``trend()`` and ``sensitivity()`` (``renewal_score.api``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from renewal_score.hookspecs import hookimpl

if TYPE_CHECKING:  # typed for checkers; loaded on first use (below)
    from renewal_score.api import compare, score, sensitivity, trend

__version__ = "0.1.0"
"""The version, also the distribution's (pyproject.toml reads it from here)."""

__all__ = ["__version__", "compare", "hookimpl", "score", "sensitivity", "trend"]

API = ("compare", "score", "sensitivity", "trend")


def __getattr__(name: str) -> object:
    # The API pulls in the engine; load it only when asked for, to keep start-up fast.
    if name in API:
        from renewal_score import api

        return getattr(api, name)
    raise AttributeError(name)
