"""Tie a worker process's life to the process that started the sweep.

A sweep's helpers (the fork server, pool workers, Dask nannies and workers) must end
when the sweep's process dies, however it dies (SIGKILL included): nobody else would
ever stop them. Two mechanisms, each enough on its own:

* ``arm_parent_death_signal()``: Linux's ``prctl(PR_SET_PDEATHSIG, SIGKILL)`` makes the
  kernel kill this process the moment its parent ends; immediate, even while a kernel
  holds the GIL. Elsewhere it does nothing.
* ``watch(...)``: a daemon thread that ends this process when a lifeline pipe reaches
  EOF (every write end closed: the parent holds the only one) or when the parent pid
  changes (the process was re-parented because its parent died). Portable to any POSIX
  system; it reacts within ``interval`` seconds, once the GIL is free.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
import threading

_PR_SET_PDEATHSIG = 1

#: Environment variable naming the sweep process while it starts its fork server.
SWEEP_PID = "SOCSIM_SWEEP_PID"


def arm_parent_death_signal(expected_parent: int | None = None) -> bool:
    """Ask Linux to SIGKILL this process when its parent dies; True if armed.

    expected_parent: the pid the parent should have; when the parent already died
    before the signal was armed (``os.getppid()`` differs) the process exits at once.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        armed = libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False
    if expected_parent is not None and os.getppid() != expected_parent:
        os._exit(1)
    return armed


def _end_now() -> None:
    """End this process without cleanup: its parent is gone, nobody waits for results."""
    os.kill(os.getpid(), signal.SIGKILL)


def watch(*, lifeline=None, parent: int | None = None, interval: float = 0.5) -> threading.Thread:
    """Start a daemon thread that ends this process when its parent is gone.

    lifeline: the read end of a ``multiprocessing.Pipe`` whose write end only the
        parent holds: EOF means the parent ended (or closed it on purpose).
    parent: pid this process's parent must keep (``os.getppid()`` changes when it dies);
        polled every ``interval`` seconds.
    """
    if lifeline is None and parent is None:
        raise ValueError("watch: give a lifeline pipe or a parent pid")

    def run() -> None:
        if lifeline is not None:
            try:
                while True:
                    lifeline.recv_bytes()  # the parent never writes: returns only at EOF
            except (EOFError, OSError):
                _end_now()
        ev = threading.Event()
        while not ev.wait(interval):
            if os.getppid() != parent:
                _end_now()

    thread = threading.Thread(target=run, name="socsim-lifeline", daemon=True)
    thread.start()
    return thread
