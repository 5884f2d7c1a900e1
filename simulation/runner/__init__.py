"""Experiment runner: designs, seeds with common random numbers, local/Dask execution, Parquet storage.

``run_experiment(load_experiment(path), out)`` is what ``socsim sweep`` does; see
``simulation.runner.sweep`` for the order of events and ``simulation.runner.storage``
for the output directory. The names below are imported on first use, so importing one
submodule (a worker's ``task``, the CLI's ``pool_context``) does not import them all.
"""
from __future__ import annotations

from simulation.lazy_exports import lazy_attributes

_EXPORTS = {
    "Design": "simulation.runner.design",
    "DesignPoint": "simulation.runner.design",
    "build_design": "simulation.runner.design",
    "DaskExecutor": "simulation.runner.executors",
    "Executor": "simulation.runner.executors",
    "LocalExecutor": "simulation.runner.executors",
    "make_executor": "simulation.runner.executors",
    "RunSpec": "simulation.runner.plan",
    "plan_runs": "simulation.runner.plan",
    "OutputDir": "simulation.runner.storage",
    "OutputDirError": "simulation.runner.storage",
    "SweepOutcome": "simulation.runner.sweep",
    "WorkerFailure": "simulation.runner.sweep",
    "run_experiment": "simulation.runner.sweep",
}

__all__ = sorted(_EXPORTS)


__getattr__ = lazy_attributes(__name__, _EXPORTS)
