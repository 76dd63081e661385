"""Every value that crosses the plugin boundary is checked: what a report format returns,
what an aggregation method returns, what a criterion scorer returns; a plugin that calls
sys.exit() or prints does not end the run or corrupt standard output. A bad value is an
error naming the plugin and the hook (exit 1)."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from renewal_score import hookimpl
from renewal_score.agenda import collect_agenda
from renewal_score.engine import build_scorecard
from renewal_score.errors import DataError, PluginError
from renewal_score.hookcalls import SCORE_TOLERANCE
from renewal_score.models import Evidence, Source
from renewal_score.options import RunOptions
from renewal_score.results import Assessment
from renewal_score.testing import make_host
from running import AS_OF, files_in, run_cli


def with_plugin(folder: Path, name: str, source: str, *args: str) -> Any:
    """Run the command line with one plugin, ``name``.py of ``source``, in a plugin folder."""
    plugins = folder / "plugins"
    plugins.mkdir(exist_ok=True)
    (plugins / f"{name}.py").write_text(
        "import sys\nfrom renewal_score import hookimpl\n" + source, encoding="utf-8"
    )
    return run_cli(*args, "--plugins-dir", "plugins", cwd=folder)


def assert_plugin_error(result: Any, message: str) -> None:
    assert result.returncode == 1, result.stderr
    assert result.stderr == f"renewal-score: {message}\n"
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("value", "kind"), [("b'bytes'", "bytes"), ("None", "NoneType"), ("5", "int")]
)
def test_a_format_that_returns_no_text_is_an_error(tmp_path: Path, value: str, kind: str) -> None:
    source = f"@hookimpl\ndef register_formats():\n    return {{'odd': lambda card: {value}}}\n"
    result = with_plugin(tmp_path, "odd_format", source, "report", "--format", "odd")
    assert_plugin_error(
        result,
        f"plugin 'odd_format', hook register_formats: format 'odd' returned {kind}; "
        "expected text (str)",
    )


@pytest.mark.parametrize(
    ("value", "shown"), [("float('nan')", "nan"), ("1e308", "1e+308"), ("-5", "-5")]
)
def test_an_aggregation_outside_0_to_100_is_an_error(
    tmp_path: Path, value: str, shown: str
) -> None:
    source = (
        f"@hookimpl\ndef register_aggregations():\n    return {{'odd': lambda v, w: {value}}}\n"
    )
    result = with_plugin(tmp_path, "odd_method", source, "report", "--aggregation", "odd")
    assert_plugin_error(
        result,
        f"plugin 'odd_method', hook register_aggregations: aggregation 'odd' returned {shown}; "
        "expected a number from 0 to 100",
    )


@pytest.mark.parametrize("where", ["hook", "import"])
def test_a_plugin_calling_sys_exit_is_an_error_naming_it(tmp_path: Path, where: str) -> None:
    source = (
        "sys.exit(0)\n"
        if where == "import"
        else "@hookimpl\ndef register_evidence():\n    sys.exit(0)\n"
    )
    result = with_plugin(tmp_path, "quits", source, "report", "-o", "report.txt")
    expected = (
        "hook register_evidence: raised SystemExit: 0"
        if where == "hook"
        else f"cannot be loaded from {Path('plugins') / 'quits.py'}: SystemExit: 0"
    )
    assert_plugin_error(
        result, f"plugin 'quits', {expected}" if where == "hook" else f"plugin 'quits': {expected}"
    )
    assert files_in(tmp_path) == ["plugins"]


def test_what_a_plugin_prints_goes_to_standard_error(tmp_path: Path) -> None:
    source = (
        "print('loading the chatty plugin')\n"
        "@hookimpl\ndef register_evidence():\n    print('chatty: no evidence today')\n    return []\n"
    )
    result = with_plugin(tmp_path, "chatty", source, "report", "--format", "json", "--as-of", AS_OF)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["as_of"] == AS_OF
    assert "loading the chatty plugin\n" in result.stderr
    assert "chatty: no evidence today\n" in result.stderr


class Method:
    """A plugin whose aggregation method, 'odd', returns a given value."""

    __name__ = "odd-method"

    def __init__(self, value: Any) -> None:
        self.value = value

    @hookimpl
    def register_aggregations(self) -> dict[str, Any]:
        return {"odd": lambda values, weights: self.value}


AGENDA = collect_agenda(make_host(builtins=True))


def is_score(value: Any) -> bool:
    """A number from 0 to 100, give or take rounding (NaN is no number here)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        number = float(value)
    except OverflowError:
        return False
    return -SCORE_TOLERANCE <= number <= 100 + SCORE_TOLERANCE


@settings(max_examples=40, deadline=None)
@given(
    st.one_of(
        st.floats(),
        st.integers(-(10**400), 10**400),
        st.booleans(),
        st.none(),
        st.text(max_size=3),
        st.just([50.0]),
    )
)
def test_only_a_finite_number_from_0_to_100_is_taken_from_an_aggregation(value: Any) -> None:
    host = make_host(Method(value), builtins=True)
    options = RunOptions(as_of=dt.date(2025, 5, 1), criteria_aggregation="odd")
    valid = is_score(value)
    if valid:
        card = build_scorecard(AGENDA, host, options)
        assert all(p.score is None or 0 <= p.score <= 100 for p in card.priorities)
    else:
        with pytest.raises(PluginError) as caught:
            build_scorecard(AGENDA, host, options)
        assert (caught.value.plugin, caught.value.hook) == ("odd-method", "register_aggregations")


class Scorer:
    """A plugin scoring every criterion with an Assessment built without validation."""

    __name__ = "unchecked-scorer"

    def __init__(self, **fields: Any) -> None:
        self.fields = fields

    @hookimpl
    def score_criterion(self) -> Assessment:
        base: dict[str, Any] = {
            "score": 50.0,
            "level": None,
            "level_label": None,
            "evidence": (),
        }
        return Assessment.model_construct(**{**base, **self.fields})


@pytest.mark.parametrize(
    "fields",
    [
        {"score": math.nan},
        {"score": 1e308},
        {"distribution": ((50.0, -1.0),)},
        {"distribution": ((math.inf, 1.0),)},
    ],
    ids=["nan score", "huge score", "negative probability", "infinite score drawn"],
)
def test_an_assessment_built_without_validation_is_checked(fields: dict[str, Any]) -> None:
    host = make_host(Scorer(**fields), builtins=True)
    with pytest.raises(PluginError) as caught:
        build_scorecard(AGENDA, host, RunOptions(as_of=dt.date(2025, 5, 1)))
    assert (caught.value.plugin, caught.value.hook) == ("unchecked-scorer", "score_criterion")
    assert "for criterion" in str(caught.value)


class Records:
    """A plugin registering one evidence record built without validation."""

    __name__ = "unchecked-records"

    def __init__(self, **fields: Any) -> None:
        self.fields = fields

    @hookimpl
    def register_evidence(self) -> list[Evidence]:
        record = {
            "id": "test-unchecked",
            "subject": "CAN-JPN",
            "criterion": "security.intel-cyber",
            "date": "2025-01",
            "statement": "Test record.",
            "level": "declared",
            "kind": "declaratory",
            "source": Source(title="Test source"),
            "grade": "B2",
        }
        return [Evidence.model_construct(**{**record, **self.fields})]


@pytest.mark.parametrize(
    ("field", "value"),
    [("grade", "Z9"), ("date", "\uff12\uff10\uff12\uff15"), ("statement", "")],
)
def test_a_record_built_without_validation_is_checked(field: str, value: str) -> None:
    with pytest.raises(DataError) as caught:
        collect_agenda(make_host(Records(**{field: value}), builtins=True))
    [problem] = caught.value.problems
    assert (problem.plugin, problem.record, problem.field) == (
        "unchecked-records",
        "test-unchecked",
        field,
    )
    assert problem.file == "plugin 'unchecked-records' (register_evidence)"
