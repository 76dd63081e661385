"""The Python API: one call from plugins and options to a scorecard."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from pathlib import Path

from renewal_score.agenda import collect_agenda
from renewal_score.engine import RunOptions, build_scorecard
from renewal_score.models import Scorecard
from renewal_score.plugins import PluginHost, load_plugins


def score(
    *,
    as_of: dt.date | None = None,
    subject: str | None = None,
    plugin_dirs: Sequence[Path] = (),
    plugins: Collection[str] | None = None,
    host: PluginHost | None = None,
) -> Scorecard:
    """Score the agenda that the plugins define, as of a date (default: today).

    ``plugins`` limits which plugins load, by name; ``host`` replaces plugin loading entirely
    (for example a host built by ``renewal_score.testing``).
    """
    host = host or load_plugins(plugin_dirs, only=plugins)
    agenda = collect_agenda(host)
    return build_scorecard(
        agenda, host, RunOptions(as_of=as_of or dt.date.today(), subject=subject)
    )
