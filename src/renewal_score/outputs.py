"""Writing an output file (``-o``) without ever leaving a partial one, or destroying what the
path names.

- A regular file, or a path that does not exist yet, is replaced atomically: the text goes
  to a temporary file beside it, which is then renamed over it. A symlink is followed, and
  the file it points to is replaced; the link stays.
- Anything else (a terminal or other character device, a FIFO, a socket) is written to
  directly, as a shell's ``>`` would: renaming a file over ``/dev/null`` would replace the
  device, and a FIFO's reader would get nothing.
- The path of this process's standard output (``/dev/stdout``) is written to there.

Every failure is an ``OutputError`` naming the path given, never the temporary file.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import stat
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

from renewal_score.errors import OutputError

TEMPORARY_SUFFIX = ".renewal-score-tmp"
"""The end of a temporary file's name: ``.NAME.XXXXXXXX.renewal-score-tmp`` beside NAME."""

STARTED = time.time()
"""When this process started, near enough (when it imported this module): a temporary file
of an output last changed before then belongs to no write still under way in it."""

STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)
"""Signals that ask a process to stop, and that it can catch to clean up first."""


def default_mode(base: int = 0o666) -> int:
    """``base`` less the process's umask: the mode a newly created file or folder gets."""
    umask = os.umask(0)
    os.umask(umask)
    return base & ~umask


def write_output(path: Path, text: str) -> None:
    """Write ``text`` as UTF-8 to ``path``: atomically if it is a regular file or a new
    path, directly if it is a device, FIFO or socket; OutputError if that fails."""
    data = text.encode("utf-8", errors="backslashreplace")
    try:
        _write(path, data)
    except OSError as error:
        raise OutputError(f"cannot write {path}: {error.strerror or error}") from None


def _write(path: Path, data: bytes) -> None:
    try:
        status: os.stat_result | None = path.stat()  # of the file a symlink points to
    except FileNotFoundError:
        status = None
    if status is not None and _is_standard_output(status):
        sys.stdout.flush()  # nothing is printed before the output, but keep the order if it is
        _write_all(sys.stdout.fileno(), data)
    elif status is None or stat.S_ISREG(status.st_mode):
        _replace(Path(os.path.realpath(path)), data)
    else:
        _write_in_place(path, data)


def _is_standard_output(status: os.stat_result) -> bool:
    try:
        return os.path.samestat(status, os.fstat(sys.stdout.fileno()))
    except (AttributeError, OSError, ValueError):  # no standard output, or not a real file
        return False


def _write_in_place(path: Path, data: bytes) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_TRUNC | os.O_NOCTTY)
    try:
        _write_all(descriptor, data)
    finally:
        os.close(descriptor)


def _write_all(descriptor: int, data: bytes) -> None:
    """Write every byte (``os.write`` may write fewer than asked for)."""
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view) :]


def _replace(target: Path, data: bytes) -> None:
    """Replace ``target`` by a file holding ``data``, all at once; on any failure, and on
    SIGTERM or SIGHUP, the temporary file is removed and ``target`` left as it was."""
    _remove_leftovers(target)
    temporary: str | None = None
    with _stop_signals_raise():
        try:
            descriptor, temporary = tempfile.mkstemp(
                dir=target.parent, prefix=f".{target.name}.", suffix=TEMPORARY_SUFFIX
            )
            try:
                _write_all(descriptor, data)
                # mkstemp makes the file private: keep an existing file's mode, or use the usual one
                os.fchmod(descriptor, _mode_for(target))
            finally:
                os.close(descriptor)
            os.replace(temporary, target)
        except BaseException:
            if temporary is not None:
                Path(temporary).unlink(missing_ok=True)
            raise


def _mode_for(target: Path) -> int:
    try:
        return target.stat().st_mode & 0o777
    except FileNotFoundError:
        return default_mode()


def _remove_leftovers(target: Path) -> None:
    """Remove the temporary files that earlier runs writing ``target`` left behind when they
    were killed (SIGKILL cannot be caught): only files named as this program names them for
    this target, owned by this user, and last changed before this process started."""
    name = re.compile(re.escape(f".{target.name}.") + "[a-z0-9_]{8}" + re.escape(TEMPORARY_SUFFIX))
    try:
        entries = list(os.scandir(target.parent))
    except OSError:
        return  # the write that follows reports why the folder cannot be used
    for entry in entries:
        if not name.fullmatch(entry.name):
            continue
        with contextlib.suppress(OSError):  # gone already, or not ours to remove
            info = entry.stat(follow_symlinks=False)
            if (
                stat.S_ISREG(info.st_mode)
                and info.st_uid == os.getuid()
                and info.st_mtime < STARTED
            ):
                os.unlink(entry.path)


class _Stopped(SystemExit):
    """SIGTERM or SIGHUP during a write: the process exits as one killed by the signal
    would be reported by a shell (128 + its number), once the temporary file is removed."""


def _raise_stopped(signal_number: int, frame: FrameType | None) -> None:
    raise _Stopped(128 + signal_number)


@contextlib.contextmanager
def _stop_signals_raise() -> Iterator[None]:
    """While the block runs, SIGTERM and SIGHUP raise ``_Stopped``, so that it cleans up on
    the way out. Only signals that would kill the process on the spot are caught (not one
    that ``nohup`` ignores or a program embedding this one handles), and only in the main
    thread, the one in which Python runs signal handlers."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught = [n for n in STOP_SIGNALS if signal.getsignal(n) == signal.SIG_DFL]
    for number in caught:
        signal.signal(number, _raise_stopped)
    try:
        yield
    finally:
        for number in caught:
            signal.signal(number, signal.SIG_DFL)
