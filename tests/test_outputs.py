"""``-o FILE``: a regular file is replaced atomically, a symlink followed, anything else
(FIFO, device, the path of standard output) written to in place; a failure names the path
given and leaves nothing behind, not even when the process is told to stop mid-write.

No test here writes to a real device: FIFOs and symlinks in a temporary folder stand in
for them, and a fake ``os.write`` for a full disk.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from renewal_score import outputs
from renewal_score.cli import main
from running import AS_OF, files_in, run_cli

REPORT = ("report", "--as-of", AS_OF)
BEFORE = "An earlier, good report.\n"


@pytest.fixture(scope="module")
def report_text(tmp_path_factory: pytest.TempPathFactory) -> str:
    result = run_cli(*REPORT, cwd=tmp_path_factory.mktemp("stdout"))
    assert result.returncode == 0, result.stderr
    return result.stdout


@contextmanager
def fifo_reader(fifo: Path) -> Iterator[list[bytes]]:
    """A thread reading everything written to the FIFO; what it read is in the list once
    the block ends."""
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    try:
        yield received
    finally:
        reader.join(timeout=30)


def test_a_symlink_is_followed_and_the_file_it_names_replaced(
    tmp_path: Path, report_text: str
) -> None:
    (tmp_path / "real.txt").write_text(BEFORE, encoding="utf-8")
    (tmp_path / "link.txt").symlink_to("real.txt")
    (tmp_path / "new-link.txt").symlink_to("new.txt")  # names a file that does not exist yet

    for link in ("link.txt", "new-link.txt"):
        result = run_cli(*REPORT, "-o", link, cwd=tmp_path)
        assert result.returncode == 0, result.stderr

    assert (tmp_path / "link.txt").is_symlink()
    assert (tmp_path / "new-link.txt").is_symlink()
    assert (tmp_path / "real.txt").read_text(encoding="utf-8") == report_text
    assert (tmp_path / "new.txt").read_text(encoding="utf-8") == report_text
    assert files_in(tmp_path) == ["link.txt", "new-link.txt", "new.txt", "real.txt"]


@pytest.mark.parametrize("through_symlink", [False, True])
def test_a_fifo_is_written_to_not_replaced(
    tmp_path: Path, report_text: str, through_symlink: bool
) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    target = fifo
    if through_symlink:
        target = tmp_path / "link"
        target.symlink_to(fifo)

    with fifo_reader(fifo) as received:
        result = run_cli(*REPORT, "-o", target, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert received == [report_text.encode("utf-8")]
    assert fifo.is_fifo()
    assert target.is_symlink() == through_symlink


@pytest.mark.skipif(not Path("/proc/self/fd/1").exists(), reason="needs /proc")
def test_the_path_of_standard_output_prints_the_report(tmp_path: Path, report_text: str) -> None:
    link = tmp_path / "stdout"
    link.symlink_to("/proc/self/fd/1")  # what /dev/stdout is; the test captures it as a pipe

    result = run_cli(*REPORT, "-o", link, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert result.stdout == report_text
    assert link.is_symlink()
    assert files_in(tmp_path) == ["stdout"]


def no_space_left(descriptor: int, data: bytes | memoryview) -> int:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_a_full_disk_is_an_error_naming_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "report.txt"
    target.write_text(BEFORE, encoding="utf-8")
    monkeypatch.setattr(os, "write", no_space_left)

    code = main([*REPORT, "-o", str(target)])

    assert code == 1
    assert capsys.readouterr().err == (
        f"renewal-score: cannot write {target}: No space left on device\n"
    )
    assert target.read_text(encoding="utf-8") == BEFORE
    assert files_in(tmp_path) == ["report.txt"]


def test_a_full_device_is_an_error_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = tmp_path / "full"  # stands in for /dev/full: written in place, and the write fails
    os.mkfifo(fifo)
    monkeypatch.setattr(os, "write", no_space_left)

    with fifo_reader(fifo) as received:
        code = main([*REPORT, "-o", str(fifo)])

    assert code == 1
    assert capsys.readouterr().err == (
        f"renewal-score: cannot write {fifo}: No space left on device\n"
    )
    assert received == [b""]
    assert fifo.is_fifo()


@pytest.mark.parametrize(
    ("name", "reason"),
    [("a-file/report.txt", "Not a directory"), ("no-folder/report.txt", "No such file")],
)
def test_other_write_errors_name_the_file_given(tmp_path: Path, name: str, reason: str) -> None:
    (tmp_path / "a-file").write_text("", encoding="utf-8")

    result = run_cli(*REPORT, "-o", name, cwd=tmp_path)

    assert result.returncode == 1
    assert result.stderr.startswith(f"renewal-score: cannot write {name}: {reason}")
    assert "Traceback" not in result.stderr
    assert files_in(tmp_path) == ["a-file"]


STALLED_WRITER = """
import os, sys, time
from renewal_score.cli import main

def stalled(descriptor, data):
    time.sleep(120)  # the test stops the process here, with the temporary file half written
    return 0

os.write = stalled
sys.exit(main(sys.argv[1:]))
"""


@contextmanager
def stalled_write(folder: Path, target: str) -> Iterator[subprocess.Popen[str]]:
    """A run of the command line whose write to ``target`` stalls half-way, once its
    temporary file exists; killed at the end of the block if still running."""
    process = subprocess.Popen(
        [sys.executable, "-c", STALLED_WRITER, *REPORT, "-o", target],
        cwd=folder,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not any(name.endswith(outputs.TEMPORARY_SUFFIX) for name in files_in(folder)):
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "no temporary file appeared"
            time.sleep(0.02)
        yield process
    finally:
        process.kill()
        process.communicate()


def test_sigterm_during_a_write_removes_the_temporary_file(tmp_path: Path) -> None:
    (tmp_path / "report.txt").write_text(BEFORE, encoding="utf-8")
    with stalled_write(tmp_path, "report.txt") as process:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 128 + signal.SIGTERM
    assert files_in(tmp_path) == ["report.txt"]
    assert (tmp_path / "report.txt").read_text(encoding="utf-8") == BEFORE


def test_the_next_write_clears_what_a_killed_write_left(tmp_path: Path, report_text: str) -> None:
    (tmp_path / "report.txt").write_text(BEFORE, encoding="utf-8")
    with stalled_write(tmp_path, "report.txt") as process:
        process.kill()  # SIGKILL: nothing can clean up
        process.wait(timeout=30)
    leftovers = [n for n in files_in(tmp_path) if n.endswith(outputs.TEMPORARY_SUFFIX)]
    assert len(leftovers) == 1
    assert (tmp_path / "report.txt").read_text(encoding="utf-8") == BEFORE

    result = run_cli(*REPORT, "-o", "report.txt", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert files_in(tmp_path) == ["report.txt"]
    assert (tmp_path / "report.txt").read_text(encoding="utf-8") == report_text


def test_only_this_programs_stale_temporary_files_of_the_target_are_removed(
    tmp_path: Path,
) -> None:
    def temporary(name: str, age: float = 3600) -> Path:
        path = tmp_path / name
        path.write_text("partial", encoding="utf-8")
        os.utime(path, (outputs.STARTED - age, outputs.STARTED - age))
        return path

    stale = temporary(".report.txt.ab_cd123" + outputs.TEMPORARY_SUFFIX)
    kept = [
        temporary(".report.txt.ab_cd123" + outputs.TEMPORARY_SUFFIX + ".bak"),
        temporary(".report.txt.abcd" + outputs.TEMPORARY_SUFFIX),  # not a name it makes
        temporary(".other.txt.ab_cd123" + outputs.TEMPORARY_SUFFIX),  # another target's
        temporary(".report.txt.ab_cd124" + outputs.TEMPORARY_SUFFIX, age=-3600),  # too new
        temporary(".report.txt.abcd1234"),  # another program's
    ]
    (tmp_path / (".report.txt.ab_cd125" + outputs.TEMPORARY_SUFFIX)).symlink_to(kept[0])
    if os.getuid() == 0:  # only root can give a file to someone else
        others = temporary(".report.txt.ab_cd126" + outputs.TEMPORARY_SUFFIX)
        os.chown(others, 12345, 12345)
        kept.append(others)

    outputs.write_output(tmp_path / "report.txt", "new\n")

    assert not stale.exists()
    assert all(path.exists() for path in kept)
    assert (tmp_path / "report.txt").read_text(encoding="utf-8") == "new\n"
