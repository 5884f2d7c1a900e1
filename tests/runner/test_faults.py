"""Faults in real processes: a second writer, a bit-flipped part, SIGTERM — nothing lost, results exact."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from simulation.cli import EXIT_TERMINATED, EXIT_USAGE, main
from simulation.config.experiment import load_experiment
from simulation.runner.executors import Executor
from simulation.runner.lock import LOCK_NAME
from simulation.runner.sweep import run_experiment
from tests.runner.small import grid_file
from tests.runner.test_sweep import assert_same_results

REPO = Path(__file__).resolve().parents[2]
ENV = dict(os.environ, PYTHONPATH=str(REPO))


def socsim(*args: str, **kw) -> subprocess.Popen:
    """Start ``python -m simulation ARGS`` in the repository."""
    return subprocess.Popen([sys.executable, "-m", "simulation", *args], cwd=REPO, env=ENV,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def wait_for_parts(proc: subprocess.Popen, parts: Path, count: int) -> None:
    deadline = time.monotonic() + 120
    while len(list(parts.glob("runs-*.parquet")) if parts.is_dir() else []) < count:
        assert proc.poll() is None, proc.communicate()[1]
        assert time.monotonic() < deadline, "the sweep wrote no parts"
        time.sleep(0.005)


def test_second_sweep_into_a_busy_folder_is_refused_at_once_and_the_first_completes(tmp_path):
    path = grid_file(tmp_path, replications=25, n=1500, days=40)  # 100 runs
    clean, busy = tmp_path / "clean", tmp_path / "busy"
    first = socsim("sweep", str(path), "--out", str(busy), "--workers", "1", "--chunk-size", "1", "-q")
    try:
        wait_for_parts(first, busy / "parts", 1)
        first.send_signal(signal.SIGSTOP)  # paused mid-sweep, holding the lock, however slow the others start
        for extra in (["--overwrite"], ["--resume"]):
            started = time.monotonic()
            second = socsim("sweep", str(path), "--out", str(busy), "--workers", "1", "-q", *extra)
            out, err = second.communicate(timeout=120)
            took = time.monotonic() - started
            assert second.returncode == EXIT_USAGE, (out, err)
            assert err.strip().splitlines() == [
                f"socsim: error: {busy}: in use by process {first.pid} (another socsim sweep or report); "
                "wait for it or use another --out"
            ]
            assert took < 30  # refused at once: interpreter start and config check, no waiting on the lock
        first.send_signal(signal.SIGCONT)
        _, err = first.communicate(timeout=600)
        assert first.returncode == 0, err
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    assert main(["sweep", str(path), "--out", str(clean), "--workers", "1", "-q"]) == 0
    assert_same_results(clean, busy)
    assert (busy / LOCK_NAME).read_text() == ""  # released in good order


class _StopAfter(Executor):
    """Runs chunks in this process and raises KeyboardInterrupt after ``k`` of them (an interrupted sweep)."""

    name = "local"

    def __init__(self, k: int):
        super().__init__(1)
        self.k = k

    def map_unordered(self, fn, items):
        for i, item in enumerate(items):
            if i == self.k:
                raise KeyboardInterrupt
            yield fn(item)


def test_bit_flipped_part_is_detected_named_and_rerun_to_the_same_result(tmp_path):
    path = grid_file(tmp_path, replications=3)  # 12 runs
    exp = load_experiment(path)
    clean, broken = tmp_path / "clean", tmp_path / "broken"
    run_experiment(exp, clean, workers=1, progress=False)
    with pytest.raises(KeyboardInterrupt):
        run_experiment(exp, broken, executor=_StopAfter(3), chunk_size=2, progress=False)
    part = broken / "parts" / "runs-00000002.parquet"
    data = bytearray(part.read_bytes())
    data[len(data) // 2] ^= 0x10
    part.write_bytes(bytes(data))
    (broken / "parts" / "notes.txt").write_text("not ours")

    proc = socsim("sweep", str(path), "--out", str(broken), "--workers", "1", "--resume", "-q")
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    assert f"{part}: checksum mismatch" in err and "parts/corrupt" in err
    assert f"{broken / 'parts' / 'notes.txt'}: unknown file, ignored" in err
    assert_same_results(clean, broken)
    assert (broken / "parts" / "corrupt" / part.name).read_bytes() == bytes(data)  # kept for inspection


def test_sigterm_keeps_finished_parts_says_so_and_exits_143(tmp_path):
    path = grid_file(tmp_path, replications=25, n=1500, days=40)  # 100 runs
    out = tmp_path / "out"
    proc = socsim("sweep", str(path), "--out", str(out), "--workers", "1", "--chunk-size", "1", "-q")
    try:
        wait_for_parts(proc, out / "parts", 3)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == EXIT_TERMINATED, err
    assert err.strip().splitlines() == [
        "socsim: terminated (SIGTERM); finished parts are kept (rerun with --resume)"
    ]
    assert len(list((out / "parts").glob("runs-*.parquet"))) >= 3
    assert json.loads((out / "manifest.json").read_text())["finished"] is None
    assert main(["sweep", str(path), "--out", str(out), "--workers", "1", "--resume", "-q"]) == 0


def test_an_interrupt_wrapped_by_compiled_code_stops_the_sweep_instead_of_failing_a_run():
    from simulation.runner.task import _reraise_interrupt

    wrapped = SystemError("CPUDispatcher(...) returned a result with an exception set")
    wrapped.__cause__ = KeyboardInterrupt()
    with pytest.raises(KeyboardInterrupt):
        _reraise_interrupt(wrapped)
    _reraise_interrupt(ValueError("an ordinary failure"))  # stays a failed run
