"""Dask preload for the LocalCluster a sweep starts: ``dask_setup`` runs in each worker process.

Named in ``LocalCluster(preload=...)`` by ``DaskExecutor``. A LocalCluster's nannies live
in the sweep's own process and start each worker process from the sweep's fork server
(``pool_context``; spawned from the sweep itself where there is none), which dies with
the sweep: the worker ends when its parent does (parent-death signal on Linux, a
parent-pid watchdog everywhere) and has the compiled kernels loaded before its first
task (inherited from the warmed fork server, else loaded here).
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
