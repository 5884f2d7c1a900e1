"""Dask preload for the LocalCluster a sweep starts: ``dask_setup`` runs in each worker process.

Named in ``LocalCluster(preload=...)`` by ``DaskExecutor``. A LocalCluster's nannies live
in the sweep's own process, so each worker process's parent is the sweep: the worker
ends when it does (parent-death signal on Linux, a parent-pid watchdog everywhere) and
loads the compiled kernels before its first task.
"""
from __future__ import annotations

import atexit
import gc
import os

from simulation.runner.lifeline import arm_parent_death_signal, watch
from simulation.runner.timeline import mark
from simulation.runner.warm import warm_kernels


def dask_setup(worker) -> None:
    """Tie this worker process to its parent (the sweep) and load the run's kernels."""
    # the interpreter's final garbage collections cost ~0.5 s at exit, which the
    # cluster's close (so the sweep) waits for: nothing left then needs collecting
    atexit.register(gc.freeze)
    parent = os.getppid()
    arm_parent_death_signal()
    watch(parent=parent)
    mark("dask worker warm")
    warm_kernels()
    mark("dask worker warmed")
