"""A fresh virtual environment with packages installed from source, for tests that use the
command line as a user who installed renewal-score (and plugins) would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

INSTALL_TIMEOUT = 600
RUN_TIMEOUT = 180


class Venv:
    """A virtual environment at ``base/venv``, whose commands run from ``base/work``."""

    def __init__(self, base: Path) -> None:
        self.root = base / "venv"
        self.workdir = base / "work"
        self.bin = self.root / ("Scripts" if os.name == "nt" else "bin")

    @classmethod
    def create(cls, base: Path, *packages: str) -> Venv:
        """Make the environment (without system site-packages) and pip-install ``packages``."""
        environment = cls(base)
        environment.workdir.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "venv", str(environment.root)],
            check=True,
            timeout=INSTALL_TIMEOUT,
        )
        environment.run(
            "python",
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            *packages,
            timeout=INSTALL_TIMEOUT,
        )
        return environment

    def env(self, **extra: str) -> dict[str, str]:
        """This process's environment, pointed at the venv, without settings that leak in."""
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "RENEWAL_SCORE_PLUGINS"}
        }
        env["PATH"] = os.pathsep.join([str(self.bin), env.get("PATH", "")])
        env.update(extra)
        return env

    def run(
        self,
        program: str,
        *args: str,
        cwd: Path | None = None,
        env: dict[str, str] | None = None,
        timeout: float = RUN_TIMEOUT,
    ) -> subprocess.CompletedProcess[str]:
        """Run one of the venv's programs; fail the test, with its output, if it fails."""
        result = subprocess.run(
            [str(self.bin / program), *args],
            cwd=cwd or self.workdir,
            env=env if env is not None else self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        assert result.returncode == 0, (
            f"{program} {' '.join(args)} exited {result.returncode}\n"
            f"--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"
        )
        return result

    def renewal_score_json(self, *args: str, **env: str) -> Any:
        """Run renewal-score with extra environment variables and parse its JSON output."""
        return json.loads(self.run("renewal-score", *args, env=self.env(**env)).stdout)
