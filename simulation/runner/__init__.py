"""Experiment runner: designs, seeds with common random numbers, local/Dask execution, Parquet storage.

``run_experiment(load_experiment(path), out)`` is what ``socsim sweep`` does; see
``simulation.runner.sweep`` for the order of events and ``simulation.runner.storage``
for the output directory.
"""
from simulation.runner.design import Design, DesignPoint, build_design
from simulation.runner.executors import DaskExecutor, Executor, LocalExecutor, make_executor
from simulation.runner.plan import RunSpec, plan_runs
from simulation.runner.storage import OutputDir, OutputDirError
from simulation.runner.sweep import SweepOutcome, WorkerFailure, run_experiment

__all__ = [
    "DaskExecutor", "Design", "DesignPoint", "Executor", "LocalExecutor", "OutputDir", "OutputDirError",
    "RunSpec", "SweepOutcome", "WorkerFailure", "build_design", "make_executor", "plan_runs", "run_experiment",
]
