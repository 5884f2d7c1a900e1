"""Where chunks run: one interface, two engines (a local process pool, Dask distributed).

``executor.map_unordered(fn, items)`` yields ``fn(item)`` for every item, in the order
they finish. Results do not depend on the engine: each run's randomness comes from its
own seed, and the storage layer sorts rows by run id.

* ``LocalExecutor(workers)``: ``workers == 1`` (or a single task) runs in this process
  (no start-up cost, easy to debug); more uses a ``ProcessPoolExecutor`` whose workers
  fork from a fork server that has imported the model and loaded its compiled kernels
  once (``pool_context``, ``forkserver_preload``; plain fork is unsafe once Numba's
  thread pool or Dask's threads exist in the parent; ``spawn`` re-imports everything per
  worker); the CLI starts that server before it loads the experiment
  (``pool_context.start_early``). Until the pool's first result arrives, this process
  runs tasks too.
* ``DaskExecutor(workers, scheduler=None)``: connects a ``distributed.Client`` to
  ``scheduler`` (any running Dask scheduler, e.g. one made by dask-jobqueue) or starts a
  ``LocalCluster`` of ``workers`` single-threaded worker processes, forked (Dask's
  ``forkserver`` method) from the same warmed fork server as the local pool and
  preloaded with ``dask_preload``; while the cluster starts, this process runs tasks
  itself. Tasks go through ``Client.submit`` and ``distributed.as_completed`` only.

Process hygiene: whatever starts here ends with the process that started it, however
that process dies (SIGKILL included; ``simulation.runner.lifeline``). The fork server
and each LocalCluster worker get Linux's parent-death signal; each pool worker gets it
too (its parent is the fork server) and watches a lifeline pipe whose only write end
this process holds; each LocalCluster worker watches its parent's pid (the fork server,
or this process where there is none). Caveat of the parent-death signal: it follows the
*thread* that started the child, so start a pool from a thread that outlives it (the
main thread, as the CLI does).
"""
from __future__ import annotations

import json
import logging
import os
import sys
import threading
import warnings
from abc import ABC, abstractmethod
from collections import deque
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from contextlib import contextmanager
from typing import Any, Callable, Iterator, Sequence

from simulation.runner import lifeline
from simulation.runner.pool_context import DASK_PRELOAD, worker_context
from simulation.runner.task import single_threaded_numba
from simulation.runner.timeline import mark
from simulation.runner.warm import WARM_SCENARIO


class Executor(ABC):
    """Runs independent tasks and yields their results as they complete."""

    name: str = ""

    def __init__(self, workers: int):
        if workers < 1:
            raise ValueError(f"workers must be >= 1, got {workers}")
        self.workers = workers

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Release workers and connections."""

    @property
    def shares_machine(self) -> bool:
        """True when several runs may share one machine's cores (Numba should then use one thread)."""
        return True

    @abstractmethod
    def map_unordered(self, fn: Callable[[Any], Any], items: Sequence[Any]) -> Iterator[Any]:
        """Yield ``fn(item)`` for each item, in completion order; a task's exception propagates."""


def _warm_scenario(items: Sequence[Any]) -> str | None:
    """The scenario (JSON) of the first chunk's first point, for the fork server to warm up with."""
    try:
        scenarios = getattr(items[0], "scenarios", None)
    except (IndexError, TypeError, KeyError):
        return None
    if not scenarios:
        return None
    try:
        return json.dumps(scenarios[min(scenarios)])
    except (TypeError, ValueError):
        return None


@contextmanager
def _numba_threads_kept():
    """Undo, after a task run in this process, a task's switch of Numba to one thread
    (meant for workers that share the machine, not for the caller's process)."""
    env = os.environ.get("NUMBA_NUM_THREADS")
    numba = sys.modules.get("numba")
    threads = numba.get_num_threads() if numba is not None else None
    try:
        yield
    finally:
        if threads is not None:
            numba.set_num_threads(threads)
        elif env is None:
            os.environ.pop("NUMBA_NUM_THREADS", None)
        else:
            os.environ["NUMBA_NUM_THREADS"] = env


def _init_pool_worker(lifeline_end) -> None:
    """Pool worker start-up: die with the fork server and with the sweep; one Numba thread."""
    lifeline.arm_parent_death_signal()
    lifeline.watch(lifeline=lifeline_end)
    single_threaded_numba()
    mark("pool worker start")


class LocalExecutor(Executor):
    """In-process (``workers == 1``) or a local pool of ``workers`` spawned processes."""

    name = "local"

    def __init__(self, workers: int):
        super().__init__(workers)
        self._pool: ProcessPoolExecutor | None = None
        self._lifeline = None  # write end of the workers' lifeline pipe (never written)

    @property
    def shares_machine(self) -> bool:
        return self.workers > 1

    def map_unordered(self, fn, items):
        pending = deque(items)
        if self.workers == 1 or (len(pending) <= 1 and self._pool is None):
            # one task gains nothing from a pool that must first start
            while pending:
                yield fn(pending.popleft())
            return
        if self._pool is None:
            ctx = worker_context(_warm_scenario(pending))
            reader, self._lifeline = ctx.Pipe(duplex=False)
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=ctx,
                initializer=_init_pool_worker,
                initargs=(reader,),
            )
        yield from self._share_work(fn, pending)

    def _share_work(self, fn, pending: deque) -> Iterator[Any]:
        """Feed the pool ``2 × workers`` tasks at a time; until its first result arrives,
        run tasks in this process too (at least one is left for it), so a short sweep does
        not wait idle while the fork server imports and warms up. The first submissions
        block until the workers are forked, so a helper thread makes them (the fork server
        itself was started from this thread, which outlives it: see the parent-death
        caveat above)."""
        first = [pending.popleft() for _ in range(min(2 * self.workers, len(pending) - 1))]
        started: list = []
        failed: list[BaseException] = []

        def start() -> None:
            try:
                started.extend(self._pool.submit(fn, item) for item in first)
            except BaseException as e:  # noqa: BLE001 - re-raised in the caller's thread
                failed.append(e)

        starter = threading.Thread(target=start, name="socsim-pool-start", daemon=True)
        starter.start()
        in_flight: set = set()
        pool_ready = False

        def refill() -> None:
            while pending and len(in_flight) < 2 * self.workers:
                in_flight.add(self._pool.submit(fn, pending.popleft()))

        try:
            while True:
                if starter is not None and not starter.is_alive():
                    starter.join()
                    starter = None
                    if failed:
                        raise failed[0]
                    in_flight.update(started)
                done = {f for f in in_flight if f.done()}
                if done:
                    pool_ready = True
                    in_flight -= done
                    refill()
                    for fut in done:
                        yield fut.result()
                elif pending and not pool_ready:
                    with _numba_threads_kept():
                        result = fn(pending.popleft())
                    yield result
                elif starter is not None:
                    starter.join()
                elif in_flight:
                    wait(in_flight, return_when=FIRST_COMPLETED)
                else:
                    return
        finally:
            if starter is not None:
                starter.join()
            for fut in in_flight | set(started):
                fut.cancel()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        if self._lifeline is not None:
            self._lifeline.close()
            self._lifeline = None


class DaskExecutor(Executor):
    """Dask distributed: an existing scheduler at ``scheduler``, or a fresh ``LocalCluster``.

    workers: worker processes of the LocalCluster (ignored with ``scheduler``).
    scheduler: address such as ``tcp://10.0.0.5:8786``; ``None`` starts a LocalCluster.
    processes: LocalCluster workers as processes (default) or threads of this process.
    """

    name = "dask"

    def __init__(self, workers: int, scheduler: str | None = None, processes: bool = True):
        super().__init__(workers)
        self.scheduler = scheduler
        self.processes = processes
        self._cluster = None
        self._client = None
        self._forkserver = False  # LocalCluster workers fork from the warmed fork server

    def _connect(self, warm_with: str | None = None):
        import dask
        from distributed import Client, LocalCluster

        if self._client is None:
            if self.scheduler:
                self._client = Client(self.scheduler)
            else:
                method = {"distributed.worker.multiprocessing-method": "forkserver"} if self._forkserver else {}
                with warnings.catch_warnings(), dask.config.set(method):
                    # "Port 8787 is already in use": harmless, the dashboard is not wanted.
                    warnings.simplefilter("ignore", UserWarning)
                    self._cluster = LocalCluster(
                        n_workers=self.workers,
                        threads_per_worker=1,
                        processes=self.processes,
                        dashboard_address=None,
                        silence_logs=logging.ERROR,
                        preload=["simulation.runner.dask_preload"] if self.processes else None,
                        # the workers' environment (not this process's: a helper thread may start it)
                        **({"env": {WARM_SCENARIO: warm_with}} if warm_with and self.processes else {}),
                    )
                self._client = Client(self._cluster)
        return self._client

    def map_unordered(self, fn, items):
        pending = deque(items)
        if self._client is None and not self.scheduler and self.processes:
            # started (if the CLI has not already) from this thread, which outlives it
            self._forkserver = worker_context(_warm_scenario(items), also=DASK_PRELOAD).get_start_method() == "forkserver"
        if self._client is None and not self.scheduler and self.processes and len(pending) > 1:
            futures = yield from self._share_start(fn, pending)
        else:
            client = self._connect(_warm_scenario(items))
            futures = [client.submit(fn, item, pure=False) for item in pending]
        from distributed import as_completed as dask_completed

        try:
            for fut in dask_completed(futures):
                result = fut.result()
                fut.release()
                yield result
        finally:
            if self._client is not None:
                self._client.cancel([f for f in futures if not f.done()])

    def _share_start(self, fn, pending: deque):
        """Run tasks in this process while a helper thread starts the LocalCluster (its
        workers import and warm up for seconds); the helper submits every task still
        pending once the cluster is up. Yields the results of the tasks run here and
        returns the futures of the others. Only for a LocalCluster: a remote scheduler's
        tasks do not belong on this machine."""
        lock = threading.Lock()
        futures: list = []
        failed: list[BaseException] = []
        warm = _warm_scenario(pending)

        def start() -> None:
            try:
                client = self._connect(warm)
                with lock:
                    futures.extend(client.submit(fn, item, pure=False) for item in pending)
                    pending.clear()
            except BaseException as e:  # noqa: BLE001 - re-raised in the caller's thread
                failed.append(e)

        mark("dask connect")
        starter = threading.Thread(target=start, name="socsim-dask-start", daemon=True)
        starter.start()
        try:
            while True:
                with lock:
                    if not pending or failed:
                        break
                    item = pending.popleft()
                with _numba_threads_kept():
                    result = fn(item)
                yield result
        finally:
            starter.join()  # a cluster half-started when the caller stops is still closed by close()
        mark("dask connected")
        if failed:
            raise failed[0]
        return futures

    @property
    def effective_workers(self) -> int:
        """Worker threads the scheduler reports (the LocalCluster size when no address was given)."""
        client = self._connect()
        return sum(client.nthreads().values()) or self.workers

    def close(self) -> None:
        # Closing races with the workers' heartbeats; the "stream is closed" errors that
        # distributed logs meanwhile are expected, not failures worth a traceback.
        quiet = logging.getLogger("distributed")
        level = quiet.level
        quiet.setLevel(logging.CRITICAL)
        try:
            if self._client is not None:
                self._client.close()
                self._client = None
            if self._cluster is not None:
                self._cluster.close()
                self._cluster = None
        finally:
            quiet.setLevel(level)


def make_executor(backend: str, workers: int, scheduler: str | None = None) -> Executor:
    """Return the executor for ``backend`` (``"local"`` or ``"dask"``)."""
    if backend == "local":
        if scheduler:
            raise ValueError("--scheduler needs --backend dask")
        return LocalExecutor(workers)
    if backend == "dask":
        return DaskExecutor(workers, scheduler)
    raise ValueError(f"unknown backend {backend!r}; known: local, dask")
