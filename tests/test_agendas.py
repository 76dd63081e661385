"""Agendas as a user and a plugin author meet them: one agenda scored at a time (the
built-in one by default), its declared aggregation (which the command line may override,
and the report states), user evidence replacing or leaving out the built-in evidence, and
hook wrappers around scoring."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

from renewal_score import hookimpl
from renewal_score.datafiles import DataPlugin
from renewal_score.errors import DataError, PluginError
from renewal_score.results import Assessment
from renewal_score.testing import StaticPlugin, agenda_of, check_plugin, run
from running import AS_OF, run_cli

HDI_FOLDER = Path(__file__).parent / "data" / "hdi"
HDI = DataPlugin(HDI_FOLDER)
HDI_AS_OF = "2022-12-31"


def cli_json(tmp_path: Path, *args: str | Path, env: dict[str, str] | None = None) -> Any:
    result = run_cli(*args, "--format", "json", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_built_in_agenda_is_scored_by_default_and_an_index_only_when_named(
    tmp_path: Path,
) -> None:
    default = cli_json(tmp_path, "report", "--as-of", AS_OF, "--evidence", HDI_FOLDER)
    assert default["method"]["agenda"] == "canada-japan"
    assert "hdi" not in {p["id"] for p in default["priorities"]}
    compared = cli_json(
        tmp_path, "compare", "--as-of", HDI_AS_OF, "--evidence", HDI_FOLDER, "--agenda", "hdi"
    )
    assert [row["subject"] for row in compared["subjects"]] == [
        "CHE",
        "NOR",
        "CAN",
        "JPN",
    ]  # as UNDP ranks them
    by_env = cli_json(
        tmp_path, "compare", "--as-of", HDI_AS_OF, "--evidence", HDI_FOLDER,
        env={"RENEWAL_SCORE_AGENDA": "hdi"},
    )  # fmt: skip
    assert by_env == compared


def test_an_index_declares_its_aggregation_and_the_report_states_an_override(
    tmp_path: Path,
) -> None:
    args = ("report", "--as-of", HDI_AS_OF, "--evidence", HDI_FOLDER, "--agenda", "hdi")
    declared = cli_json(tmp_path, *args, "--subject", "CHE")
    assert declared["priorities"][0]["score"] == pytest.approx(96.2, abs=0.1)  # UNDP: 0.962
    assert declared["method"]["aggregation"] == (
        "criteria: geometric; priorities: arithmetic, as the agenda declares"
    )
    overridden = cli_json(tmp_path, *args, "--subject", "CHE", "--aggregation", "arithmetic")
    assert overridden["method"]["aggregation"] == (
        "arithmetic, given for this run (the agenda declares criteria: geometric; "
        "priorities: arithmetic)"
    )
    text = run_cli(*args, "--aggregation", "arithmetic", cwd=tmp_path).stdout
    assert "Aggregation: arithmetic, given for this run" in text


def test_an_unknown_agenda_is_a_usage_error_with_a_hint(tmp_path: Path) -> None:
    result = run_cli("report", "--agenda", "canada-japn", cwd=tmp_path)
    assert result.returncode == 2
    assert "unknown agenda 'canada-japn'; did you mean 'canada-japan'?" in result.stderr


def test_a_priority_of_an_undeclared_agenda_is_located() -> None:
    plugin = StaticPlugin(priorities=[{"id": "p", "title": "P", "agenda": "nowhere"}])
    with pytest.raises(DataError) as raised:
        agenda_of(plugin)
    assert [str(p) for p in raised.value.problems] == [
        "plugin 'staticplugin-1': record p: agenda: 'nowhere' is not defined by any plugin"
    ]


def test_priorities_without_an_agenda_join_the_first_declared() -> None:
    own = StaticPlugin(priorities=[{"id": "extra", "title": "Extra"}])
    agenda = agenda_of(own, builtins=True)
    assert agenda.definition.id == "canada-japan"
    assert "extra" in agenda.priorities


def test_an_edited_export_replaces_the_built_in_records_with_replace(tmp_path: Path) -> None:
    export = tmp_path / "all.jsonl"
    assert run_cli("evidence", "--format", "jsonl", "-o", export, cwd=tmp_path).returncode == 0
    lines = export.read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    edited = {**first, "grade": "F6" if first["grade"] != "F6" else "A1"}
    export.write_text("\n".join([json.dumps(edited), *lines[1:]]) + "\n", encoding="utf-8")
    duplicate = run_cli("report", "--evidence", export, cwd=tmp_path)
    assert duplicate.returncode == 1
    assert "duplicate evidence id, also defined (differently)" in duplicate.stderr
    assert run_cli("validate", "--replace", export, cwd=tmp_path).returncode == 0
    card = cli_json(tmp_path, "report", "--as-of", AS_OF, "--evidence", export, "--replace")
    assert card["manifest"]["replaced"] == [first["id"]]
    assert any(first["id"] in w and "--replace" in w for w in card["warnings"])


def test_the_built_in_evidence_may_be_left_out(tmp_path: Path) -> None:
    export = tmp_path / "all.jsonl"
    assert run_cli("evidence", "--format", "jsonl", "-o", export, cwd=tmp_path).returncode == 0
    args = ("report", "--as-of", AS_OF)
    alone = cli_json(tmp_path, *args, "--no-builtin-evidence")
    assert alone["overall"]["evidence_count"] == 0
    assert alone["manifest"]["builtin_evidence"] is False
    assert any("--no-builtin-evidence" in w for w in alone["warnings"])
    mine = cli_json(tmp_path, *args, "--no-builtin-evidence", "--evidence", export)
    builtin = cli_json(tmp_path, *args)
    assert mine["priorities"] == builtin["priorities"]


class Capped:
    """A hook wrapper around every scorer: caps each criterion's score at 50."""

    calls = 0

    @hookimpl(wrapper=True)
    def score_criterion(self) -> Generator[None, Assessment | None, Assessment | None]:
        Capped.calls += 1
        result = yield
        if result is None or result.score is None or result.score <= 50:
            return result
        return result.model_copy(update={"score": 50.0})


def test_a_hook_wrapper_wraps_pluggys_first_result_call() -> None:
    card = run(HDI, Capped(), as_of=dt.date(2022, 12, 31), subject="CHE")
    scores = [c.score for c in card.priorities[0].criteria]
    assert scores == [50.0, 50.0, 50.0]
    assert Capped.calls == 3
    assert {c.scored_by for c in card.priorities[0].criteria} == {"renewal_score.scoring"}


class Failing:
    @hookimpl(wrapper=True)
    def score_criterion(self) -> Generator[None, Assessment | None, Assessment | None]:
        yield
        raise RuntimeError("boom")


def test_a_failing_hook_wrapper_is_reported_by_plugin_and_hook() -> None:
    with pytest.raises(PluginError) as raised:
        run(HDI, Failing(), as_of=dt.date(2022, 12, 31), subject="CHE")
    assert (
        str(raised.value) == "plugin 'failing-2', hook score_criterion: raised RuntimeError: boom"
    )


def test_check_plugin_covers_indicators() -> None:
    check_plugin(HDI, max_examples=15)


class Backwards:
    """Scores an indicator by its lowest observation: a newer, better value can lower it."""

    @hookimpl
    def score_criterion(self, criterion: Any, observations: Any) -> Assessment | None:
        if criterion.indicator is None or not observations:
            return None
        score = min(100.0, max(0.0, 100.0 - observations[-1].value))
        return Assessment(score=score, level=None, level_label=None, evidence=())


def test_check_plugin_finds_an_indicator_scorer_that_a_better_value_lowers() -> None:
    with pytest.raises(AssertionError, match="lowered"):
        check_plugin(HDI, Backwards(), max_examples=30)


def test_plugins_counts_observations(tmp_path: Path) -> None:
    folder = tmp_path / "plugins" / "hdi_index"
    shutil.copytree(HDI_FOLDER, folder / "data")
    (folder / "__init__.py").write_text(
        "from pathlib import Path\n\nfrom renewal_score.datafiles import DataPlugin\n\n"
        "plugin = DataPlugin(Path(__file__).parent / 'data')\n"
        "register_agendas = plugin.register_agendas\nregister_subjects = plugin.register_subjects\n"
        "register_priorities = plugin.register_priorities\n"
        "register_criteria = plugin.register_criteria\n"
        "register_observations = plugin.register_observations\n",
        encoding="utf-8",
    )
    rows = cli_json(tmp_path, "plugins", "--plugins-dir", folder.parent)
    row = next(r for r in rows if r["name"] == "hdi_index")
    assert (row["agendas"], row["observations"], row["evidence"]) == (["hdi"], 16, 0)


def test_an_agenda_declaring_an_unknown_aggregation_is_named(tmp_path: Path) -> None:
    data = tmp_path / "index.toml"
    data.write_text(
        '[[agendas]]\nid = "idx"\ntitle = "Index"\ncriteria_aggregation = "harmonic"\n',
        encoding="utf-8",
    )
    result = run_cli("report", "--evidence", data, "--agenda", "idx", cwd=tmp_path)
    assert result.returncode == 2
    assert "agenda 'idx' declares unknown aggregation 'harmonic' (known: " in result.stderr
