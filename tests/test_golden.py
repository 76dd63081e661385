"""Reports on the default data are byte-identical to the golden files, whatever the hash seed,
and the scores do not depend on the order in which evidence arrives."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

GOLDEN = Path(__file__).parent / "golden"
sys.path.insert(0, str(GOLDEN))
from update import AS_OF, FORMATS  # noqa: E402

CRITERIA = Path(__file__).parents[1] / "criteria" / "renewal_score_criteria"


def report(*args: str, cwd: Path, env: dict[str, str] | None = None) -> bytes:
    command = [sys.executable, "-m", "renewal_score", "report", "--as-of", AS_OF, *args]
    result = subprocess.run(command, cwd=cwd, capture_output=True, env=env, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("file_format", sorted(FORMATS))
@pytest.mark.parametrize("hash_seed", ["0", "4242"])
def test_report_matches_its_golden_file(tmp_path: Path, file_format: str, hash_seed: str) -> None:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    golden = (GOLDEN / f"report.{FORMATS[file_format]}").read_bytes()
    assert report("--format", file_format, cwd=tmp_path, env=env) == golden, (
        "run python tests/golden/update.py if the change of output is deliberate"
    )


def test_scores_do_not_depend_on_the_order_evidence_arrives(tmp_path: Path) -> None:
    exported = subprocess.run(
        [sys.executable, "-m", "renewal_score", "evidence", "--format", "jsonl"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    (tmp_path / "reversed.jsonl").write_text("\n".join(reversed(exported)) + "\n", encoding="utf-8")
    (tmp_path / "subjects.toml").write_text(
        '[[subjects]]\nid = "CAN-JPN"\ntitle = "Canada-Japan"\n\n'
        '[[subjects]]\nid = "AUS-JPN"\ntitle = "Australia-Japan"\n',
        encoding="utf-8",
    )
    files = [
        str(tmp_path / "subjects.toml"),
        *sorted(str(p) for p in CRITERIA.glob("*/criteria.toml")),
    ]
    args = [
        arg for path in [*files, str(tmp_path / "reversed.jsonl")] for arg in ("--evidence", path)
    ]
    env = {**os.environ, "RENEWAL_SCORE_PLUGINS": ""}  # only the data files: no built-in plugin
    shuffled = json.loads(report(*args, "--format", "json", cwd=tmp_path, env=env))
    golden = json.loads((GOLDEN / "report.json").read_bytes())
    assert shuffled["method"]["plugins"] != golden["method"]["plugins"]  # truly another route
    by_id = {p["id"]: p for p in shuffled["priorities"]}
    assert by_id == {p["id"]: p for p in golden["priorities"]}
    assert shuffled["overall"] == golden["overall"]
    # A JSON Lines file counts in the digest by the SHA-256 of its bytes (methodology §14).
    from_file = hashlib.sha256((tmp_path / "reversed.jsonl").read_bytes()).digest()
    expected = hashlib.sha256(b"[]" + from_file + b"[]").hexdigest()
    assert shuffled["manifest"]["evidence_sha256"] == expected
