"""Runner throughput on quick.toml-sized runs: 1 vs 2 local workers, Dask LocalCluster vs local pool.

Runs ``experiments/quick.toml`` (5,000 people, 60 days, 9 design points) with more
replications, through ``run_experiment`` exactly as ``socsim sweep`` does, and reports
for each engine:

* ``end_to_end_runs_per_s``: all runs / wall time of the whole sweep (worker start-up,
  merge and writing included);
* ``steady_runs_per_s``: runs finished after every worker has returned its first chunk,
  divided by the time since then (start-up and JIT-cache loading left out).

Targets (issue 5): 2 workers >= 1.8x one worker, Dask LocalCluster within 15 % of the
local pool, both on steady throughput. Writes ``benchmarks/results/runner.json``.
"""
from __future__ import annotations

import json
import os
import platform
import shutil
import tempfile
import time
from pathlib import Path

from simulation.config.experiment import load_experiment
from simulation.runner.executors import DaskExecutor, Executor, LocalExecutor
from simulation.runner.sweep import run_experiment

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "runner.json"
REPLICATIONS = int(os.environ.get("SOCSIM_BENCH_RUNNER_REPS", "40"))
CHUNK = int(os.environ.get("SOCSIM_BENCH_RUNNER_CHUNK", "20"))


class Timed(Executor):
    """Wraps an executor and records when each chunk's result arrives."""

    def __init__(self, inner: Executor):
        super().__init__(inner.workers)
        self.inner, self.name = inner, inner.name
        self.arrivals: list[tuple[float, int]] = []

    @property
    def shares_machine(self) -> bool:
        return self.inner.shares_machine

    def map_unordered(self, fn, items):
        self.start = time.perf_counter()
        for result in self.inner.map_unordered(fn, items):
            self.arrivals.append((time.perf_counter(), len(result.run_ids)))
            yield result

    def close(self) -> None:
        self.inner.close()


def measure(exp, make: callable, label: str, workers: int) -> dict:
    """Run the sweep once on a fresh executor; return its timings."""
    out = Path(tempfile.mkdtemp(prefix="socsim-bench-")) / "out"
    timed = Timed(make())
    t0 = time.perf_counter()
    try:
        run_experiment(exp, out, executor=timed, chunk_size=CHUNK, progress=False)
    finally:
        timed.close()
        shutil.rmtree(out.parent, ignore_errors=True)
    wall = time.perf_counter() - t0
    warm_t, _ = timed.arrivals[min(workers, len(timed.arrivals)) - 1]
    after = sum(n for t, n in timed.arrivals if t > warm_t)
    t_end = timed.arrivals[-1][0]
    row = {
        "engine": label,
        "workers": workers,
        "runs": exp.n_runs,
        "wall_s": round(wall, 3),
        "end_to_end_runs_per_s": round(exp.n_runs / wall, 2),
        "steady_runs_per_s": round(after / (t_end - warm_t), 2) if t_end > warm_t else None,
    }
    print(f"  {label:<28} {row['wall_s']:7.2f} s  end-to-end {row['end_to_end_runs_per_s']:7.2f} runs/s"
          f"  steady {row['steady_runs_per_s']} runs/s", flush=True)
    return row


def main() -> dict:
    """Measure and write ``benchmarks/results/runner.json``."""
    exp = load_experiment(ROOT / "experiments" / "quick.toml", [f"sweep.replications={REPLICATIONS}"])
    print(f"runner: quick.toml x {REPLICATIONS} replications = {exp.n_runs} runs, chunks of {CHUNK}")
    # Warm the Numba cache of this process so the in-process run measures running, not compiling.
    warm = load_experiment(ROOT / "experiments" / "quick.toml", ["sweep.replications=1"])
    tmp = Path(tempfile.mkdtemp(prefix="socsim-bench-"))
    run_experiment(warm, tmp / "warm", workers=1, progress=False)
    shutil.rmtree(tmp, ignore_errors=True)

    rows = [
        measure(exp, lambda: LocalExecutor(1), "local, 1 worker (in-process)", 1),
        measure(exp, lambda: LocalExecutor(2), "local pool, 2 workers", 2),
        measure(exp, lambda: DaskExecutor(2), "dask LocalCluster, 2 workers", 2),
    ]
    one, two, dask = rows

    def ratio(a, b, key):
        return round(a[key] / b[key], 3) if a[key] and b[key] else None

    result = {
        "benchmark": "runner",
        "experiment": "experiments/quick.toml",
        "replications": REPLICATIONS,
        "chunk_size": CHUNK,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                    "load_average_1min_at_end": round(os.getloadavg()[0], 2)},
        "rows": rows,
        "speedup_2_vs_1_steady": ratio(two, one, "steady_runs_per_s"),
        "speedup_2_vs_1_end_to_end": ratio(two, one, "end_to_end_runs_per_s"),
        "dask_vs_local_pool_steady": ratio(dask, two, "steady_runs_per_s"),
        "dask_vs_local_pool_end_to_end": ratio(dask, two, "end_to_end_runs_per_s"),
        "targets": {"speedup_2_vs_1": 1.8, "dask_vs_local_pool_min": 0.85},
    }
    print(f"  2 workers vs 1: steady x{result['speedup_2_vs_1_steady']}, "
          f"end-to-end x{result['speedup_2_vs_1_end_to_end']} (target 1.8)")
    print(f"  dask vs local pool: steady x{result['dask_vs_local_pool_steady']}, "
          f"end-to-end x{result['dask_vs_local_pool_end_to_end']} (target >= 0.85)")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    return result


if __name__ == "__main__":
    main()
