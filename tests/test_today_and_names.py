"""Small things a user types: "today" is the UTC date wherever the machine is, and a plugin's
name is checked whole."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from renewal_score.api import score
from renewal_score.errors import UsageError
from renewal_score.scaffold import NAME_PATTERN, new_plugin
from running import files_in, run_cli

POSIX_ZONES = {"AAA+12": -12, "BBB-14": 14}
"""POSIX time zones (hours east of UTC); at any moment one of them is on another date than
UTC, and POSIX zones need no time-zone database."""


def utc_date() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def zone_on_another_date() -> str:
    now = dt.datetime.now(dt.UTC)
    for zone, hours in POSIX_ZONES.items():
        if (now + dt.timedelta(hours=hours)).date() != now.date():
            return zone
    raise AssertionError("one of the zones is always on another date")


@pytest.fixture
def local_zone_on_another_date(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    zone = zone_on_another_date()
    monkeypatch.setenv("TZ", zone)
    time.tzset()
    yield zone
    monkeypatch.undo()
    time.tzset()


def test_the_command_line_counts_evidence_as_of_the_utc_date(tmp_path: Path) -> None:
    before = utc_date()
    result = run_cli("report", "--format", "json", cwd=tmp_path, env={"TZ": zone_on_another_date()})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["as_of"] in {before.isoformat(), utc_date().isoformat()}


def test_the_python_api_scores_as_of_the_utc_date(local_zone_on_another_date: str) -> None:
    before = utc_date()
    assert dt.date.today() != before  # the local date is another one
    assert score().as_of in {before, utc_date()}


@given(st.from_regex(NAME_PATTERN, fullmatch=True))
def test_a_plugin_name_with_a_final_line_feed_is_refused(name: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        with pytest.raises(UsageError, match="must be lowercase letters and digits"):
            new_plugin(name + "\n", Path(folder), subject=None, core_version="0", today=utc_date())
        assert files_in(Path(folder)) == []


def test_new_plugin_on_the_command_line_refuses_it_and_creates_nothing(tmp_path: Path) -> None:
    result = run_cli("new-plugin", "digital-trade\n", "--dir", "plugins", cwd=tmp_path)
    assert result.returncode == 2
    assert "plugin name 'digital-trade\\n' must be lowercase letters" in result.stderr
    assert files_in(tmp_path) == []
