"""Fault tests in real subprocesses: kill a running ``socsim sweep``, nothing of it survives.

Each test starts ``python -m simulation sweep`` on a small experiment, waits until its
workers exist and have started running chunks, records every descendant process (fork
server, pool workers, resource tracker, Dask workers), signals the parent and checks
that within 5 s none of them is still alive (a zombie waiting for a reaper counts as
dead: it holds no memory and runs nothing). The SIGTERM case must hold whether or not
the CLI handles SIGTERM itself.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from tests.runner.small import GRID, small_base, write

pytestmark = [pytest.mark.slow, pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")]

ROOT = Path(__file__).resolve().parents[2]


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _start_sweep(tmp_path: Path, backend: str) -> tuple[subprocess.Popen, list[int]]:
    """Start a long enough sweep with 2 workers; return it and its descendants' pids once busy."""
    exp = write(tmp_path / "hygiene.toml", GRID.format(base=small_base(n=3000, days=60), replications=200))
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "simulation", "sweep", str(exp), "--out", str(out), "--workers", "2",
           "--backend", backend, "--chunk-size", "2", "--quiet"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    parent = psutil.Process(proc.pid)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"sweep ended early ({proc.returncode}): {proc.stderr.read().decode()[-2000:]}")
        kids = parent.children(recursive=True)
        busy = [k for k in kids if _cpu(k) > 0.2]
        parts = list(out.glob("**/*.parquet")) if out.exists() else []
        if len(kids) >= 2 and len(busy) >= 2 and parts:
            return proc, [k.pid for k in kids]
        time.sleep(0.2)
    proc.kill()
    pytest.fail("the sweep's workers never started")


def _cpu(p: psutil.Process) -> float:
    try:
        return p.cpu_times().user
    except psutil.Error:
        return 0.0


def _survivors(pids: list[int], within: float = 5.0) -> list[int]:
    deadline = time.monotonic() + within
    while True:
        alive = [p for p in pids if _alive(p)]
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.1)


@pytest.mark.timeout(300)
@pytest.mark.parametrize("backend", ["local", "dask"])
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_killing_the_sweep_leaves_no_process_of_it_alive(tmp_path, backend, sig):
    proc, pids = _start_sweep(tmp_path, backend)
    try:
        os.kill(proc.pid, sig)
        proc.wait(timeout=60)
        left = _survivors(pids)
        assert not left, f"alive 5 s after {sig.name} of the sweep: " + ", ".join(
            f"{p} {' '.join(psutil.Process(p).cmdline())[:120]}" for p in left
        )
    finally:
        for pid in pids + [proc.pid]:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
