"""Timestamps of a sweep's phases, to measure where its serial time goes (a debugging aid).

Off unless the environment variable ``SOCSIM_SWEEP_TIMELINE`` names a file: then every
``mark(event)`` (in the sweep's process, the fork server and the workers alike, which
inherit the variable) appends one JSON line ``{"event", "pid", "wall", "cpu"}`` to it:
``wall`` is ``time.time()`` (seconds since the epoch, comparable across processes) and
``cpu`` this process's ``time.process_time()``. Lines are short single writes to a file
opened for appending, so processes writing at once do not mix their lines.
``benchmarks/bench_runner.py`` reads them to report a sweep's serial seconds.
"""
from __future__ import annotations

import atexit
import json
import os
import time

#: Environment variable naming the file the events are appended to.
TIMELINE = "SOCSIM_SWEEP_TIMELINE"
_exit_pid: int | None = None  # the process whose exit is registered as an event


def mark(event: str) -> None:
    """Append ``event`` with this process's pid, the wall clock and its CPU time (when enabled)."""
    path = os.environ.get(TIMELINE)
    if not path:
        return
    global _exit_pid
    if _exit_pid != os.getpid():  # first event of this process: its exit is an event too
        _exit_pid = os.getpid()
        atexit.register(_at_exit, _exit_pid)
    line = json.dumps({"event": event, "pid": os.getpid(), "wall": time.time(), "cpu": time.process_time()})
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, (line + "\n").encode())
    finally:
        os.close(fd)


def _at_exit(pid: int) -> None:
    if os.getpid() == pid:  # not in a forked child that inherited the registration
        mark("exit")


def read(path: str | os.PathLike) -> list[dict]:
    """The events of a timeline file, in the order they were written."""
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]
