"""The local pool's start method: a fork server that has imported and warmed the model once.

Workers fork from a single-threaded server process whose imports (numpy, numba,
pyarrow, the engine) are done and whose compiled kernels are loaded
(``forkserver_preload``), instead of each re-importing everything as under ``spawn``.
One server serves every pool of this process. ``start_early`` starts it before the
sweep's process has even loaded its experiment, so the server's start-up overlaps the
parent's instead of following it. This module imports nothing heavy, so the CLI can
call ``start_early`` first thing.
"""
from __future__ import annotations

import json
import multiprocessing
import os
from contextlib import contextmanager
from typing import Sequence

from simulation.runner.lifeline import SWEEP_PID
from simulation.runner.timeline import mark
from simulation.runner.warm import WARM_EXPERIMENT, WARM_SCENARIO

#: What the fork server imports too when it will serve a Dask LocalCluster's workers.
DASK_PRELOAD = ("distributed",)
#: Modules the fork server imports before forking (the last one also arms and warms it).
FORKSERVER_PRELOAD = [
    "simulation.runner.task",
    "simulation.engine",
    "simulation.config.scenario",
    "simulation.runner.forkserver_preload",
]


def worker_context(warm_with: str | None = None, warm_experiment: str | None = None, also: Sequence[str] = ()):
    """Start method for pool workers: the fork server (started now if it is not running).

    No Numba or Dask thread exists in the server, so forking it is safe (plain fork is
    not, once they exist in the caller). Falls back to ``spawn`` where there is no fork
    server (Windows).
    warm_with: the scenario (JSON) the server warms up with; warm_experiment: else the
    experiment (JSON, see ``warm.WARM_EXPERIMENT``); also: further modules to import
    (``distributed`` for Dask workers). They only matter when this starts the server (one
    per process, reused by every later pool).
    """
    try:
        ctx = multiprocessing.get_context("forkserver")
        from multiprocessing import forkserver
    except (ValueError, ImportError):
        return multiprocessing.get_context("spawn")
    ctx.set_forkserver_preload(FORKSERVER_PRELOAD[:-1] + list(also) + FORKSERVER_PRELOAD[-1:])
    # start it now, its environment telling forkserver_preload whose server it is and
    # which scenario to warm up with
    mark("forkserver start")
    with environment({SWEEP_PID: str(os.getpid()), WARM_SCENARIO: warm_with, WARM_EXPERIMENT: warm_experiment}):
        forkserver.ensure_running()
    mark("forkserver started")
    return ctx


def start_early(backend: str, workers: int | None, experiment: str | os.PathLike, overrides: Sequence[str] = ()) -> None:
    """Start the local pool's fork server now, before this process loads the experiment.

    The server's imports and warm-up (it loads the experiment itself to warm its
    scenario, ``warm.experiment_scenarios``) then run while this process starts up,
    instead of after. A LocalCluster's workers fork from it too (``DaskExecutor``), so for
    Dask it imports ``distributed`` as well. Does nothing for a local sweep with one
    worker. Call it from the thread that will run the sweep: the server's parent-death
    signal follows the thread that started it (``simulation.runner.executors``).
    backend, workers: as given to ``run_experiment``; experiment, overrides: as given to
    ``load_experiment``.
    """
    if backend == "local" and (workers or os.cpu_count() or 1) < 2:
        return
    spec = json.dumps({"file": os.path.abspath(experiment), "overrides": list(overrides)})
    worker_context(warm_experiment=spec, also=DASK_PRELOAD if backend == "dask" else ())


@contextmanager
def environment(values: dict[str, str | None]):
    """Set the environment variables (None: leave unset) that child processes started
    inside the block inherit; restore the previous values after."""
    old = {k: os.environ.get(k) for k in values}
    try:
        for k, v in values.items():
            if v is not None:
                os.environ[k] = v
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


