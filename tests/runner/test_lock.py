"""One writer per output folder: refusal naming the holder, stale locks, resume after a first-manifest kill."""
from __future__ import annotations

import logging
import os
import subprocess
import sys

import pytest

from simulation.cli import main
from simulation.runner.lock import LOCK_NAME, FolderLock, FolderLocked
from tests.runner.small import grid_file


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_a_held_folder_is_refused_naming_the_holder(tmp_path):
    with FolderLock(tmp_path / "out", "sweep"):
        assert (tmp_path / "out" / LOCK_NAME).read_text().split()[0] == str(os.getpid())
        with pytest.raises(FolderLocked, match=rf"in use by process {os.getpid()}"):
            FolderLock(tmp_path / "out").acquire()
    FolderLock(tmp_path / "out").acquire()  # free again once released


def test_a_stale_lock_from_a_dead_process_is_taken_over_with_a_note(tmp_path, caplog):
    out = tmp_path / "out"
    out.mkdir()
    pid = dead_pid()
    (out / LOCK_NAME).write_text(f"{pid} sweep\n")
    with caplog.at_level(logging.WARNING, logger="simulation.runner.lock"):
        lock = FolderLock(out)
        lock.acquire()
    lock.release()
    assert f"stale lock left by process {pid}" in caplog.text
    assert (out / LOCK_NAME).read_text() == ""


def test_resume_of_a_folder_left_with_only_a_temporary_manifest(tmp_path, capsys):
    path = grid_file(tmp_path, replications=1)
    out = tmp_path / "out"
    out.mkdir()
    (out / ".tmp-manifest.json.abc123.tmp").write_text('{"design": ')  # killed during the first write
    assert main(["sweep", str(path), "--out", str(out), "--workers", "1", "--resume", "-q"]) == 0
    assert (out / "runs.parquet").is_file()
    assert sorted(p.name for p in out.iterdir()) == [LOCK_NAME, "kols.parquet", "manifest.json", "runs.parquet", "timeseries.parquet"]
