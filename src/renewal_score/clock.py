"""The date that ``--as-of``, ``--to`` and the Python API default to."""

from __future__ import annotations

import datetime as dt


def today() -> dt.date:
    """Today's date in UTC: a run anywhere at the same moment counts the same evidence,
    whatever the time zone of the machine it runs on."""
    return dt.datetime.now(dt.UTC).date()
