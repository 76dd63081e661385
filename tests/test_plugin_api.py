"""The plugin API as a plugin author meets it: ``--plugins-dir`` folders, the ``plugins``
listing, the RENEWAL_SCORE_PLUGINS allowlist, what each kind of plugin mistake looks like
with and without ``--keep-going``, the aggregation and format hooks, and
``renewal_score.testing.check_plugin``.

The command line runs in a subprocess, as a user runs it; plugins are written into tmp_path.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import Phase, settings

from renewal_score import hookimpl
from renewal_score.models import Criterion, Evidence
from renewal_score.plugins import CORE_PLUGINS
from renewal_score.results import Assessment
from renewal_score.testing import StaticPlugin, check_plugin
from running import BUILTIN_NAMES

CONSOLE_SCRIPT = Path(sys.executable).with_name("renewal-score")
AS_OF = "2025-05-01"
BUILTIN_PRIORITIES = {"security", "minerals-energy", "coercion-resilience"}
LISTING_KEYS = {
    "left_out",
    "name",
    "version",
    "source",
    "location",
    "hooks",
    "agendas",
    "priorities",
    "criteria",
    "evidence",
    "observations",
}

RUBRIC = (
    '[{"id": "none", "label": "None", "description": "Nothing has happened yet."}, '
    '{"id": "done", "label": "Done", "description": "It has been done."}]'
)
"""A two-level rubric, as Python source for the plugins written below."""


def cli(
    *args: str, cwd: Path, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run renewal-score; RENEWAL_SCORE_PLUGINS comes only from ``env``, never from the caller."""
    environment = {k: v for k, v in os.environ.items() if k != "RENEWAL_SCORE_PLUGINS"}
    environment.update(env or {})
    return subprocess.run(
        [str(CONSOLE_SCRIPT), *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stderr}"
    return result.stdout


def json_of(*args: str, cwd: Path, env: Mapping[str, str] | None = None) -> Any:
    """Run renewal-score with ``--format json``; fail the test if it fails; parse the output."""
    return json.loads(ok(cli(*args, "--format", "json", cwd=cwd, env=env)))


def write_plugins(folder: Path, files: Mapping[str, str]) -> Path:
    """Write plugin files (paths relative to ``folder``, source dedented) and return folder."""
    for name, source in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source).lstrip(), encoding="utf-8")
    return folder


def priority_plugin(priority: str, *, criterion: str | None = None) -> str:
    """Source of a plugin adding a priority, one criterion and one record about CAN-JPN."""
    criterion = criterion or f"{priority}.only"
    return f"""
        from renewal_score import hookimpl

        @hookimpl
        def register_priorities():
            return [{{"id": "{priority}", "title": "Tutorial priority {priority}"}}]

        @hookimpl
        def register_criteria():
            return [{{"id": "{criterion}", "priority": "{priority}", "title": "Only",
                     "rubric": {RUBRIC}}}]

        @hookimpl
        def register_evidence():
            return [{{"id": "{priority}-1", "subject": "CAN-JPN", "criterion": "{criterion}",
                     "date": "2025-01", "statement": "Tutorial record: it was done.",
                     "level": "done", "kind": "concrete", "source": {{"title": "Tutorial"}},
                     "grade": "B2"}}]
    """


def names_in_method(report: Mapping[str, Any]) -> list[str]:
    """Plugin names of a JSON report's method.plugins, whose entries read "name version"."""
    return [entry.split()[0] for entry in report["method"]["plugins"]]


# --------------------------------------------------------------------------------------------
# Loading from --plugins-dir, and the plugins listing


PACKAGE_PLUGIN = {
    "rare_earths/__init__.py": """
        \"\"\"A package-style plugin: its records live in a sibling module.\"\"\"

        from renewal_score import hookimpl

        from .records import CRITERIA, EVIDENCE, PRIORITIES


        @hookimpl
        def register_priorities():
            return PRIORITIES


        @hookimpl
        def register_criteria():
            return CRITERIA


        @hookimpl
        def register_evidence():
            return EVIDENCE
    """,
    "rare_earths/records.py": f"""
        PRIORITIES = [{{"id": "rare-earths", "title": "Tutorial: rare earths"}}]
        CRITERIA = [
            {{
                "id": "rare-earths.refining",
                "priority": "rare-earths",
                "title": "Refining",
                "rubric": {RUBRIC},
            }}
        ]
        EVIDENCE = [
            {{
                "id": "rare-earths-1",
                "subject": "CAN-JPN",
                "criterion": "rare-earths.refining",
                "date": "2025-02",
                "statement": "Tutorial record: a refinery opened.",
                "level": "done",
                "kind": "concrete",
                "source": {{"title": "Tutorial"}},
                "grade": "A1",
            }}
        ]
    """,
}


def test_a_package_plugin_loads_with_its_relative_imports(tmp_path: Path) -> None:
    folder = write_plugins(tmp_path / "plugins", PACKAGE_PLUGIN)
    report = json_of("report", "--plugins-dir", str(folder), "--as-of", AS_OF, cwd=tmp_path)
    priority = next(p for p in report["priorities"] if p["id"] == "rare-earths")
    (criterion,) = priority["criteria"]
    assert criterion["id"] == "rare-earths.refining"
    assert criterion["score"] == pytest.approx(100.0)  # one A1 record at the top level
    assert criterion["evidence"] == ["rare-earths-1"]
    assert "rare_earths" in names_in_method(report)


def test_a_missing_plugins_dir_is_a_usage_error(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder"
    result = cli("report", "--plugins-dir", str(missing), "--as-of", AS_OF, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert str(missing) in result.stderr
    assert "plugin '" not in result.stderr


def test_plugins_json_describes_every_plugin(tmp_path: Path) -> None:
    folder = write_plugins(tmp_path / "plugins", PACKAGE_PLUGIN)
    rows = json.loads(
        ok(cli("plugins", "--plugins-dir", str(folder), "--format", "json", cwd=tmp_path))
    )
    for row in rows:
        assert set(row) == LISTING_KEYS, row
        assert isinstance(row["name"], str)
        assert row["name"]
        assert isinstance(row["version"], str)
        assert isinstance(row["location"], str)
        assert row["location"]
        assert isinstance(row["evidence"], int)
        for key in ("hooks", "priorities", "criteria"):
            assert isinstance(row[key], list), (row["name"], key)
    by_name = {row["name"]: row for row in rows}
    assert [row["name"] for row in rows[: len(CORE_PLUGINS)]] == list(CORE_PLUGINS)
    assert {by_name[name]["source"] for name in CORE_PLUGINS} == {"core"}
    assert by_name["renewal_score.scoring"]["hooks"] == ["score_criterion"]
    for name in BUILTIN_NAMES:
        assert by_name[name]["source"] == "built-in"
        assert by_name[name]["version"]
        assert "register_criteria" in by_name[name]["hooks"]
        assert by_name[name]["evidence"] > 0
    assert {p for name in BUILTIN_NAMES for p in by_name[name]["priorities"]} == (
        BUILTIN_PRIORITIES
    )
    package = by_name["rare_earths"]
    assert package["source"] == "folder"
    assert Path(package["location"]) == folder / "rare_earths"
    assert package["hooks"] == ["register_criteria", "register_evidence", "register_priorities"]
    assert package["priorities"] == ["rare-earths"]
    assert package["criteria"] == ["rare-earths.refining"]
    assert package["evidence"] == 1


def test_plugins_table_lists_the_same_plugins(tmp_path: Path) -> None:
    folder = write_plugins(tmp_path / "plugins", PACKAGE_PLUGIN)
    table = ok(cli("plugins", "--plugins-dir", str(folder), cwd=tmp_path))
    header, rule, *rows = table.splitlines()
    assert header.split() == [
        "name",
        "version",
        "source",
        "hooks",
        "agendas,",
        "priorities,",
        "criteria",
        "evidence",
        "observations",
    ]
    assert set(rule) <= {"-", " "}
    names = [row.split()[0] for row in rows if row and not row.startswith(" ")]
    assert names == [*CORE_PLUGINS, *BUILTIN_NAMES, "rare_earths"]


def test_allowlist_restricts_what_loads_and_the_report_names_exactly_those(
    tmp_path: Path,
) -> None:
    folder = write_plugins(
        tmp_path / "plugins",
        {"alpha.py": priority_plugin("alpha"), "beta.py": priority_plugin("beta")},
    )
    allowed = {"RENEWAL_SCORE_PLUGINS": " renewal_score_criteria.security, alpha "}
    rows = json.loads(
        ok(
            cli(
                "plugins",
                "--plugins-dir",
                str(folder),
                "--format",
                "json",
                cwd=tmp_path,
                env=allowed,
            )
        )
    )
    expected = [*CORE_PLUGINS, "renewal_score_criteria.security", "alpha"]
    assert [row["name"] for row in rows] == expected
    report = json_of(
        "report", "--plugins-dir", str(folder), "--as-of", AS_OF, cwd=tmp_path, env=allowed
    )
    assert names_in_method(report) == expected
    assert {p["id"] for p in report["priorities"]} == {"security", "alpha"}


def test_without_the_allowlist_every_plugin_loads(tmp_path: Path) -> None:
    folder = write_plugins(
        tmp_path / "plugins",
        {"alpha.py": priority_plugin("alpha"), "beta.py": priority_plugin("beta")},
    )
    report = json_of("report", "--plugins-dir", str(folder), "--as-of", AS_OF, cwd=tmp_path)
    assert names_in_method(report) == [*CORE_PLUGINS, *BUILTIN_NAMES, "alpha", "beta"]
    assert {p["id"] for p in report["priorities"]} == BUILTIN_PRIORITIES | {"alpha", "beta"}


MEASURED_PLUGIN = {
    "trade_share.py": """
        from renewal_score import hookimpl


        @hookimpl
        def register_priorities():
            return [{"id": "trade-share", "title": "Tutorial: trade share"}]


        @hookimpl
        def register_criteria():
            return [
                {
                    "id": "trade-share.japan",
                    "priority": "trade-share",
                    "title": "Japan's share of Canada's exports",
                    "indicator": {"components": [{"id": "share", "unit": "%", "goalposts": [0, 50]}]},
                }
            ]


        @hookimpl
        def register_observations():
            return [
                {"id": f"trade-share-{year}", "subject": "CAN-JPN", "criterion": "trade-share.japan",
                 "component": "share", "date": str(year), "value": value,
                 "source": {"title": "Tutorial (synthetic figures)"}, "grade": "A1"}
                for year, value in [(2022, 10.0), (2023, 20.0)]
            ]
    """,
}


def test_observations_from_a_plugin_score_its_quantitative_criterion(tmp_path: Path) -> None:
    folder = write_plugins(tmp_path / "plugins", MEASURED_PLUGIN)

    def criterion(as_of: str) -> dict[str, Any]:
        report = json_of("report", "--plugins-dir", str(folder), "--as-of", as_of, cwd=tmp_path)
        priority = next(p for p in report["priorities"] if p["id"] == "trade-share")
        (only,) = priority["criteria"]
        return only

    latest = criterion(AS_OF)
    assert latest["score"] == pytest.approx(
        40.0
    )  # the latest value, 20, between goalposts 0 and 50
    assert latest["evidence"] == ["trade-share-2023"]
    earlier = criterion("2023-06-30")  # the 2023 figure counts from the end of 2023
    assert earlier["score"] == pytest.approx(20.0)
    assert earlier["evidence"] == ["trade-share-2022"]
    rows = json.loads(
        ok(cli("plugins", "--plugins-dir", str(folder), "--format", "json", cwd=tmp_path))
    )
    row = next(r for r in rows if r["name"] == "trade_share")
    assert "register_observations" in row["hooks"]


# --------------------------------------------------------------------------------------------
# Plugin mistakes: a message naming the plugin and hook, exit 1; --keep-going leaves them out


@dataclass(frozen=True)
class Mistake:
    plugin: str
    source: str
    hook: str | None
    says: Sequence[str]
    """Fragments of the message, besides the plugin's name and hook, that point at the fix."""


MISTAKES = {
    "fails to import": Mistake(
        "broken_import",
        "import renewal_score_no_such_module\n",
        None,
        ["cannot be loaded", "No module named 'renewal_score_no_such_module'"],
    ),
    "raises in a hook": Mistake(
        "raising",
        """
        from renewal_score import hookimpl

        @hookimpl
        def register_evidence():
            raise RuntimeError("the evidence feed is down")
        """,
        "register_evidence",
        ["RuntimeError: the evidence feed is down"],
    ),
    "returns the wrong type": Mistake(
        "wrong_type",
        f"""
        from renewal_score import hookimpl

        @hookimpl
        def register_criteria():
            return {{"id": "coercion.tutorial", "priority": "coercion-resilience",
                    "title": "A record, not a list of them", "rubric": {RUBRIC}}}
        """,
        "register_criteria",
        ["returned dict", "expected a list of Criterion"],
    ),
    "returns an invalid record": Mistake(
        "invalid_record",
        """
        from renewal_score import hookimpl

        @hookimpl
        def register_evidence():
            return [{"id": "tutorial-invalid-1", "subject": "CAN-JPN",
                     "criterion": "coercion.trade-architecture", "date": "2025-01",
                     "statement": "Tutorial record: graded out of range.", "level": "signed",
                     "kind": "declaratory", "source": {"title": "Tutorial"}, "grade": "Z9"}]
        """,
        "register_evidence",
        ["tutorial-invalid-1", "grade", "'Z9' is not valid"],
    ),
    "redefines another plugin's criterion": Mistake(
        "duplicate",
        f"""
        from renewal_score import hookimpl

        @hookimpl
        def register_criteria():
            return [{{"id": "coercion.trade-architecture", "priority": "coercion-resilience",
                     "title": "Another definition", "rubric": {RUBRIC}}}]
        """,
        None,
        [
            "coercion.trade-architecture",
            "duplicate criterion id",
            "'renewal_score_criteria.coercion_resilience'",
        ],
    ),
    "misspells a hook": Mistake(
        "misspelt",
        """
        from renewal_score import hookimpl

        @hookimpl
        def register_critera():
            return []
        """,
        None,
        ["unknown hook 'register_critera'", "did you mean 'register_criteria'?"],
    ),
    "scores with a non-Assessment": Mistake(
        "bad_scorer",
        """
        from renewal_score import hookimpl

        @hookimpl
        def score_criterion(criterion):
            if criterion.id == "coercion.trade-architecture":
                return {"score": 50.0}
            return None
        """,
        "score_criterion",
        ["returned dict", "coercion.trade-architecture", "expected an Assessment or None"],
    ),
}


@pytest.fixture(params=list(MISTAKES), ids=list(MISTAKES))
def mistake(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Mistake, Path]:
    found = MISTAKES[request.param]
    return found, write_plugins(tmp_path / "plugins", {f"{found.plugin}.py": found.source})


def test_a_plugin_mistake_is_reported_by_plugin_and_hook(
    mistake: tuple[Mistake, Path], tmp_path: Path
) -> None:
    found, folder = mistake
    result = cli("report", "--plugins-dir", str(folder), "--as-of", AS_OF, cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert f"plugin '{found.plugin}'" in result.stderr
    if found.hook is not None:
        assert found.hook in result.stderr
    for fragment in found.says:
        assert fragment in result.stderr


def test_keep_going_leaves_the_plugin_out_and_scores_the_rest(
    mistake: tuple[Mistake, Path], tmp_path: Path
) -> None:
    found, folder = mistake
    args = ("report", "--plugins-dir", str(folder), "--as-of", AS_OF, "--keep-going")
    report = json.loads(ok(cli(*args, "--format", "json", cwd=tmp_path)))
    (skipped,) = report["skipped_plugins"]
    assert skipped["name"] == found.plugin
    for fragment in found.says:
        assert fragment in skipped["reason"]
    assert found.plugin not in names_in_method(report)
    priorities = {p["id"]: p for p in report["priorities"]}
    assert set(priorities) == BUILTIN_PRIORITIES
    for priority in priorities.values():
        assert priority["score"] is not None, priority["id"]
        assert all(c["scored_by"] == "renewal_score.scoring" for c in priority["criteria"])
    text = ok(cli(*args, cwd=tmp_path))
    assert f"Left out, so not scored: plugin '{found.plugin}'" in text


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    found = MISTAKES["raises in a hook"]
    folder = write_plugins(tmp_path / "plugins", {f"{found.plugin}.py": found.source})
    result = cli("--debug", "report", "--plugins-dir", str(folder), "--as-of", AS_OF, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    assert "Traceback (most recent call last)" in result.stderr
    assert "raise RuntimeError" in result.stderr  # the plugin's own line
    assert result.stderr.rstrip().endswith(
        "plugin 'raising', hook register_evidence: raised RuntimeError: the evidence feed is down"
    )


FORMAT_FAILS = {
    "raising_format.py": """
        from renewal_score import hookimpl

        @hookimpl
        def register_formats():
            raise RuntimeError("no renderer today")
    """,
}


def test_keep_going_leaves_out_a_plugin_whose_formats_hook_fails(tmp_path: Path) -> None:
    folder = write_plugins(tmp_path / "plugins", FORMAT_FAILS)
    args = ("report", "--plugins-dir", str(folder), "--as-of", AS_OF)
    failed = cli(*args, cwd=tmp_path)
    assert failed.returncode == 1
    assert "plugin 'raising_format', hook register_formats: raised RuntimeError" in failed.stderr
    result = cli(*args, "--keep-going", "--format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert [s["name"] for s in json.loads(result.stdout)["skipped_plugins"]] == ["raising_format"]


def test_plugins_listing_with_keep_going_leaves_out_a_failing_plugin(tmp_path: Path) -> None:
    found = MISTAKES["raises in a hook"]
    folder = write_plugins(tmp_path / "plugins", {f"{found.plugin}.py": found.source})
    args = ("plugins", "--plugins-dir", str(folder), "--keep-going")
    result = cli(*args, "--format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert found.plugin not in {row["name"] for row in rows if row["left_out"] is None}
    left_out = next(row for row in rows if row["name"] == found.plugin)
    assert "the evidence feed is down" in left_out["left_out"]  # not left out silently
    assert {p for row in rows for p in row.get("priorities", [])} == BUILTIN_PRIORITIES
    table = cli(*args, cwd=tmp_path)
    assert table.returncode == 0, table.stderr
    assert f"'{found.plugin}'" in table.stdout
    assert "the evidence feed is down" in table.stdout


# --------------------------------------------------------------------------------------------
# Aggregations and formats from a plugin


METHODS_PLUGIN = {
    "methods.py": """
        import statistics

        from renewal_score import hookimpl


        def weighted_median(values, weights):
            ordered = sorted(zip(values, weights))
            total = 0.0
            for value, weight in ordered:
                total += weight
                if total >= 0.5:
                    return value
            return ordered[-1][0]


        def priority_csv(card):
            rows = [f"{p.id},{'' if p.score is None else p.score}" for p in card.priorities]
            return "priority,score\\n" + "\\n".join(rows) + "\\n"


        @hookimpl
        def register_aggregations():
            return {"median": weighted_median}


        @hookimpl
        def register_formats():
            return {"priority-csv": priority_csv}
    """,
}


def test_a_format_from_a_plugin_is_usable_with_report_format(tmp_path: Path) -> None:
    folder = write_plugins(tmp_path / "plugins", METHODS_PLUGIN)
    args = ("report", "--plugins-dir", str(folder), "--as-of", AS_OF)
    output = ok(cli(*args, "--format", "priority-csv", cwd=tmp_path))
    header, *rows = output.splitlines()
    assert header == "priority,score"
    report = json.loads(ok(cli(*args, "--format", "json", cwd=tmp_path)))
    assert rows == [f"{p['id']},{p['score']}" for p in report["priorities"]]


def test_an_unknown_format_names_the_plugin_formats_too(tmp_path: Path) -> None:
    folder = write_plugins(tmp_path / "plugins", METHODS_PLUGIN)
    result = cli(
        "report",
        "--plugins-dir",
        str(folder),
        "--as-of",
        AS_OF,
        "--format",
        "priority-cvs",
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert "did you mean 'priority-csv'?" in result.stderr


def test_an_aggregation_from_a_plugin_is_usable(tmp_path: Path) -> None:
    folder = write_plugins(tmp_path / "plugins", METHODS_PLUGIN)
    args = ("report", "--plugins-dir", str(folder), "--as-of", AS_OF, "--format", "json")
    median = json.loads(ok(cli(*args, "--aggregation", "median", cwd=tmp_path)))
    assert median["method"]["aggregation"] == (
        "median, given for this run (the agenda declares arithmetic)"
    )
    for priority in median["priorities"]:
        rated = [c["score"] for c in priority["criteria"] if c["score"] is not None]
        assert priority["score"] in rated  # a weighted median is one of the values
    mean = json.loads(ok(cli(*args, cwd=tmp_path)))
    assert mean["method"]["aggregation"] == "arithmetic, as the agenda declares"


def test_an_aggregation_name_clash_names_both_plugins(tmp_path: Path) -> None:
    folder = write_plugins(
        tmp_path / "plugins",
        {
            "clash.py": """
                from renewal_score import hookimpl

                @hookimpl
                def register_aggregations():
                    return {"arithmetic": lambda values, weights: 0.0}
            """
        },
    )
    result = cli("report", "--plugins-dir", str(folder), "--as-of", AS_OF, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert "plugin 'clash', hook register_aggregations" in result.stderr
    assert (
        "aggregation 'arithmetic' is already registered by plugin 'renewal_score.aggregation'"
        in result.stderr
    )


FAILING_FUNCTIONS = {
    "failing_functions.py": """
        from renewal_score import hookimpl


        def broken_renderer(card):
            raise ValueError("renderer bug")


        def broken_aggregation(values, weights):
            raise ZeroDivisionError("aggregation bug")


        @hookimpl
        def register_formats():
            return {"broken": broken_renderer}


        @hookimpl
        def register_aggregations():
            return {"broken": broken_aggregation}
    """,
}


def test_a_renderer_that_raises_is_a_plugin_error(tmp_path: Path) -> None:
    folder = write_plugins(tmp_path / "plugins", FAILING_FUNCTIONS)
    result = cli(
        "report", "--plugins-dir", str(folder), "--as-of", AS_OF, "--format", "broken", cwd=tmp_path
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert "plugin 'failing_functions', hook register_formats" in result.stderr
    assert "renderer bug" in result.stderr


def test_an_aggregation_that_raises_is_a_plugin_error(tmp_path: Path) -> None:
    folder = write_plugins(tmp_path / "plugins", FAILING_FUNCTIONS)
    result = cli(
        "report",
        "--plugins-dir",
        str(folder),
        "--as-of",
        AS_OF,
        "--aggregation",
        "broken",
        cwd=tmp_path,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert "plugin 'failing_functions', hook register_aggregations" in result.stderr
    assert "aggregation bug" in result.stderr


# --------------------------------------------------------------------------------------------
# renewal_score.testing.check_plugin


def test_check_plugin_passes_for_the_builtins() -> None:
    check_plugin(builtins=True, max_examples=20)


class FadingScorer(StaticPlugin):
    """A plugin whose own scorer is wrong: every record, even an advance, lowers the score."""

    @hookimpl
    def score_criterion(
        self, criterion: Criterion, evidence: Sequence[Evidence]
    ) -> Assessment | None:
        if criterion.id != "fading.only":
            return None
        return Assessment(
            score=max(0.0, 100.0 - 10.0 * len(evidence)),
            level=None,
            level_label=None,
            evidence=tuple(record.id for record in evidence),
        )


@pytest.fixture
def without_explain_phase() -> Iterator[None]:
    """Hypothesis's explain phase re-runs check_plugin's costly strategies ~900 times after a
    failure (about 30 s); the failure itself is found and shrunk in well under a second."""
    settings.register_profile("test-plugin-api-before", settings.default)
    phases = [p for p in settings.default.phases if p is not Phase.explain]
    settings.register_profile(
        "test-plugin-api-no-explain", settings(settings.default, phases=phases)
    )
    settings.load_profile("test-plugin-api-no-explain")
    yield
    settings.load_profile("test-plugin-api-before")


@pytest.mark.usefixtures("without_explain_phase")
def test_check_plugin_fails_for_a_scorer_that_an_advance_lowers() -> None:
    plugin = FadingScorer(
        priorities=[{"id": "fading", "title": "Fading"}],
        criteria=[
            {
                "id": "fading.only",
                "priority": "fading",
                "title": "Only",
                "rubric": [
                    {"id": "none", "label": "None", "description": "Nothing."},
                    {"id": "done", "label": "Done", "description": "Done."},
                ],
            }
        ],
    )
    with pytest.raises(AssertionError, match=r"a concrete advance lowered fading\.only"):
        check_plugin(plugin, max_examples=50)
