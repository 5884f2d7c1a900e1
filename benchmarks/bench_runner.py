"""Target 5 (issue 12): a 360-run quick-sized sweep end to end, 1 vs 2 workers, Dask vs the pool.

Runs ``socsim sweep experiments/quick.toml --set sweep.replications=40`` (5,000 people,
60 days, 9 design points × 40 = 360 runs, chunks of 20) as a user would: a fresh
process each time, so start-up (imports, the fork server or LocalCluster, loading the
compiled kernels), the runs, writing the parts and the merge are all in the wall time.
The three engines alternate ``ROUNDS`` times; each figure is the best of its rounds.
The local pool's fork server warms a miniature of the sweep's scenario before forking;
Dask workers do the same in a worker preload (``simulation.runner.dask_preload``).

Targets: 2 workers ≥ 1.7× one worker; Dask LocalCluster ≥ 0.8× the local pool (within
20 %). Writes ``results/runner.json``.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.record import show, target, write

ROOT = Path(__file__).resolve().parents[1]
REPLICATIONS = int(os.environ.get("SOCSIM_BENCH_RUNNER_REPS", "40"))
CHUNK = int(os.environ.get("SOCSIM_BENCH_RUNNER_CHUNK", "20"))
ROUNDS = int(os.environ.get("SOCSIM_BENCH_RUNNER_ROUNDS", "2"))
ENGINES = [("local, 1 worker (in-process)", "local", 1), ("local pool, 2 workers", "local", 2),
           ("dask LocalCluster, 2 workers", "dask", 2)]


def sweep_wall(backend: str, workers: int) -> float:
    """Wall seconds of one ``socsim sweep`` of the benchmark experiment in a fresh process."""
    out = Path(tempfile.mkdtemp(prefix="socsim-bench-runner-")) / "out"
    cmd = [sys.executable, "-m", "simulation", "sweep", str(ROOT / "experiments" / "quick.toml"),
           "--set", f"sweep.replications={REPLICATIONS}", "--workers", str(workers), "--backend", backend,
           "--chunk-size", str(CHUNK), "--out", str(out), "--quiet"]
    try:
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        wall = time.perf_counter() - t0
    finally:
        shutil.rmtree(out.parent, ignore_errors=True)
    if proc.returncode != 0:
        raise RuntimeError(f"sweep failed ({backend}, {workers}):\n{proc.stderr[-3000:]}")
    return wall


def main() -> dict:
    """Measure, print the targets and write ``benchmarks/results/runner.json``."""
    runs = 9 * REPLICATIONS
    print(f"runner: quick.toml x {REPLICATIONS} replications = {runs} runs, chunks of {CHUNK}, "
          f"{ROUNDS} alternating rounds, fresh process per sweep")
    sweep_wall("local", 1)  # fill Numba's cache: measure running, not compiling
    walls: dict[str, list[float]] = {label: [] for label, _, _ in ENGINES}
    for _ in range(ROUNDS):
        for label, backend, workers in ENGINES:
            walls[label].append(sweep_wall(backend, workers))
            print(f"  {label:<30} {walls[label][-1]:6.2f} s", flush=True)
    best = {label: min(w) for label, w in walls.items()}
    one, pool, dask = (best[label] for label, _, _ in ENGINES)
    rows = [
        target(5, "sweep end to end: 2 workers / 1 worker (speed-up)", one / pool, "x", 1.7, ">="),
        target(5, "sweep end to end: Dask LocalCluster / local pool (speed)", pool / dask, "x", 0.8, ">="),
    ]
    show(rows)
    write("runner", {"experiment": "experiments/quick.toml", "replications": REPLICATIONS, "runs": runs,
                     "chunk_size": CHUNK, "rows": [{"engine": label, "backend": b, "workers": w, "wall_s": walls[label],
                                                    "end_to_end_runs_per_s": runs / best[label]}
                                                   for label, b, w in ENGINES],
                     "targets": rows})
    return {"targets": rows}


if __name__ == "__main__":
    main()
