"""renewal-score: transparent, reproducible scores for policy recommendations.

Plugins import ``hookimpl`` from here; embedding programs call ``score()``.
"""

from __future__ import annotations

from renewal_score.hookspecs import hookimpl

__version__ = "0.1.0"
"""The version, also the distribution's (pyproject.toml reads it from here)."""

__all__ = ["__version__", "hookimpl", "score"]


def __getattr__(name: str) -> object:
    # The scoring API pulls in the engine; load it only when asked for, to keep start-up fast.
    if name == "score":
        from renewal_score.api import score

        return score
    raise AttributeError(name)
