"""Run a validated experiment: plan the runs, execute the chunks, store the parts, merge.

``run_experiment(exp, out)`` is what ``socsim sweep`` and ``socsim run`` call. Order of
events: check the output directory (nothing written if it would lose results) ->
write the manifest -> run the chunks not already stored, writing each as a Parquet part
as it finishes (tqdm bar with ETA) -> merge the parts into ``runs.parquet`` and
``timeseries.parquet`` -> mark the manifest finished -> remove the parts.
"""
from __future__ import annotations

import os
import sys
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

import pyarrow.compute as pc
from tqdm import tqdm

from simulation.config.experiment import Experiment
from simulation.runner.executors import Executor, make_executor
from simulation.runner.manifest import build_manifest, now
from simulation.runner.plan import chunk_runs, default_chunk_size, plan_runs
from simulation.runner.storage import OutputDir, OutputDirError
from simulation.runner.task import DEFAULT_MODEL, RUN_COLUMNS, STATUS_COLUMNS, Chunk, execute_chunk


class WorkerFailure(RuntimeError):
    """A worker died (killed, out of memory); finished chunks are kept for ``--resume``."""


@dataclass(frozen=True)
class SweepOutcome:
    """What a call to ``run_experiment`` did."""

    out: Path
    n_runs: int
    executed: int
    reused: int
    errors: int
    already_complete: bool = False


def reserved_columns_check(exp: Experiment) -> None:
    """Refuse swept paths that would collide with the fixed columns of runs.parquet."""
    fixed = {n for n, _ in RUN_COLUMNS + STATUS_COLUMNS}
    clash = sorted(set(exp.design.columns) & fixed)
    if clash:
        raise OutputDirError(f"sweep: swept paths {clash} collide with runs.parquet columns")


def run_experiment(
    exp: Experiment,
    out: str | Path,
    *,
    workers: int | None = None,
    backend: str = "local",
    scheduler: str | None = None,
    resume: bool = False,
    overwrite: bool = False,
    progress: bool = True,
    chunk_size: int | None = None,
    executor: Executor | None = None,
    model: str = DEFAULT_MODEL,
) -> SweepOutcome:
    """Run every run of ``exp`` not yet stored in ``out`` and write the final tables.

    workers: parallel workers (default ``os.cpu_count()``); 1 runs in this process.
    backend: ``"local"`` (process pool) or ``"dask"`` (``scheduler`` address, or a
        LocalCluster of ``workers`` processes).
    resume: continue a killed or interrupted sweep in ``out`` (it must be the same sweep).
    overwrite: replace earlier results in ``out``.
    chunk_size: runs per task (default: about four tasks per worker, at most one point's
        replications); results do not depend on it.
    executor: an executor to use instead of building one from backend/workers.
    model: ``"module:function"`` taking ``(scenario_dict, SeedSequence, base_dir)`` and returning
        ``(summary, daily)``; the default runs the social-commerce engine.
    """
    workers = int(workers or executor and executor.workers or os.cpu_count() or 1)
    if executor is not None:
        backend = executor.name
    reserved_columns_check(exp)
    store = OutputDir(out)
    manifest = build_manifest(exp, backend=backend, workers=workers)
    mode = store.check(manifest, resume=resume, overwrite=overwrite)
    if mode == "complete":
        store.clear_parts()
        return SweepOutcome(store.path, exp.n_runs, 0, exp.n_runs, _errors(store), True)
    store.prepare(mode)
    if mode == "resume":
        old = store.read_manifest() or {}
        manifest["started"] = old.get("started", manifest["started"])
        manifest["resumed"] = list(old.get("resumed") or []) + [now()]
    store.write_manifest(manifest)

    specs = plan_runs([p.name for p in exp.design.points], exp.replications, exp.seed, exp.crn)
    done = store.completed_runs() if mode == "resume" else set()
    todo = [s for s in specs if s.run not in done]
    size = chunk_size or default_chunk_size(len(todo), workers, exp.replications)
    own = executor is None
    if own:
        executor = make_executor(backend, workers, scheduler)
    bar = tqdm(
        total=len(specs), initial=len(specs) - len(todo), unit="run", desc=exp.stem,
        disable=not progress, file=sys.stderr, dynamic_ncols=True, smoothing=0.1,
    )
    try:
        chunks = [
            Chunk(
                specs=c,
                scenarios={p: exp.scenarios[p] for p in sorted({s.point for s in c})},
                model=model,
                single_thread=executor.shares_machine,
                base_dir=exp.base_dir,
            )
            for c in chunk_runs(todo, size)
        ]
        for result in executor.map_unordered(execute_chunk, chunks):
            store.write_part(result)
            bar.update(len(result.run_ids))
    except BrokenProcessPool as e:
        raise WorkerFailure(
            f"a worker process died ({e}); the {len(store.completed_runs())} finished runs are kept "
            "in the output directory: rerun with --resume"
        ) from None
    finally:
        bar.close()
        if own:
            executor.close()

    runs, timeseries = store.merge(exp.design, exp.n_runs)
    manifest["finished"] = now()
    store.finish(runs, timeseries, manifest)
    errors = int(pc.sum(pc.equal(runs.column("status"), "error")).as_py() or 0)
    return SweepOutcome(store.path, exp.n_runs, len(todo), len(done), errors)


def _errors(store: OutputDir) -> int:
    import pyarrow.parquet as pq

    if not store.runs_path.is_file():
        return 0
    status = pq.read_table(store.runs_path, columns=["status"]).column("status")
    return int(pc.sum(pc.equal(status, "error")).as_py() or 0)
