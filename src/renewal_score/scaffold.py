"""``renewal-score new-plugin``: a ready-to-install criteria plugin package from templates.

The package works unchanged: ``pip install`` it and ``renewal-score plugins`` lists it,
``renewal-score report`` scores its criterion, and its own tests pass.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
from importlib import resources
from pathlib import Path
from string import Template

from renewal_score.errors import UsageError
from renewal_score.outputs import default_mode

NAME_PATTERN = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")
"""A plugin's name, matched whole (``$`` would let a final line feed through)."""

FILES = {
    "pyproject.toml": "pyproject.toml.tmpl",
    "README.md": "README.md.tmpl",
    "src/{module}/__init__.py": "module.py.tmpl",
    "src/{module}/data/criteria.toml": "criteria.toml.tmpl",
    "src/{module}/data/evidence.toml": "evidence.toml.tmpl",
    "tests/test_plugin.py": "test_plugin.py.tmpl",
}
"""Files of the new package (path templates) and the template each is made from."""


def new_plugin(
    name: str, parent: Path, *, subject: str | None, core_version: str, today: dt.date
) -> Path:
    """Write the plugin package ``parent/name`` and return its folder.

    ``subject`` is the subject the example evidence is about; when None, the package
    declares a subject of its own. Nothing is written if the folder exists already, and a
    failure half-way leaves nothing behind.
    """
    if not NAME_PATTERN.fullmatch(name):
        raise UsageError(
            f"plugin name {name!r} must be lowercase letters and digits, words joined by '-'"
        )
    target = parent / name
    if target.exists():
        raise UsageError(f"{target} exists already; choose another name or --dir")
    module = "renewal_score_" + name.replace("-", "_")
    own_subject = subject is None
    values = {
        "name": name,
        "title": name.replace("-", " ").capitalize(),
        "module": module,
        "distribution": f"renewal-score-{name}",
        "core_version": core_version,
        "subject": f"{name}-subject" if own_subject else subject,
        "subjects": (
            f'\n[[subjects]]\nid = "{name}-subject"\ntitle = "Replace with the subject\'s name"\n'
            if own_subject
            else ""
        ),
        "today": today.isoformat(),
    }
    templates = resources.files("renewal_score") / "templates" / "plugin"
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=parent, prefix=f".{name}."))
    try:
        for path, template in FILES.items():
            file = staging / path.format(module=module)
            file.parent.mkdir(parents=True, exist_ok=True)
            text = Template((templates / template).read_text(encoding="utf-8"))
            file.write_text(text.substitute(values), encoding="utf-8")
        staging.chmod(default_mode(0o777))  # mkdtemp makes the folder private
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target
