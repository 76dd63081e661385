"""Writing outputs safely: atomically, and with the permissions a plain write would give."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def default_mode(base: int = 0o666) -> int:
    """``base`` less the process's umask: the mode a newly created file or folder gets."""
    umask = os.umask(0)
    os.umask(umask)
    return base & ~umask


def write_atomically(path: Path, text: str) -> None:
    """Write text to path via a temporary file in the same folder, then rename it over path.

    A failure never leaves a partial file, and never truncates or replaces a good one.
    """
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        # mkstemp makes the file private; keep an existing file's mode, or use the usual one.
        os.chmod(temporary, path.stat().st_mode & 0o777 if path.exists() else default_mode())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
