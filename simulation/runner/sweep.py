"""Run a validated experiment: plan the runs, execute the chunks, store the parts, merge.

``run_experiment(exp, out)`` is what ``socsim sweep`` and ``socsim run`` call. Order of
events: start the pool's fork server (several local workers or a LocalCluster; it imports
and warms up meanwhile, ``pool_context.start_early``) -> check the memory for the workers
-> take the output folder's lock (one writer per folder, ``simulation.runner.lock``)
-> check the output directory (nothing written if it would lose results) -> write the
manifest -> verify stored parts (``--resume``) -> run the chunks not already stored (the last ones smaller when several workers share
them, so they finish together), writing each as a Parquet part with its checksum as it
finishes (tqdm bar with ETA) -> verify every part again, re-running the runs of any
corrupted one -> merge the parts into ``runs.parquet`` and ``timeseries.parquet``
-> mark the manifest finished -> remove the parts -> release the lock. With
``SOCSIM_SWEEP_TIMELINE=FILE`` in the environment, these phases (and the fork server's
and workers' own) are logged with timestamps to FILE (``simulation.runner.timeline``).
"""
from __future__ import annotations

import logging
import os
import sys
from collections import Counter
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from simulation.config.experiment import Experiment
from simulation.config.preflight import check_memory_fits, check_scenarios
from simulation.runner.executors import Executor, make_executor
from simulation.runner.manifest import build_manifest, now
from simulation.runner.plan import chunk_runs, default_chunk_size, plan_runs
from simulation.runner.pool_context import start_early
from simulation.runner.lock import FolderLock
from simulation.runner.storage import OutputDir, OutputDirError, read_parquet
from simulation.runner.task import DEFAULT_MODEL, RUN_COLUMNS, STATUS_COLUMNS, Chunk, execute_chunk
from simulation.runner.timeline import mark


log = logging.getLogger(__name__)


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
    #: Distinct error messages of failed runs and how many runs gave each.
    error_messages: dict[str, int] = field(default_factory=dict)
    #: Parts found corrupted (moved to parts/corrupt/) whose runs were run again.
    corrupt: tuple[str, ...] = ()


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
    check_memory: bool = True,
    on_start=None,
) -> SweepOutcome:
    """Run every run of ``exp`` not yet stored in ``out`` and write the final tables.

    workers: parallel workers (default ``os.cpu_count()``); 1 runs in this process.
    backend: ``"local"`` (process pool) or ``"dask"`` (``scheduler`` address, or a
        LocalCluster of ``workers`` processes).
    resume: continue a killed or interrupted sweep in ``out`` (it must be the same sweep).
    overwrite: replace earlier results in ``out``.
    chunk_size: runs per task (default: about four tasks per worker, at most one point's
        replications; with several workers the last tasks are smaller, ``plan.chunk_runs``);
        results do not depend on it.
    executor: an executor to use instead of building one from backend/workers.
    model: ``"module:function"`` taking ``(scenario_dict, SeedSequence, base_dir)`` and returning
        ``(summary, daily)``; the default runs the social-commerce engine.
    check_memory: refuse when ``workers`` concurrent runs would not fit in the memory available.
    on_start: called without arguments once the folder is ready, just before runs start.
    Raises ``FolderLocked`` when another process writes to ``out``.
    """
    mark("sweep start")
    workers = int(workers or executor and executor.workers or os.cpu_count() or 1)
    if executor is not None:
        backend = executor.name
    elif not scheduler and exp.path is not None and exp.n_runs > 1:
        # the pool's fork server imports and warms up while this process sets the sweep up (the CLI
        # has started it before loading the experiment; a caller of this function gets it here)
        start_early(backend, workers, exp.path, exp.overrides)
    reserved_columns_check(exp)
    if check_memory:
        per_run = exp.run_bytes or check_scenarios(list(exp.scenarios), exp.base_dir, check_memory=False)
        check_memory_fits(per_run, min(workers, exp.n_runs))
    store = OutputDir(out)
    if store.path.exists() and not store.path.is_dir():
        raise OutputDirError(f"{store.path}: exists and is not a directory")
    created = not store.path.exists()
    manifest = build_manifest(exp, backend=backend, workers=workers)
    # Refuse what can be refused before touching the folder; checked again under the lock.
    store.check(manifest, resume=resume, overwrite=overwrite)
    lock = FolderLock(store.path, "sweep")
    lock.acquire()
    try:
        mode = store.check(manifest, resume=resume, overwrite=overwrite)
    except OutputDirError:
        lock.release(discard=True)
        if created:
            store.path.rmdir()
        raise
    try:
        return _run_locked(exp, store, manifest, mode, workers, backend, scheduler, progress, chunk_size,
                           executor, model, on_start)
    finally:
        lock.release()


def _run_locked(exp, store, manifest, mode, workers, backend, scheduler, progress, chunk_size, executor, model,
                on_start):
    if mode == "complete":
        store.clear_parts()
        errors, messages = _error_counts(store.runs_path)
        return SweepOutcome(store.path, exp.n_runs, 0, exp.n_runs, errors, True, messages)
    store.prepare(mode)
    if mode == "resume":
        old = store.read_manifest() or {}
        manifest["started"] = old.get("started", manifest["started"])
        manifest["resumed"] = list(old.get("resumed") or []) + [now()]
    store.write_manifest(manifest)

    specs = plan_runs([p.name for p in exp.design.points], exp.replications, exp.seed, exp.crn)
    corrupt = [str(p) for p in store.verify_parts()] if mode == "resume" else []
    done = store.completed_runs() if mode == "resume" else set()
    reused = len(done)
    todo = [s for s in specs if s.run not in done]
    if mode == "resume":
        log.info("%s: resuming, %d of %d runs already stored", store.path, reused, len(specs))
    log.debug("%s: %d runs to execute on %s with %d worker(s)", store.path, len(todo), backend, workers)
    size = chunk_size or default_chunk_size(len(todo), workers, exp.replications)
    own = executor is None
    if todo and on_start is not None:
        on_start()
    mark("runs start")
    if own and todo:
        executor = make_executor(backend, workers, scheduler)
    bar = tqdm(
        total=len(specs), initial=len(specs) - len(todo), unit="run", desc=exp.stem,
        disable=not progress, file=sys.stderr, dynamic_ncols=True, smoothing=0.1,
    )
    executed = 0
    try:
        # A part found corrupted after it was written is run again (at most twice).
        for _ in range(3):
            if not todo:
                break
            _execute(exp, store, todo, size, executor, model, bar)
            executed += len(todo)
            again = store.verify_parts()
            corrupt += [str(p) for p in again]
            if not again:
                break
            done = store.completed_runs()
            todo = [s for s in specs if s.run not in done]
            bar.reset(total=len(specs))
            bar.update(len(done))
    except BrokenProcessPool as e:
        raise WorkerFailure(
            f"a worker process died ({e}); the {len(store.completed_runs())} finished runs are kept "
            "in the output directory: rerun with --resume"
        ) from None
    finally:
        bar.close()
        if own and executor is not None:
            executor.close()

    mark("runs end")
    runs, timeseries = store.merge(exp.design, exp.n_runs)
    mark("merged")
    manifest["finished"] = now()
    store.finish(runs, timeseries, manifest)
    mark("written")
    errors, messages = _error_counts_table(runs)
    return SweepOutcome(store.path, exp.n_runs, executed, reused, errors, error_messages=messages,
                        corrupt=tuple(corrupt))


def _execute(exp, store, todo, size, executor, model, bar) -> None:
    chunks = [
        Chunk(
            specs=c,
            scenarios={p: exp.scenarios[p] for p in sorted({s.point for s in c})},
            model=model,
            single_thread=executor.shares_machine,
            base_dir=exp.base_dir,
        )
        for c in chunk_runs(todo, size, executor.workers)
    ]
    for result in executor.map_unordered(execute_chunk, chunks):
        mark("result")
        store.write_part(result)
        bar.update(len(result.run_ids))


def _error_counts_table(runs) -> tuple[int, dict[str, int]]:
    status = runs.column("status").to_pylist()
    errors = runs.column("error").to_pylist()
    counts = Counter(str(e) for s, e in zip(status, errors) if s == "error")
    return sum(counts.values()), dict(counts.most_common())


def _error_counts(path: Path) -> tuple[int, dict[str, int]]:
    if not path.is_file():
        return 0, {}
    return _error_counts_table(read_parquet(path, columns=["status", "error"]))
